// Streaming reader for big JSON profiles (legacy `--output-format json`, Chrome traces, system profiles).
//
// Why not stream-json alone: measured on this machine, stream-json tokenises ~50 MB/s and assembles
// array items at ~30 MB/s, i.e. ~33 s for a 1 GB legacy profile (target: 8 s). So this is an
// incremental byte-level parser for the OUTER structure only (root object/array, top-level keys,
// array element boundaries; strings and escapes tracked across chunk boundaries). Each array
// element (a few hundred bytes to a few KB) is then parsed by JSON.parse. Memory stays bounded by
// the chunk size plus one element. Bare NaN / Infinity / -Infinity outside strings (neuron-profile
// < 2.19 wrote them) are rewritten to null in the affected element only.
//
// `nonFiniteToNull` is also exported as a string transform, and `createNonFiniteTransform()` is a
// Node Transform stream doing the same across chunk boundaries, usable in front of stream-json.
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Transform, type TransformCallback } from 'node:stream';
import { throwIfAborted } from './util';

export interface JsonStreamHandlers {
  /**
   * A top-level key whose value is an array is starting. Return false to skip its elements unparsed,
   * or a list of field names to receive object elements PROJECTED to those top-level fields (a fast
   * path that decodes only those values). Elements that are not plain objects, that span a chunk
   * boundary, or that have escaped keys arrive whole (JSON.parse): read only the fields you asked for.
   */
  onArrayStart?(key: string): boolean | string[];
  /** One element of an array at the top level (key '' when the root itself is an array). */
  onArrayItem(key: string, value: unknown): void;
  /** A top-level key whose value is not an array, parsed whole (up to maxValueBytes). */
  onValue?(key: string, value: unknown): void;
}

export interface JsonStreamOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
  /** Non-array top-level values larger than this are skipped with an error (default 256 MiB). */
  maxValueBytes?: number;
  /** Array elements larger than this are skipped with an error (default 64 MiB). */
  maxItemBytes?: number;
  highWaterMark?: number;
}

export interface JsonStreamResult {
  bytesRead: number;
  fileSize: number;
  /** The input ended before the root value closed. */
  truncated: boolean;
  /** Elements/values that failed to parse (count) and the first few messages. */
  parseErrors: number;
  errors: string[];
  /** Elements in which bare NaN/Infinity were rewritten to null. */
  nonFiniteFixed: number;
  /** Bytes skipped before the first '{' or '[' (log lines). */
  leadingBytes: number;
  rootKind: 'object' | 'array' | null;
  /** Trailing non-whitespace after the root value (another document, garbage). */
  trailingData: boolean;
}

const enum Mode { SeekRoot, ObjKey, ObjColon, ObjValue, ArrElem, Capture, Done }

const QUOTE = 0x22, BSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d, COMMA = 0x2c, COLON = 0x3a;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Replace bare NaN, Infinity, -Infinity outside strings with null. */
export function nonFiniteToNull(text: string): string {
  let out = '';
  let last = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inStr) {
      if (ch === BSLASH) i++;
      else if (ch === QUOTE) inStr = false;
      continue;
    }
    if (ch === QUOTE) { inStr = true; continue; }
    let len = 0;
    if (ch === 0x4e && text.startsWith('NaN', i)) len = 3;
    else if (ch === 0x49 && text.startsWith('Infinity', i)) len = 8;
    else if (ch === 0x2d && text.startsWith('-Infinity', i)) len = 9;
    else if (ch === 0x2b && text.startsWith('+Infinity', i)) len = 9;
    if (len) {
      out += text.slice(last, i) + 'null';
      i += len - 1;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** A Transform stream applying nonFiniteToNull across chunk boundaries (for stream-json pipelines). */
export function createNonFiniteTransform(): Transform {
  let inStr = false;
  let esc = false;
  let carry = '';
  return new Transform({
    decodeStrings: false,
    transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback) {
      let text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      carry = '';
      // Hold back a possible partial literal at the end (outside strings).
      let out = '';
      let last = 0;
      let i = 0;
      for (; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (inStr) {
          if (esc) esc = false;
          else if (ch === BSLASH) esc = true;
          else if (ch === QUOTE) inStr = false;
          continue;
        }
        if (ch === QUOTE) { inStr = true; continue; }
        if (ch === 0x4e || ch === 0x49 || ch === 0x2d || ch === 0x2b) {
          const rest = text.slice(i, i + 9);
          const lit = ['NaN', 'Infinity', '-Infinity', '+Infinity'].find((l) => rest.startsWith(l));
          if (lit) {
            out += text.slice(last, i) + 'null';
            i += lit.length - 1;
            last = i + 1;
          } else if (text.length - i < 9 && ['NaN', 'Infinity', '-Infinity', '+Infinity'].some((l) => l.startsWith(rest) && rest.length < l.length)) {
            carry = text.slice(i);
            text = text.slice(0, i);
            break;
          }
        }
      }
      out += text.slice(last);
      cb(null, out);
    },
    flush(cb: TransformCallback) {
      cb(null, carry);
    },
  });
}

