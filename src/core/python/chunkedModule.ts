// A Python module parsed as a row of chunks, each a run of whole top-level statements parsed on its
// own (tree-sitter "included ranges", so every node keeps its position in the document).
//
// Why: tree-sitter-python cannot reuse the statements after an edit that invalidates the
// zero-width NEWLINE/DEDENT tokens at a block's end (typing on a blank line, or on the last line of
// a body): the parser's reuse cursor meets the next statement at the same offset as the tokens it
// still has to lex, finds a different external-scanner state and skips it, and so on to the end of
// the file. On a 5,000-line module that is a full re-parse (~30 ms) for a keystroke. Cut into
// chunks, only the edited chunk is re-parsed; the others keep their trees, shifted by `tree.edit`.
//
// A chunk boundary is a line where `scanTopLevel` says a top-level statement starts, so each chunk
// parses to exactly the nodes the whole module has there (checked against one-tree parses in
// test/unit/python/chunkedModule.test.ts). Rules see the chunks through `ModuleRoot`, the part of
// the root node's interface the engine uses.
import { Edit, type Node, type Tree, type Range } from 'web-tree-sitter';
import { endAfterInsert, rebindText, type PythonParser, type TextChange } from './parser';
import { scanTopLevel, type TopLevelScan } from './topLevel';
import { countNewlines } from '../text';

/** What the engine asks of a module's root: a one-tree parse's root node satisfies it too. */
export interface ModuleRoot {
  readonly type: string;
  readonly namedChildren: Node[];
  readonly children: Node[];
  descendantForIndex(start: number, end?: number): Node | null;
  namedDescendantForIndex(start: number, end?: number): Node | null;
  /** The root node of the tree that holds the offset (a chunked module has one tree per chunk; absent: this root is that node). */
  treeRootAt?(offset: number): Node;
}

/** A parsed module: a tree-sitter `Tree`, or a `ChunkedModule`. */
export interface ParsedModule {
  readonly rootNode: ModuleRoot;
}

interface Chunk {
  start: number;
  end: number;
  tree: Tree;
  parsed?: boolean;
  /** Kept as a chunk start while an unclosed bracket before it runs to the end of the file (see `update`). */
  provisional?: boolean;
}

/** Lines per chunk on a first parse (a chunk ends at the first statement start after this many lines). */
export const CHUNK_LINES = 120;

export class ChunkedModule implements ParsedModule {
  private root?: ForestRoot;
  private constructor(readonly text: string, private readonly chunks: Chunk[], private readonly chunkLines: number) {
    this.parsedChunks = chunks.filter((c) => c.parsed).length;
  }
  /** How many chunks were parsed to make this module (the others kept their trees). */
  readonly parsedChunks: number;

  static parse(parser: PythonParser, text: string, chunkLines = CHUNK_LINES): ChunkedModule {
    const bounds = [0, ...cuts(scanTopLevel(text), chunkLines, () => false)];
    return new ChunkedModule(text, parseChunks(parser, text, bounds, () => undefined), chunkLines);
  }

  get rootNode(): ModuleRoot {
    return (this.root ??= new ForestRoot(this.chunks));
  }

  /** Number of chunks (for tests and benchmarks). */
  get size(): number {
    return this.chunks.length;
  }

  /** Chunk ranges, for tests. */
  get ranges(): [number, number][] {
    return this.chunks.map((c) => [c.start, c.end]);
  }

