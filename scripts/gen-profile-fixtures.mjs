#!/usr/bin/env node
// Generates schema-faithful Neuron profile fixtures for the profile readers' tests, samples and bench.
//
//   node scripts/gen-profile-fixtures.mjs                 small fixtures → test/fixtures/profiles/ and samples/profiles/
//   node scripts/gen-profile-fixtures.mjs --big <dir>     big inputs for tests/bench (see flags below) into <dir>
//       --what parquet,legacy        which big inputs (default both)
//       --instructions 1000000       Parquet Instruction rows (split into Instruction_<n>.parquet of 250k)
//       --legacy-instructions 250000 legacy JSON instruction records
//       --legacy-bytes 1000000000    legacy JSON target size: DMA records are added until it is reached
//   node scripts/gen-profile-fixtures.mjs --schema-module regenerate src/core/profile/schema/parquetSchemaData.ts
//
// Every Parquet table is written with ALL the fields of the Neuron Explorer schema 7.4.0
// (src/core/profile/schema/parquet-schema-7.4.0.tsv, copied from the published schema reference),
// with the schema's types (int64 → INT64, int32 → INT32, float → DOUBLE, boolean, string, list<int64>).
// Summary counters are computed from the generated instructions so the goldens can be checked by hand.
// Real counter values (inf2, profiler 2.28.23; pantheongpu/pantheonneuron probe) are used for the
// summary-json/-text fixtures. Some names are hostile on purpose (`<img src=x onerror=alert(1)>`,
// `</script>`) so the webview's escaping can be tested. Output is deterministic (seeded PRNG).
import { mkdirSync, writeFileSync, readFileSync, createWriteStream, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { once } from 'node:events';
import { parquetWriteBuffer } from 'hyparquet-writer';

const root = new URL('..', import.meta.url).pathname;
const SCHEMA_TSV = join(root, 'src/core/profile/schema/parquet-schema-7.4.0.tsv');
const FIX = join(root, 'test/fixtures/profiles');
const SAMPLES = join(root, 'samples/profiles');

// ---------- schema ----------
const schemaRows = readFileSync(SCHEMA_TSV, 'utf8').split('\n').slice(1).filter((l) => l.trim()).map((l) => {
  const [table, field, type, unit, required, example] = l.split('\t');
  return { table, field, type, unit: unit || null, required: required === 'Yes', example: example || null };
});
const fieldsOf = (table) => schemaRows.filter((r) => r.table === table);

function parquetKind(type) {
  if (type.startsWith('array of')) return 'LIST_INT64';
  if (type.includes('int64')) return 'INT64';
  if (type.includes('int32')) return 'INT32';
  if (type.startsWith('number')) return 'DOUBLE';
  if (type.startsWith('boolean')) return 'BOOLEAN';
  return 'STRING';
}

// ---------- deterministic PRNG ----------
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------- Parquet writing ----------
/** Write one table. `cols` maps field → array of values (numbers for ints; converted here). Missing fields get defaults. */
function writeTable(path, table, cols, nRows, { rowGroupSize = 100_000 } = {}) {
  const columnData = [];
  const schema = [{ name: 'root', num_children: 0 }];
  for (const f of fieldsOf(table)) {
    const kind = parquetKind(f.type);
    let data = cols[f.field];
    if (!data) data = defaultColumn(f, kind, nRows);
    if (kind === 'INT64') data = Array.from(data, (v) => (v === null || v === undefined ? null : BigInt(Math.round(Number(v)))));
    if (kind === 'LIST_INT64') data = Array.from(data, (v) => (v == null ? null : v.map((x) => BigInt(x))));
    // Schema-required fields are REQUIRED columns (no definition levels), as in Explorer's output [G].
    const rep = f.required && !data.some((v) => v === null || v === undefined) ? 'REQUIRED' : 'OPTIONAL';
    if (kind === 'LIST_INT64') {
      schema.push({ name: f.field, repetition_type: rep, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'INT64', repetition_type: 'OPTIONAL' });
    } else {
      const el = { name: f.field, repetition_type: rep };
      if (kind === 'STRING') Object.assign(el, { type: 'BYTE_ARRAY', converted_type: 'UTF8' });
      else el.type = kind;
      schema.push(el);
    }
    columnData.push({ name: f.field, data, nullable: rep === 'OPTIONAL' });
    schema[0].num_children++;
  }
  const buf = parquetWriteBuffer({ columnData, schema, rowGroupSize, statistics: false,
    kvMetadata: [{ key: 'neuron.profile_schema_version', value: '7.4.0' }], createdBy: 'neuron-lens gen-profile-fixtures' });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.from(buf));
  return buf.byteLength;
}

function defaultColumn(f, kind, n) {
  const ex = f.example;
  let v = null;
  if (kind === 'STRING') v = ex && ex !== 'TODO' ? ex : f.required ? '' : null;
  else if (kind === 'BOOLEAN') v = ex ? ex === 'true' : f.required ? false : null;
  else if (kind === 'LIST_INT64') v = ex ? JSON.parse(ex) : f.required ? [] : null;
  else v = ex && !Number.isNaN(Number(ex)) ? Number(ex) : f.required ? 0 : null;
  return new Array(n).fill(v);
}

// ---------- the synthetic device profile ----------
const ORIGIN = 10_261_880_000; // device clock ns (value style from the official example)
const HOSTILE_HLO = '<img src=x onerror=alert(1)>';
const HOSTILE_SCRIPT = '</script><script>alert(2)</script>';

/**
 * Instructions, round-robin over a fixed program so hand-checking is easy:
 * every "step" issues on each engine in sequence without overlap within an engine.
 */
const PROGRAM = [
  { engine: 'Tensor', track: 'Tensor', opcode: 'LDWEIGHTS', dur: 74, hlo: 'dot.1' },
  { engine: 'Tensor', track: 'TensorMatrix', opcode: 'MATMUL', dur: 148, hlo: 'dot.1' },
  { engine: 'Vector', track: 'Vector', opcode: 'TENSOR_TENSOR', dur: 96, hlo: 'add.2' },
  { engine: 'Scalar', track: 'Scalar', opcode: 'ACTIVATE', dur: 60, hlo: 'exp.3' },
  { engine: 'GpSimd', track: 'GpSimd', opcode: 'IOTA', dur: 40, hlo: HOSTILE_HLO },
  { engine: 'Sync', track: 'Sync', opcode: 'EVENT_SEMAPHORE', dur: 20, hlo: HOSTILE_SCRIPT },
];
const STEP_NS = 200; // one program step every 200 ns

