import { strict as assert } from 'node:assert';
import { IncrementalAnalysis } from '../../../src/core/incremental';
import { torchModule } from '../../../bench/corpus';
import { analyzer } from '../helpers';

/** A generated module analysed in full once, as the editor does on open. */
async function opened() {
  const a = await analyzer();
  const text = torchModule(800);
  const inc = new IncrementalAnalysis(a);
  const settings = { target: 'auto' as const };
  const tree = a.parser.parse(text);
  inc.analyzeFull(text, settings, tree);
  return { a, text, inc, settings, tree };
}

describe('incremental analysis (per-definition memo)', () => {
  it('matches a full analysis after every edit, re-analysing only what changed', async () => {
    const { a, inc, settings, ...start } = await opened();
    let { text, tree } = start;
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const inserts = [' ', 'x', '\n    y = t.cuda()', '\n    z = loss.item()', '# c', ')', '\n'];
    let partial = 0;
    for (let n = 0; n < 40; n++) {
      const lines = text.split('\n');
      const line = Math.floor(rnd() * lines.length);
      const off = lines.slice(0, line).join('\n').length + (line ? 1 : 0) + lines[line].length;
      text = text.slice(0, off) + inserts[n % inserts.length] + text.slice(off);
      tree.delete();
      tree = a.parser.parse(text);
      const fast = inc.analyze(text, settings, tree);
      if (inc.lastStats.reanalysed < inc.lastStats.units) partial++;
      const full = a.analyzeText(text, settings, tree);
      assert.deepEqual(fast.findings, full.findings, `edit ${n} at line ${line}`);
    }
    assert.ok(partial > 20, `most edits should reuse memoised definitions (${partial}/40)`);
    // The memo holds only definitions that exist now, however long the user types.
    const memo = (inc as unknown as { cache: Map<string, unknown> }).cache;
    assert.ok(memo.size <= inc.lastStats.units, `${memo.size} memo entries for ${inc.lastStats.units} units`);
    tree.delete();
  });

  it('keeps the memo while a bracket is open (syntax error) and matches a full analysis once it is closed', async () => {
    const { a, inc, settings, ...start } = await opened();
    let { text, tree } = start;
    // Type `y = x.sum(` on a new line in the middle of a definition, then `)`.
    const at = text.indexOf('\n', text.indexOf('    def forward', text.length >> 1));
    const step = (ins: string, off: number) => {
      text = text.slice(0, off) + ins + text.slice(off);
      tree.delete();
      tree = a.parser.parse(text);
      return inc.analyze(text, settings, tree);
    };
    step('\n        y = x.sum(', at);
    assert.ok(tree.rootNode.hasError, 'the open bracket is a syntax error');
    assert.ok(inc.lastStats.reanalysed < inc.lastStats.units / 2, `reanalysed ${inc.lastStats.reanalysed} of ${inc.lastStats.units} units while broken`);
    const fast = step(')', at + '\n        y = x.sum('.length);
    assert.ok(!tree.rootNode.hasError);
    assert.ok(inc.lastStats.reanalysed < inc.lastStats.units / 2, `reanalysed ${inc.lastStats.reanalysed} of ${inc.lastStats.units} units after closing`);
    assert.deepEqual(fast.findings, a.analyzeText(text, settings, tree).findings);
    tree.delete();
  });
});