  /**
   * The module for `text`, which is this module's text after `changes` (applied in order, as an
   * editor reports them). Unchanged chunks keep their trees (shifted); edited chunks are re-parsed
   * incrementally; chunks whose bounds moved are parsed anew. This module must not be used after.
   */
  update(parser: PythonParser, text: string, changes: readonly TextChange[]): ChunkedModule {
    // Where each old chunk lands in the new text; a boundary inside a replaced range is lost.
    const starts: (number | null)[] = this.chunks.map((c) => c.start);
    const ends: (number | null)[] = this.chunks.map((c) => c.end);
    let cur = this.text;
    for (const c of changes) {
      const s = c.rangeOffset;
      const oe = s + c.rangeLength;
      const delta = c.text.length - c.rangeLength;
      const edit = treeEdit(cur, s, oe, c.text);
      // An insertion at a boundary joins the chunk before it (a chunk starts with its statement).
      const map = (b: number | null): number | null => (b === null ? null : b === 0 ? 0 : b < s ? b : b === s && oe === s ? b + c.text.length : b < oe ? null : b + delta);
      for (let k = 0; k < this.chunks.length; k++) {
        const was = ends[k];
        starts[k] = map(starts[k]);
        ends[k] = k === this.chunks.length - 1 && was !== null ? (was < s ? was : was + delta) : map(ends[k]);
        // Trees that end before the change are not touched by it.
        if (was === null || was >= s) this.chunks[k].tree.edit(edit);
      }
      cur = cur.slice(0, s) + c.text + cur.slice(oe);
    }
    if (cur !== text) {
      // The changes do not lead to this text (an event was missed): trust the text, parse it afresh.
      this.delete();
      return ChunkedModule.parse(parser, text, this.chunkLines);
    }
    // A chunk is intact when both its bounds survived and its text is the same.
    const intact = this.chunks.map((c, k) => starts[k] !== null && ends[k] !== null && text.slice(starts[k]!, ends[k]!) === this.text.slice(c.start, c.end));
    const firstDirty = intact.indexOf(false);
    if (firstDirty < 0) {
      const same = this.chunks.map((c, k) => ({ start: starts[k]!, end: ends[k]!, tree: c.tree, parsed: false, provisional: c.provisional }));
      for (const c of same) rebindText(c.tree, text);
      this.chunks.length = 0;
      return new ChunkedModule(text, same, this.chunkLines);
    }
    let tail = this.chunks.length;
    while (tail > 0 && intact[tail - 1]) tail--;

    // Re-scan from the start of the intact chunk before the first edited one (its first line and
    // everything before it are unchanged, so the lexer starts clean there; provisional starts are
    // passed over back to a real one) until the scan is back on the real start of an intact chunk
    // with only intact chunks after it.
    let k0 = Math.max(0, firstDirty - 1);
    while (k0 > 0 && this.chunks[k0].provisional) k0--;
    const from = starts[k0]!;
    const tailStarts = new Map<number, number>();
    for (let k = Math.max(tail, firstDirty + 1); k < this.chunks.length; k++) if (!this.chunks[k].provisional) tailStarts.set(starts[k]!, k);
    const validOld = new Set<number>();
    for (let k = k0 + 1; k < this.chunks.length; k++) if (starts[k] !== null) validOld.add(starts[k]!);
    const scan = scanTopLevel(text, from, (o) => tailStarts.has(o));
    const resumed = tailStarts.get(scan.end);
    const bounds: number[] = [];
    const provisional = new Set<number>();
    for (let k = 0; k < k0; k++) {
      bounds.push(starts[k]!);
      if (this.chunks[k].provisional) provisional.add(starts[k]!);
    }
    bounds.push(from);
    if (this.chunks[k0].provisional) provisional.add(from);
    // Keep old boundaries that are still statement starts; cut chunks that grew past twice the size.
    bounds.push(...cuts(scan, 2 * this.chunkLines, (s) => validOld.has(s)));
    const found = new Set(scan.starts);
    if (resumed !== undefined) {
      for (let k = resumed; k < this.chunks.length; k++) {
        bounds.push(starts[k]!);
        if (this.chunks[k].provisional) provisional.add(starts[k]!);
      }
    } else if (scan.openBracketAtEnd) {
      // An unclosed bracket now runs to the end of the file: nothing after it is a statement start,
      // and the file is a syntax error however it is parsed. Rather than re-parse everything below
      // as one broken statement (on every keystroke until the `)` is typed), keep the old chunk
      // starts after it, marked provisional: the next edit re-scans from before the bracket, and
      // once it is closed they are real starts again. Until then the chunks below parse as they
      // were and keep their findings; a one-tree parse (the CLI) recovers from the error its own way.
      for (const s of validOld) {
        if (s > from && !found.has(s)) {
          bounds.push(s);
          provisional.add(s);
        }
      }
      bounds.sort((x, y) => x - y);
    }

    // Old chunks by their new bounds: reused when intact, the old tree for an incremental parse otherwise.
    const byBounds = new Map<string, number>();
    this.chunks.forEach((_, k) => {
      if (starts[k] !== null && ends[k] !== null) byBounds.set(`${starts[k]}:${ends[k]}`, k);
    });
    const used = new Set<number>();
    const chunks = parseChunks(parser, text, bounds, (s, e) => {
      const k = byBounds.get(`${s}:${e}`);
      if (k === undefined) return undefined;
      used.add(k);
      return { tree: this.chunks[k].tree, intact: intact[k] };
    });
    this.chunks.forEach((c, k) => {
      if (!used.has(k) || !intact[k]) c.tree.delete();
    });
    for (const c of chunks) if (provisional.has(c.start)) c.provisional = true;
    this.chunks.length = 0;
    return new ChunkedModule(text, chunks, this.chunkLines);
  }