function genInstructions(n, seed = 1) {
  const r = rng(seed);
  const rows = { start_ts: new Float64Array(n), end_ts: new Float64Array(n), duration_ns: new Float64Array(n), engine: new Array(n),
    timeline_track: new Array(n), opcode: new Array(n), hlo_name: new Array(n), layer: new Array(n), evt_wait_time_ns: new Float64Array(n),
    id: new Float64Array(n), pc: new Float64Array(n), operands: new Array(n), stack_frame_ids: new Array(n), nki_source_location: new Array(n),
    bir_id: new Array(n), penguin_id: new Array(n), hbm_read_bytes: new Float64Array(n), hbm_write_bytes: new Float64Array(n) };
  const lastEnd = new Map();
  for (let i = 0; i < n; i++) {
    const p = PROGRAM[i % PROGRAM.length];
    const step = Math.floor(i / PROGRAM.length);
    // start within the step, never before the engine's previous end (no overlap per engine)
    let s = ORIGIN + step * STEP_NS + (i % PROGRAM.length) * 4;
    const prev = lastEnd.get(p.engine) ?? 0;
    if (s < prev) s = prev;
    const d = p.dur;
    lastEnd.set(p.engine, s + d);
    rows.start_ts[i] = s; rows.end_ts[i] = s + d; rows.duration_ns[i] = d;
    rows.engine[i] = p.engine; rows.timeline_track[i] = p.track; rows.opcode[i] = p.opcode; rows.hlo_name[i] = p.hlo;
    rows.layer[i] = p.hlo === 'dot.1' ? 'model/attention/q_proj' : p.hlo === 'add.2' ? 'model/mlp/add' : p.hlo === 'exp.3' ? 'model/mlp/act' : 'model/<b>hostile</b>';
    rows.evt_wait_time_ns[i] = (i % 10 === 0) ? 10 : 0;
    rows.id[i] = i; rows.pc[i] = 0x1000 + i * 4;
    rows.operands[i] = `S[5] (${p.engine})++@complete acc_flags=3 row_grp=q0 src=fp16@0x${(0x5600 + i).toString(16)}[1,0,0][3,1,1] dst=0x2000000[1,0,0][3,1,1] 3*128`;
    rows.stack_frame_ids[i] = p.hlo === 'dot.1' ? '[101, 102]' : p.hlo === 'add.2' ? '[103]' : '[]';
    rows.nki_source_location[i] = '';
    rows.bir_id[i] = `sg0000:${218805 + i}`; rows.penguin_id[i] = `sg0000:${83 + (i % 50)}`;
    rows.hbm_read_bytes[i] = p.opcode === 'LDWEIGHTS' ? 16384 : 0;
    rows.hbm_write_bytes[i] = p.opcode === 'TENSOR_TENSOR' ? 512 : 0;
    if (r() < 0) break; // keep r used (deterministic hook for future jitter)
  }
  return rows;
}

/** Aggregate the generated instructions the way Neuron's Summary does (times s, percents 0–1). */
function summarize(ins, n, dmaRows, ccRows) {
  let min = Infinity, max = -Infinity;
  const eng = {};
  for (let i = 0; i < n; i++) {
    min = Math.min(min, ins.start_ts[i]); max = Math.max(max, ins.end_ts[i]);
    const e = ins.engine[i].toLowerCase();
    eng[e] ??= { count: 0, time: 0 };
    eng[e].count++; eng[e].time += ins.duration_ns[i];
  }
  for (const d of dmaRows) { min = Math.min(min, d.start_ts); max = Math.max(max, d.end_ts); }
  for (const c of ccRows) { min = Math.min(min, c.start_ts); max = Math.max(max, c.end_ts); }
  const total = max - min; // ns
  const s = {
    total_time: total / 1e9, total_exec_time: total / 1e9,
    neuroncore_cycle_count: Math.round(total * 1.4), model_flops: 67108864, hardware_flops: 136380416, transpose_flops: 2162688,
    adjusted_hardware_flops: 136380416, adjusted_transpose_flops: 2162688,
    mm_arithmetic_intensity: 15.814671814671815, peak_flops_bandwidth_ratio: 223.78146341463415,
    mfu_estimated_percent: 0.004885633591650872, mfu_max_achievable_estimated_percent: 0.03533507997793712,
    mfu_hlo_estimated_percent: 0.004885633591650872, mfu_hlo_max_achievable_estimated_percent: 0.03533507997793712,
    mfu_inst_estimated_percent: 0.009771267183301744, mfu_inst_max_achievable_estimated_percent: 0.07067015995587424,
    hfu_estimated_percent: 0.009928714238395054, mbu_estimated_percent: 0.13826581387961806, mbu_min_read_util_percent: 0.13799889145900102,
    hbm_read_bytes: 0, hbm_write_bytes: 0, sbuf_read_bytes: 573952, sbuf_write_bytes: 8475776,
    psum_read_bytes: 5248, psum_write_bytes: 24832, spill_save_bytes: 0, spill_reload_bytes: 0,
    matmul_instruction_count: eng.tensor ? eng.tensor.count / 2 : 0,
    dma_transfer_count: dmaRows.length, dma_transfer_total_bytes: dmaRows.reduce((a, d) => a + d.transfer_bytes, 0),
    dma_queue_count: new Set(dmaRows.map((d) => d.queue_name)).size,
    cc_op_count: ccRows.length, cc_op_time: ccRows.reduce((a, c) => a + c.duration_ns, 0) / 1e9,
    trace_count: n + dmaRows.length, event_count: n,
  };
  s.dma_transfer_average_bytes = dmaRows.length ? s.dma_transfer_total_bytes / dmaRows.length : 0;
  for (let i = 0; i < n; i++) { s.hbm_read_bytes += ins.hbm_read_bytes[i]; s.hbm_write_bytes += ins.hbm_write_bytes[i]; }
  let active = 0;
  for (const e of ['tensor', 'vector', 'scalar', 'gpsimd', 'sync']) {
    const a = eng[e] ?? { count: 0, time: 0 };
    s[`${e}_engine_instruction_count`] = a.count;
    s[`${e}_engine_instruction_time`] = a.time / 1e9;
    // No overlap within an engine in this generator, so busy time == summed time.
    s[`${e}_engine_active_time`] = a.time / 1e9;
    s[`${e}_engine_active_time_percent`] = total ? a.time / total : 0;
    active = Math.max(active, a.time);
  }
  s.total_active_time = Math.min(total, active + (eng.sync?.time ?? 0)) / 1e9;
  s.total_active_time_percent = total ? s.total_active_time / s.total_time : 0;
  s.activate_instruction_count = eng.scalar?.count ?? 0;
  return s;
}

