// The chunked parse (src/core/python/chunkedModule.ts) must give the nodes a one-tree parse gives,
// on a first parse and after any series of edits, and the engine must find the same things in it.
// Chunks are made tiny here (a chunk per top-level statement or two) so every boundary is exercised.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { PythonParser, type TextChange } from '../../../src/core/python/parser';
import { ChunkedModule, type ModuleRoot } from '../../../src/core/python/chunkedModule';
import { scanTopLevel } from '../../../src/core/python/topLevel';
import { Analyzer } from '../../../src/core/analyzer';
import { torchModule, torchFile, stdlibCorpus } from '../../../bench/corpus';

const root = path.resolve(__dirname, '../../..');
const fixtures = ['gpu_ddp_train.py', 'hf_finetune.py', 'jax_train.py', 'ported_xla.py', 'false_positive_traps.py'].map((f) => fs.readFileSync(path.join(root, 'test/fixtures/cli', f), 'utf8'));

/** Every node with its type, offsets and points (and the text of leaves), in document order. */
function dump(r: ModuleRoot): string {
  const out: string[] = [];
  const walk = (n: Node) => {
    const leaf = n.childCount === 0 ? ` ${JSON.stringify(n.text)}` : '';
    out.push(`${n.type}${n.isMissing ? '!' : ''} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}${leaf}`);
    for (const c of n.children) walk(c);
  };
  for (const c of r.children) walk(c);
  return out.join('\n');
}

/** Asserts two dumps are equal, showing the first lines that differ (a whole dump is too long to read). */
function sameNodes(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (a[i] === e[i]) i++;
  assert.fail(`${what}: chunked and one-tree parses differ at node ${i}:\n  chunked:  ${a.slice(i, i + 3).join(' | ')}\n  one tree: ${e.slice(i, i + 3).join(' | ')}`);
}

