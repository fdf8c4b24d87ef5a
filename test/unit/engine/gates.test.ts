// Text gates (Rule.gate) may only drop occurrences a rule would not report: the engine with every gate
// removed must give the same findings, on the realistic fixtures, the rule test corpus shapes of the bench
// generator, and gate-specific traps (calls split across lines, `.device` reads, `int` annotations).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTree } from '../../../src/core/engine';
import type { Rule } from '../../../src/core/rules/api';
import { analyzer } from '../helpers';
import { defNameAt } from '../../../src/core/rules/util/nodes';
import { torchCorpus, torchProject } from '../../../bench/corpus';

const root = path.resolve(__dirname, '../../..');
const TRAPS = `import torch
import numpy as np
dim: int = 4
x = torch.zeros(dim, dtype=torch.int64)
y = (torch.cuda
     .manual_seed
     (0))
with torch.cuda.device(
        0):
    pass
d = x.device
z = x.to(0)
w = x.to("cuda")
ordinal = 1
k: int = \\
    0
z2 = x.to(ordinal)
z3 = x.to(  # the GPU
    2)
z4 = torch.zeros(2, device=k)
z5 = x.to(dtype=torch.float16, device=ordinal)
z6 = x.to(x.device)
m = torch.tensor([1], dtype=torch.long) @ torch.ones(1, dtype=torch.long)
s = torch.arange(4) >> 1
for i in range(3):
    loss = x.sum()
    loss.backward()
    v = float(loss)
    k = int(loss)
    n = loss.item()
    a = loss.detach().cpu().numpy()
class Net(torch.nn.Module):
    def \\
            forward(self, x):
        y = x[x > 0]
        return y
with torch.cuda.nvtx.range("step"):
    pass
@torch.no_grad()
def generate(model, idx, steps):
    for _ in range(steps):
        nxt = model(idx)
        idx = torch.cat(
            (idx, nxt), dim=1)
        model.buf = torch.concat([model.buf,
                                  nxt])
        idx = torch.cat \\
            ((idx, nxt))
`;

describe('engine: text gates', function () {
  this.timeout(60_000);
  it('never change the findings (every gate removed vs in place)', async () => {
    const a = await analyzer();
    const rules = a.rules({ target: 'auto' });
    assert.ok(rules.filter((r) => r.gate).length >= 8, 'gates are in use');
    const ungated: Rule[] = rules.map((r) => ({ ...r, gate: undefined }));
    const texts = [
      TRAPS,
      ...fs.readdirSync(path.join(root, 'test/fixtures/cli')).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(root, 'test/fixtures/cli', f), 'utf8')),
      ...torchProject(2).files.map((f) => f.text),
      ...torchCorpus(3).files.map((f) => f.text),
    ];
    let total = 0;
    for (const text of texts) {
      for (const target of ['xla', 'native'] as const) {
        const tree = a.parser.parse(text);
        try {
          const gated = analyzeTree(tree, text, { target, rules }).findings;
          const plain = analyzeTree(tree, text, { target, rules: ungated }).findings;
          assert.deepEqual(gated, plain);
          total += gated.length;
        } finally {
          tree.delete();
        }
      }
    }
    assert.ok(total > 200, `a real amount of findings was compared (${total})`);
  });
  it('text helper: a def name across a continuation', () => {
    assert.equal(defNameAt('def forward(self):', 4), true);
    assert.equal(defNameAt('async def  forward(self):', 11), true);
    assert.equal(defNameAt('def \\\n    forward(self):', 10), true);
    assert.equal(defNameAt('undef forward', 6), false);
    assert.equal(defNameAt('self.forward(x)', 5), false);
    assert.equal(defNameAt('forward(x)', 0), false);
  });

  it('the traps file has the findings the gates must not drop', async () => {
    const a = await analyzer();
    const found = a.analyzeText(TRAPS, { target: 'xla' }).findings;
    const ids = new Set(found.map((f) => f.rule));
    for (const id of ['NRN103', 'NRN104', 'NRN155', 'NRN158', 'NRN351', 'NRN356', 'NRN404']) assert.ok(ids.has(id), `${id} in ${[...ids].join(',')}`);
    // every integer ordinal: `.to(0)`, `.to(ordinal)`, `.to(  # …\n 2)`, `device=k`, `device=ordinal`
    const lines = found.filter((f) => f.rule === 'NRN103').map((f) => TRAPS.split('\n')[f.range.start.line]);
    for (const l of ['z = x.to(0)', 'z2 = x.to(ordinal)', '    2)', 'z4 = torch.zeros(2, device=k)', 'z5 = x.to(dtype=torch.float16, device=ordinal)']) assert.ok(lines.includes(l), `NRN103 on ${l}: ${JSON.stringify(lines)}`);
  });
});