function genDma(n, seed = 2, firstTs = ORIGIN, spanNs = 1_000_000) {
  const r = rng(seed);
  const queues = ['qSyncIO0', 'qScalarSpillReload0-Q1-E64', 'qGpSimdDynamic', 'qVectorSpillReload0'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const q = queues[i % queues.length];
    const start = firstTs + Math.floor((i / n) * spanNs) + Math.floor(r() * 10);
    const bytes = [65536, 2048, 512, 4096][i % 4];
    const dur = Math.max(8, Math.round(bytes / 64));
    out.push({ start_ts: start, end_ts: start + dur, duration_ns: dur, id: i, queue_name: q, queue_idx: i % queues.length,
      transfer_bytes: bytes, read_bytes: bytes, write_bytes: bytes, throughput: bytes / (dur / 1e9),
      variable: i % 7 === 0 ? HOSTILE_HLO : `input_tensor_${i % 3}`, op: i % 2 ? 'write' : 'read', block_id: i % 16 });
  }
  return out;
}

function genCc(firstTs) {
  return [
    { start_ts: firstTs + 5_000, duration_ns: 35_000, operation: 'AllReduce', input_size: 4194304, output_size: 4194304, stream_id: 0 },
    { start_ts: firstTs + 60_000, duration_ns: 12_000, operation: 'AllGather', input_size: 1048576, output_size: 4194304, stream_id: 0 },
    { start_ts: firstTs + 90_000, duration_ns: 30_000, operation: 'AllReduce', input_size: 4194304, output_size: 4194304, stream_id: 1 },
  ].map((c, i) => ({ ...c, end_ts: c.start_ts + c.duration_ns, algorithm: 'Ring', num_elements: c.input_size / 2, dtype: 'bf16', op_id: i,
    stream_index: i, trigger_engine: 'Pool', replica_group: '[[0, 1]]', replica_group_id: 0, trigger_start_ts: c.start_ts - 1200,
    cc_trigger_start_delay: 1200, algorithm_bandwidth: c.input_size / (c.duration_ns / 1e9), bus_bandwidth: c.input_size / (c.duration_ns / 1e9) }));
}

const cols = (rows, table) => {
  const out = {};
  for (const f of fieldsOf(table)) if (rows.length && f.field in rows[0]) out[f.field] = rows.map((r) => r[f.field]);
  return out;
};

const SCHEMA_DESCRIPTIONS = {
  'Summary.total_time': 'Total profiled time.',
  'Summary.mfu_estimated_percent': 'Estimated model FLOPs utilisation (fraction of peak, 0–1).',
  'Instruction.engine': 'Compute engine that executed this instruction.',
  'Instruction.opcode': 'Hardware opcode.',
  'Instruction.duration_ns': 'Instruction duration.',
  'DmaPacketAggregated.queue_name': 'DMA queue that carried the transfer.',
  'CcOp.operation': 'Collective operation.',
};
const TABLE_DESCRIPTIONS = {
  Summary: 'Aggregate metrics for the whole profile.', Metadata: 'Profile and hardware metadata.',
  Instruction: 'Instructions executed on NeuronCore compute engines.', OpcodeSummary: 'Instruction counts and times per engine and opcode.',
  DmaPacketAggregated: 'DMA transfers aggregated from packets.', CcOp: 'Collective communication operations.',
  HloInstruction: 'HLO operations with their time intervals.', FrameworkNode: 'Framework (PyTorch/JAX) module hierarchy.',
};

