// `--output-format summary-json` and `summary-text`.
// summary-json: klog lines may precede the JSON (parse from the first '{'); the top level is one
// content-hash key (e.g. "n_7cf2…") whose value is the flat counter dict. Older/other shapes are
// accepted: counters at the top level, several hash keys (one per NC/subgraph: first shown), an array.
// summary-text: aligned "key value" lines, alphabetical, one block per NC/subgraph.
import { promises as fsp } from 'node:fs';
import { applyCounters, emptyModel, looksLikeSummary, toCounters, type Counters } from '../counters';
import { nonFiniteToNull } from '../jsonStream';
import type { ProfileModel } from '../model';
import { errMessage } from '../util';

/** Summary files are small (a few KB); refuse to slurp anything bigger than this. */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

async function readSmallText(path: string, model: ProfileModel): Promise<string | null> {
  const st = await fsp.stat(path);
  if (st.size > MAX_SUMMARY_BYTES) {
    model.warnings.push(`The file is ${st.size} bytes, too big for a summary (limit ${MAX_SUMMARY_BYTES}); not read.`);
    return null;
  }
  return (await fsp.readFile(path, 'utf8')).replace(/^\uFEFF/, '');
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Find the counters object(s) in a parsed summary-json document. */
export function summaryBlocks(doc: unknown): { name: string; counters: Rec }[] {
  if (Array.isArray(doc)) return doc.flatMap((d, i) => summaryBlocks(d).map((b) => ({ ...b, name: b.name || String(i) })));
  if (!isRec(doc)) return [];
  if (looksLikeSummary(doc)) return [{ name: '', counters: doc }];
  const out: { name: string; counters: Rec }[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (k.startsWith('_')) continue; // comments such as "_about"
    if (isRec(v) && looksLikeSummary(v)) out.push({ name: k, counters: v });
    else if (Array.isArray(v) && v.length && isRec(v[0]) && looksLikeSummary(v[0])) out.push({ name: k, counters: v[0] });
  }
  return out;
}

export async function readSummaryJson(path: string, source: string): Promise<ProfileModel> {
  const model = emptyModel('summary-json', source);
  const text = await readSmallText(path, model);
  if (text === null) return model;
  const first = text.search(/[{[]/);
  if (first < 0) {
    model.warnings.push('No JSON object found in the file.');
    return model;
  }
  if (first > 0 && text.slice(0, first).trim()) {
    model.warnings.push(`Skipped ${text.slice(0, first).split('\n').filter((l) => l.trim()).length} log line(s) before the JSON.`);
  }
  let body = text.slice(first);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    body = nonFiniteToNull(body);
    try {
      doc = JSON.parse(body);
      model.warnings.push('The JSON contained bare NaN/Infinity; those values were read as null.');
    } catch {
      // Log lines after the JSON, or truncated: take the longest prefix that ends with '}'.
      doc = parseLongestPrefix(body, model);
    }
  }
  const blocks = summaryBlocks(doc);
  if (!blocks.length) {
    model.warnings.push('No summary counters (total_time, *_percent, …) found in the JSON.');
    return model;
  }
  const b = blocks[0];
  applyCounters(model, toCounters(b.counters));
  model.sectionsRead = ['summary'];
  if (b.name) model.metadata = { ...(model.metadata ?? {}), profile_id: b.name };
  if (blocks.length > 1) model.warnings.push(`${blocks.length} summaries found (${blocks.map((x) => x.name).join(', ')}); the first is shown.`);
  checkCounters(model, b.counters);
  return model;
}

function parseLongestPrefix(body: string, model: ProfileModel): unknown {
  for (let end = body.lastIndexOf('}'); end > 0; end = body.lastIndexOf('}', end - 1)) {
    try {
      const v = JSON.parse(body.slice(0, end + 1)) as unknown;
      model.warnings.push('Ignored text after the JSON document.');
      return v;
    } catch {
      if (body.length - end > 1 << 16) break;
    }
  }
  // Truncated: salvage "key": number pairs.
  const rec: Record<string, unknown> = {};
  const re = /"([A-Za-z0-9_]+)"\s*:\s*(-?[\d.]+(?:[eE][-+]?\d+)?|"[^"]*")/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    try { rec[m[1]] = JSON.parse(m[2]); } catch { /* skip */ }
  }
  const n = Object.keys(rec).length;
  model.warnings.push(n ? `The JSON is malformed or truncated; salvaged ${n} counters from the readable part.` : 'The JSON is malformed and no counters could be salvaged.');
  return rec;
}

function checkCounters(model: ProfileModel, c: Rec): void {
  if (!('total_time' in c)) model.warnings.push("No 'total_time' counter: this summary may come from an unknown profiler version.");
  const pct = Object.entries(c).filter(([k, v]) => k.endsWith('_percent') && typeof v === 'number' && v > 1.0000001 && !k.includes('throttle'));
  if (pct.length) {
    model.warnings.push(`${pct.length} *_percent counters are above 1 (e.g. ${pct[0][0]} = ${pct[0][1]}); Neuron summaries use 0–1 fractions, so these were still multiplied by 100. Check the profiler version.`);
  }
}

export async function readSummaryText(path: string, source: string): Promise<ProfileModel> {
  const model = emptyModel('summary-text', source);
  let text: string | null;
  try {
    text = await readSmallText(path, model);
  } catch (e) {
    model.warnings.push(`Could not read the file: ${errMessage(e)}`);
    return model;
  }
  if (text === null) return model;
  const blocks = parseSummaryText(text);
  if (!blocks.length) {
    model.warnings.push('No "key value" summary lines found.');
    return model;
  }
  applyCounters(model, blocks[0]);
  model.sectionsRead = ['summary'];
  if (blocks.length > 1) {
    const ids = blocks.map((b) => (b.nc_idx != null ? `nc ${b.nc_idx}` : '?')).join(', ');
    model.warnings.push(`${blocks.length} summary blocks found (${ids}); the first is shown.`);
  }
  checkCounters(model, blocks[0]);
  return model;
}

/** Split into blocks: a blank line or a repeated key starts a new block. */
export function parseSummaryText(text: string): Counters[] {
  const blocks: Record<string, string>[] = [];
  let cur: Record<string, string> = {};
  const flush = () => { if (Object.keys(cur).length) blocks.push(cur); cur = {}; };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) { flush(); continue; }
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)\s*(?::|=|\s)\s*(.*)$/.exec(line);
    if (!m || !/^[a-z0-9_.]+$/i.test(m[1]) || m[2] === '') continue;
    if (m[1] in cur) flush();
    cur[m[1]] = m[2].trim();
  }
  flush();
  return blocks.filter((b) => Object.keys(b).length >= 2).map((b) => toCounters(b));
}
