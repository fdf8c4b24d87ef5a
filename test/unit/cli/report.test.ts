import { strict as assert } from 'node:assert';
import { buildPortingReport, reportMarkdown } from '../../../src/core/report/porting';
import { analyze } from '../helpers';
import type { CheckOutput } from '../../../src/core/report/findings';

async function output(files: Record<string, string>): Promise<CheckOutput> {
  const findings = [];
  for (const [path, code] of Object.entries(files)) for (const finding of await analyze(code)) findings.push({ path, finding });
  return { target: 'xla', filesAnalyzed: Object.keys(files).length, findings, notes: [] };
}

describe('porting report', () => {
  it('scores a clean codebase as ready and a GPU script lower, with its blockers first', async () => {
    const clean = buildPortingReport(await output({ 'a.py': 'import torch\nx = torch.zeros(2)\n', 'b.py': 'print(1)\n' }));
    assert.equal(clean.readiness, 100);
    assert.equal(clean.verdict, 'ready');
    assert.deepEqual(clean.blockers, []);

    const gpu = buildPortingReport(
      await output({
        'train.py': 'import torch\nimport triton\nmodel = torch.nn.Linear(2, 2).cuda()\nx = torch.zeros(1).cuda()\ntorch.cuda.synchronize()\n',
        'ok.py': 'import torch\n',
      }),
    );
    assert.ok(gpu.readiness < 80, `readiness ${gpu.readiness}`);
    assert.equal(gpu.blockers[0].rule, 'NRN101');
    assert.equal(gpu.blockers[0].count, 2);
    assert.equal(gpu.blockers[0].fixable, 2);
    assert.ok(gpu.blockers.some((b) => b.rule === 'NRN551' && b.fixable === 0));
    assert.equal(gpu.files[0].path, 'train.py');
    assert.equal(gpu.files.length, 1, 'files without findings are not listed');
    assert.ok(gpu.effortHours.high > gpu.effortHours.low && gpu.effortHours.low > 0);
    const md = reportMarkdown(gpu);
    assert.match(md, /\*\*Readiness \d+\/100/);
    assert.match(md, /\| \[NRN101\]\(https:/);
  });
});
