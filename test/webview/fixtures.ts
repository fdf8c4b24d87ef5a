// In-memory ProfileModels for the webview tests (timeline columns as plain arrays; harness.postModel makes them typed).
export const HOSTILE = '<img src=x onerror=window.__pwned=1>';

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function synthTimeline(n: number, seed = 1): Record<string, unknown> {
  const lanes = [
    { id: 'tensor-matrix', label: 'TensorMatrix', group: 'engine' },
    { id: 'tensor', label: 'Tensor', group: 'engine' },
    { id: 'vector', label: 'Vector', group: 'engine' },
    { id: 'scalar', label: 'Scalar', group: 'engine' },
    { id: 'gpsimd', label: 'GpSimd', group: 'engine' },
    { id: 'sync', label: 'Sync', group: 'engine' },
    { id: 'qSyncIO0', label: 'qSyncIO0', group: 'dma' },
    { id: 'qVectorSpillReload0', label: 'qVectorSpillReload0', group: 'dma' },
    { id: 'cc', label: 'CC-core 0', group: 'collective' },
  ];
  const names = ['MATMUL', 'LDWEIGHTS', 'TENSOR_TENSOR', 'ACTIVATE', 'REDUCE', 'EVENT_SEMAPHORE', 'DMA_DIRECT2D', 'AllReduce', HOSTILE];
  const r = rng(seed);
  const start: number[] = [];
  const duration: number[] = [];
  const lane: number[] = [];
  const nameIndex: number[] = [];
  const t = new Array(lanes.length).fill(0);
  for (let i = 0; i < n; i++) {
    const l = Math.floor(r() * lanes.length);
    t[l] += Math.floor(r() * 200);
    const d = 20 + Math.floor(r() * 300);
    start.push(t[l]);
    duration.push(d);
    lane.push(l);
    nameIndex.push(l === 8 && r() < 0.5 ? 8 : Math.min(names.length - 2, l));
    t[l] += d;
  }
  return { lanes, start, duration, lane, nameIndex, names, totalEvents: n };
}

export function sampleModel(opts: { timelineEvents?: number } = {}): Record<string, unknown> {
  return {
    format: 'parquet',
    source: '/work/profiles/llama-step',
    formatVersion: '7.4.0',
    totalTimeNs: 213_808_050,
    activeTimePercent: 97.4,
    mfuPercent: 41.2,
    hfuPercent: 52.9,
    mbuPercent: 63.5,
    arithmeticIntensity: 15.81,
    engines: [
      { name: 'tensor', activeTimePercent: 89.5, instructionCount: 21000, activeTimeNs: 191_000_000 },
      { name: 'vector', activeTimePercent: 64.5, instructionCount: 403039 },
      { name: 'scalar', activeTimePercent: 3.7, instructionCount: 1200 },
      { name: 'gpsimd', activeTimePercent: 0.01, instructionCount: 12 },
      { name: 'sync', activeTimePercent: null, instructionCount: 52223 },
    ],
    hbm: { readBytes: 6_582_249_472, writeBytes: 1_835_008 },
    sbuf: { readBytes: 12_000_000_000, writeBytes: 9_000_000_000 },
    dma: { bytes: 3_288_352_768, transfers: 18935, queues: [
      { name: 'qSyncIO0', bytes: 2_000_000_000, timeNs: 50_000_000 },
      { name: 'qVectorSpillReload0', bytes: 900_000_000, timeNs: 20_000_000 },
      { name: 'qScalarSpillReload0-Q1-E64', bytes: 388_352_768, timeNs: null },
    ] },
    collectives: [
      { name: 'AllReduce', count: 48, timeNs: 12_500_000, bytes: 805_306_368 },
      { name: 'AllGather', count: 12, timeNs: 3_100_000, bytes: null },
    ],
    opcodes: [
      { name: 'MATMUL', count: 18000, timeNs: 150_000_000, engine: 'tensor' },
      { name: 'LDWEIGHTS', count: 3000, timeNs: 30_000_000, engine: 'tensor' },
      { name: 'TENSOR_TENSOR', count: 200000, timeNs: 90_000_000 },
      { name: 'ACTIVATE', count: 1200, timeNs: 7_000_000 },
    ],
    topOps: [
      { name: 'dot.42', timeNs: 90_000_000, percent: 42.1, count: 96, kind: 'hlo', source: { file: 'model/llama.py', line: 118 } },
      { name: 'fusion.7', timeNs: 31_000_000, percent: 14.5, count: 48, kind: 'hlo', source: null },
      { name: HOSTILE, timeNs: 5_000_000, percent: 2.3, count: 1, kind: 'hlo', source: { file: HOSTILE, line: 1 } },
      { name: 'add.3', timeNs: 1_000, percent: 0.001, count: 4000, kind: 'hlo' },
      { name: 'all-reduce.1', timeNs: 12_500_000, percent: 5.8, count: 48, kind: 'hlo' },
    ],
    frameworkOps: [
      { name: 'LlamaAttention.forward', timeNs: 70_000_000, percent: 60, count: 32, source: { file: 'model/llama.py', line: 240 } },
      { name: 'LlamaMLP.forward', timeNs: 40_000_000, percent: 34, count: 32 },
    ],
    insights: [
      { id: 'small-dma', severity: 'warning', message: '38 % of DMA transfers are smaller than 512 B; batch them.' },
      { id: 'mfu', severity: 'info', message: 'MFU is 41 %; matmuls are well fed.' },
      { id: 'spill', severity: 'error', message: `Spill-reload is 31 % of HBM reads (${HOSTILE}).` },
    ],
    warnings: ['Instruction.parquet was capped at 1,000,000 events.', HOSTILE],
    metadata: { instance_type: 'trn1.32xlarge', neuroncore_idx: 0, compiler_version: '2.24.5133.0+58f8de22', runtime_version: '2.31.24 (0b044)', explorer_version: '2.33.1', note: HOSTILE },
    fields: [
      { table: 'Summary', field: 'total_time', description: 'Total wall-clock time of the execution', unit: 's' },
      { table: 'Summary', field: 'mfu_estimated_percent', description: 'Model FLOPs utilisation estimate', unit: 'fraction' },
      { table: 'Summary', field: 'hbm_read_bytes', description: 'Bytes read from HBM', unit: 'bytes' },
    ],
    sectionsRead: ['Summary', 'Instruction', 'DmaPacketAggregated'],
    timeline: synthTimeline(opts.timelineEvents ?? 5000),
  };
}
