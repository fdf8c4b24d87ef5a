// Fixing a Jupyter notebook: its code cells are fixed as one program (an import added for cell 5 goes
// to the import cell), joined with a boundary comment line that no fixer touches, then split back.
// IPython magics are masked as comments while fixing and restored after. The .ipynb JSON keeps its indentation and everything but the
// changed `source` lists.
import { buildNotebookProgram, parseIpynb } from '../notebook';
import type { FixEngine, AnalyzeFn, FixAllResult } from './index';
import { fixAll } from './index';
import type { FixOptions } from './api';
import { diffToEdits, toTextEdits } from './text';
import type { TextEdit } from '../types';

export interface NotebookFixResult {
  /** The new .ipynb text (equal to the input when nothing changed). */
  json: string;
  result: FixAllResult;
  /** Code cells changed (indices among all cells). */
  cells: number[];
}

function detectIndent(json: string): number | string {
  const m = /\n([ \t]+)"/.exec(json);
  if (!m) return 1;
  return m[1].includes('\t') ? '\t' : m[1].length;
}

function toSourceList(src: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') {
    out.push(src.slice(at, i + 1));
    at = i + 1;
  }
  if (at < src.length) out.push(src.slice(at));
  return out;
}

/** A comment line between cells: fixers never touch comments, so it survives and splits the cells back. */
const SENTINEL = '# \u2063neuron-lens: cell boundary \u2063';

export function fixNotebook(engine: FixEngine, json: string, analyze: AnalyzeFn, options: FixOptions = {}): NotebookFixResult {
  const nb = parseIpynb(json);
  const code = nb.cells.filter((c) => c.kind === 'code');
  const masked = code.map((c) => buildNotebookProgram([c]).text);
  const program = masked.join(SENTINEL + '\n');
  const result = fixAll(engine, program, analyze, options);
  // Skipped fixes name lines of the joined program (the last pass's text): give them their cell and line there.
  const starts: number[] = [];
  let row = 0;
  for (const part of result.text.split(SENTINEL + '\n')) {
    starts.push(row);
    row += part.split('\n').length; // the part's lines, plus the boundary line after it
  }
  for (const k of result.skipped) {
    let i = starts.length - 1;
    while (i > 0 && starts[i] > k.line) i--;
    if (i < code.length) {
      k.cell = code[i].index;
      k.line -= starts[i];
    }
  }
  if (result.text === program) return { json, result, cells: [] };
  const parts = result.text.split(SENTINEL + '\n');
  if (parts.length !== code.length) {
    result.skipped.push({ rule: 'notebook', reason: 'the fixes moved code across cells; fix this notebook in the editor', line: 0 });
    return { json, result, cells: [] };
  }
  const doc = JSON.parse(json) as { cells: { source?: string | string[] }[] };
  const changed: number[] = [];
  code.forEach((cell, i) => {
    if (parts[i] === masked[i]) return;
    const src = cell.source.replace(/\r\n?/g, '\n');
    // Put the masked IPython magics back (they are comment lines to the fixers, so never edited).
    const original = (src.endsWith('\n') ? src : src + '\n').split('\n');
    const maskedLines = masked[i].split('\n');
    const restore = new Map<string, string[]>();
    maskedLines.forEach((m, k) => {
      if (m !== original[k]) restore.set(m, [...(restore.get(m) ?? []), original[k]]);
    });
    let out = parts[i]
      .split('\n')
      .map((l) => (restore.get(l)?.length ? restore.get(l)!.shift()! : l))
      .join('\n');
    if (!src.endsWith('\n') && out.endsWith('\n')) out = out.slice(0, -1);
    if (out === src) return;
    const raw = doc.cells[cell.index];
    raw.source = Array.isArray(raw.source) || raw.source === undefined ? toSourceList(out) : out;
    changed.push(cell.index);
  });
  if (!changed.length) return { json, result, cells: [] };
  const text = JSON.stringify(doc, null, detectIndent(json)) + (json.endsWith('\n') ? '\n' : '');
  return { json: text, result, cells: changed };
}

/** Live notebook cells (the editor's view): joined for fixing, split back into per-cell edits. */
export interface CellProgram {
  text: string;
  /** First line of each cell in `text`. */
  startLines: number[];
  masked: string[];
  /** Whether each cell's own text ends with a newline (the joined program adds one when not). */
  endsNl: boolean[];
}

export function joinCells(cells: readonly string[]): CellProgram {
  const masked = cells.map((source, index) => buildNotebookProgram([{ index, source }]).text);
  const startLines: number[] = [];
  let line = 0;
  for (const m of masked) {
    startLines.push(line);
    line += m.split('\n').length - 1 + 1; // the cell's lines, then the boundary line
  }
  return { text: masked.join(SENTINEL + '\n'), startLines, masked, endsNl: cells.map((c) => c.replace(/\r\n?/g, '\n').endsWith('\n')) };
}

/**
 * Per-cell edits (cell-relative ranges) turning the joined program into `after`, or null when the
 * cell boundaries did not survive. Masked magics are comment lines, so no edit touches them and the
 * ranges are valid on the real cell text.
 */
export function splitCellEdits(p: CellProgram, after: string): TextEdit[][] | null {
  const parts = after.split(SENTINEL + '\n');
  if (parts.length !== p.masked.length) return null;
  return parts.map((part, i) => {
    if (part === p.masked[i]) return [];
    let before = p.masked[i];
    let now = part;
    // The joined program ends every cell with a newline; keep the cell's own ending.
    if (!p.endsNl[i]) {
      before = before.slice(0, -1);
      now = now.endsWith('\n') ? now.slice(0, -1) : now;
    }
    return toTextEdits(before, diffToEdits(before, now));
  });
}
