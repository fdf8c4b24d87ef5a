// Notebooks are analysed as one program: code cells are joined in order (imports in cell 1 apply
// to cell 5), IPython magics and shell escapes are blanked to keep positions, and findings are
// mapped back to (cell, line-in-cell).
import type { Finding, RelatedInfo, Range } from './types';

export interface NotebookProgram {
  text: string;
  /** For each code cell in `cells` order: its index among all cells and its first line in `text`. */
  cells: { index: number; startLine: number; lineCount: number }[];
}

/** Cell magics whose body is Python run by the kernel (timed, captured, profiled): the body is analysed. */
const PYTHON_CELL_MAGIC = /^%%(?:time|timeit|capture|prun|memit)\b/;

/**
 * Masks `%magic`, `!shell` and `?help` lines so the Python grammar sees comments, and whole cells under a cell
 * magic (`%%bash`, `%%writefile`, …) except those that run their body as Python (`%%time`, `%%capture`, …).
 */
function maskMagics(source: string): string {
  const head = source.trimStart();
  if (/^%%/.test(head) && !PYTHON_CELL_MAGIC.test(head)) return source.replace(/[^\n]/g, (c, i: number) => (i === 0 ? '#' : ' '));
  return source.replace(/^([ \t]*)([%!?][^\n]*)$/gm, (_m, ws: string, rest: string) => ws + '#' + ' '.repeat(rest.length - 1));
}

export function buildNotebookProgram(cells: readonly { index: number; source: string }[]): NotebookProgram {
  let text = '';
  let line = 0;
  const out: NotebookProgram['cells'] = [];
  for (const c of cells) {
    let src = maskMagics(c.source.replace(/\r\n?/g, '\n'));
    if (!src.endsWith('\n')) src += '\n';
    const lineCount = src.split('\n').length - 1;
    out.push({ index: c.index, startLine: line, lineCount });
    text += src;
    line += lineCount;
  }
  return { text, cells: out };
}

export interface IpynbCell {
  index: number;
  kind: 'code' | 'markdown' | 'raw';
  source: string;
}

/** Reads an .ipynb file's cells; throws a readable error for anything that is not a notebook. */
export function parseIpynb(json: string): { cells: IpynbCell[]; language: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new Error(`not a valid notebook (JSON: ${(e as Error).message})`);
  }
  const d = doc as { cells?: unknown; metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } } };
  if (!d || typeof d !== 'object' || !Array.isArray(d.cells)) throw new Error('not a valid notebook (no "cells" list)');
  const language = d.metadata?.language_info?.name ?? d.metadata?.kernelspec?.language ?? 'python';
  const cells = d.cells.map((c: { cell_type?: string; source?: string | string[] }, index: number) => ({
    index,
    kind: (c.cell_type === 'code' || c.cell_type === 'markdown' ? c.cell_type : 'raw') as IpynbCell['kind'],
    source: Array.isArray(c.source) ? c.source.join('') : typeof c.source === 'string' ? c.source : '',
  }));
  return { cells, language };
}

function mapRange(p: NotebookProgram, r: Range): { cell: number; range: Range } | null {
  const c = p.cells.find((x) => r.start.line >= x.startLine && r.start.line < x.startLine + x.lineCount);
  if (!c) return null;
  const endLine = Math.min(r.end.line, c.startLine + c.lineCount - 1);
  const end = endLine === r.end.line ? r.end : { line: endLine, character: 0 };
  return {
    cell: c.index,
    range: { start: { line: r.start.line - c.startLine, character: r.start.character }, end: { line: end.line - c.startLine, character: end.character } },
  };
}

/** Maps findings on the joined program back to cells. Related locations in other cells keep their cell. */
export function mapNotebookFindings(p: NotebookProgram, findings: readonly Finding[]): (Finding & { cell: number })[] {
  const out: (Finding & { cell: number })[] = [];
  for (const f of findings) {
    const m = mapRange(p, f.range);
    if (!m) continue;
    const related: RelatedInfo[] = [];
    for (const r of f.related) {
      const rm = mapRange(p, r.range);
      if (rm) related.push({ ...r, range: rm.range, cell: rm.cell });
    }
    out.push({ ...f, range: m.range, cell: m.cell, related });
  }
  return out;
}