/** Write a full Parquet profile directory. */
function writeParquetProfile(dir, { instructions, splitRows = 250_000, dmaCount, rowGroupSize, withSchemaFields = true, withActiveTime = false }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ins = genInstructions(instructions);
  const lastEnd = ins.end_ts[instructions - 1];
  const dma = genDma(dmaCount, 2, ORIGIN, Math.max(1000, lastEnd - ORIGIN));
  const cc = genCc(ORIGIN);
  const summary = summarize(ins, instructions, dma, cc);
  let bytes = 0;
  bytes += writeTable(join(dir, 'Summary.parquet'), 'Summary', Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, [v]])), 1);
  bytes += writeTable(join(dir, 'Metadata.parquet'), 'Metadata', {
    profile_schema_version: ['7.4.0'], ntff_version: [6], num_physical_cores: [1], vnc_enabled: [false],
    first_hw_timestamp: [ORIGIN], last_hw_timestamp: [ORIGIN + Math.round(summary.total_time * 1e9)],
    first_ts: ['2026-08-26 10:00:00+00:00'], last_ts: ['2026-08-26 10:00:00+00:00'], instance_type: ['inf2.xlarge'],
    runtime_version: ['2.30.51'], collectives_version: ['2.30.59'], driver_version: ['2.26.0'], explorer_version: ['2.31.8'],
    compiler_version: ['2.23.6484.0'], neuroncore_idx: [0], neuron_device_idx: [0], profile_name: [`mlp ${HOSTILE_HLO}`],
    dma_ddr_bandwidth: [1.9e11], hbm_ddr_bandwidth: [8.2e11], tensor_engine_num_rows: [128], tensor_engine_num_cols: [128],
    tensor_engine_clock_freq: [1.4], neuroncore_clock_freq: [1.4], ticks_per_nanosec: [1], is_simulation: [false],
  }, 1);
  // Instruction split into _0, _1, … (Explorer splits big tables).
  const parts = Math.max(1, Math.ceil(instructions / splitRows));
  for (let p = 0; p < parts; p++) {
    const a = p * splitRows, b = Math.min(instructions, a + splitRows);
    const c = {};
    for (const [k, v] of Object.entries(ins)) c[k] = Array.prototype.slice.call(v, a, b);
    bytes += writeTable(join(dir, `Instruction_${p}.parquet`), 'Instruction', c, b - a, { rowGroupSize });
  }
  if (withActiveTime) {
    // ActiveTime: engine busy intervals, lower-case engine names (unlike Instruction.engine).
    const at = { start_ts: [], end_ts: [], engine: [], pcore_idx: [], duration_ns: [] };
    for (let i = 0; i < instructions; i++) {
      at.start_ts.push(ins.start_ts[i]); at.end_ts.push(ins.end_ts[i]); at.engine.push(ins.engine[i].toLowerCase());
      at.pcore_idx.push(0); at.duration_ns.push(ins.duration_ns[i]);
    }
    bytes += writeTable(join(dir, 'ActiveTime.parquet'), 'ActiveTime', at, instructions);
  }
  bytes += writeTable(join(dir, 'DmaPacketAggregated.parquet'), 'DmaPacketAggregated', cols(dma, 'DmaPacketAggregated'), dma.length, { rowGroupSize });
  bytes += writeTable(join(dir, 'CcOp.parquet'), 'CcOp', cols(cc, 'CcOp'), cc.length);
  // OpcodeSummary from the instructions.
  const oc = new Map();
  for (let i = 0; i < instructions; i++) {
    const k = `${ins.engine[i].toLowerCase()}|${ins.opcode[i]}`;
    const o = oc.get(k) ?? { engine: ins.engine[i].toLowerCase(), opcode: ins.opcode[i], instruction_count: 0, instruction_time_ns: 0 };
    o.instruction_count++; o.instruction_time_ns += ins.duration_ns[i];
    oc.set(k, o);
  }
  const totalNs = summary.total_time * 1e9;
  const ocRows = [...oc.values()].map((o) => ({ ...o, active_time_ns: o.instruction_time_ns, active_time_percent: o.instruction_time_ns / totalNs }));
  bytes += writeTable(join(dir, 'OpcodeSummary.parquet'), 'OpcodeSummary', cols(ocRows, 'OpcodeSummary'), ocRows.length);
  // HloInstruction: one row per HLO with the intervals of its instructions (first 3 shown, all summed into 1 interval here).
  const hlo = new Map();
  for (let i = 0; i < instructions; i++) {
    const h = hlo.get(ins.hlo_name[i]) ?? { hlo_name: ins.hlo_name[i], start_ts: Infinity, end_ts: 0, busy: 0 };
    h.start_ts = Math.min(h.start_ts, ins.start_ts[i]); h.end_ts = Math.max(h.end_ts, ins.end_ts[i]); h.busy += ins.duration_ns[i];
    hlo.set(ins.hlo_name[i], h);
  }
  const hloRows = [...hlo.values()].map((h, i) => ({ ...h, id: i, raw_bir_id: i, raw_penguin_id: i, raw_hlo_id: i, raw_framework_id: i,
    // one interval whose length is the busy time, so time_intervals sums to the instruction time
    time_intervals: `[[${h.start_ts}, ${h.start_ts + h.busy}]]`, element_count_per_interval: [1024], transpose_element_count_per_interval: [0],
    hbm_transfer_size_per_interval: [16384], hbm_read_bytes: 16384, hbm_write_bytes: 0 }));
  bytes += writeTable(join(dir, 'HloInstruction.parquet'), 'HloInstruction', cols(hloRows, 'HloInstruction'), hloRows.length);
  const fw = [
    { node_name: 'NeuronLlamaDecoderLayer', children_names: '[attention, mlp]', parent_name: '', children_ids: '[1, 2]', start_ts: ORIGIN, end_ts: ORIGIN + 100_000, time_intervals: `[[${ORIGIN}, ${ORIGIN + 100000}]]`, mfu: 0.5 },
    { node_name: 'attention', children_names: '[]', parent_name: 'NeuronLlamaDecoderLayer', children_ids: '[]', start_ts: ORIGIN, end_ts: ORIGIN + 60_000, time_intervals: `[[${ORIGIN}, ${ORIGIN + 40000}], [${ORIGIN + 50000}, ${ORIGIN + 60000}]]`, mfu: 0.8 },
    { node_name: 'mlp', children_names: '[]', parent_name: 'NeuronLlamaDecoderLayer', children_ids: '[]', start_ts: ORIGIN + 60_000, end_ts: ORIGIN + 90_000, time_intervals: `[[${ORIGIN + 60000}, ${ORIGIN + 90000}]]`, mfu: 0.3 },
    { node_name: HOSTILE_SCRIPT, children_names: '[]', parent_name: 'NeuronLlamaDecoderLayer', children_ids: '[]', start_ts: ORIGIN + 90_000, end_ts: ORIGIN + 95_000, time_intervals: `[[${ORIGIN + 90000}, ${ORIGIN + 95000}]]`, mfu: 0.1 },
  ];
  bytes += writeTable(join(dir, 'FrameworkNode.parquet'), 'FrameworkNode', cols(fw, 'FrameworkNode'), fw.length);
  // Stack frames: 101 → torch internals, 102 → model.py:42, 103 → model.py:57
  bytes += writeTable(join(dir, 'StackFrame.parquet'), 'StackFrame', { id: ['101', '102', '103'], file_location_id: [1, 2, 3], parent_frame_id: ['', '101', ''] }, 3);
  bytes += writeTable(join(dir, 'StackFrameFileLocation.parquet'), 'StackFrameFileLocation', { id: ['1', '2', '3'], file_name_id: [1, 2, 2], function_name_id: [1, 2, 3], line_number: [1520, 42, 57] }, 3);
  bytes += writeTable(join(dir, 'StackFrameFileName.parquet'), 'StackFrameFileName', { id: ['1', '2'], name: ['/usr/lib/python3.10/site-packages/torch/nn/modules/module.py', 'model.py'] }, 2);
  bytes += writeTable(join(dir, 'StackFrameFunctionName.parquet'), 'StackFrameFunctionName', { id: ['1', '2', '3'], name: ['_call_impl', 'forward', 'mlp'] }, 3);
  if (withSchemaFields) {
    const tables = ['Summary', 'Metadata', 'Instruction', 'OpcodeSummary', 'DmaPacketAggregated', 'CcOp', 'HloInstruction', 'FrameworkNode'];
    const rows = schemaRows.filter((r) => tables.includes(r.table)).map((r) => ({
      table_name: r.table, table_description: TABLE_DESCRIPTIONS[r.table] ?? '', field_name: r.field,
      field_description: SCHEMA_DESCRIPTIONS[`${r.table}.${r.field}`] ?? `${r.field.replace(/_/g, ' ')} (${r.type})`,
      field_example: r.example, field_type: r.type.split(' ')[0], field_required: r.required, field_format: (/\((\w+)\)/.exec(r.type) ?? [])[1] ?? null,
      field_unit: r.unit, field_minimum: null, field_maximum: null, field_enum_values: null,
    }));
    bytes += writeTable(join(dir, 'SchemaFields.parquet'), 'SchemaFields', cols(rows, 'SchemaFields'), rows.length);
  }
  return { bytes, summary };
}

