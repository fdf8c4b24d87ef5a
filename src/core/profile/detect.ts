// Format detection: directory contents, then a content sniff of the first bytes, then the file
// name as a tie-breaker. Content wins over the extension, so mislabelled files (a Parquet file
// named .json, a summary-json saved as .txt) are still recognised.
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProfileFormat } from './model';

export interface Detection {
  format: ProfileFormat | null;
  /** The file or directory to read (a Parquet table file resolves to its directory). */
  path: string;
  reason: string;
}

const SNIFF_BYTES = 64 * 1024;

const TRACE_NAMES = /(^|[._-])(trace|pt\.trace|neuron_trace|neuron_op_timeline)\.json(\.gz)?$/i;

async function readHead(path: string, n = SNIFF_BYTES): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** First bytes of a gzip file, decompressed (null when it is not valid gzip). */
async function gunzipHead(path: string): Promise<string | null> {
  const { createReadStream } = await import('node:fs');
  const { createGunzip } = await import('node:zlib');
  return new Promise((resolve) => {
    const src = createReadStream(path, { end: 1 << 20 });
    const gz = createGunzip();
    const parts: Buffer[] = [];
    let n = 0;
    const done = (v: string | null) => { src.destroy(); gz.destroy(); resolve(v); };
    gz.on('data', (c: Buffer) => { parts.push(c); n += c.length; if (n >= SNIFF_BYTES) done(Buffer.concat(parts).toString('utf8')); });
    gz.on('end', () => done(Buffer.concat(parts).toString('utf8')));
    gz.on('error', () => done(parts.length ? Buffer.concat(parts).toString('utf8') : null));
    src.on('error', () => done(null));
    src.pipe(gz);
  });
}

function isBinary(b: Buffer): boolean {
  const n = Math.min(b.length, 4096);
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) ctl++;
  }
  return n > 0 && ctl / n > 0.1;
}

