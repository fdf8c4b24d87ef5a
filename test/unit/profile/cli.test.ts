import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIX, runCli } from './helpers';
import { displayPath } from '../../../src/cli/profile';

describe('profile CLI command', () => {
  it('text output: summary table, engines, top ops, insights', async () => {
    const r = await runCli(join(FIX, 'parquet/small@latest'), 'text');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Total time\s+120\.0 µs/);
    assert.match(r.stdout, /MFU\s+0\.489%/);
    assert.match(r.stdout, /tensor\s+37\.0%\s+400/);
    assert.match(r.stdout, /dot\.1/);
    assert.match(r.stdout, /\[warning\] MFU is/);
    assert.equal(r.stderr, '');
  });
  it('markdown output escapes HTML in names', async () => {
    const r = await runCli(join(FIX, 'parquet/small@latest'), 'markdown');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# Neuron profile/);
    assert.match(r.stdout, /\| engine \| active \| instructions \|/);
    assert.ok(!/(^|[^\\])<img/.test(r.stdout), 'raw HTML must not reach markdown');
    assert.ok(r.stdout.includes('\\<img src=x onerror=alert(1)\\>'));
  });
  it('json output has no timeline arrays and is one document', async () => {
    const r = await runCli(join(FIX, 'legacy-json/ntff.json'), 'json');
    const d = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(d.timeline).sort(), ['events', 'lanes', 'totalEvents']);
    assert.equal(d.timeline.totalEvents, 422);
  });
  it('ntff exits 0 with the conversion insight', async () => {
    const r = await runCli(join(FIX, 'ntff/profile_nc_0_session_0.ntff'), 'text');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /neuron-explorer view/);
  });
  it('displayPath is cwd-relative with / separators', () => {
    assert.equal(displayPath('/a/b/c.json', '/a'), 'b/c.json');
    assert.equal(displayPath('/x/c.json', '/a'), '/x/c.json');
  });
});