// ---------- real counters (inf2, profiler 2.28.23) ----------
const REAL_INF2 = {
  throttle_active_nc0_time_ns: 774, throttle_activity_0_active_time_nc0_percent: 0.005170513377200307,
  throttle_activity_0_avg_util_limit_nc0_percent: 0.875, throttle_avg_util_limit_nc0_percent: 0.03599485620762216,
  throttle_unknown_active_time_nc0_percent: 0.03147065700257189, throttle_unknown_avg_util_limit_nc0_percent: 1,
  neuroncore_cycle_count: 209594, dma_active_cycles: 66875, model_flops: 67108864, hardware_flops: 136380416, transpose_flops: 2162688,
  mfu_estimated_percent: 0.004885633591650872, mfu_hlo_estimated_percent: 0.004885633591650872,
  mfu_hlo_max_achievable_estimated_percent: 0.03533507997793712, mfu_inst_estimated_percent: 0.009771267183301744,
  mfu_inst_max_achievable_estimated_percent: 0.07067015995587424, mfu_max_achievable_estimated_percent: 0.03533507997793712,
  hfu_estimated_percent: 0.009928714238395054, mbu_estimated_percent: 0.13826581387961806, mbu_min_read_util_percent: 0.13799889145900102,
  mm_arithmetic_intensity: 15.814671814671815, peak_flops_bandwidth_ratio: 223.78146341463415,
  tensor_engine_instruction_count: 2137, tensor_engine_active_time_percent: 0.8950715775140718,
  tensor_engine_instruction_time: 0.000476974459, tensor_engine_active_time: 0.000134001233,
  scalar_engine_instruction_count: 57, scalar_engine_active_time_percent: 0.04667188230317833,
  vector_engine_instruction_count: 53, vector_engine_active_time_percent: 0.04640481276894692,
  gpsimd_engine_instruction_count: 27, gpsimd_engine_active_time_percent: 0.008349244364482485,
  sync_engine_instruction_count: 37, sync_engine_active_time_percent: 0.015691782934448468,
  matmul_instruction_count: 1056, activate_instruction_count: 35, cc_cores_instruction_count: 0, cc_op_count: 0,
  hbm_read_bytes: 8470528, hbm_write_bytes: 16384, sbuf_read_bytes: 573952, sbuf_write_bytes: 8475776,
  psum_read_bytes: 5248, psum_write_bytes: 24832, psum_read_sbuf_write_bytes: 5248, psum_read_sbuf_write_count: 67,
  spill_save_bytes: 0, spill_reload_bytes: 0, weight_queue_bytes: 8454144, dma_queue_count: 50, dma_transfer_count: 19,
  dma_transfer_average_bytes: 446679.58, dma_transfer_total_bytes: 8486912, total_time: 0.000149710075,
  total_active_time: 0.00014409027, total_active_time_percent: 0.9624620787879505, event_count: 1162, trace_count: 5875,
  compiler_version: '2.23.6484.0', runtime_version: '2.30.51', driver_version: '2.26.0', collectives_version: '2.30.59',
  profiler_version: '2.28.23.0',
};
const HASH_KEY = 'n_7cf2c3ef9a1d4b5e8f00112233445566778899aa';

