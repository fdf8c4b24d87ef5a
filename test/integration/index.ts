// Entry point for `extensionTestsPath` when VS Code is started by scripts/run-vscode-tests.mjs
// (code-server). It runs every out/test/integration/**/*.test.js with mocha (tdd UI) inside the
// extension host, and writes the counts to $NEURON_TEST_RESULTS (set by the runner in the server's
// environment, which the extension host inherits), else test-results/integration-results.json.
// Desktop runs (@vscode/test-cli, .vscode-test.mjs) load the same *.test.js files directly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const here = __dirname; // <root>/out/test/integration
  const root = path.resolve(here, '..', '..', '..');
  const grep = process.env.NEURON_TEST_GREP || undefined;
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = (fs.readdirSync(here, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(here, f));

  const counts = await new Promise<{ passed: number; failed: number; pending: number; failures: string[] }>((resolve) => {
    const failures: string[] = [];
    const runner = mocha.run(() => {
      const s = runner.stats;
      resolve({ passed: s?.passes ?? 0, failed: s?.failures ?? 0, pending: s?.pending ?? 0, failures });
    });
    runner.on('fail', (t, err: Error) => failures.push(`${t.fullTitle()}: ${err.message}`));
  });
  const out = process.env.NEURON_TEST_RESULTS || path.join(root, 'test-results', 'integration-results.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...counts, files }, null, 2));
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
}
