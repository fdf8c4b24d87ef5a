// Assignment lookup (semantic/model.ts `assignmentsOf`): candidates come from one pass over the file's `=`
// signs, each confirmed in the tree. Checked against the tree itself: every binding a walk of the tree finds
// (`x = …`, `x: T = …`, parameter defaults), per name and scope, and nothing else.
import * as assert from 'node:assert/strict';
import type { Node } from 'web-tree-sitter';
import { SemanticModel } from '../../../src/core/semantic/model';
import { stdlibCorpus, torchFile, torchModule } from '../../../bench/corpus';
import { analyzer } from '../helpers';

const EDGES = [
  'x = 1',
  'x: int = 2',
  'x : "T" = 3',
  'a = b = 4',
  'y == 5',
  'y != 6',
  'y <= 7',
  'y += 8',
  'f(y=9)',
  '(z := 10)',
  'd = {k: v == 1 for k, v in e}',
  'def g(p=1, q: int = 2, *r, s=3, **t):',
  '    p = q',
  '    u = lambda w=4: w',
  '    return u',
  'class C:',
  '    attr = 1',
  '    def m(self, n=5):',
  '        self.attr = n',
  'if (cond):  x = 11',
  'for i in range(3): j = i',
  's = "k = 1"  # k = 2',
  'μ = 12',
  'xμ = 13',
  'x\t=\t14',
  'x =\\',
  '  15',
  '',
].join('\n');

/** Every binding in the tree: name → scope start (-1: module) → right-hand sides' starts. */
function truth(root: Node): Map<string, Map<number, number[]>> {
  const out = new Map<string, Map<number, number[]>>();
  const scopeOf = (n: Node): number => {
    for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return p.startIndex;
    return -1;
  };
  const add = (lhs: Node, rhs: Node | null) => {
    if (!rhs || lhs.type !== 'identifier') return;
    const byScope = out.get(lhs.text) ?? out.set(lhs.text, new Map()).get(lhs.text)!;
    const s = scopeOf(lhs);
    (byScope.get(s) ?? byScope.set(s, []).get(s)!).push(rhs.startIndex);
  };
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'assignment') add(n.childForFieldName('left')!, n.childForFieldName('right'));
    if (n.type === 'default_parameter' || n.type === 'typed_default_parameter') add(n.childForFieldName('name')!, n.childForFieldName('value'));
    stack.push(...n.namedChildren);
  }
  return out;
}

describe('semantic: assignments', () => {
  it('finds exactly the bindings a walk of the tree finds, per name and scope (edge cases, generated torch code, the stdlib)', async () => {
    const a = await analyzer();
    const texts = [EDGES, torchFile(3), torchModule(600), ...stdlibCorpus(1_500_000).files.map((f) => f.text)];
    let checked = 0;
    for (const text of texts) {
      const tree = a.parser.parse(text);
      try {
        const sem = new SemanticModel(tree, text, 'xla');
        for (const [name, byScope] of truth(tree.rootNode)) {
          for (const [scope, expected] of byScope) {
            // Ask from a node in that scope: the first identifier of the name there.
            const at = scope < 0 ? undefined : tree.rootNode.descendantForIndex(scope);
            const got = sem.assignmentsOf(name, at ?? undefined).map((r) => r.startIndex).sort((p, q) => p - q);
            expected.sort((p, q) => p - q);
            if (scope >= 0) {
              // Local bindings, or the module's when the function has none it can see (lambdas count as the function here).
              assert.deepEqual(got, expected, `${name} in the function at ${scope} of:\n${text.slice(0, 200)}`);
            } else {
              assert.deepEqual(got, expected, `${name} at module level of:\n${text.slice(0, 200)}`);
            }
            checked++;
          }
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(checked > 3000, `only ${checked} names checked`);
  });

  it('reads the edge cases as Python does', async () => {
    const a = await analyzer();
    const tree = a.parser.parse(EDGES);
    try {
      const sem = new SemanticModel(tree, EDGES, 'xla');
      const rhs = (name: string) => sem.assignmentsOf(name).map((r) => r.text);
      assert.deepEqual(rhs('x'), ['1', '2', '3', '11', '14', '15']);
      assert.deepEqual(rhs('a'), ['b = 4']);
      assert.deepEqual(rhs('b'), ['4']);
      assert.deepEqual(rhs('y'), []);
      assert.deepEqual(rhs('z'), []);
      assert.deepEqual(rhs('k'), []);
      assert.deepEqual(rhs('attr'), ['1']);
      assert.deepEqual(rhs('μ'), ['12']);
      assert.deepEqual(rhs('xμ'), ['13']);
      assert.deepEqual(sem.assignmentsOf('self.attr').map((r) => r.text), ['n']);
    } finally {
      tree.delete();
    }
  });
});
