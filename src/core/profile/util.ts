// Small helpers shared by the profile readers.

/** Coerce a JSON/Parquet value to a finite number, or null. Accepts numeric strings and bigint. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return null;
}

/** Round for output: keeps 4 decimals for percentages, so float noise does not leak into JSON. */
export function round(v: number | null, decimals = 4): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** Seconds (float) → integer nanoseconds. */
export function secToNs(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e9);
}

/** 0–1 fraction → 0–100 percentage (summary counters are fractions, see formats §0.3). */
export function fracToPercent(v: number | null): number | null {
  return v === null ? null : round(v * 100);
}

const ENGINE_ALIASES: Record<string, string> = {
  tensor: 'tensor', tensormatrix: 'tensor', pe: 'tensor', tensore: 'tensor', tensormatrixe: 'tensor',
  vector: 'vector', dve: 'vector', vectore: 'vector',
  scalar: 'scalar', act: 'scalar', activation: 'scalar', scalare: 'scalar',
  gpsimd: 'gpsimd', pool: 'gpsimd', gpsimde: 'gpsimd',
  sync: 'sync', sp: 'sync', synce: 'sync',
  cc_instruction: 'cc', 'cc-core': 'cc', cccore: 'cc', cc: 'cc',
};

/** Normalise an engine name across tables ('Tensor', 'tensor', 'TensorMatrix', 'PE' → 'tensor'). */
export function engineName(raw: string): string {
  const k = raw.trim().toLowerCase();
  return ENGINE_ALIASES[k] ?? ENGINE_ALIASES[k.replace(/[\s_-]+/g, '')] ?? k;
}

export const ENGINE_ORDER = ['tensor', 'vector', 'scalar', 'gpsimd', 'sync'];

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('Profile loading was cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Top-N by a key, heaviest first, ties by name for stable output. */
export function topN<T extends { name: string }>(items: T[], n: number, key: (t: T) => number): T[] {
  return [...items].sort((a, b) => key(b) - key(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, n);
}

/** Parse "[[1, 10], [20, 50]]" interval lists; returns the summed length, or null when unparsable. */
export function sumIntervals(text: unknown): number | null {
  if (typeof text !== 'string' || !text) return null;
  let total = 0;
  let found = false;
  const re = /\[\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*,\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*\]/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[2]) - Number(m[1]);
    found = true;
  }
  return found ? total : null;
}