export async function isGzip(path: string): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

interface ScanState { depth: number; inStr: boolean; esc: boolean; nonFinite: boolean }

/**
 * Scan inside a container value starting at `i` until its depth drops back to `baseDepth`.
 * Returns the index just after the closing bracket, or -1 when the chunk ends first (state kept in `st`).
 * Hot loop: module-level function with locals only (no closure-captured variables).
 */
function scanContainer(chunk: Buffer, i: number, st: ScanState, baseDepth: number): number {
  let depth = st.depth, inStr = st.inStr, esc = st.esc, nf = st.nonFinite;
  const len = chunk.length;
  while (i < len) {
    if (inStr) {
      if (!esc) {
        const q = chunk.indexOf(QUOTE, i);
        const stop = q < 0 ? len : q;
        let j = i;
        while (j < stop && chunk[j] !== BSLASH) j++;
        if (j === stop) {
          if (q < 0) { i = len; break; }
          i = q + 1;
          inStr = false;
          continue;
        }
        i = j; // a backslash before the quote: slow path from here
      }
      for (; i < len; i++) {
        const c = chunk[i];
        if (esc) esc = false;
        else if (c === BSLASH) esc = true;
        else if (c === QUOTE) { inStr = false; i++; break; }
      }
      continue;
    }
    const c = chunk[i++];
    if (c === QUOTE) inStr = true;
    else if (c === LBRACE || c === LBRACK) depth++;
    else if (c === RBRACE || c === RBRACK) {
      depth--;
      if (depth === baseDepth) { st.depth = depth; st.inStr = false; st.esc = false; st.nonFinite = nf; return i; }
    } else if (c === 0x4e || c === 0x49) nf = true;
  }
  st.depth = depth; st.inStr = inStr; st.esc = esc; st.nonFinite = nf;
  return -1;
}

interface Projection { keys: Buffer[]; names: string[] }

function makeProjection(fields: string[]): Projection {
  return { keys: fields.map((f) => Buffer.from(f, 'utf8')), names: fields };
}

const INCOMPLETE = -2;
const FALLBACK = -1;
/** Result of the last successful projectObject call (avoids a wrapper allocation per element). */
let projected: Record<string, unknown> = {};
let projectedNonFinite = false;
const skipState: ScanState = { depth: 0, inStr: false, esc: false, nonFinite: false };

/** Parse a JSON primitive in b[s, e); returns FALLBACK_VALUE when it is not valid. */
const FALLBACK_VALUE = Symbol('fallback');
function parsePrimitive(b: Buffer, s: number, e: number): unknown {
  let k = s;
  const neg = b[k] === 0x2d;
  if (neg) k++;
  if (e - k > 0 && e - k <= 15) {
    let v = 0;
    let simple = true;
    for (; k < e; k++) {
      const d = b[k] - 48;
      if (d < 0 || d > 9) { simple = false; break; }
      v = v * 10 + d;
    }
    if (simple) return neg ? -v : v;
  }
  const t = b.toString('latin1', s, e);
  if (t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'NaN' || t === 'Infinity' || t === '-Infinity' || t === '+Infinity') { projectedNonFinite = true; return null; }
  if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return FALLBACK_VALUE;
  return Number(t);
}

/**
 * Short strings repeat a lot in profiles (engines, opcodes, queue names, HLO names): decode each
 * distinct byte sequence once. Bounded cache keyed by an FNV-1a hash, verified byte by byte.
 */
