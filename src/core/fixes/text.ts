// Text plumbing for the fix engine: positions ↔ offsets, applying edits, turning a before/after pair
// into minimal non-overlapping edits, and a unified diff writer. Offsets and characters count UTF-16
// code units, like tree-sitter indices and VS Code positions.
import type { Pos, Range, TextEdit } from '../types';

/** An edit on offsets of the original text. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }
  /** End of the line's content (before `\n` / `\r\n`). */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return next > this.lineStart(line) && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
  }
  offsetAt(p: Pos): number {
    return Math.min(this.lineStart(p.line) + p.character, p.line + 1 < this.starts.length ? this.starts[p.line + 1] : this.text.length);
  }
  positionAt(offset: number): Pos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  lineOf(offset: number): number {
    return this.positionAt(offset).line;
  }
}

/** Applies non-overlapping edits (any order). Throws on overlap: that is a fix-engine bug. */
export function applyOffsetEdits(text: string, edits: readonly OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Applies `TextEdit`s (ranges on `text`), as an editor would. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const idx = new LineIndex(text);
  return applyOffsetEdits(
    text,
    edits.map((e) => ({ start: idx.offsetAt(e.range.start), end: idx.offsetAt(e.range.end), text: e.newText })),
  );
}

export function toTextEdits(text: string, edits: readonly OffsetEdit[]): TextEdit[] {
  const idx = new LineIndex(text);
  return [...edits]
    .sort((a, b) => a.start - b.start)
    .map((e) => ({ range: { start: idx.positionAt(e.start), end: idx.positionAt(e.end) }, newText: e.text }));
}

export function rangeOf(text: string, start: number, end: number): Range {
  const idx = new LineIndex(text);
  return { start: idx.positionAt(start), end: idx.positionAt(end) };
}

function splitLines(text: string): string[] {
  // Keep the line terminators so joining gives the text back.
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      out.push(text.slice(at, i + 1));
      at = i + 1;
    }
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Longest-common-subsequence line alignment (Myers would be faster; files here are small). */
function diffLines(a: readonly string[], b: readonly string[]): { aStart: number; aEnd: number; bStart: number; bEnd: number }[] {
  // Trim the common head and tail first: fixes touch a few lines of long files.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const n = A.length;
  const m = B.length;
  const hunks: { aStart: number; aEnd: number; bStart: number; bEnd: number }[] = [];
  if (n === 0 && m === 0) return hunks;
  if (n * m > 4_000_000) return [{ aStart: head, aEnd: head + n, bStart: head, bEnd: head + m }];
  const dp = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * (m + 1) + j] = A[i] === B[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  let open: { aStart: number; bStart: number } | null = null;
  const close = () => {
    if (open) hunks.push({ aStart: head + open.aStart, aEnd: head + i, bStart: head + open.bStart, bEnd: head + j });
    open = null;
  };
  while (i < n || j < m) {
    if (i < n && j < m && A[i] === B[j]) {
      close();
      i++;
      j++;
    } else {
      open ??= { aStart: i, bStart: j };
      if (j < m && (i >= n || dp[i * (m + 1) + j + 1] >= dp[(i + 1) * (m + 1) + j])) j++;
      else i++;
    }
  }
  close();
  return hunks;
}

/** Minimal edits turning `before` into `after`: changed line blocks, trimmed to the changed characters. */
export function diffToEdits(before: string, after: string): OffsetEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  const aOff: number[] = [0];
  for (const l of a) aOff.push(aOff[aOff.length - 1] + l.length);
  const bOff: number[] = [0];
  for (const l of b) bOff.push(bOff[bOff.length - 1] + l.length);
  const out: OffsetEdit[] = [];
  for (const h of diffLines(a, b)) {
    let s = aOff[h.aStart];
    let e = aOff[h.aEnd];
    let bs = bOff[h.bStart];
    let be = bOff[h.bEnd];
    // Trim common prefix/suffix characters inside the hunk.
    while (s < e && bs < be && before[s] === after[bs]) {
      s++;
      bs++;
    }
    while (e > s && be > bs && before[e - 1] === after[be - 1]) {
      e--;
      be--;
    }
    out.push({ start: s, end: e, text: after.slice(bs, be) });
  }
  return out;
}

/** A unified diff (`diff -u` style, 3 lines of context) of one file; '' when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const hunks = diffLines(a, b);
  const strip = (l: string) => l.replace(/\r?\n$/, '');
  const lines: string[] = [`--- a/${path}`, `+++ b/${path}`];
  let k = 0;
  while (k < hunks.length) {
    // Merge hunks whose contexts touch.
    let last = k;
    while (last + 1 < hunks.length && hunks[last + 1].aStart - hunks[last].aEnd <= 2 * context) last++;
    const aFrom = Math.max(0, hunks[k].aStart - context);
    const aTo = Math.min(a.length, hunks[last].aEnd + context);
    const bFrom = hunks[k].bStart - (hunks[k].aStart - aFrom);
    const bTo = hunks[last].bEnd + (aTo - hunks[last].aEnd);
    const body: string[] = [];
    let ai = aFrom;
    for (let h = k; h <= last; h++) {
      for (; ai < hunks[h].aStart; ai++) body.push(' ' + strip(a[ai]));
      for (let x = hunks[h].aStart; x < hunks[h].aEnd; x++) body.push('-' + strip(a[x]));
      for (let x = hunks[h].bStart; x < hunks[h].bEnd; x++) body.push('+' + strip(b[x]));
      ai = hunks[h].aEnd;
    }
    for (; ai < aTo; ai++) body.push(' ' + strip(a[ai]));
    const count = (n: number) => (n === 1 ? '' : `,${n}`);
    const aLen = aTo - aFrom;
    const bLen = bTo - bFrom;
    lines.push(`@@ -${aLen === 0 ? aFrom : aFrom + 1}${count(aLen)} +${bLen === 0 ? bFrom : bFrom + 1}${count(bLen)} @@`);
    lines.push(...body);
    k = last + 1;
  }
  return lines.join('\n') + '\n';
}