function writeSmall() {
  // Only the generated sub-directories are replaced; golden/ (reviewed outputs) is never touched.
  for (const d of ['summary-json', 'summary-text', 'parquet', 'legacy-json', 'chrome-trace', 'system-profile', 'neuron-monitor', 'ntff']) {
    rmSync(join(FIX, d), { recursive: true, force: true });
  }
  const w = (rel, text) => { const p = join(FIX, rel); mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, text); };

  // summary-json: klog lines first (the CLI prints them to stdout), one content-hash key.
  const klog = 'I0826 10:01:02.123456   2199 main.go:215] Reading NEFF file\nI0826 10:01:02.223456   2199 view.go:88] Processing NTFF session\n';
  w('summary-json/inf2-real.summary.json', `${klog}${JSON.stringify({ [HASH_KEY]: REAL_INF2 }, null, 2)}\n`);
  // A summary-json mislabelled as .txt, with two NC blocks.
  w('summary-json/two-nc-mislabelled.txt', JSON.stringify({ n_aaaa: { ...REAL_INF2, nc_idx: 0 }, n_bbbb: { ...REAL_INF2, nc_idx: 1, total_time: 0.0002 } }));
  // summary-text: alphabetical "key value" lines, one block per NC.
  const block = (extra) => Object.entries({ ...REAL_INF2, ...extra }).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k.padEnd(48)} ${v}`).join('\n');
  w('summary-text/inf2.summary.txt', `${block({ nc_idx: 0, nd_idx: 0 })}\n\n${block({ nc_idx: 1, nd_idx: 0, total_time: 0.000151 })}\n`);

  // Parquet: small, split Instruction table.
  const pq = writeParquetProfile(join(FIX, 'parquet/small@latest'), { instructions: 1200, splitRows: 600, dmaCount: 200, rowGroupSize: 250, withActiveTime: true });

  // Legacy JSON: summary array, instruction/dma/cc_ops/active_time/layer_summary/metadata, bare NaN, an unknown section.
  const ins = genInstructions(300);
  const dma = genDma(120, 3, ORIGIN, 20_000);
  const lines = [];
  lines.push('{"metadata": {"neff_name": "model.neff", "ntff_name": "profile.ntff", "profiler_version": "2.23.10.0", "instance_type": "trn1.2xlarge"},');
  const legacyCc = genCc(ORIGIN).slice(0, 2);
  const legacySummary = { ...summarize(ins, 300, dma, legacyCc), profiler_version: '2.23.10.0', dma_active_time_percent: 'NaN_MARKER' };
  lines.push(`"summary": [${JSON.stringify(legacySummary).replace('"NaN_MARKER"', 'NaN')}],`);
  lines.push('"instruction": [');
  for (let i = 0; i < 300; i++) {
    const rec = { timestamp: ins.start_ts[i], duration: ins.duration_ns[i], evt_wait_time: ins.evt_wait_time_ns[i], label: ins.timeline_track[i],
      subgroup: ins.engine[i], opcode: ins.opcode[i], hlo_name: ins.hlo_name[i] === 'dot.1' ? '%dot.1 = dot(%p0, %p1)' : ins.hlo_name[i],
      layer: ins.layer[i], nki_source_location: ins.hlo_name[i] === 'add.2' ? 'kernels/add.py:17' : '', operands: ins.operands[i], pc: ins.pc[i],
      hbm_read_bytes: i % 50 === 0 ? 'NaN_MARKER' : ins.hbm_read_bytes[i] };
    lines.push(`${JSON.stringify(rec).replace('"NaN_MARKER"', 'NaN')}${i < 299 ? ',' : ''}`);
  }
  lines.push('],');
  lines.push(`"dma": [${dma.map((d) => JSON.stringify({ timestamp: d.start_ts, duration: d.duration_ns, subgroup: d.queue_name, dma_queue: d.queue_name, transfer_size: d.transfer_bytes })).join(',\n')}],`);
  lines.push(`"cc_ops": [${legacyCc.map((c) => JSON.stringify({ timestamp: c.start_ts, duration: c.duration_ns, operation: c.operation, input_size: c.input_size, output_size: c.output_size, replica_group: c.replica_group, trigger_engine: 'Pool', cc_trigger_start_delay: 1200 })).join(',\n')}],`);
  lines.push('"active_time": [{"start_ts": 10261880000, "end_ts": 10261890000, "engine": "tensor"}, {"start_ts": 10261880000, "end_ts": 10261882000, "engine": "vector"}],');
  lines.push(`"layer_summary": [{"name": "model/attention", "start": 10261880000, "end": 10261890000}, {"name": ${JSON.stringify(HOSTILE_SCRIPT)}, "start": 10261890000, "end": 10261891000}],`);
  lines.push('"semaphores": [{"id": 1, "value": 2}]}');
  w('legacy-json/ntff.json', `${lines.join('\n')}\n`);

  // Chrome trace, PyTorch profiler style (trace.json, with_stack names, Neuron device rows, host gaps).
  const ev = [
    { ph: 'M', name: 'process_name', pid: 100, tid: 0, args: { name: 'python3 train.py' } },
    { ph: 'M', name: 'thread_name', pid: 100, tid: 1, args: { name: 'thread 1 (python)' } },
    { ph: 'M', name: 'process_name', pid: 'neuron', tid: 0, args: { name: 'NeuronCore 0' } },
  ];
  let t = 1_000_000; // µs
  for (let step = 0; step < 5; step++) {
    ev.push({ ph: 'X', cat: 'user_annotation', name: `ProfilerStep#${step}`, pid: 100, tid: 1, ts: t, dur: 1000 });
    ev.push({ ph: 'X', cat: 'cpu_op', name: 'aten::linear', pid: 100, tid: 1, ts: t + 10, dur: 300, args: { 'Input Dims': [[8, 512]] } });
    ev.push({ ph: 'X', cat: 'cpu_op', name: 'aten::relu', pid: 100, tid: 1, ts: t + 320, dur: 100 });
    ev.push({ ph: 'X', cat: 'python_function', name: 'train.py(83): forward', pid: 100, tid: 1, ts: t + 5, dur: 500 });
    ev.push({ ph: 'X', cat: 'cpu_op', name: HOSTILE_HLO, pid: 100, tid: 1, ts: t + 430, dur: 50 });
    ev.push({ ph: 'X', cat: 'cpu_op', name: 'aten::item', pid: 100, tid: 1, ts: t + 700, dur: 250 });
    // Device executes 200 µs per step: 20 % busy → host-bound
    ev.push({ ph: 'X', cat: 'kernel', name: 'NeuronDevice Execution', pid: 'neuron', tid: 'nc0', ts: t + 500, dur: 200 });
    t += 1000;
  }
  ev.push({ ph: 'B', name: 'xm.mark_step', pid: 100, tid: 1, ts: t, cat: 'cpu_op' }, { ph: 'E', pid: 100, tid: 1, ts: t + 40 });
  w('chrome-trace/trace.json', JSON.stringify({ schemaVersion: 1, deviceProperties: [], displayTimeUnit: 'ms', traceEvents: ev, traceName: 'trace.json' }, null, 1));

  // TensorBoard Neuron plugin neuron_trace.json (bare-ish, plane names as pid).
  const plane = '/host:Neuron-runtime:profile//1a2b3c_1/model10001/node5/plugins/neuron/1729888371/neuron_op_timeline.json';
  const tb = [];
  for (let i = 0; i < 40; i++) {
    tb.push({ args: { hlo: i % 2 ? 'dot.1' : 'add.2' }, cat: 'Execution', dur: 2.5, name: i % 2 ? 'MATMUL' : 'TENSOR_TENSOR', ph: 'X', pid: plane, tid: 'NeuronCore 0 Tensor', ts: 10 + i * 3, tts: 0 });
  }
  tb.push({ args: {}, cat: 'Control', dur: 130, name: 'NeuronDevice Execution', ph: 'X', pid: plane, tid: 'Execution', ts: 8, tts: 0 });
  tb.push({ args: {}, cat: 'Host', dur: 5, name: 'StepMarker', ph: 'X', pid: '/host:CPU', tid: 'line#1', ts: 140, tts: 0 });
  w('chrome-trace/neuron_trace.json', JSON.stringify({ displayTimeUnit: 'ns', neuronStartTimestampNs: 1729888371000000000, traceEvents: tb }));

  // System profile (documented event examples; top-level layout is a guess).
  const sys = { trace_events: [], mem_usage: [], cpu_util: [] };
  let ts = 1729888371056597504; // epoch ns, exactly representable as a double (the docs example is …597613)
  for (let i = 0; i < 6; i++) {
    sys.trace_events.push({ Framework_Event: { duration: 3758079, group: 'framework-80375131', instance_id: 'i-0f207fb2a99bd2d08', name: i === 5 ? HOSTILE_HLO : 'PjitFunction(matmul_allgather)', process_id: '701', thread_id: 80375131, timestamp: ts, type: 99999 } });
    sys.trace_events.push({ Neuron_Runtime_API_Event: { duration: 27094, group: 'nrt-nc-000', id: i + 1, instance_id: 'i-0f207fb2a99bd2d08', lnc_idx: '0', name: 'nrt_tensor_write', parent_id: 0, process_id: '1627711', size: '4', tensor_id: '4900392441224765051', tensor_name: '_unknown_', thread_id: 1627711, timestamp: ts + 100000, type: 11 } });
    sys.trace_events.push({ Neuron_Hardware_Event: { duration: 1500000, group: 'nrt-nc-000', instance_id: 'i-0f207fb2a99bd2d08', lnc_idx: '0', name: 'nc_exec_running', process_id: '1627711', thread_id: 1627711, timestamp: ts + 200000, type: 20 } });
    sys.mem_usage.push({ duration: 1, instance_id: 'i-0f207fb2a99bd2d08', percent_usage: 9.728179797845964 + i, timestamp: ts, usage: 51805806592 + i * 1e8 });
    sys.cpu_util.push({ cpu_id: String(i % 2), duration: 1, instance_id: 'i-0f207fb2a99bd2d08', timestamp: ts, util: 2.3255813 * (i + 1) });
    ts += 4_000_000;
  }
  // JSON.stringify cannot print >2^53 integers exactly; write epoch-ns as the tools do (bare integers).
  w('system-profile/system_profile.json', JSON.stringify(sys, null, 1));

  // neuron-monitor NDJSON (values from a real inf2 capture; 5 periods).
  const rep = (u0, done, err = 0) => ({
    neuron_runtime_data: [{ pid: 2199, address: '', neuron_runtime_tag: '2199', error: '', report: {
      neuroncore_counters: { period: 1.000665759, error: '', neuroncores_in_use: { 0: { neuroncore_utilization: u0, effective_flops: 875590474948 }, 1: { neuroncore_utilization: 0, effective_flops: 0 } } },
      execution_stats: { period: 1.0006, error: '', error_summary: { generic: 0, numerical: 0, transient: 0, model: 0, runtime: 0, hardware: 0 },
        execution_summary: { completed: done, completed_with_err: err, completed_with_num_err: 0, timed_out: 0, incorrect_input: 0, failed_to_queue: 0 },
        latency_stats: { total_latency: { p0: 0.001, p1: 0.001, p25: 0.0011, p50: 0.0012, p75: 0.0013, p99: 0.002, p100: 0.003 }, device_latency: { p50: 0.0011217594146728516 } } },
      memory_used: { period: 1.0006, error: '', neuron_runtime_used_bytes: { host: 1166249984, neuron_device: 141649980 } },
      neuron_runtime_vcpu_usage: { period: 1.0005, vcpu_usage: { user: 14.57, system: 10.8 }, error: '' } } }],
    system_data: { vcpu_usage: { period: 1.0, average_usage: { user: 32.77, system: 22.87, idle: 39.36 }, error: '' } },
    instance_info: { instance_type: 'inf2.xlarge', error: '' },
    neuron_hardware_info: { neuron_device_type: 'inferentia2', neuron_device_version: 'v3', neuroncore_version: 'v2', neuron_device_count: 1, neuroncore_per_device_count: 2, logical_neuroncore_config: 1, error: '' },
  });
  w('neuron-monitor/monitor.ndjson', [rep(12.5, 100), rep(89.40087251059674, 816), rep(91.2, 820), rep(88.1, 810, 1), rep(30.0, 200)].map((r) => JSON.stringify(r)).join('\n') + '\n');

  // NTFF: opaque binary + its NEFF (runtime-capture naming).
  const ntff = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) ntff[i] = (i * 37 + 11) & 0xff;
  ntff.write('NTFF', 0, 'latin1'); ntff[4] = 6; ntff[5] = 0;
  w('ntff/profile_nc_0_session_0.ntff', ntff);
  w('ntff/neff_4f2a9c_vnc_0.neff', Buffer.from([0x4e, 0x45, 0x46, 0x46, 0, 1, 2, 3, 0, 0, 0, 0]));

  // Samples for the sample workspace.
  // Samples for the sample workspace (samples/profiles/README.md is maintained by hand).
  mkdirSync(SAMPLES, { recursive: true });
  rmSync(join(SAMPLES, 'mlp@latest'), { recursive: true, force: true });
  writeFileSync(join(SAMPLES, 'inf2-summary.neuron-profile.json'), readFileSync(join(FIX, 'summary-json/inf2-real.summary.json')));
  writeFileSync(join(SAMPLES, 'trace.json'), readFileSync(join(FIX, 'chrome-trace/trace.json')));
  writeParquetProfile(join(SAMPLES, 'mlp@latest'), { instructions: 600, splitRows: 300, dmaCount: 80, rowGroupSize: 300 });
  return pq;
}

