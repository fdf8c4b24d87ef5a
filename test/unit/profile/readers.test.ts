// Per-reader tests on the committed fixtures. Expected numbers are derived by hand from the
// generator (scripts/gen-profile-fixtures.mjs) or the real inf2 counters:
//  - inf2 summary: total_time 0.000149710075 s → 149710 ns; total_active_time_percent 0.96246… → 96.2462 %;
//    mfu 0.0048856… → 0.4886 %; tensor 0.89507… → 89.5072 %, 2137 instructions.
//  - Parquet small: 1200 instructions = 200 steps × 6 (LDWEIGHTS 74 ns, MATMUL 148, TENSOR_TENSOR 96,
//    ACTIVATE 60, IOTA 40, EVENT_SEMAPHORE 20); tensor time 200 × 222 = 44 400 ns; the last collective
//    ends at +120 000 ns → total 120 000 ns; tensor active 44 400 / 120 000 = 37 %.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadProfile, detectProfileFormat, ntffConversionCommand, guessNeffForNtff } from '../../../src/core/profile/index';
import type { ProfileModel, TimelineData } from '../../../src/core/profile/model';
import { FIX } from './helpers';

function assertTimelineSorted(t: TimelineData): void {
  const n = t.start.length;
  assert.equal(t.duration.length, n);
  assert.equal(t.lane.length, n);
  assert.equal(t.nameIndex.length, n);
  for (let i = 1; i < n; i++) {
    assert.ok(t.lane[i] >= t.lane[i - 1], 'events grouped by lane');
    if (t.lane[i] === t.lane[i - 1]) assert.ok(t.start[i] >= t.start[i - 1], 'sorted by start within a lane');
  }
  for (let i = 0; i < n; i++) {
    assert.ok(t.lane[i] < t.lanes.length);
    assert.ok(t.nameIndex[i] < t.names.length);
    assert.ok(t.start[i] >= 0, 'start is relative to the profile start');
  }
}

