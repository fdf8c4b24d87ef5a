// Bad input never throws (except a missing path): the model's warnings say what was and was not read.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, truncateSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfile } from '../../../src/core/profile/index';
import { FIX, runCli, tempDir } from './helpers';

describe('profile readers: bad input', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  it('missing path: loadProfile throws ENOENT, the CLI exits 2 with one stderr line', async () => {
    await assert.rejects(loadProfile(join(t.dir, 'nope.json')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    const r = await runCli(join(t.dir, 'nope.json'), 'json');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /no such file or directory/);
  });

  it('unreadable file: CLI exits 2', async function () {
    if (process.getuid?.() === 0) this.skip(); // root reads everything
    const p = join(t.dir, 'x.json');
    writeFileSync(p, '{}');
    chmodSync(p, 0);
    const r = await runCli(p, 'text');
    assert.equal(r.code, 2);
  });

  it('empty directory: warning, CLI exits 2', async () => {
    const m = await loadProfile(t.dir);
    assert.equal(m.format, 'unknown');
    assert.match(m.warnings[0], /empty/);
    const r = await runCli(t.dir, 'json');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nothing could be read/);
    assert.equal(JSON.parse(r.stdout).format, 'unknown');
  });

  it('empty file and garbage text', async () => {
    writeFileSync(join(t.dir, 'empty.json'), '');
    writeFileSync(join(t.dir, 'garbage.json'), 'hello world\nthis is not a profile\n');
    for (const f of ['empty.json', 'garbage.json']) {
      const m = await loadProfile(join(t.dir, f));
      assert.equal(m.format, 'unknown');
      assert.ok(m.warnings.length);
    }
  });

  it('truncated legacy JSON: reads everything before the cut', async () => {
    const src = readFileSync(join(FIX, 'legacy-json/ntff.json'));
    const p = join(t.dir, 'ntff.json');
    writeFileSync(p, src.subarray(0, Math.floor(src.length * 0.6)));
    const m = await loadProfile(p);
    assert.equal(m.format, 'legacy-json');
    assert.match(m.warnings.join('\n'), /truncated/);
    assert.ok(m.timeline && m.timeline.totalEvents > 100 && m.timeline.totalEvents < 300);
    assert.ok(m.mfuPercent !== null, 'summary before the cut was read');
  });

  it('a malformed record in the legacy JSON is skipped, the rest is read', async () => {
    const src = readFileSync(join(FIX, 'legacy-json/ntff.json'), 'utf8').replace('"opcode":"MATMUL"', '"opcode":MATMUL');
    const p = join(t.dir, 'ntff.json');
    writeFileSync(p, src);
    const m = await loadProfile(p);
    assert.match(m.warnings.join('\n'), /could not be parsed/);
    assert.equal(m.timeline?.totalEvents, 300 + 120 + 2 - 1);
  });

  it('legacy JSON with only NaN/Infinity-laden summary and no metadata/instructions', async () => {
    const p = join(t.dir, 'device_profile_model_1.json');
    writeFileSync(p, '{"summary": [{"total_time": 0.001, "mfu_estimated_percent": NaN, "hfu_estimated_percent": Infinity, "tensor_engine_active_time_percent": -Infinity, "note": "NaN inside a string stays"}]}');
    const m = await loadProfile(p);
    assert.equal(m.format, 'legacy-json');
    assert.equal(m.totalTimeNs, 1_000_000);
    assert.equal(m.mfuPercent, null);
    assert.equal(m.hfuPercent, null);
    assert.equal(m.counters?.note, 'NaN inside a string stays');
    assert.match(m.warnings.join('\n'), /No 'metadata'/);
    assert.match(m.warnings.join('\n'), /No 'instruction'/);
  });

  it('summary-json with NaN, truncated summary-json, summary-json with unknown counters', async () => {
    writeFileSync(join(t.dir, 'a.json'), '{"n_1": {"total_time": 0.002, "mfu_estimated_percent": NaN, "hbm_read_bytes": 5}}');
    const a = await loadProfile(join(t.dir, 'a.json'));
    assert.equal(a.totalTimeNs, 2_000_000);
    assert.equal(a.mfuPercent, null);
    const full = readFileSync(join(FIX, 'summary-json/inf2-real.summary.json'), 'utf8');
    writeFileSync(join(t.dir, 'b.json'), full.slice(0, Math.floor(full.length / 2)));
    const b = await loadProfile(join(t.dir, 'b.json'));
    assert.equal(b.format, 'summary-json');
    assert.match(b.warnings.join('\n'), /truncated|malformed/);
    assert.ok(b.engines.length > 0, 'salvaged counters from the readable half');
    writeFileSync(join(t.dir, 'c.json'), '{"n_1": {"total_time": 0.002, "foo_percent": 37, "bar": 1}}');
    const c = await loadProfile(join(t.dir, 'c.json'));
    assert.match(c.warnings.join('\n'), /above 1/);
  });

  it('wrong extension: Parquet named .json, summary JSON named .parquet, legacy JSON named .txt', async () => {
    copyFileSync(join(FIX, 'parquet/small@latest/Summary.parquet'), join(t.dir, 'Summary.json'));
    const a = await loadProfile(join(t.dir, 'Summary.json'));
    assert.equal(a.format, 'parquet');
    assert.equal(a.totalTimeNs, 120000);
    mkdirSync(join(t.dir, 'x'));
    copyFileSync(join(FIX, 'summary-json/inf2-real.summary.json'), join(t.dir, 'x', 'summary.parquet'));
    const b = await loadProfile(join(t.dir, 'x', 'summary.parquet'));
    assert.equal(b.format, 'summary-json');
    copyFileSync(join(FIX, 'legacy-json/ntff.json'), join(t.dir, 'profile.txt'));
    assert.equal((await loadProfile(join(t.dir, 'profile.txt'))).format, 'legacy-json');
  });

  it('Parquet: truncated table file is reported, the other tables are read', async () => {
    const d = join(t.dir, 'p@latest');
    cpSync(join(FIX, 'parquet/small@latest'), d, { recursive: true });
    const f = join(d, 'Instruction_1.parquet');
    truncateSync(f, Math.floor(statSync(f).size / 2));
    const m = await loadProfile(d);
    assert.equal(m.format, 'parquet');
    assert.match(m.warnings.join('\n'), /Instruction_1\.parquet: could not be read/);
    assert.equal(m.engines.find((e) => e.name === 'tensor')?.instructionCount, 400, 'Summary still read');
    assert.equal(m.timeline?.totalEvents, 600 + 200 + 3, 'Instruction_0 still read');
  });

  it('Parquet: garbage with PAR1 magic', async () => {
    const d = join(t.dir, 'g');
    mkdirSync(d);
    writeFileSync(join(d, 'Summary.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')]));
    const m = await loadProfile(d);
    assert.equal(m.format, 'parquet');
    assert.match(m.warnings.join('\n'), /Summary\.parquet: could not be read/);
    assert.match(m.warnings.join('\n'), /None of the Parquet tables could be read/);
    const r = await runCli(d, 'json');
    assert.equal(r.code, 2);
  });

  it('Parquet: missing tables (only Instruction) → computed engine stats + warnings', async () => {
    const d = join(t.dir, 'only-instr');
    mkdirSync(d);
    copyFileSync(join(FIX, 'parquet/small@latest/Instruction_0.parquet'), join(d, 'Instruction_0.parquet'));
    const m = await loadProfile(d);
    const w = m.warnings.join('\n');
    assert.match(w, /No Summary table/);
    assert.match(w, /No Metadata table/);
    assert.equal(m.mfuPercent, null);
    const tensor = m.engines.find((e) => e.name === 'tensor');
    assert.equal(tensor?.instructionCount, 200);
    assert.ok(tensor?.activeTimePercent !== null && tensor!.activeTimePercent! > 0 && tensor!.activeTimePercent! <= 100);
    assert.equal(m.topOps[0].name, 'dot.1');
    assert.ok(m.fields?.length, 'built-in schema catalog used when SchemaFields is missing');
    // With ActiveTime (lower-case engine names) the busy time comes from it: 200 × 222 ns of tensor work.
    copyFileSync(join(FIX, 'parquet/small@latest/ActiveTime.parquet'), join(d, 'ActiveTime.parquet'));
    const a = await loadProfile(d);
    assert.equal(a.engines.find((e) => e.name === 'tensor')?.activeTimeNs, 200 * 222);
    assert.ok(a.sectionsRead?.includes('ActiveTime'));
  });

  it('Parquet: minimal Instruction table (required columns only, lower-case engines, LNC=2 pcore_idx)', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const n = 8;
    const buf = parquetWriteBuffer({ columnData: [
      { name: 'start_ts', data: Array.from({ length: n }, (_, i) => BigInt(1000 + i * 100)), type: 'INT64' },
      { name: 'end_ts', data: Array.from({ length: n }, (_, i) => BigInt(1000 + i * 100 + 50)), type: 'INT64' },
      { name: 'engine', data: Array.from({ length: n }, (_, i) => (i % 2 ? 'vector' : 'tensor')), type: 'STRING' },
      { name: 'opcode', data: Array.from({ length: n }, () => 'OP'), type: 'STRING' },
      { name: 'pcore_idx', data: Array.from({ length: n }, (_, i) => BigInt(i < 4 ? 0 : 1)), type: 'INT64' },
    ] });
    const d = join(t.dir, 'min');
    mkdirSync(d);
    writeFileSync(join(d, 'Instruction.parquet'), Buffer.from(buf));
    const m = await loadProfile(d);
    assert.equal(m.format, 'parquet');
    assert.deepEqual(m.engines.map((e) => [e.name, e.instructionCount, e.instructionTimeNs]), [['tensor', 4, 200], ['vector', 4, 200]]);
    assert.equal(m.totalTimeNs, 750, 'span from end_ts when duration_ns is absent');
    assert.deepEqual(m.timeline?.lanes.map((l) => l.label).sort(), ['tensor', 'tensor #1', 'vector', 'vector #1']);
  });

  it('Parquet: unknown schema version is reported', async () => {
    const d = join(t.dir, 'v9');
    cpSync(join(FIX, 'parquet/small@latest'), d, { recursive: true });
    // Rewrite Metadata with version 9.0.0 (same byte length, so the file stays valid).
    const p = join(d, 'Metadata.parquet');
    const buf = readFileSync(p);
    const at = buf.indexOf('7.4.0');
    assert.ok(at > 0);
    buf.write('9.0.0', at, 'latin1');
    writeFileSync(p, buf);
    const m = await loadProfile(d);
    assert.equal(m.formatVersion, '9.0.0');
    assert.match(m.warnings.join('\n'), /Unknown Parquet schema version 9\.0\.0/);
    assert.equal(m.totalTimeNs, 120000, 'fields still matched by name');
  });

  it('chrome trace: truncated and unmatched B/E', async () => {
    const src = readFileSync(join(FIX, 'chrome-trace/trace.json'), 'utf8');
    writeFileSync(join(t.dir, 'trace.json'), src.slice(0, Math.floor(src.length * 0.7)));
    const m = await loadProfile(join(t.dir, 'trace.json'));
    assert.equal(m.format, 'chrome-trace');
    assert.match(m.warnings.join('\n'), /truncated/);
    assert.ok((m.timeline?.totalEvents ?? 0) > 5);
  });

  it('neuron-monitor: log noise and a truncated last line', async () => {
    const src = readFileSync(join(FIX, 'neuron-monitor/monitor.ndjson'), 'utf8');
    writeFileSync(join(t.dir, 'mon.ndjson'), `starting neuron-monitor\n${src}${src.split('\n')[0].slice(0, 200)}`);
    const m = await loadProfile(join(t.dir, 'mon.ndjson'));
    assert.equal(m.format, 'neuron-monitor');
    assert.equal(m.metadata?.reports, 5);
    assert.match(m.warnings.join('\n'), /incomplete report/);
  });

  it('unknown binary and gzip files are not recognised (CLI exit 2)', async () => {
    writeFileSync(join(t.dir, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 0, 9, 8]));
    writeFileSync(join(t.dir, 'trace.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
    assert.equal((await loadProfile(join(t.dir, 'blob.bin'))).format, 'unknown');
    const g = await loadProfile(join(t.dir, 'trace.json.gz'));
    assert.match(g.warnings[0], /gzip/);
    assert.equal((await runCli(join(t.dir, 'blob.bin'))).code, 2);
  });

  it('gzipped Chrome trace (trace.json.gz) loads; a truncated one reports what it read', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(readFileSync(join(FIX, 'chrome-trace/trace.json')));
    writeFileSync(join(t.dir, 'trace.json.gz'), gz);
    const m = await loadProfile(join(t.dir, 'trace.json.gz'));
    assert.equal(m.format, 'chrome-trace');
    assert.equal(m.totalTimeNs, 5_040_000);
    writeFileSync(join(t.dir, 'cut.json.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const c = await loadProfile(join(t.dir, 'cut.json.gz'));
    assert.equal(c.format, 'chrome-trace');
    assert.ok(c.warnings.some((w) => /truncated|gzip/.test(w)), c.warnings.join('; '));
  });

  it('Perfetto .pftrace is explained, not parsed', async () => {
    writeFileSync(join(t.dir, 'ntff.pftrace'), Buffer.from([0x0a, 0x10, 0, 1, 2, 3, 0, 0]));
    const m = await loadProfile(join(t.dir, 'ntff.pftrace'));
    assert.equal(m.format, 'unknown');
    assert.match(m.warnings[0], /Perfetto/);
  });

  it('a capture directory read via trace.json mentions its .ntff device traces', async () => {
    const d = join(t.dir, 'i-0abc_pid_42');
    mkdirSync(d);
    copyFileSync(join(FIX, 'chrome-trace/trace.json'), join(d, 'trace.json'));
    copyFileSync(join(FIX, 'ntff/profile_nc_0_session_0.ntff'), join(d, 'profile_nc_0_session_0.ntff'));
    copyFileSync(join(FIX, 'ntff/neff_4f2a9c_vnc_0.neff'), join(d, 'neff_4f2a9c_vnc_0.neff'));
    const m = await loadProfile(d);
    assert.equal(m.format, 'chrome-trace');
    const i = m.insights.find((x) => x.id === 'ntff-available');
    assert.match(i?.message ?? '', /neuron-explorer view -n \S+neff_4f2a9c_vnc_0\.neff/);
  });

  it('abort signal cancels', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(loadProfile(join(FIX, 'legacy-json/ntff.json'), { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  });

  after(() => rmSync(t?.dir ?? '/nonexistent-nl', { recursive: true, force: true }));
});