/** The editor change that replaces [at, at + len) of `text` by `ins`, and the text after it. */
function changeAt(text: string, at: number, len: number, ins: string): { change: TextChange; next: string } {
  const point = (o: number) => {
    const before = text.slice(0, o);
    return { line: before.split('\n').length - 1, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { change: { rangeOffset: at, rangeLength: len, text: ins, start: point(at), oldEnd: point(at + len) }, next: text.slice(0, at) + ins + text.slice(at + len) };
}

function starts(text: string): number[] {
  return scanTopLevel(text).starts;
}

describe('top-level statement scan', () => {
  it('finds statements at column 0 and nothing inside strings, brackets, continuations or clauses', () => {
    const text = [
      'import os', // 0: not reported (the scan starts there)
      'x = """',
      'def inside_string():',
      '"""',
      'y = f"{z:\'>10}" + f"{d["k"]}"',
      'call(',
      'arg)',
      'total = 1 + \\',
      'two',
      '@decorator',
      'def f():',
      '    pass',
      'if x:',
      '    pass',
      'else:',
      '    pass',
      'try:',
      '    pass',
      'except E:',
      '    pass',
      'finally:',
      '    pass',
      '# a comment at column 0',
      'class C: pass',
      's = "one \\',
      'continued"',
      'last = 1',
      '',
    ].join('\n');
    const lines = starts(text).map((o) => text.slice(o, text.indexOf('\n', o)));
    assert.deepEqual(lines, ['x = """', 'y = f"{z:\'>10}" + f"{d["k"]}"', 'call(', 'total = 1 + \\', '@decorator', 'if x:', 'try:', 'class C: pass', 's = "one \\', 'last = 1']);
  });

  it('does not cut after a header that still needs its body, and counts rows by line feeds', () => {
    const text = 'def f():\nx = 1\ny = 2\r\nz = 3\n';
    assert.deepEqual(starts(text).map((o) => text[o]), ['y', 'z']);
    assert.deepEqual(scanTopLevel(text).rows, [2, 3]);
  });

  it('starts only where a one-tree parse has a top-level statement (fixtures, generated torch code, the stdlib)', async () => {
    const p = await PythonParser.create();
    const texts = [...fixtures, torchModule(800), ...stdlibCorpus(2_000_000).files.map((f) => f.text)];
    let checked = 0;
    for (const text of texts) {
      const tree = p.parse(text);
      try {
        const tops = new Set(tree.rootNode.namedChildren.filter((n) => n.type !== 'comment').map((n) => n.startIndex));
        for (const o of starts(text)) {
          assert.ok(tops.has(o), `not a statement start: ${JSON.stringify(text.slice(o, o + 60))}`);
          checked++;
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(checked > 1000, `only ${checked} starts checked`);
  });
});

describe('chunked module', function () {
  this.timeout(120_000);

  it('parses to the same nodes as one tree (fixtures, generated torch code, the stdlib)', async () => {
    const p = await PythonParser.create();
    const texts = [...fixtures, torchModule(800), ...stdlibCorpus(600_000).files.map((f) => f.text), '', '\n\n', 'x = 1'];
    for (const text of texts) {
      const m = ChunkedModule.parse(p, text, 3);
      const one = p.parse(text);
      try {
        sameNodes(dump(m.rootNode), dump(one.rootNode), `first parse of ${JSON.stringify(text.slice(0, 40))}`);
      } finally {
        m.delete();
        one.delete();
      }
    }
  });

  it('gives the same findings as one tree', async () => {
    const a = await Analyzer.create();
    for (const text of [...fixtures, torchModule(600), torchFile(3)]) {
      const m = ChunkedModule.parse(a.parser, text, 2);
      try {
        assert.ok(m.size > 5);
        assert.deepEqual(a.analyzeText(text, { target: 'auto' }, m).findings, a.analyzeText(text, { target: 'auto' }).findings);
      } finally {
        m.delete();
      }
    }
  });

  it('after random edits (typing, brackets, strings, deletions, pastes) matches a fresh one-tree parse', async () => {
    const a = await Analyzer.create();
    const p = a.parser;
    let text = torchModule(400);
    let m = ChunkedModule.parse(p, text, 8);
    // NEURON_LENS_FUZZ=seed:edits runs a longer or different sequence (the default runs in CI).
    const [seedArg, editsArg] = (process.env.NEURON_LENS_FUZZ ?? '3:500').split(':');
    let seed = Number(seedArg);
    const rnd = (k: number) => Math.floor(((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * k);
    const pieces = [
      'y = x + 1', 'def h(q):', '(', ')', '[\n1,\n]', '"', "'''", '"""', '\n', '\n\n', '    ', ' ', '\t', '\f', '#', '# neuron: ignore',
      'else:', 'except:', '@d\n', '\\\n', '\\', 'class K:\n    pass\n', 'async def g():\n    pass\n', 'match v:\n    case 1:\n        pass\n',
      'if x:\n', '    return 1\n', 'f"{a["b"]}"', "f'{x:'>4}'", '\r\n', '\r', 'é = 1', 'x = (1,\n2)\n',
    ];
    let compared = 0;
    const apply = (at: number, len: number, ins: string, what: string): boolean => {
      const { change, next } = changeAt(text, at, len, ins);
      text = next;
      m = m.update(p, text, [change]);
      const ranges = m.ranges;
      assert.equal(ranges[0][0], 0);
      assert.equal(ranges[ranges.length - 1][1], text.length);
      for (let k = 1; k < ranges.length; k++) assert.equal(ranges[k][0], ranges[k - 1][1]);
      const one = p.parse(text);
      try {
        // With a syntax error the two may recover differently; without one they must be the same.
        if (!one.rootNode.hasError) {
          sameNodes(dump(m.rootNode), dump(one.rootNode), what);
          // Now and then the whole engine too: kept chunks must read the new text, not the one they were parsed from.
          if (compared++ % 20 === 0) assert.deepEqual(a.analyzeText(text, { target: 'auto' }, m).findings, a.analyzeText(text, { target: 'auto' }, one).findings, what);
        }
        return !one.rootNode.hasError;
      } finally {
        one.delete();
      }
    };
    let brokenFor = 0;
    for (let n = 0; n < Number(editsArg); n++) {
      // Typing at a line's start or end, sometimes a deletion or a replacement spanning lines;
      // most edits that break the syntax are undone right after; the others stay for a few edits, then
      // the text starts over, so most states are valid and can be compared.
      const lineStarts = [0];
      for (let j = text.indexOf('\n'); j >= 0; j = text.indexOf('\n', j + 1)) lineStarts.push(j + 1);
      const line = rnd(lineStarts.length);
      const at = rnd(2) ? lineStarts[line] : Math.max(lineStarts[line], (lineStarts[line + 1] ?? text.length + 1) - 1);
      const len = n % 7 === 0 ? Math.min(text.length - at, rnd(300)) : 0;
      const ins = n % 11 === 0 ? '' : pieces[rnd(pieces.length)];
      const removed = text.slice(at, at + len);
      let valid = apply(at, len, ins, `edit ${n}: ${JSON.stringify(ins)} at ${at} (-${len})`);
      if (!valid && rnd(4)) valid = apply(at, ins.length, removed, `undo of edit ${n}`);
      brokenFor = valid ? 0 : brokenFor + 1;
      if (brokenFor > 4) {
        brokenFor = 0;
        text = torchModule(300 + rnd(200));
        m.delete();
        m = ChunkedModule.parse(p, text, 8);
      }
    }
    m.delete();
    assert.ok(compared > 100, `only ${compared} error-free states compared`);
  });

  it('re-parses only the edited chunk, and applies several changes of one event in order', async () => {
    const p = await PythonParser.create();
    let text = torchModule(3000);
    let m = ChunkedModule.parse(p, text);
    assert.ok(m.size > 10);
    // A space on a blank line between two definitions: one chunk parsed, the rest reused.
    const blank = text.indexOf('\n\n', text.length >> 1) + 1;
    const apply = (...changes: TextChange[]) => (m = m.update(p, text, changes));
    const space = changeAt(text, blank, 0, ' ');
    text = space.next;
    apply(space.change);
    assert.equal(m.parsedChunks, 1);
    // Two changes in one event (VS Code sends multi-cursor edits last-first).
    const a1 = text.indexOf('\n', 100);
    const a2 = text.indexOf('\n', 20_000);
    const later = changeAt(text, a2, 0, '  # two');
    const earlier = changeAt(later.next, a1, 0, '  # one');
    text = earlier.next;
    apply(later.change, earlier.change);
    assert.equal(m.parsedChunks, 2);
    const one = p.parse(text);
    sameNodes(dump(m.rootNode), dump(one.rootNode), 'after two changes');
    assert.equal(m.rootNode.toString(), one.rootNode.toString());
    one.delete();
    // An unclosed bracket (typing `foo(` before its `)`): the chunks below stay; closing it re-parses one chunk.
    const line = text.indexOf('\n', text.length >> 2);
    const openIt = changeAt(text, line, 0, ' or foo(');
    text = openIt.next;
    apply(openIt.change);
    assert.equal(m.parsedChunks, 1);
    const closeIt = changeAt(text, line + 8, 0, ')');
    text = closeIt.next;
    apply(closeIt.change);
    assert.equal(m.parsedChunks, 1);
    const closed = p.parse(text);
    sameNodes(dump(m.rootNode), dump(closed.rootNode), 'after the bracket was closed');
    // Changes that do not lead to the text (an event was missed): parsed afresh from the text.
    const missed = changeAt(text, 0, 0, 'y');
    text = `x = 1\n${text}`;
    apply(missed.change);
    assert.equal(m.parsedChunks, m.size);
    closed.delete();
    const fresh = p.parse(text);
    sameNodes(dump(m.rootNode), dump(fresh.rootNode), 'after a missed change');
    fresh.delete();
    m.delete();
  });
});