// ---------- big mode ----------
async function writeLegacyBig(path, nInstr, targetBytes) {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  let bytes = 0;
  const write = async (s) => { bytes += Buffer.byteLength(s); if (!out.write(s)) await once(out, 'drain'); };
  await write(`{"metadata": {"neff_name": "big.neff", "profiler_version": "2.23.10.0"},\n"summary": [${JSON.stringify({ ...REAL_INF2, total_time: nInstr * STEP_NS / PROGRAM.length / 1e9 })}],\n"instruction": [\n`);
  const BATCH = 2000;
  for (let a = 0; a < nInstr; a += BATCH) {
    const n = Math.min(BATCH, nInstr - a);
    const parts = [];
    for (let k = 0; k < n; k++) {
      const i = a + k;
      const p = PROGRAM[i % PROGRAM.length];
      const s = ORIGIN + Math.floor(i / PROGRAM.length) * STEP_NS + (i % PROGRAM.length) * 4;
      // Realistic record width (≈1.3 KB): operands, HLO text, attribution, ids, byte counters, dependencies.
      parts.push(JSON.stringify({ timestamp: s, duration: p.dur, evt_wait_time: i % 10 === 0 ? 10 : 0, label: p.track, subgroup: p.engine,
        opcode: p.opcode, operands: `S[5] (${p.engine})++@complete acc_flags=3 row_grp=q0 src=fp16@0x${(0x5600 + i).toString(16)}[1,0,0][3,1,1] dst=0x2000000[1,0,0][3,1,1] 3*128 `,
        // ~600 distinct HLO ops, each spanning many instructions (as in real profiles)
        hlo_name: `%${p.hlo.replace(/[<>/"]/g, '')}.${(i >> 3) % 97} = ${p.opcode.toLowerCase()}(%param.${((i >> 3) % 97) % 13}, %custom-call.${((i >> 3) % 97) % 44})`,
        hlo_attrs: 'transpose=false,axis=[0,1]', layer: `model/decoder/layers.${i % 32}/self_attn/q_proj/aten.linear`,
        nki_source_location: '', bir_debug_info_source_location: `/home/ubuntu/model/modeling_llama.py:${100 + (i % 400)}`,
        instruction_type: 'REGULAR', pc: 0x1000 + i * 4, id: i, penguin_id: `sg0000:${83 + (i % 500)}`, bir_id: `sg0000:${218805 + i}`,
        bir_instruction_name: `I-${83 + i}-1_sg0001`, hbm_read_bytes: p.opcode === 'LDWEIGHTS' ? 16384 : 0, hbm_write_bytes: 0,
        sbuf_read_bytes: 4096, sbuf_write_bytes: 4096, psum_read_bytes: 0, psum_write_bytes: 512, spill_save_bytes: 0, spill_reload_bytes: 0,
        dependencies: [i - 1, i - 2, i - 6].filter((x) => x >= 0), dma_trigger_start_ts: s - 50, dma_wait_time: 0, performance_mode: '2x',
        raw_flops: p.opcode === 'MATMUL' ? 4194304 : 0, scalar_activation_fn: p.opcode === 'ACTIVATE' ? 'GELU' : '' }));
    }
    await write(`${parts.join(',\n')}${a + n < nInstr ? ',\n' : '\n'}`);
  }
  await write('],\n"dma": [\n');
  const queues = ['qSyncIO0', 'qScalarSpillReload0-Q1-E64', 'qGpSimdDynamic', 'qVectorSpillReload0'];
  let i = 0;
  const span = nInstr * STEP_NS / PROGRAM.length;
  while (bytes < targetBytes - 200) {
    const parts = [];
    for (let k = 0; k < BATCH; k++, i++) {
      parts.push(JSON.stringify({ timestamp: ORIGIN + (i * 37) % span, duration: 64 + (i % 5) * 16, subgroup: queues[i % 4], dma_queue: queues[i % 4],
        transfer_size: [65536, 2048, 512, 4096][i % 4], src: '[HBM]', dst: '[SB]', variable: `input_tensor_${i % 9}`, semaphore: `S[10] (${queues[i % 4]})`,
        descriptor_count: 1 + (i % 4), block_id: i % 16 }));
    }
    await write(`${i > BATCH ? ',\n' : ''}${parts.join(',\n')}`);
  }
  await write('\n],\n"cc_ops": [],\n"active_time": [],\n"layer_summary": []}\n');
  out.end();
  await once(out, 'finish');
  return { bytes, dma: i };
}

