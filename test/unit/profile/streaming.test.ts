// The legacy JSON reader must stream: a generated profile of some tens of MB loads with a heap far
// smaller than the file. Two checks: (1) in-process live heap (after a forced GC at each progress
// callback, i.e. what the reader retains, not garbage awaiting collection) stays under a fifth of the
// file size (measured: ~8 MB for 60 MB, mostly the batch being parsed and the timeline names); (2) a child process with --max-old-space-size=48 (less than the
// file) loads it — it would die with "heap out of memory" if the file were read whole.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadProfile } from '../../../src/core/profile/index';
import { ROOT, tempDir } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('legacy JSON streaming (memory)', function () {
  this.timeout(120_000);
  let t: ReturnType<typeof tempDir>;
  let file = '';
  let size = 0;
  before(() => {
    t = tempDir();
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/gen-profile-fixtures.mjs'), '--big', t.dir, '--what', 'legacy',
      '--legacy-instructions', '20000', '--legacy-bytes', String(60e6)], { encoding: 'utf8' });
    file = (JSON.parse(out.trim().split('\n').pop()!) as { path: string }).path;
    size = statSync(file).size;
  });
  after(() => t.cleanup());

  it('live heap during the load stays far below the file size', async () => {
    assert.ok(size > 50e6, `generated ${size} bytes`);
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    let samples = 0;
    const sample = () => { gc(); samples++; peak = Math.max(peak, process.memoryUsage().heapUsed); };
    const m = await loadProfile(file, { onProgress: sample });
    assert.ok(samples > 20, `sampled ${samples} times during the load`);
    const growth = peak - base;
    assert.equal(m.format, 'legacy-json');
    assert.equal(m.engines.find((e) => e.name === 'tensor')?.instructionCount ?? null, 2137, 'summary counters read');
    assert.equal(m.timeline!.totalEvents > 20000, true);
    assert.ok(growth < size / 5, `live heap grew ${(growth / 1e6).toFixed(1)} MB for a ${(size / 1e6).toFixed(1)} MB file`);
  });

  it('loads in a child process whose heap limit is smaller than the file', () => {
    const script = join(t.dir, 'load.ts');
    writeFileSync(script, `import { loadProfile } from ${JSON.stringify(join(ROOT, 'src/core/profile/index'))};
loadProfile(${JSON.stringify(file)}).then((m) => console.log(JSON.stringify({ events: m.timeline?.totalEvents, warnings: m.warnings.length })));`);
    const out = execFileSync(process.execPath, ['--max-old-space-size=48', '-r', 'tsx/cjs', script], { cwd: ROOT, encoding: 'utf8' });
    const r = JSON.parse(out.trim()) as { events: number };
    assert.ok(r.events > 20000);
  });
});