const internCache = new Map<number, { bytes: Buffer; str: string }>();
const INTERN_MAX = 8192;
function internString(b: Buffer, s: number, e: number): string {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const hit = internCache.get(h);
  if (hit && hit.bytes.length === e - s) {
    let i = 0;
    const hb = hit.bytes;
    while (i < hb.length && hb[i] === b[s + i]) i++;
    if (i === hb.length) return hit.str;
  }
  const str = b.toString('utf8', s, e);
  if (!hit && internCache.size < INTERN_MAX) internCache.set(h, { bytes: Buffer.from(b.subarray(s, e)), str });
  return str;
}

const LITERALS = ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity', '+Infinity'].map((l) => Buffer.from(l));

/** Cheap validity check for a skipped primitive: a number start, or exactly one of the literals. */
function plausiblePrimitive(b: Buffer, s: number, e: number): boolean {
  if (e <= s) return false;
  const c = b[s];
  if ((c >= 0x30 && c <= 0x39) || (c === 0x2d && e - s > 1 && b[s + 1] !== 0x49)) return true;
  for (const l of LITERALS) {
    if (l.length !== e - s) continue;
    let m = 0;
    while (m < l.length && l[m] === b[s + m]) m++;
    if (m === l.length) {
      if (c === 0x4e || c === 0x49 || c === 0x2d || c === 0x2b) projectedNonFinite = true;
      return true;
    }
  }
  return false;
}

/**
 * Parse the object starting at b[i] ('{'), keeping only the projected top-level fields.
 * Returns the index after '}', INCOMPLETE when the chunk ends first, FALLBACK for anything unusual
 * (escaped keys, invalid syntax): the caller then uses JSON.parse on the element.
 */
function projectObject(b: Buffer, i: number, p: Projection): number {
  const len = b.length;
  const obj: Record<string, unknown> = {};
  const keys = p.keys;
  i++;
  let expectKey = true;
  for (;;) {
    while (i < len && isWs(b[i])) i++;
    if (i >= len) return INCOMPLETE;
    let c = b[i];
    if (c === RBRACE) { projected = obj; return i + 1; }
    if (c === COMMA && !expectKey) { i++; expectKey = true; continue; }
    if (c !== QUOTE || !expectKey) return FALLBACK;
    const ks = i + 1;
    let j = ks;
    while (j < len && b[j] !== QUOTE) { if (b[j] === BSLASH) return FALLBACK; j++; }
    if (j >= len) return INCOMPLETE;
    const klen = j - ks;
    let want = -1;
    for (let k = 0; k < keys.length; k++) {
      const kb = keys[k];
      if (kb.length !== klen) continue;
      let m = 0;
      while (m < klen && kb[m] === b[ks + m]) m++;
      if (m === klen) { want = k; break; }
    }
    i = j + 1;
    while (i < len && isWs(b[i])) i++;
    if (i >= len) return INCOMPLETE;
    if (b[i] !== COLON) return FALLBACK;
    i++;
    while (i < len && isWs(b[i])) i++;
    if (i >= len) return INCOMPLETE;
    c = b[i];
    let value: unknown;
    if (c === QUOTE) {
      const vs = i + 1;
      let e = vs;
      for (;;) {
        const q = b.indexOf(QUOTE, e);
        if (q < 0) return INCOMPLETE;
        let bs = 0;
        for (let t = q - 1; t >= vs && b[t] === BSLASH; t--) bs++;
        if ((bs & 1) === 0) { e = q; break; }
        e = q + 1;
      }
      if (want >= 0) {
        let hasEsc = false;
        for (let t = vs; t < e; t++) if (b[t] === BSLASH) { hasEsc = true; break; }
        if (hasEsc) {
          try { value = JSON.parse(b.toString('utf8', vs - 1, e + 1)); } catch { return FALLBACK; }
        } else value = e - vs <= 96 ? internString(b, vs, e) : b.toString('utf8', vs, e);
      }
      i = e + 1;
    } else if (c === LBRACE || c === LBRACK) {
      skipState.depth = 1; skipState.inStr = false; skipState.esc = false; skipState.nonFinite = false;
      const end = scanContainer(b, i + 1, skipState, 0);
      if (end < 0) return INCOMPLETE;
      if (want >= 0) {
        let text = b.toString('utf8', i, end);
        if (skipState.nonFinite) { text = nonFiniteToNull(text); projectedNonFinite = true; }
        try { value = JSON.parse(text); } catch { return FALLBACK; }
      }
      i = end;
    } else {
      const vs = i;
      while (i < len) {
        const d = b[i];
        if (d === COMMA || d === RBRACE || d === RBRACK || isWs(d)) break;
        i++;
      }
      if (i >= len) return INCOMPLETE;
      if (want >= 0) {
        value = parsePrimitive(b, vs, i);
        if (value === FALLBACK_VALUE) return FALLBACK;
      } else if (!plausiblePrimitive(b, vs, i)) return FALLBACK;
    }
    if (want >= 0) obj[p.names[want]] = value;
    expectKey = false;
  }
}

