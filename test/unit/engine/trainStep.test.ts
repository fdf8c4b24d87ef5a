// The training-step scan (semantic/model.ts) must find exactly what its former single regex found, in the
// same places: the regex is kept here as the reference.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trainStepMatches } from '../../../src/core/semantic/model';
import { torchCorpus, torchProject } from '../../../bench/corpus';

const REFERENCE = /\.\s*backward\s*\(|\boptimizer_step\s*\(|\b\w*(?:optim|opt)\w*\s*\.\s*step\s*\(|\b\w+\s*\.\s*step\s*\((?=\s*\w*opt)/gi;

function reference(text: string, from: number, to: number): [number, number][] {
  const seg = text.slice(from, to);
  const re = new RegExp(REFERENCE.source, 'gi');
  const out: [number, number][] = [];
  for (let m = re.exec(seg); m; m = re.exec(seg)) out.push([from + m.index, from + m.index + m[0].length]);
  return out;
}

const TRICKY = `loss.backward()
loss . BACKWARD ( )
optimizer.step()
self.optim.step(closure)
opt  .  step  (
adopt.step()
scheduler.step()
x.step()
xm.optimizer_step(opt)
optimizer_step (opt)
OPTIMIZER.Step()
optimizer
    .step()
d["opt"].step()
(opt).step()
optax_opt_state.step()
scaler.step(optimizer)
scaler . step ( opt )
sched.step(epoch)
`;

describe('semantic: training-step scan', () => {
  it('finds what the reference regex finds, on tricky lines, fixtures and the bench corpora, whole and in slices', () => {
    const root = path.resolve(__dirname, '../../..');
    const texts = [TRICKY, ...fs.readdirSync(path.join(root, 'test/fixtures/cli')).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(root, 'test/fixtures/cli', f), 'utf8')), ...torchProject(1).files.map((f) => f.text), ...torchCorpus(2).files.map((f) => f.text)];
    let n = 0;
    for (const t of texts) {
      const ranges: [number, number][] = [[0, t.length], [5, t.length - 3], [Math.floor(t.length / 3), Math.floor((2 * t.length) / 3)]];
      for (const [from, to] of ranges) {
        const want = reference(t, from, to);
        assert.deepEqual([...trainStepMatches(t, from, to)], want, `text ${texts.indexOf(t)} [${from}, ${to})`);
        n += want.length;
      }
    }
    assert.ok(n > 50, `compared ${n} matches`);
    assert.equal([...trainStepMatches(TRICKY, 0, TRICKY.length)].length, 13, "11 before, and the two GradScaler steps");
  });
});
