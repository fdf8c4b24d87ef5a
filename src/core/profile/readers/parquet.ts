// Neuron Explorer Parquet output: a directory of `<Table>.parquet` files (big tables split into
// `<Table>_0.parquet`, `<Table>_1.parquet`, …), schema 7.4.0 (SDK 2.31). Only the columns this
// viewer needs are read; big tables (Instruction, DmaPacketAggregated) are scanned one row group at
// a time and aggregated on the fly, never materialised as row objects.
// Units: Summary like summary-json (seconds, 0–1 fractions); *_ts/duration_ns in ns (device clock).
import { promises as fsp } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { parquetMetadataAsync, parquetReadObjects, parquetScan, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, DecodedArray, FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DeviceAggregator, hloShortName, TOP_OPS } from '../aggregate';
import { applyCounters, emptyModel, toCounters } from '../counters';
import type { FieldInfo, ProfileModel, TopOp } from '../model';
import { builtinFieldInfo, PARQUET_SCHEMA_VERSION } from '../schema/catalog';
import { errMessage, num, round, str, sumIntervals, throwIfAborted, topN } from '../util';
import type { ReaderOptions } from './types';

export const PARQUET_TABLES_READ = ['Summary', 'Metadata', 'Instruction', 'OpcodeSummary', 'DmaPacketAggregated', 'CcOp',
  'HloInstruction', 'FrameworkNode', 'StackFrame', 'StackFrameFileLocation', 'StackFrameFileName', 'StackFrameFunctionName',
  'SchemaFields', 'ActiveTime'];

/** Group `<Table>.parquet` / `<Table>_<n>.parquet` files by table, parts in numeric order. */
export function groupParquetFiles(names: string[], anyExtension = false): Map<string, string[]> {
  const parts = new Map<string, { n: number; f: string }[]>();
  for (const f of names) {
    const m = (anyExtension ? /^(.+?)(?:_(\d+))?(?:\.[^.]*)?$/ : /^(.+?)(?:_(\d+))?\.parquet$/i).exec(f);
    if (!m) continue;
    const list = parts.get(m[1]) ?? [];
    list.push({ n: m[2] === undefined ? -1 : Number(m[2]), f });
    parts.set(m[1], list);
  }
  const out = new Map<string, string[]>();
  for (const [t, l] of parts) out.set(t, l.sort((a, b) => a.n - b.n).map((x) => x.f));
  return out;
}

interface OpenFile { buf: AsyncBuffer; close(): Promise<void>; size: number }

async function openAsyncBuffer(path: string): Promise<OpenFile> {
  const fh = await fsp.open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    buf: {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const e = Math.min(end ?? size, size);
        const len = Math.max(0, e - start);
        const b = Buffer.allocUnsafeSlow(len);
        let off = 0;
        while (off < len) {
          const { bytesRead } = await fh.read(b, off, len - off, start + off);
          if (bytesRead === 0) break;
          off += bytesRead;
        }
        return b.buffer.slice(b.byteOffset, b.byteOffset + off) as ArrayBuffer;
      },
    },
    close: () => fh.close(),
  };
}

function columnNames(meta: FileMetaData): Set<string> {
  return new Set(parquetSchema(meta).children.map((c) => c.element.name));
}

type Row = Record<string, unknown>;

const asNum = (col: DecodedArray, i: number): number => {
  const v = col[i] as unknown;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const n = num(v);
  return n === null ? NaN : n;
};
/** A numeric column (BigInt64Array for int64, plain array when nullable) as a Float64Array (NaN for null). */
function toF64(col: DecodedArray, n: number): Float64Array {
  if (col instanceof Float64Array) return col;
  const out = new Float64Array(n);
  if (col instanceof BigInt64Array || col instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(col[i]);
  } else if (col instanceof Int32Array || col instanceof Uint32Array || col instanceof Float32Array) {
    out.set(col.subarray(0, n));
  } else {
    for (let i = 0; i < n; i++) out[i] = asNum(col, i);
  }
  return out;
}

const asStr = (col: DecodedArray | null, i: number): string | null => {
  if (!col) return null;
  const v = col[i] as unknown;
  return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
};

