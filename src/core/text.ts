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
