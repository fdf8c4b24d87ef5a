// Small text helpers shared by the engine and the semantic layer.

/** `s` as a literal inside a RegExp. */
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `compute(text)` remembered for the last text it was asked about: whole-file facts that text gates ask for at
 * every occurrence (analysis goes one file at a time, so the last text is the current one).
 */
export function perText<T>(compute: (text: string) => T): (text: string) => T {
  let last: string | null = null;
  let value: T;
  return (text) => {
    if (text !== last) {
      last = text;
      value = compute(text);
    }
    return value;
  };
}

/** `compute(text, key)` remembered per key for the last text, like `perText` (e.g. a regex test per name). */
export function perTextKey<T>(compute: (text: string, key: string) => T): (text: string, key: string) => T {
  const memo = perText(() => new Map<string, T>());
  return (text, key) => {
    const m = memo(text);
    if (!m.has(key)) m.set(key, compute(text, key));
    return m.get(key) as T;
  };
}

/** Line feeds in `text[from, to)`. */
export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether `text` breaks lines with anything but `\n` (`\r`, U+2028, U+2029 also start a line for `/^/m`). */
const oddLineBreaks = perText((text) => /[\r\u2028\u2029]/.test(text));
const LINE_BREAK = /[\n\r\u2028\u2029]/g;

/**
 * The matches of `sticky` (a `/y` regex written without `^`) at every line start in [from, to): what
 * `/^…/gm` finds there. V8 tries a multiline `^` at every character of the text; stepping from line to line
 * with `indexOf` is ~3× faster on real files, and these scans run once per file for defs, classes and blocks.
 */
export function lineMatches(text: string, sticky: RegExp, from = 0, to = text.length): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const odd = oddLineBreaks(text);
  const next = (i: number): number => {
    if (!odd) {
      const e = text.indexOf('\n', i);
      return e < 0 ? -1 : e + 1;
    }
    LINE_BREAK.lastIndex = i;
    return LINE_BREAK.exec(text) ? LINE_BREAK.lastIndex : -1;
  };
  const c = text.charCodeAt(from - 1);
  let s = from === 0 || c === 10 || c === 13 || c === 0x2028 || c === 0x2029 ? from : next(from);
  while (s >= 0 && s < to) {
    sticky.lastIndex = s;
    const m = sticky.exec(text);
    if (m) out.push(m);
    s = next(s);
  }
  return out;
}