/** `path` is a profile directory, or a single Parquet table file (possibly misnamed, e.g. Summary.json). */
export async function readParquetDir(path: string, source: string, opts: ReaderOptions): Promise<ProfileModel> {
  const model = emptyModel('parquet', source);
  const w = model.warnings;
  const single = (await fsp.stat(path)).isFile();
  const dir = single ? dirname(path) : path;
  const names = single ? [basename(path)] : (await fsp.readdir(dir)).filter((f) => f.toLowerCase().endsWith('.parquet'));
  const tables = groupParquetFiles(names, single);
  if (single) w.push(`Only the table in ${basename(path)} was read (it is not named <Table>.parquet, so its directory was not treated as a profile).`);
  if (!tables.size) {
    w.push('The directory contains no .parquet tables.');
    return model;
  }
  const sectionsRead: string[] = [];
  let totalBytes = 0;
  for (const f of names) totalBytes += (await fsp.stat(join(dir, f))).size;
  let doneBytes = 0;
  const progress = (bytes: number) => {
    doneBytes += bytes;
    opts.onProgress?.(totalBytes ? Math.min(1, doneBytes / totalBytes) : 1);
  };

  /**
   * Every part file of `table`, opened with its metadata and column names, handed to `body`, then closed.
   * `body` returns false when it skipped the part (having said why). A part that fails to read becomes a
   * warning (a cancel propagates); a table with a part read counts as read. Null when the table is absent.
   */
  const eachPart = async (table: string, body: (f: string, of: OpenFile, meta: FileMetaData, have: Set<string>) => Promise<boolean>): Promise<number | null> => {
    const files = tables.get(table);
    if (!files) return null;
    let okParts = 0;
    for (const f of files) {
      throwIfAborted(opts.signal);
      let of: OpenFile | null = null;
      try {
        of = await openAsyncBuffer(join(dir, f));
        const meta = await parquetMetadataAsync(of.buf);
        if (!(await body(f, of, meta, columnNames(meta)))) continue;
        okParts++;
        progress(of.size);
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        w.push(`${f}: could not be read (${errMessage(e)}); the file may be truncated or not Parquet.`);
      } finally {
        await of?.close();
      }
    }
    if (okParts) sectionsRead.push(table);
    return okParts;
  };

  /** Read a whole (small) table as row objects, only the wanted columns that exist. */
  const readSmall = async (table: string, wanted: string[] | null, maxRows = 200_000): Promise<Row[] | null> => {
    const rows: Row[] = [];
    const okParts = await eachPart(table, async (f, of, meta, have) => {
      const cols = wanted ? wanted.filter((c) => have.has(c)) : undefined;
      if (cols && !cols.length) {
        w.push(`${f}: none of the expected columns (${wanted!.slice(0, 4).join(', ')}…) are present.`);
        return false;
      }
      const rowEnd = Math.min(Number(meta.num_rows), Math.max(0, maxRows - rows.length));
      const part = await parquetReadObjects({ file: of.buf, metadata: meta, columns: cols, compressors, rowEnd });
      for (const r of part) rows.push(r as Row);
      if (Number(meta.num_rows) > rowEnd) w.push(`${table}: only the first ${maxRows} rows were read.`);
      return true;
    });
    return okParts ? rows : null;
  };

  /** Scan a big table row group by row group, handing column arrays to `each`. */
  const scanBig = async (table: string, wanted: string[], required: string[],
    each: (cols: Record<string, DecodedArray | null>, n: number) => void, fallbackOnly: string[] = []): Promise<boolean> => {
    const okParts = await eachPart(table, async (f, of, meta, have) => {
      const missing = required.filter((c) => !have.has(c));
      if (missing.length) {
        w.push(`${f}: required column(s) ${missing.join(', ')} missing; table skipped.`);
        return false;
      }
      // end_ts-style fallbacks are read only when duration_ns is missing.
      const skip = new Set(have.has('duration_ns') ? fallbackOnly : []);
      const cols = wanted.filter((c) => have.has(c) && !skip.has(c));
      const scan = await parquetScan({ file: of.buf, metadata: meta, columns: cols, compressors });
      let failedGroups = 0;
      for (const range of scan.ranges) {
        throwIfAborted(opts.signal);
        try {
          const data: Record<string, DecodedArray | null> = {};
          for (const c of wanted) data[c] = cols.includes(c) ? await scan.readColumn({ column: c, rowStart: range.rowStart, rowEnd: range.rowEnd }) : null;
          each(data, range.rowEnd - range.rowStart);
        } catch (e) {
          if (failedGroups++ === 0) w.push(`${f}: a row group could not be decoded (${errMessage(e)}); rows in it were skipped.`);
        }
      }
      return true;
    });
    return !!okParts;
  };

  // Metadata and schema version
  const metaRows = await readSmall('Metadata', null, 10);
  let origin: number | null = null;
  if (metaRows?.length) {
    const m = metaRows[0];
    const meta: Record<string, string | number | null> = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v === 'number' || typeof v === 'string' || v === null) meta[k] = v;
      else if (typeof v === 'bigint') meta[k] = Number(v);
      else if (typeof v === 'boolean') meta[k] = String(v);
    }
    model.metadata = meta;
    origin = num(m.first_hw_timestamp);
    const ver = str(m.profile_schema_version);
    model.formatVersion = ver;
    const major = ver ? Number(ver.split('.')[0]) : NaN;
    const ours = Number(PARQUET_SCHEMA_VERSION.split('.')[0]);
    if (!ver) w.push('Metadata has no profile_schema_version; fields were matched by name.');
    else if (major !== ours) {
      w.push(`Unknown Parquet schema version ${ver} (this reader knows ${PARQUET_SCHEMA_VERSION}); fields were matched by name, and any that were renamed or removed are reported as missing.`);
    }
  } else if (!tables.has('Metadata')) {
    w.push('No Metadata table: schema version and instance details unknown.');
  }

  // Summary
  const sumRows = await readSmall('Summary', null, 64);
  if (sumRows?.length) {
    applyCounters(model, toCounters(sumRows[0]));
    if (sumRows.length > 1) w.push(`Summary has ${sumRows.length} rows; the first is shown.`);
    const big = Object.entries(sumRows[0]).filter(([k, v]) => k.endsWith('_percent') && typeof v === 'number' && v > 1.0000001 && !k.includes('throttle'));
    if (big.length) w.push(`${big.length} Summary *_percent fields are above 1 (e.g. ${big[0][0]} = ${String(big[0][1])}); schema 7.4.0 stores 0–1 fractions, so they were still multiplied by 100.`);
  } else if (!tables.has('Summary')) {
    w.push('No Summary table: headline metrics (MFU, HFU, MBU, HBM bytes) are unavailable; engine times were computed from Instruction.');
  }

  // Instructions
  const instrRows = (tables.get('Instruction') ?? []).length;
  const agg = new DeviceAggregator(opts.maxTimelineEvents, instrRows ? undefined : 1024);
  const firstStack = new Map<string, string>();
  const hasStackTables = tables.has('StackFrame') && tables.has('StackFrameFileLocation') && tables.has('StackFrameFileName');
  // Only the columns needed: end_ts only when duration_ns is absent, layer only without FrameworkNode,
  // stack_frame_ids only with the StackFrame tables. (evt_wait_time_ns is not read here: one more
  // 1M-row int64 column for a single total.)
  const hasFw = tables.has('FrameworkNode');
  const instrCols = ['start_ts', 'duration_ns', 'end_ts', 'engine', 'timeline_track', 'opcode', 'hlo_name',
    ...(hasFw ? [] : ['layer']), 'nki_source_location', 'pcore_idx', ...(hasStackTables ? ['stack_frame_ids'] : [])];
  const gotInstr = await scanBig('Instruction', instrCols, ['start_ts', 'engine', 'opcode'], (c, n) => {
    const st = toF64(c.start_ts!, n), du = c.duration_ns ? toF64(c.duration_ns, n) : null, en = !du && c.end_ts ? toF64(c.end_ts, n) : null;
    const eng = c.engine!, tr = c.timeline_track, op = c.opcode!;
    const hlo = c.hlo_name, layer = c.layer, nki = c.nki_source_location, sf = c.stack_frame_ids ?? null;
    const pc = c.pcore_idx ? toF64(c.pcore_idx, n) : null;
    for (let i = 0; i < n; i++) {
      const s = st[i];
      const d = du ? du[i] : en ? en[i] - s : 0;
      const h = hlo ? (hlo[i] as string | null) : null;
      if (sf && h && !firstStack.has(h)) { const ids = asStr(sf, i); if (ids) firstStack.set(h, ids); }
      agg.addInstruction(asStr(eng, i) ?? '', tr ? (tr[i] as string | null) : null, s, d, asStr(op, i) ?? '?', h || null,
        layer ? (layer[i] as string | null) || null : null, nki ? (nki[i] as string | null) || null : null, null, pc ? pc[i] || 0 : 0);
    }
  }, ['end_ts']);
  if (!gotInstr && !tables.has('Instruction')) w.push('No Instruction table: no engine timeline or per-op times.');

  await scanBig('DmaPacketAggregated', ['start_ts', 'duration_ns', 'end_ts', 'queue_name', 'transfer_bytes', 'variable'], ['start_ts', 'queue_name'], (c, n) => {
    const st = toF64(c.start_ts!, n), du = c.duration_ns ? toF64(c.duration_ns, n) : null, en = !du && c.end_ts ? toF64(c.end_ts, n) : null;
    const q = c.queue_name!, tb = c.transfer_bytes ? toF64(c.transfer_bytes, n) : null, v = c.variable;
    for (let i = 0; i < n; i++) {
      const s = st[i];
      agg.addDma(asStr(q, i) ?? 'dma', s, du ? du[i] : en ? en[i] - s : 0, tb ? tb[i] : null, asStr(v ?? null, i) ?? 'DMA');
    }
  }, ['end_ts']);

  const cc = await readSmall('CcOp', ['start_ts', 'duration_ns', 'end_ts', 'operation', 'input_size', 'output_size', 'stream_id', 'algorithm']);
  for (const r of cc ?? []) {
    const s = num(r.start_ts);
    if (s === null) continue;
    agg.addCollective(str(r.operation) ?? 'collective', s, num(r.duration_ns) ?? (num(r.end_ts) ?? s) - s,
      num(r.input_size) ?? num(r.output_size), str(r.stream_id));
  }
  await scanBig('ActiveTime', ['start_ts', 'end_ts', 'engine'], ['start_ts', 'end_ts', 'engine'], (c, n) => {
    const st = toF64(c.start_ts!, n), en = toF64(c.end_ts!, n), eng = c.engine!;
    for (let i = 0; i < n; i++) agg.addActiveInterval(asStr(eng, i) ?? '?', st[i], en[i]);
  });

  agg.finish(model, { origin });
  if (agg.waitNs > 0) model.metadata = { ...(model.metadata ?? {}), evt_wait_time_ns_total: agg.waitNs };

  // OpcodeSummary overrides the instruction-derived opcode table.
  const ops = await readSmall('OpcodeSummary', ['engine', 'opcode', 'instruction_count', 'instruction_time_ns', 'active_time_ns']);
  if (ops?.length) {
    model.opcodes = ops.map((r) => ({ name: str(r.opcode) ?? '?', engine: (str(r.engine) ?? '').toLowerCase(),
      count: num(r.instruction_count) ?? 0, timeNs: num(r.instruction_time_ns) }))
      .sort((a, b) => (b.timeNs ?? 0) - (a.timeNs ?? 0) || (a.name < b.name ? -1 : 1));
  }

  // HloInstruction: per-HLO wall intervals (preferred over summed instruction time when present).
  const hlo = await readSmall('HloInstruction', ['hlo_name', 'start_ts', 'end_ts', 'time_intervals']);
  if (hlo?.length) {
    const acc = new Map<string, { timeNs: number; count: number }>();
    for (const r of hlo) {
      const name = str(r.hlo_name);
      if (!name) continue;
      const t = sumIntervals(r.time_intervals) ?? ((num(r.end_ts) ?? 0) - (num(r.start_ts) ?? 0));
      const a = acc.get(name) ?? { timeNs: 0, count: 0 };
      a.timeNs += t; a.count++;
      acc.set(name, a);
    }
    const prevSources = new Map(model.topOps.map((o) => [o.name, o.source ?? null]));
    const prevCounts = new Map(model.topOps.map((o) => [o.name, o.count ?? null]));
    const sum = [...acc.values()].reduce((s, a) => s + a.timeNs, 0);
    model.topOps = topN([...acc.entries()].map(([name, a]) => ({ name, ...a })), TOP_OPS, (o) => o.timeNs)
      .map((o): TopOp => ({ name: o.name, timeNs: Math.round(o.timeNs), percent: sum ? round((o.timeNs / sum) * 100) : null,
        // instruction count when the Instruction table was read, else the number of HloInstruction rows
        count: prevCounts.get(o.name) ?? o.count, source: prevSources.get(o.name) ?? null, kind: 'hlo' }));
  }

  // Stack frames → source locations for top ops that have none.
  if (hasStackTables && firstStack.size && model.topOps.some((o) => !o.source)) {
    const resolve = await stackResolver(readSmall);
    if (resolve) {
      for (const o of model.topOps) {
        if (o.source) continue;
        const ids = [...firstStack.entries()].find(([h]) => hloShortName(h) === o.name)?.[1];
        if (ids) o.source = resolve(ids);
      }
    }
  }

  // FrameworkNode → framework ops (leaf nodes; a parent's time covers its children).
  const fw = await readSmall('FrameworkNode', ['node_name', 'children_names', 'start_ts', 'end_ts', 'time_intervals', 'mfu']);
  if (fw?.length) {
    const leaves = fw.filter((r) => { const c = str(r.children_names); return !c || /^\[\s*\]$/.test(c); });
    const use = leaves.length ? leaves : fw;
    const acc = new Map<string, { timeNs: number; count: number }>();
    for (const r of use) {
      const name = str(r.node_name);
      if (!name) continue;
      const t = sumIntervals(r.time_intervals) ?? ((num(r.end_ts) ?? 0) - (num(r.start_ts) ?? 0));
      const a = acc.get(name) ?? { timeNs: 0, count: 0 };
      a.timeNs += t; a.count++;
      acc.set(name, a);
    }
    const sum = [...acc.values()].reduce((s, a) => s + a.timeNs, 0);
    model.frameworkOps = topN([...acc.entries()].map(([name, a]) => ({ name, ...a })), TOP_OPS, (o) => o.timeNs)
      .map((o) => ({ name: o.name, timeNs: Math.round(o.timeNs), percent: sum ? round((o.timeNs / sum) * 100) : null, count: o.count, kind: 'framework' }));
  }

  // SchemaFields → tooltips; else the built-in 7.4.0 catalog.
  const sf = await readSmall('SchemaFields', ['table_name', 'field_name', 'field_description', 'field_unit']);
  if (sf?.length) {
    model.fields = sf.map((r): FieldInfo => ({ table: str(r.table_name) ?? '', field: str(r.field_name) ?? '',
      description: str(r.field_description) ?? '', unit: str(r.field_unit) || null }));
  } else {
    model.fields = builtinFieldInfo(sectionsRead.length ? sectionsRead : ['Summary']);
  }

  const ignored = [...tables.keys()].filter((t) => !PARQUET_TABLES_READ.includes(t));
  if (ignored.length) model.metadata = { ...(model.metadata ?? {}), tables_not_used: ignored.sort().join(', ') };
  model.sectionsRead = [...new Set(sectionsRead)].sort();
  if (!model.sectionsRead.length) w.push('None of the Parquet tables could be read.');
  return model;
}