  delete(): void {
    for (const c of this.chunks) c.tree.delete();
    this.chunks.length = 0;
  }
}

/** The scanned starts to cut at: those `keep` names, and the first one at least `lines` rows after the last cut. */
function cuts(scan: TopLevelScan, lines: number, keep: (start: number) => boolean): number[] {
  const out: number[] = [];
  let lastRow = 0;
  scan.starts.forEach((s, k) => {
    if (keep(s) || scan.rows[k] - lastRow >= lines) {
      out.push(s);
      lastRow = scan.rows[k];
    }
  });
  return out;
}

/** Parses `text` cut at `bounds` (ascending, starting with 0). `old` offers a tree for a chunk's bounds. */
function parseChunks(parser: PythonParser, text: string, bounds: number[], old: (start: number, end: number) => { tree: Tree; intact: boolean } | undefined): Chunk[] {
  const chunks: Chunk[] = [];
  // Rows are counted only up to chunks that are parsed (an intact chunk's tree has its rows already).
  let row = 0;
  let at = 0;
  for (let k = 0; k < bounds.length; k++) {
    const start = bounds[k];
    const end = k + 1 < bounds.length ? bounds[k + 1] : text.length;
    const prior = old(start, end);
    let tree: Tree;
    if (prior?.intact) {
      tree = prior.tree;
      rebindText(tree, text);
    } else {
      row += countNewlines(text, at, start);
      at = start;
      const whole = start === 0 && end === text.length;
      const range: Range = { startIndex: start, endIndex: end, startPosition: { row, column: 0 }, endPosition: pointAt(text, end, row + countNewlines(text, start, end)) };
      tree = parser.parse(text, prior?.tree ?? null, whole ? undefined : [range]);
    }
    chunks.push({ start, end, tree, parsed: !prior?.intact });
  }
  return chunks;
}

function pointAt(text: string, offset: number, row: number): { row: number; column: number } {
  return { row, column: offset - (text.lastIndexOf('\n', offset - 1) + 1) };
}

/** A tree-sitter edit for replacing [s, oe) of `text` by `inserted`, with rows counted as tree-sitter does ('\n'). */
function treeEdit(text: string, s: number, oe: number, inserted: string): Edit {
  const startRow = countNewlines(text, 0, s);
  const start = pointAt(text, s, startRow);
  const oldEnd = pointAt(text, oe, startRow + countNewlines(text, s, oe));
  const newEnd = endAfterInsert({ line: start.row, character: start.column }, inserted);
  return new Edit({ startIndex: s, oldEndIndex: oe, newEndIndex: s + inserted.length, startPosition: start, oldEndPosition: oldEnd, newEndPosition: newEnd });
}

/** The module root over all chunks: lookups go to the chunk holding the offset. */
class ForestRoot implements ModuleRoot {
  readonly type = 'module';
  private readonly roots: Node[];
  private named?: Node[];
  private all?: Node[];
  constructor(private readonly chunks: readonly Chunk[]) {
    this.roots = chunks.map((c) => c.tree.rootNode);
  }
  get namedChildren(): Node[] {
    return (this.named ??= this.roots.flatMap((r) => r.namedChildren));
  }
  get children(): Node[] {
    return (this.all ??= this.roots.flatMap((r) => r.children));
  }
  /** The S-expression a one-tree parse would print. */
  toString(): string {
    return `(module${this.roots.map((r) => r.toString().slice('(module'.length, -1)).join('')})`;
  }
  descendantForIndex(start: number, end = start): Node | null {
    return this.treeRootAt(start).descendantForIndex(start, end);
  }
  namedDescendantForIndex(start: number, end = start): Node | null {
    return this.treeRootAt(start).namedDescendantForIndex(start, end);
  }
  treeRootAt(offset: number): Node {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.roots[lo];
  }
}
