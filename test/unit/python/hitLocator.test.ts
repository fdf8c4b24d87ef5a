// The engine finds each trigger word's node with `hitLocator` (src/core/python/hitLocator.ts): a descent that keeps the
// ancestors of the last hit and records each node's parent on the way down. It must find the node tree-sitter's
// `descendantForIndex` finds, and every parent it records must be the node tree-sitter's own parent read gives.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { PythonParser } from '../../../src/core/python/parser';
import { ChunkedModule, type ModuleRoot } from '../../../src/core/python/chunkedModule';
import { hitLocator } from '../../../src/core/python/hitLocator';
import { torchFile, stdlibCorpus } from '../../../bench/corpus';

const root = path.resolve(__dirname, '../../..');
const fixtures = fs.readdirSync(path.join(root, 'test/fixtures/cli')).filter((f) => f.endsWith('.py')).map((f) => fs.readFileSync(path.join(root, 'test/fixtures/cli', f), 'utf8'));
const broken = 'def f(:\n    x = [1, 2\n  y = "unterminated\nclass C(\n  z = x.cuda()\n';

/** A node named by kind and span (ids differ between a chunked and a one-tree parse). */
const key = (n: Node | null): string => (n ? `${n.type}@${n.startIndex}-${n.endIndex}` : '-');

/** Word occurrences (identifier-like runs and single characters inside strings), as the trigger scan sees them. */
function words(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(/[A-Za-z_]\w*|"/g)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** Checks every range: the located node, and its chain of (possibly recorded) parents up to the root. */
function check(r: ModuleRoot, ranges: [number, number][], what: string): number {
  const locate = hitLocator(r);
  let parents = 0;
  for (const [s, e] of ranges) {
    const mine = locate(s, e);
    const theirs = r.descendantForIndex(s, e);
    assert.equal(key(mine), key(theirs), `${what}: node at ${s}-${e}`);
    // tree-sitter's own walk, from a fresh node (no recorded parents)
    for (let a = mine, b = theirs; a || b; a = a!.parent, b = b!.parent, parents++) assert.equal(key(a), key(b), `${what}: ancestors of ${s}-${e}`);
  }
  return parents;
}

describe('hit locator', function () {
  this.timeout(120_000);
  const texts = [...fixtures, broken, torchFile(3, 3), ...stdlibCorpus(150_000).files.map((f) => f.text), '', 'x'];

  it('finds the node descendantForIndex finds, with the same parents (one tree, document order)', async () => {
    const p = await PythonParser.create();
    let n = 0;
    for (const t of texts) {
      const tree = p.parse(t);
      try {
        n += check(tree.rootNode, words(t), 'one tree');
      } finally {
        tree.delete();
      }
    }
    assert.ok(n > 50_000, `walked ${n} parents`);
  });

  it('does the same on a chunked module (one tree per chunk) and out of order (the alias scan starts again at 0)', async () => {
    const p = await PythonParser.create();
    for (const t of texts.slice(0, fixtures.length + 3)) {
      const ws = words(t);
      // two passes in order, then every 7th range backwards
      const order = [...ws, ...ws.filter((_, i) => i % 3 === 0), ...ws.filter((_, i) => i % 7 === 0).reverse()];
      const m = ChunkedModule.parse(p, t, 3);
      try {
        check(m.rootNode, order, 'chunked');
      } finally {
        m.delete();
      }
      const tree = p.parse(t);
      try {
        check(tree.rootNode, order, 'one tree, out of order');
      } finally {
        tree.delete();
      }
    }
  });
});
