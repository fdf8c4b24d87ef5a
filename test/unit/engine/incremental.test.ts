import { strict as assert } from 'node:assert';
import { IncrementalAnalysis } from '../../../src/core/incremental';
import { torchModule, oneClassModule as oneClass } from '../../../bench/corpus';
import { TreeCache } from '../../../src/core/python/treeCache';
import { analyzer } from '../helpers';

/** A generated module analysed in full once, as the editor does on open. */
async function opened(text = torchModule(800)) {
  const a = await analyzer();
  const inc = new IncrementalAnalysis(a);
  const settings = { target: 'auto' as const };
  const tree = a.parser.parse(text);
  inc.analyzeFull(text, settings, tree);
  return { a, text, inc, settings, tree };
}

describe('incremental analysis (per-definition memo)', () => {
  for (const [what, make] of [['a module of definitions', () => torchModule(800)], ['one long class (its methods are the units)', () => oneClass(800)]] as const)
  it(`matches a full analysis after every edit, re-analysing only what changed: ${what}`, async () => {
    const { a, inc, settings, ...start } = await opened(make());
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

  it('in a long class, keeps the memo while a bracket is open even when recovery makes the file one ERROR node', async () => {
    const a = await analyzer();
    let text = oneClass(5000);
    const cache = new TreeCache(a.parser);
    const inc = new IncrementalAnalysis(a);
    const settings = { target: 'auto' as const };
    let version = 0;
    inc.analyzeFull(text, settings, cache.get('big', version, text));
    const units = inc.lastStats.units;
    assert.ok(units > 300, `the class is split into its methods (${units} units)`);
    // After this line, an open bracket makes tree-sitter's recovery swallow the whole file (checked below).
    let off = text.indexOf('\n', text.indexOf('        opt = torch.optim.AdamW'));
    const key = (s: string) => {
      const before = text.slice(0, off);
      const line = before.split('\n').length - 1;
      const character = off - (before.lastIndexOf('\n') + 1);
      cache.applyChanges('big', [{ rangeOffset: off, rangeLength: 0, text: s, start: { line, character }, oldEnd: { line, character } }]);
      text = text.slice(0, off) + s + text.slice(off);
      off += s.length;
      const tree = cache.get('big', ++version, text);
      return { tree, r: inc.analyze(text, settings, tree) };
    };
    // Module-level statements (10 here) are re-analysed on every key, plus the edited method.
    let sawCollapse = false;
    for (const s of ['\n        ', 'y', ' ', '=', ' ', 'x', '.', 's', 'u', 'm', '(']) {
      const { tree } = key(s);
      sawCollapse ||= tree.rootNode.namedChildren.length === 1;
      assert.ok(inc.lastStats.reanalysed <= 12, `key ${JSON.stringify(s)}: re-analysed ${inc.lastStats.reanalysed} of ${inc.lastStats.units} units`);
    }
    assert.ok(sawCollapse, 'tree-sitter recovered from the open bracket with one ERROR node (the case this test is about)');
    const { tree, r } = key(')');
    assert.ok(inc.lastStats.reanalysed <= 12, `after closing: re-analysed ${inc.lastStats.reanalysed} of ${inc.lastStats.units} units`);
    assert.deepEqual(r.findings, a.analyzeText(text, settings, tree).findings);
    cache.clear();
  });
});