/**
 * Stream a JSON file whose root is an object of (mostly) arrays, or an array.
 * Never throws for malformed data (reports it in the result); throws only for I/O errors and abort.
 * Consecutive array elements that lie inside one chunk are parsed with a single JSON.parse.
 */
export async function streamJsonFile(path: string, handlers: JsonStreamHandlers, opts: JsonStreamOptions = {}): Promise<JsonStreamResult> {
  const fileSize = (await fsp.stat(path)).size;
  const maxValue = opts.maxValueBytes ?? 256 * 1024 * 1024;
  const maxItem = opts.maxItemBytes ?? 64 * 1024 * 1024;
  const res: JsonStreamResult = {
    bytesRead: 0, fileSize, truncated: false, parseErrors: 0, errors: [], nonFiniteFixed: 0, leadingBytes: 0,
    rootKind: null, trailingData: false,
  };

  let mode: Mode = Mode.SeekRoot;
  const st: ScanState = { depth: 0, inStr: false, esc: false, nonFinite: false };
  let key = '';
  let keyParts: Buffer[] | null = null;
  let keyStart = -1;
  let wantItems = true;
  let proj: Projection | null = null;
  const startArray = (k: string) => {
    const r = handlers.onArrayStart ? handlers.onArrayStart(k) : true;
    wantItems = r !== false;
    proj = Array.isArray(r) ? makeProjection(r) : null;
  };
  // Capture of one value that spans chunks (or a non-array top-level value).
  let capParts: Buffer[] = [];
  let capStart = -1;
  let capBytes = 0;
  let capBaseDepth = 0;
  let capPrimitive = false;
  let capIsItem = true;
  let capTooBig = false;
  // Run of complete elements inside the current chunk: [runStart, runEnd), boundaries for error isolation.
  let runStart = -1;
  let runEnd = -1;
  let runNF = false;
  const runBounds: number[] = [];

  const noteError = (msg: string) => {
    res.parseErrors++;
    if (res.errors.length < 5) res.errors.push(msg);
  };
  const where = () => (key ? `"${key}"` : 'root array');

  const deliver = (text: string, nf: boolean, isItem: boolean): boolean => {
    if (nf) { text = nonFiniteToNull(text); res.nonFiniteFixed++; }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    if (isItem) handlers.onArrayItem(key, value);
    else handlers.onValue?.(key, value);
    return true;
  };

  const flushRun = (chunk: Buffer) => {
    if (runStart < 0) return;
    if (wantItems) {
      let text = chunk.toString('utf8', runStart, runEnd);
      if (runNF) { text = nonFiniteToNull(text); res.nonFiniteFixed++; }
      let items: unknown[] | null = null;
      try {
        items = JSON.parse(`[${text}]`) as unknown[];
      } catch {
        items = null;
      }
      if (items) for (const it of items) handlers.onArrayItem(key, it);
      else {
        for (let k = 0; k < runBounds.length; k += 2) {
          const t = chunk.toString('utf8', runBounds[k], runBounds[k + 1]);
          if (!deliver(t, runNF, true)) {
            let msg = 'invalid JSON';
            try { JSON.parse(runNF ? nonFiniteToNull(t) : t); } catch (e) { msg = (e as Error).message; }
            noteError(`${where()} element: ${msg}`);
          }
        }
      }
    }
    runStart = -1;
    runEnd = -1;
    runNF = false;
    runBounds.length = 0;
  };

  const finishCapture = (chunk: Buffer, endExclusive: number) => {
    const keep = capIsItem ? wantItems : true;
    if (keep && !capTooBig) {
      let buf: Buffer;
      if (capStart >= 0 && capParts.length === 0) buf = chunk.subarray(capStart, endExclusive);
      else {
        capParts.push(chunk.subarray(capStart >= 0 ? capStart : 0, endExclusive));
        buf = Buffer.concat(capParts);
      }
      const text = buf.toString('utf8');
      if (!deliver(text, st.nonFinite, capIsItem)) {
        let msg = 'invalid JSON';
        try { JSON.parse(st.nonFinite ? nonFiniteToNull(text) : text); } catch (e) { msg = (e as Error).message; }
        noteError(`${where()} ${capIsItem ? 'element' : 'value'}: ${msg}`);
      }
    } else if (capTooBig) {
      noteError(`${where()} ${capIsItem ? 'element' : 'value'} is larger than the ${capIsItem ? maxItem : maxValue} byte limit and was skipped`);
    }
    capParts = [];
    capStart = -1;
    capBytes = 0;
    capTooBig = false;
    st.nonFinite = false;
    mode = capIsItem ? Mode.ArrElem : Mode.ObjKey;
  };

  const beginCapture = (i: number, b: number, isItem: boolean) => {
    capIsItem = isItem;
    capStart = i;
    capParts = [];
    capBytes = 0;
    capTooBig = false;
    capBaseDepth = st.depth;
    st.nonFinite = false;
    mode = Mode.Capture;
    if (b === LBRACE || b === LBRACK) { capPrimitive = false; st.depth++; }
    else if (b === QUOTE) { capPrimitive = false; st.inStr = true; }
    else { capPrimitive = true; if (b === 0x4e || b === 0x49 || b === 0x2b || b === 0x2d) st.nonFinite = true; }
  };

  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: opts.highWaterMark ?? 1 << 20 });
  // .json.gz (TensorBoard plugin traces): decompress on the fly; progress then counts compressed bytes.
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: opts.highWaterMark ?? 1 << 20 })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  let lastProgress = 0;
  try {
    for await (const chunkAny of stream) {
      throwIfAborted(opts.signal);
      const chunk = chunkAny as Buffer;
      const len = chunk.length;
      let i = 0;
      while (i < len) {
        const b = chunk[i];
        switch (mode as Mode) {
          case Mode.ArrElem: {
            if (isWs(b) || b === COMMA) { i++; continue; }
            if (b === RBRACK) {
              flushRun(chunk);
              st.depth--;
              mode = res.rootKind === 'array' && st.depth === 0 ? Mode.Done : Mode.ObjKey;
              i++;
              continue;
            }
            if (b === LBRACE && proj && wantItems) {
              // Projection fast path: decode only the wanted fields of an object element.
              projectedNonFinite = false;
              const end = projectObject(chunk, i, proj);
              if (end >= 0) {
                if (projectedNonFinite) res.nonFiniteFixed++;
                handlers.onArrayItem(key, projected);
                i = end;
                continue;
              }
            }
            if (b === LBRACE || b === LBRACK) {
              // Element complete within this chunk joins the run (parsed with one JSON.parse per run),
              // or, under a projection (fallback element), is delivered at once to keep the order.
              const base = st.depth;
              st.depth++;
              st.nonFinite = false;
              const end = scanContainer(chunk, i + 1, st, base);
              if (end >= 0 && proj) {
                const text = chunk.toString('utf8', i, end);
                if (wantItems && !deliver(text, st.nonFinite, true)) {
                  let msg = 'invalid JSON';
                  try { JSON.parse(st.nonFinite ? nonFiniteToNull(text) : text); } catch (e) { msg = (e as Error).message; }
                  noteError(`${where()} element: ${msg}`);
                }
                i = end;
                continue;
              }
              if (end >= 0) {
                if (runStart < 0) runStart = i;
                runEnd = end;
                runNF ||= st.nonFinite;
                runBounds.push(i, end);
                i = end;
                continue;
              }
              // Spans the chunk end: flush the run, fall back to a multi-chunk capture.
              flushRun(chunk);
              const nf = st.nonFinite;
              const depthNow = st.depth;
              const inStrNow = st.inStr, escNow = st.esc;
              st.depth = base;
              beginCapture(i, b, true);
              st.depth = depthNow; st.inStr = inStrNow; st.esc = escNow; st.nonFinite = nf;
              i = len;
              continue;
            }
            flushRun(chunk);
            beginCapture(i, b, true);
            i++;
            continue;
          }
          case Mode.Capture: {
            if (capPrimitive) {
              if (b === COMMA || b === RBRACK || b === RBRACE || isWs(b)) { finishCapture(chunk, i); continue; }
              if (b === 0x4e || b === 0x49) st.nonFinite = true;
              i++;
              continue;
            }
            if (st.inStr && st.depth === capBaseDepth) {
              // A top-level string value.
              for (; i < len; i++) {
                const c = chunk[i];
                if (st.esc) st.esc = false;
                else if (c === BSLASH) st.esc = true;
                else if (c === QUOTE) { st.inStr = false; break; }
              }
              if (i >= len) continue;
              finishCapture(chunk, i + 1);
              i++;
              continue;
            }
            const end = scanContainer(chunk, i, st, capBaseDepth);
            if (end >= 0) { finishCapture(chunk, end); i = end; } else i = len;
            continue;
          }
          case Mode.ObjKey: {
            if (keyParts !== null) {
              for (; i < len; i++) {
                const c = chunk[i];
                if (st.esc) { st.esc = false; continue; }
                if (c === BSLASH) { st.esc = true; continue; }
                if (c === QUOTE) break;
              }
              if (i >= len) continue; // key continues in the next chunk (saved below)
              keyParts.push(chunk.subarray(keyStart, i + 1));
              try { key = JSON.parse(Buffer.concat(keyParts).toString('utf8')) as string; } catch { key = '?'; }
              keyParts = null;
              mode = Mode.ObjColon;
              i++;
              continue;
            }
            if (isWs(b) || b === COMMA) { i++; continue; }
            if (b === RBRACE) { st.depth--; mode = Mode.Done; i++; continue; }
            if (b === QUOTE) { keyParts = [Buffer.from('"')]; keyStart = i + 1; i++; continue; }
            noteError(`unexpected '${String.fromCharCode(b)}' at byte ${res.bytesRead + i} where a key was expected`);
            mode = Mode.Done;
            i = len;
            continue;
          }
          case Mode.ObjColon: {
            if (b === COLON) mode = Mode.ObjValue;
            else if (!isWs(b)) { noteError(`expected ':' after key "${key}"`); mode = Mode.Done; i = len; continue; }
            i++;
            continue;
          }
          case Mode.ObjValue: {
            if (isWs(b)) { i++; continue; }
            if (b === LBRACK) {
              st.depth++;
              startArray(key);
              mode = Mode.ArrElem;
              i++;
              continue;
            }
            beginCapture(i, b, false);
            i++;
            continue;
          }
          case Mode.SeekRoot: {
            if (b === LBRACE) { res.rootKind = 'object'; st.depth = 1; mode = Mode.ObjKey; res.leadingBytes = res.bytesRead + i; }
            else if (b === LBRACK) {
              res.rootKind = 'array'; st.depth = 1; key = ''; res.leadingBytes = res.bytesRead + i;
              startArray('');
              mode = Mode.ArrElem;
            }
            i++;
            continue;
          }
          case Mode.Done: {
            if (isWs(b)) { i++; continue; }
            res.trailingData = true;
            i = len;
            continue;
          }
        }
      }
      flushRun(chunk);
      if (keyParts !== null) {
        if (keyStart < len) keyParts.push(chunk.subarray(keyStart, len));
        keyStart = 0;
      }
      // End of chunk: keep the partial capture.
      if ((mode as Mode) === Mode.Capture) {
        const from = capStart >= 0 ? capStart : 0;
        capBytes += len - from;
        const limit = capIsItem ? maxItem : maxValue;
        const keep = capIsItem ? wantItems : true;
        if (keep && !capTooBig) {
          if (capBytes > limit) { capTooBig = true; capParts = []; }
          else capParts.push(chunk.subarray(from, len));
        }
        capStart = -1;
      }
      res.bytesRead += len;
      const done = gz ? raw.bytesRead : res.bytesRead;
      if (opts.onProgress && fileSize > 0 && done - lastProgress > fileSize / 100) {
        lastProgress = done;
        opts.onProgress(Math.min(1, done / fileSize));
      }
      if ((mode as Mode) === Mode.Done && res.trailingData) break;
    }
  } catch (e) {
    // A corrupt/truncated gzip stream is bad data, not an I/O failure: report it like a truncation.
    if (!gz || (e as NodeJS.ErrnoException).code?.startsWith('Z_') !== true) throw e;
    noteError(`gzip: ${(e as Error).message}`);
  } finally {
    stream.destroy();
    raw.destroy();
  }
  if ((mode as Mode) !== Mode.Done) {
    if (res.rootKind === null) noteError('no JSON object or array found');
    else res.truncated = true;
  }
  return res;
}