// ---------- CLI ----------
const argv = process.argv.slice(2);
const flag = (name, def) => { const k = argv.indexOf(name); return k >= 0 ? argv[k + 1] : def; };

if (argv.includes('--schema-module')) {
  const tsv = readFileSync(SCHEMA_TSV, 'utf8');
  writeFileSync(join(root, 'src/core/profile/schema/parquetSchemaData.ts'), `// GENERATED from parquet-schema-7.4.0.tsv (Neuron Explorer profile schema 7.4.0, SDK 2.31) by
// scripts/gen-profile-fixtures.mjs --schema-module. Do not edit by hand; regenerate instead.
// Columns: table, field, type, unit, required, example.
export const PARQUET_SCHEMA_VERSION = "7.4.0";
export const PARQUET_SCHEMA_TSV = ${JSON.stringify(tsv)};
`);
  console.log('wrote parquetSchemaData.ts');
} else if (argv.includes('--big')) {
  const dir = flag('--big');
  if (!dir) throw new Error('--big needs a directory');
  const what = (flag('--what', 'parquet,legacy')).split(',');
  mkdirSync(dir, { recursive: true });
  if (what.includes('parquet')) {
    const n = Number(flag('--instructions', 1_000_000));
    const t = Date.now();
    const r = writeParquetProfile(join(dir, `parquet-${n}`), { instructions: n, splitRows: 250_000, dmaCount: Math.round(n / 10), rowGroupSize: 100_000, withSchemaFields: true });
    console.log(JSON.stringify({ kind: 'parquet', dir: join(dir, `parquet-${n}`), instructions: n, bytes: r.bytes, ms: Date.now() - t }));
  }
  if (what.includes('legacy')) {
    const n = Number(flag('--legacy-instructions', 250_000));
    const target = Number(flag('--legacy-bytes', 1_000_000_000));
    const p = join(dir, `legacy-${n}.json`);
    const t = Date.now();
    const r = await writeLegacyBig(p, n, target);
    console.log(JSON.stringify({ kind: 'legacy', path: p, instructions: n, dma: r.dma, bytes: r.bytes, ms: Date.now() - t }));
  }
} else {
  const r = writeSmall();
  console.log(`wrote fixtures to ${FIX} (parquet ${r.bytes} bytes) and samples to ${SAMPLES}`);
  if (!existsSync(join(FIX, 'parquet/small@latest/Summary.parquet'))) process.exit(1);
}