type SmallReader = (table: string, wanted: string[] | null, maxRows?: number) => Promise<Row[] | null>;

/** Build a resolver from a "[101, 102]" stack_frame_ids string to the innermost user file:line. */
async function stackResolver(readSmall: SmallReader): Promise<((ids: string) => { file: string; line: number } | null) | null> {
  const frames = await readSmall('StackFrame', ['id', 'file_location_id', 'parent_frame_id']);
  const locs = await readSmall('StackFrameFileLocation', ['id', 'file_name_id', 'line_number']);
  const files = await readSmall('StackFrameFileName', ['id', 'name']);
  if (!frames || !locs || !files) return null;
  const fileById = new Map(files.map((r) => [String(r.id), str(r.name) ?? '']));
  const locById = new Map(locs.map((r) => [String(r.id), r]));
  const frameById = new Map(frames.map((r) => [String(r.id), r]));
  const isLib = (f: string) => /site-packages|dist-packages|\/torch\/|\/torch_xla\/|\/jax\/|<frozen|^<|\/lib\/python/.test(f);
  return (ids: string) => {
    const list = ids.replace(/[[\]\s]/g, '').split(',').filter(Boolean);
    let fallback: { file: string; line: number } | null = null;
    for (const id of list) {
      const fr = frameById.get(id);
      if (!fr) continue;
      const loc = locById.get(String(fr.file_location_id));
      if (!loc) continue;
      const file = fileById.get(String(loc.file_name_id));
      const line = num(loc.line_number);
      if (!file || line === null) continue;
      const s = { file, line };
      if (!isLib(file)) return s;
      fallback ??= s;
    }
    return fallback;
  };
}

export function isParquetTableName(f: string): boolean {
  return /\.parquet$/i.test(basename(f));
}
