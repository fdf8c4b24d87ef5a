// `# neuron: ignore`, `# neuron: ignore[NRN101,host-sync]` at the end of a line, and
// `# neuron: ignore-file` in the first 20 lines (CONTRACTS.md §3).
import type { ModuleRoot } from './python/chunkedModule';
import type { Finding } from './types';

export interface Suppressions {
  file: boolean;
  /** line → null (everything) or the ids/categories listed. */
  lines: Map<number, Set<string> | null>;
}

const LINE_RE = /#\s*neuron:\s*ignore(?:\[([^\]]*)\])?[ \t]*$/gm;
const FILE_RE = /#\s*neuron:\s*ignore-file\b/;

function inComment(root: ModuleRoot | undefined, index: number): boolean {
  if (!root) return true;
  return root.descendantForIndex(index)?.type === 'comment';
}

export function parseSuppressions(text: string, root?: ModuleRoot): Suppressions {
  const lines = new Map<number, Set<string> | null>();
  let file = false;
  if (text.indexOf('neuron:') < 0) return { file, lines };
  let lineStarts: number[] | undefined;
  const lineOf = (idx: number) => {
    lineStarts ??= computeLineStarts(text);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= idx) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const fm = FILE_RE.exec(text);
  if (fm && lineOf(fm.index) < 20 && inComment(root, fm.index)) file = true;
  LINE_RE.lastIndex = 0;
  for (let m = LINE_RE.exec(text); m; m = LINE_RE.exec(text)) {
    if (!inComment(root, m.index)) continue;
    const line = lineOf(m.index);
    const codes = m[1]
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    lines.set(line, codes && codes.length ? new Set(codes) : null);
  }
  return { file, lines };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function isSuppressed(s: Suppressions, f: Finding): boolean {
  if (!s.lines.has(f.range.start.line)) return false;
  const codes = s.lines.get(f.range.start.line);
  return !codes || codes.has(f.rule) || codes.has(f.category);
}