describe('profile readers', () => {
  describe('summary-json', () => {
    let m: ProfileModel;
    before(async () => { m = await loadProfile(join(FIX, 'summary-json/inf2-real.summary.json')); });
    it('reads the real inf2 counters and converts fractions to 0–100', () => {
      assert.equal(m.format, 'summary-json');
      assert.equal(m.totalTimeNs, 149710);
      assert.equal(m.activeTimePercent, 96.2462);
      assert.equal(m.mfuPercent, 0.4886);
      assert.equal(m.hfuPercent, 0.9929);
      assert.equal(m.mbuPercent, 13.8266);
      assert.deepEqual(m.hbm, { readBytes: 8470528, writeBytes: 16384 });
      assert.deepEqual(m.engines.map((e) => e.name), ['tensor', 'vector', 'scalar', 'gpsimd', 'sync']);
      assert.equal(m.engines[0].activeTimePercent, 89.5072);
      assert.equal(m.engines[0].instructionCount, 2137);
    });
    it('skips klog lines and keeps the content-hash key as profile id', () => {
      assert.match(m.warnings.join('\n'), /log line/);
      assert.equal(m.metadata?.profile_id, 'n_7cf2c3ef9a1d4b5e8f00112233445566778899aa');
      assert.equal(m.formatVersion, '2.28.23.0');
    });
    it('flags low MFU', () => {
      assert.ok(m.insights.some((i) => i.id === 'low-mfu' && i.severity === 'warning'));
    });
    it('reads a summary-json saved as .txt with two NC blocks (first shown)', async () => {
      const x = await loadProfile(join(FIX, 'summary-json/two-nc-mislabelled.txt'));
      assert.equal(x.format, 'summary-json');
      assert.equal(x.totalTimeNs, 149710);
      assert.match(x.warnings.join('\n'), /2 summaries found/);
    });
  });

  describe('summary-text', () => {
    it('parses aligned key/value blocks, first block shown', async () => {
      const m = await loadProfile(join(FIX, 'summary-text/inf2.summary.txt'));
      assert.equal(m.format, 'summary-text');
      assert.equal(m.totalTimeNs, 149710);
      assert.equal(m.mfuPercent, 0.4886);
      assert.equal(m.metadata?.nc_idx, 0);
      assert.match(m.warnings.join('\n'), /2 summary blocks/);
      assert.equal(m.metadata?.runtime_version, '2.30.51');
    });
  });

  describe('parquet', () => {
    let m: ProfileModel;
    before(async () => { m = await loadProfile(join(FIX, 'parquet/small@latest')); });
    it('reads Summary, Metadata and the split Instruction table', () => {
      assert.equal(m.format, 'parquet');
      assert.equal(m.formatVersion, '7.4.0');
      assert.equal(m.totalTimeNs, 120000);
      assert.equal(m.mfuPercent, 0.4886);
      assert.equal(m.engines.find((e) => e.name === 'tensor')?.instructionCount, 400);
      assert.equal(m.engines.find((e) => e.name === 'tensor')?.activeTimePercent, 37);
      assert.deepEqual(m.hbm, { readBytes: 200 * 16384, writeBytes: 200 * 512 });
      assert.deepEqual(m.warnings, []);
      for (const t of ['Summary', 'Metadata', 'Instruction', 'OpcodeSummary', 'DmaPacketAggregated', 'CcOp', 'HloInstruction', 'FrameworkNode', 'StackFrame', 'SchemaFields']) {
        assert.ok(m.sectionsRead?.includes(t), `read ${t}`);
      }
    });
    it('top ops from HloInstruction with source from StackFrame tables (skipping torch frames)', () => {
      assert.equal(m.topOps[0].name, 'dot.1');
      assert.equal(m.topOps[0].timeNs, 44400);
      assert.equal(m.topOps[0].count, 400);
      assert.deepEqual(m.topOps[0].source, { file: 'model.py', line: 42 });
      assert.deepEqual(m.topOps[1].source, { file: 'model.py', line: 57 });
      assert.ok(m.topOps.some((o) => o.name === '<img src=x onerror=alert(1)>'), 'hostile names are kept verbatim');
    });
    it('opcodes from OpcodeSummary, collectives from CcOp, DMA queues', () => {
      const mm = m.opcodes?.find((o) => o.name === 'MATMUL');
      assert.deepEqual(mm, { name: 'MATMUL', engine: 'tensor', count: 200, timeNs: 200 * 148 });
      assert.deepEqual(m.collectives?.map((c) => [c.name, c.count, c.timeNs]), [['AllReduce', 2, 65000], ['AllGather', 1, 12000]]);
      assert.equal(m.dma?.transfers, 200);
      assert.equal(m.dma?.queues?.length, 4);
    });
    it('framework ops are the leaf FrameworkNodes, time from time_intervals', () => {
      assert.equal(m.frameworkOps?.[0].name, 'attention');
      assert.equal(m.frameworkOps?.[0].timeNs, 50000);
      assert.ok(!m.frameworkOps?.some((o) => o.name === 'NeuronLlamaDecoderLayer'));
    });
    it('field descriptions and units from SchemaFields', () => {
      const f = m.fields?.find((x) => x.table === 'Instruction' && x.field === 'duration_ns');
      assert.equal(f?.unit, 'nanoseconds');
      assert.equal(f?.description, 'Instruction duration.');
    });
    it('timeline: lanes per track/queue/stream, relative to first_hw_timestamp, sorted per lane', () => {
      const t = m.timeline!;
      assert.equal(t.totalEvents, 1200 + 200 + 3);
      assert.equal(t.start.length, t.totalEvents);
      assert.deepEqual(t.lanes.filter((l) => l.group === 'engine').map((l) => l.label).sort(), ['GpSimd', 'Scalar', 'Sync', 'Tensor', 'TensorMatrix', 'Vector']);
      assert.equal(t.originNs, 10_261_880_000);
      assertTimelineSorted(t);
      assert.ok(t.opIndex, 'events carry their HLO op');
    });
    it('a single table file opens its directory', async () => {
      const x = await loadProfile(join(FIX, 'parquet/small@latest/Summary.parquet'));
      assert.equal(x.format, 'parquet');
      assert.equal(x.totalTimeNs, 120000);
    });
    it('caps the timeline and keeps totalEvents', async () => {
      const x = await loadProfile(join(FIX, 'parquet/small@latest'), { maxTimelineEvents: 100 });
      assert.equal(x.timeline?.start.length, 100);
      assert.equal(x.timeline?.totalEvents, 1403);
      assertTimelineSorted(x.timeline!);
    });
  });

  describe('legacy-json', () => {
    let m: ProfileModel;
    before(async () => { m = await loadProfile(join(FIX, 'legacy-json/ntff.json')); });
    it('reads summary, instructions, dma, cc_ops with NaN present', () => {
      assert.equal(m.format, 'legacy-json');
      assert.equal(m.totalTimeNs, 72000);
      assert.equal(m.engines.find((e) => e.name === 'tensor')?.instructionCount, 100);
      assert.match(m.warnings.join('\n'), /NaN/);
      assert.match(m.warnings.join('\n'), /semaphores/);
      assert.equal(m.dma?.transfers, 120);
      assert.deepEqual(m.collectives?.map((c) => c.name), ['AllReduce', 'AllGather']);
    });
    it('normalises "%dot.1 = dot(…)" HLO names and reads nki_source_location', () => {
      assert.equal(m.topOps[0].name, 'dot.1');
      assert.equal(m.topOps[0].timeNs, 50 * 222);
      assert.deepEqual(m.topOps.find((o) => o.name === 'add.2')?.source, { file: 'kernels/add.py', line: 17 });
    });
    it('timeline sorted per lane', () => {
      assert.equal(m.timeline?.totalEvents, 300 + 120 + 2);
      assertTimelineSorted(m.timeline!);
    });
  });

  describe('chrome-trace', () => {
    it('PyTorch trace: device busy share, host-bound insight, framework ops', async () => {
      const m = await loadProfile(join(FIX, 'chrome-trace/trace.json'));
      assert.equal(m.format, 'chrome-trace');
      assert.equal(m.totalTimeNs, 5_040_000);
      assert.equal(m.activeTimePercent, 19.84);
      assert.ok(m.insights.some((i) => i.id === 'host-bound-gaps'));
      assert.equal(m.frameworkOps?.[0].name, 'aten::linear');
      assert.equal(m.frameworkOps?.[0].timeNs, 1_500_000);
      assert.ok(m.frameworkOps?.some((o) => o.name === 'xm.mark_step' && o.timeNs === 40_000), 'B/E pairs');
      assertTimelineSorted(m.timeline!);
      assert.equal(m.timeline?.lanes.find((l) => l.id === '100/1')?.label, 'python3 train.py / thread 1 (python)');
    });
    it('TensorBoard neuron_trace.json (µs timestamps, plane-name pids)', async () => {
      const m = await loadProfile(join(FIX, 'chrome-trace/neuron_trace.json'));
      assert.equal(m.totalTimeNs, 137_000);
      assert.equal(m.topOps.find((o) => o.name === 'MATMUL')?.timeNs, 50_000);
    });
  });

  describe('system-profile', () => {
    it('unwraps Framework_Event / Neuron_Runtime_API_Event records, device idle from nc_exec_running', async () => {
      const m = await loadProfile(join(FIX, 'system-profile/system_profile.json'));
      assert.equal(m.format, 'system-profile');
      assert.equal(m.topOps[0].name, 'nc_exec_running');
      assert.equal(m.topOps[0].timeNs, 9_000_000);
      assert.equal(m.frameworkOps?.[0].name, 'PjitFunction(matmul_allgather)');
      assert.ok(m.insights.some((i) => i.id === 'host-bound-gaps'));
      assert.equal(m.series?.[0].unit, 'bytes');
    });
    it('detects the directory by its system_profile.json', async () => {
      assert.equal(await detectProfileFormat(join(FIX, 'system-profile')), 'system-profile');
    });
  });

  describe('neuron-monitor', () => {
    it('per-core utilisation (already 0–100), executions, unused core', async () => {
      const m = await loadProfile(join(FIX, 'neuron-monitor/monitor.ndjson'));
      assert.equal(m.format, 'neuron-monitor');
      assert.equal(m.engines[0].name, 'nc0');
      assert.equal(m.engines[0].activeTimePercent, 62.2402);
      assert.equal(m.metadata?.executions_completed, 2746);
      assert.ok(m.insights.some((i) => i.id === 'execution-errors'));
      assert.ok(m.insights.some((i) => i.id === 'unused-cores'));
      assert.equal(m.series?.length, 2);
      assert.equal(m.series?.[0].v.length, 5);
    });
  });

  describe('ntff', () => {
    it('explains the conversion, with the NEFF found next to it', async () => {
      const p = join(FIX, 'ntff/profile_nc_0_session_0.ntff');
      const m = await loadProfile(p);
      assert.equal(m.format, 'ntff');
      const i = m.insights.find((x) => x.id === 'ntff-needs-conversion');
      assert.ok(i);
      assert.match(i.message, /neuron-explorer view -n \S*neff_4f2a9c_vnc_0\.neff -s \S*profile_nc_0_session_0\.ntff --output-format parquet/);
    });
    it('ntffConversionCommand argv', () => {
      assert.deepEqual(ntffConversionCommand('/p/a.ntff', '/p/a.neff'),
        ['neuron-explorer', 'view', '-n', '/p/a.neff', '-s', '/p/a.ntff', '--output-format', 'parquet', '--output-file', '/p/a.neuron-profile', '--disable-ui']);
      assert.deepEqual(ntffConversionCommand('/cap/x/profile_nc_0_session_0.ntff'),
        ['neuron-explorer', 'view', '-d', '/cap/x', '--output-format', 'parquet', '--output-file', '/cap/x/profile_nc_0_session_0.neuron-profile', '--disable-ui']);
      assert.deepEqual(ntffConversionCommand('/p/a.ntff', '/p/a.neff', { tool: 'neuron-profile', outputFormat: 'summary-json' }),
        ['neuron-profile', 'view', '-n', '/p/a.neff', '-s', '/p/a.ntff', '--output-format', 'summary-json']);
    });
    it('guessNeffForNtff pairs by hash', () => {
      assert.equal(guessNeffForNtff('/d/1a2b3c4d_instid_0_vnc_0.ntff', ['neff_ffff0000.neff', 'neff_1a2b3c4d.neff']), '/d/neff_1a2b3c4d.neff');
      assert.equal(guessNeffForNtff('/d/p.ntff', ['a.neff', 'b.neff']), null);
      assert.equal(guessNeffForNtff('/d/p.ntff', ['only.neff']), '/d/only.neff');
    });
  });
});