/** Classify a text head (content only). */
export function sniffText(text: string, name = ''): { format: ProfileFormat | null; reason: string } {
  const t = text.replace(/^\uFEFF/, '');
  const first = t.search(/[{[]/);
  const lines = t.split(/\r?\n/).filter((l) => l.trim());
  // NDJSON neuron-monitor: first JSON line is a report.
  if (/"neuron_runtime_data"|"neuron_hardware_info"|"system_data"\s*:/.test(t)) return { format: 'neuron-monitor', reason: 'neuron-monitor report keys' };
  if (first >= 0) {
    const body = t.slice(first);
    if (/"traceEvents"\s*:/.test(body) || /^\[\s*\{[^]*?"ph"\s*:/.test(body)) return { format: 'chrome-trace', reason: 'Chrome trace events' };
    if (/"(instruction|dma|cc_ops|active_time|layer_summary)"\s*:\s*\[/.test(body)) return { format: 'legacy-json', reason: 'legacy profile sections (instruction/dma/…)' };
    if (/"(Neuron_Runtime_API_Event|Framework_Event|trace_events|mem_usage|cpu_util)"\s*:|"event_type"\s*:\s*"|"percent_usage"\s*:|"cpu_id"\s*:/.test(body)) return { format: 'system-profile', reason: 'system-profile records' };
    if (/^\{\s*"ops"\s*:\s*\[/.test(body)) return { format: 'chrome-trace', reason: 'TensorBoard Neuron op table' };
    if (/"summary"\s*:\s*\[/.test(body) || /^\{\s*"metadata"\s*:/.test(body)) return { format: 'legacy-json', reason: 'legacy profile summary/metadata' };
    if (/"[a-z_]*_percent"\s*:|"total_time"\s*:|"neuroncore_cycle_count"\s*:/.test(body)) return { format: 'summary-json', reason: 'summary counters' };
  }
  // summary-text: "key value" lines with known counter names.
  const kv = lines.filter((l) => /^\s*[a-z][a-z0-9_]*\s+\S/.test(l));
  if (kv.length >= 2 && kv.some((l) => /^\s*(total_time|nc_idx|mfu_estimated_percent|[a-z]+_engine_\w+|hbm_read_bytes)\s/.test(l))) {
    return { format: 'summary-text', reason: 'summary-text key/value lines' };
  }
  // Name hints for JSON we could not classify from the head (e.g. a huge metadata block first).
  if (first >= 0) {
    const b = basename(name);
    if (/^system_profile.*\.json$/i.test(b)) return { format: 'system-profile', reason: 'file name system_profile*.json' };
    if (/^(ntff|device_profile_model_.*)\.json$/i.test(b)) return { format: 'legacy-json', reason: 'file name ntff.json/device_profile_model_*.json' };
    if (TRACE_NAMES.test(b)) return { format: 'chrome-trace', reason: 'trace file name' };
    if (/\.(ndjson|jsonl)$/i.test(b)) return { format: 'neuron-monitor', reason: 'NDJSON extension' };
  }
  return { format: null, reason: 'no known profile structure in the first bytes' };
}

/** Detect a single file's format. */
async function detectFile(path: string): Promise<Detection> {
  const head = await readHead(path);
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1') {
    if (/\.parquet$/i.test(path)) return { format: 'parquet', path: join(path, '..'), reason: 'Parquet table; reading its directory' };
    return { format: 'parquet', path, reason: 'Parquet magic (PAR1) in a file not named .parquet' };
  }
  if (head.length === 0) {
    if (/\.ntff$/i.test(path)) return { format: 'ntff', path, reason: '.ntff extension (empty file)' };
    return { format: null, path, reason: 'the file is empty' };
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // Gzipped JSON (TensorBoard `trace.json.gz`): sniff the decompressed head.
    const text = await gunzipHead(path);
    const s = text === null ? null : sniffText(text, path.replace(/\.gz$/i, ''));
    if (s?.format === 'chrome-trace' || s?.format === 'legacy-json' || s?.format === 'system-profile') return { format: s.format, path, reason: `${s.reason} (gzip)` };
    return { format: null, path, reason: s?.format ? `gzip-compressed ${s.format}: decompress it first (gunzip)` : 'gzip-compressed file with no known profile inside' };
  }
  if (/\.pftrace$/i.test(path)) {
    return { format: null, path, reason: 'Perfetto protobuf trace (.pftrace): open it in https://ui.perfetto.dev, or export Parquet/JSON with neuron-explorer view' };
  }
  if (isBinary(head)) {
    if (/\.ntff$/i.test(path)) return { format: 'ntff', path, reason: 'binary .ntff device trace' };
    if (/\.pb$/i.test(path)) return { format: null, path, reason: 'binary protobuf (.pb) capture file: open the capture directory or convert it with neuron-explorer' };
    return { format: null, path, reason: 'binary file that is neither Parquet nor NTFF' };
  }
  const s = sniffText(head.toString('utf8'), path);
  if (s.format) return { format: s.format, path, reason: s.reason };
  if (/\.ntff$/i.test(path)) return { format: 'ntff', path, reason: '.ntff extension' };
  return { format: null, path, reason: s.reason };
}

/** Detect a directory: Parquet tables, else a known file inside (one level, then two). */
async function detectDir(dir: string, depth = 0): Promise<Detection> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (files.some((f) => /\.parquet$/i.test(f))) return { format: 'parquet', path: dir, reason: 'directory of .parquet tables' };
  const pick = (re: RegExp) => files.filter((f) => re.test(f)).sort()[0];
  const legacy = pick(/^(ntff|device_profile_model_.*)\.json$/i);
  if (legacy) return { format: 'legacy-json', path: join(dir, legacy), reason: `found ${legacy}` };
  const sys = pick(/^system_profile.*\.json$/i);
  if (sys) return { format: 'system-profile', path: join(dir, sys), reason: `found ${sys}` };
  const trace = pick(TRACE_NAMES) ?? pick(/^neuron_framework_trace_rank_\d+\.json$/i);
  if (trace) return { format: 'chrome-trace', path: join(dir, trace), reason: `found ${trace}` };
  const summary = pick(/summary.*\.json$/i);
  if (summary) {
    const d = await detectFile(join(dir, summary));
    if (d.format) return d;
  }
  const ntff = pick(/\.ntff$/i);
  if (ntff) return { format: 'ntff', path: join(dir, ntff), reason: `found ${ntff} (binary; needs conversion)` };
  if (depth < 2) {
    // Explorer layout: <data-path>/profiles/global/<name>@latest/; capture layout: <instance>_pid_<pid>/<ts>/.
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules').map((e) => e.name).sort();
    const preferred = [...subdirs.filter((d) => /@latest$/.test(d)), ...subdirs.filter((d) => !/@latest$/.test(d))];
    for (const d of preferred.slice(0, 20)) {
      const r = await detectDir(join(dir, d), depth + 1);
      if (r.format) return { ...r, reason: `${r.reason} in ${d}/` };
    }
  }
  return { format: null, path: dir, reason: files.length || entries.length ? 'no profile files in the directory' : 'the directory is empty' };
}

/** Throws (ENOENT/EACCES) only when the path cannot be accessed. */
export async function detectProfileFormatDetailed(path: string): Promise<Detection> {
  const st = await fsp.stat(path);
  return st.isDirectory() ? detectDir(path) : detectFile(path);
}
