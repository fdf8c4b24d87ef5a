// Golden tests of `profile --format json` on every committed fixture. The goldens were reviewed by
// hand against the fixtures (see the comments in readers.test.ts for the arithmetic).
// Regenerate after an intended change with: UPDATE_GOLDEN=1 npx mocha test/unit/profile/golden.test.ts
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIX, ROOT, runCli } from './helpers';

const CASES: [string, string][] = [
  ['summary-json', 'summary-json/inf2-real.summary.json'],
  ['summary-json-mislabelled', 'summary-json/two-nc-mislabelled.txt'],
  ['summary-text', 'summary-text/inf2.summary.txt'],
  ['parquet', 'parquet/small@latest'],
  ['legacy-json', 'legacy-json/ntff.json'],
  ['chrome-trace-pytorch', 'chrome-trace/trace.json'],
  ['chrome-trace-tensorboard', 'chrome-trace/neuron_trace.json'],
  ['system-profile', 'system-profile/system_profile.json'],
  ['neuron-monitor', 'neuron-monitor/monitor.ndjson'],
  ['ntff', 'ntff/profile_nc_0_session_0.ntff'],
];

const CONTRACT_ORDER = ['format', 'source', 'totalTimeNs', 'activeTimePercent', 'mfuPercent', 'hfuPercent', 'mbuPercent', 'engines', 'hbm', 'topOps', 'insights', 'warnings'];

describe('profile --format json goldens', () => {
  const cwd = process.cwd();
  before(() => process.chdir(ROOT));
  after(() => process.chdir(cwd));

  for (const [name, rel] of CASES) {
    it(`${name}: ${rel}`, async () => {
      const path = relative(ROOT, join(FIX, rel));
      const { code, stdout, stderr } = await runCli(path, 'json');
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc).slice(0, CONTRACT_ORDER.length), CONTRACT_ORDER, 'CONTRACTS §2 field order');
      assert.ok(!('start' in ((doc.timeline as object | null) ?? {})), 'timeline arrays must not be dumped');
      const goldenPath = join(FIX, 'golden', `${name}.json`);
      if (process.env.UPDATE_GOLDEN || !existsSync(goldenPath)) {
        mkdirSync(join(FIX, 'golden'), { recursive: true });
        writeFileSync(goldenPath, stdout);
      }
      assert.deepEqual(doc, JSON.parse(readFileSync(goldenPath, 'utf8')));
    });
  }
});
