import { strict as assert } from 'node:assert';
import { TreeCache } from '../../../src/core/python/treeCache';
import { analyzer } from '../helpers';

describe('incremental re-parse', () => {
  it('gives the same tree and findings as a fresh parse after a series of edits', async () => {
    const a = await analyzer();
    const cache = new TreeCache(a.parser, 4);
    let text = 'import torch\nfor b in loader:\n    loss = model(b)\n    loss.backward()\n    opt.step()\n    print(loss.item())\n';
    cache.get('doc', 1, text);
    const edits: [string, string][] = [
      ['item', 'tolist'],
      ['tolist', 'item'],
      ['import torch\n', 'import torch\nimport torch_xla\n'],
      ['print(loss.item())', 'print(loss.item())\n    x = torch.zeros(1).cuda()'],
    ];
    let v = 1;
    for (const [from, to] of edits) {
      const off = text.indexOf(from);
      const before = text.slice(0, off);
      const line = before.split('\n').length - 1;
      const character = off - (before.lastIndexOf('\n') + 1);
      const endBefore = text.slice(0, off + from.length);
      const endLine = endBefore.split('\n').length - 1;
      const endChar = off + from.length - (endBefore.lastIndexOf('\n') + 1);
      cache.applyChanges('doc', [{ rangeOffset: off, rangeLength: from.length, text: to, start: { line, character }, oldEnd: { line: endLine, character: endChar } }]);
      text = text.slice(0, off) + to + text.slice(off + from.length);
      const tree = cache.get('doc', ++v, text);
      const fresh = a.parser.parse(text);
      assert.equal(tree.rootNode.toString(), fresh.rootNode.toString());
      assert.deepEqual(a.analyzeText(text, { target: 'xla' }, tree).findings, a.analyzeText(text, { target: 'xla' }).findings);
      fresh.delete();
    }
    assert.equal(cache.size, 1);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it('evicts (and deletes) the least recently used trees beyond capacity', async () => {
    const a = await analyzer();
    const cache = new TreeCache(a.parser, 2);
    for (let i = 0; i < 5; i++) cache.get(`d${i}`, 1, `x = ${i}\n`);
    assert.equal(cache.size, 2);
    cache.clear();
  });
});
