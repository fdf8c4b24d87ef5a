// The patched node accessors (src/core/python/fastNodes.ts) must return exactly what web-tree-sitter's own
// accessors return. Compared on the realistic fixtures and a generated torch module: every accessor of every
// node, walked in this process (patched) and in a child process with NEURON_LENS_STOCK_NODES=1 (stock);
// then the CLI findings of both processes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonParser } from '../../../src/core/python/parser';
import { describe as dumpTree, fastNodesInstalled } from '../../../src/core/python/fastNodes';
import { Analyzer } from '../../../src/core/analyzer';

const root = path.resolve(__dirname, '../../..');
const fixtures = ['gpu_ddp_train.py', 'hf_finetune.py', 'jax_train.py', 'ported_xla.py', 'false_positive_traps.py'].map((f) => path.join(root, 'test/fixtures/cli', f));
const broken = 'def f(:\n    x = [1, 2\n  y = "unterminated\nclass C(\n';

const CHILD = `
const { PythonParser } = require(${JSON.stringify(path.join(root, 'src/core/python/parser'))});
const { describe, fastNodesInstalled } = require(${JSON.stringify(path.join(root, 'src/core/python/fastNodes'))});
const { Analyzer } = require(${JSON.stringify(path.join(root, 'src/core/analyzer'))});
const fs = require('node:fs');
(async () => {
  const p = await PythonParser.create();
  const a = new Analyzer(p);
  const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = texts.map((t) => { const tree = p.parse(t); try { return { dump: describe(tree.rootNode), findings: a.analyzeText(t, { target: 'auto' }).findings }; } finally { tree.delete(); } });
  process.stdout.write(JSON.stringify({ fast: fastNodesInstalled(), out }));
})();
`;

describe('fast node accessors', function () {
  this.timeout(60_000);

  it('are installed (a web-tree-sitter upgrade that changes its internals turns them off; this notices)', async () => {
    await PythonParser.create();
    assert.equal(fastNodesInstalled(), true);
  });

  it('return what the stock accessors return, node by node, and give the same findings', async () => {
    const p = await PythonParser.create();
    const a = new Analyzer(p);
    const texts = [...fixtures.map((f) => fs.readFileSync(f, 'utf8')), broken, 'x = "é😀"\n' + fs.readFileSync(fixtures[0], 'utf8')];
    const mine = texts.map((t) => {
      const tree = p.parse(t);
      try {
        return { dump: dumpTree(tree.rootNode), findings: a.analyzeText(t, { target: 'auto' }).findings };
      } finally {
        tree.delete();
      }
    });
    const stdout = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', CHILD], {
      input: JSON.stringify(texts),
      env: { ...process.env, NEURON_LENS_STOCK_NODES: '1' },
      maxBuffer: 256 << 20,
      cwd: root,
    }).toString();
    const stock = JSON.parse(stdout) as { fast: boolean; out: typeof mine };
    assert.equal(stock.fast, false, 'the child ran with the stock accessors');
    for (let i = 0; i < texts.length; i++) {
      assert.ok(mine[i].dump.split('\n').length > 20, 'a real tree was walked');
      assert.equal(mine[i].dump, stock.out[i].dump, `tree dump of text ${i}`);
      assert.deepEqual(JSON.parse(JSON.stringify(mine[i].findings)), stock.out[i].findings, `findings of text ${i}`);
    }
  });
});

describe('fast node accessors: library methods that write to nodes', () => {
  it('Node.edit() shifts a patched node like a stock one', async () => {
    const { Edit } = await import('web-tree-sitter');
    const p = await PythonParser.create();
    const tree = p.parse('x = 1\ny = 2\n');
    try {
      const y = tree.rootNode.namedChildren[1];
      assert.equal(y.startIndex, 6);
      y.edit(new Edit({ startIndex: 0, oldEndIndex: 0, newEndIndex: 3, startPosition: { row: 0, column: 0 }, oldEndPosition: { row: 0, column: 0 }, newEndPosition: { row: 1, column: 0 } }));
      assert.equal(y.startIndex, 9);
      assert.deepEqual(y.startPosition, { row: 2, column: 0 });
    } finally {
      tree.delete();
    }
  });
});
