// Legacy full-profile JSON (`neuron-profile view --output-format json`, `ntff.json`,
// `device_profile_model_<id>.json`): { metadata, summary: [ {...counters} ], instruction: [...],
// dma: [...], cc_ops: [...], active_time: [...], layer_summary: [...], ... }. Streamed (see
// jsonStream.ts), aggregated on the fly; the file is never held whole in memory.
// Times: `timestamp`, `duration`, `evt_wait_time` in ns (device clock); summary in seconds/fractions.
import { DeviceAggregator } from '../aggregate';
import { applyCounters, emptyModel, toCounters } from '../counters';
import { streamJsonFile } from '../jsonStream';
import type { ProfileModel } from '../model';
import { num, str } from '../util';
import type { ReaderOptions } from './types';

const KNOWN = new Set(['metadata', 'summary', 'instruction', 'dma', 'cc_ops', 'active_time', 'layer_summary']);

/** Fields read per section (the streaming parser decodes only these; records are ~40 fields wide). */
const FIELDS: Record<string, string[]> = {
  instruction: ['timestamp', 'start_ts', 'duration', 'duration_ns', 'subgroup', 'engine', 'label', 'timeline_track', 'opcode',
    'hlo_name', 'layer', 'nki_source_location', 'bir_debug_info_source_location', 'evt_wait_time', 'evt_wait_time_ns'],
  dma: ['timestamp', 'start_ts', 'duration', 'duration_ns', 'dma_queue', 'subgroup', 'queue_name', 'transfer_size', 'transfer_bytes', 'size'],
  active_time: ['start_ts', 'end_ts', 'engine'],
  layer_summary: ['name', 'start', 'end'],
};

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export async function readLegacyJson(path: string, source: string, opts: ReaderOptions): Promise<ProfileModel> {
  const model = emptyModel('legacy-json', source);
  const agg = new DeviceAggregator(opts.maxTimelineEvents);
  const seen = new Set<string>();
  const skipped = new Set<string>();
  let badItems = 0;
  let summaryCount = 0;

  const res = await streamJsonFile(path, {
    onArrayStart(key) {
      seen.add(key);
      if (!KNOWN.has(key)) { skipped.add(key); return false; }
      return FIELDS[key] ?? true;
    },
    onArrayItem(key, v) {
      if (!isRec(v)) { badItems++; return; }
      switch (key) {
        case 'instruction': {
          const ts = num(v.timestamp) ?? num(v.start_ts);
          if (ts === null) { badItems++; return; }
          const dur = num(v.duration) ?? num(v.duration_ns) ?? 0;
          agg.addInstruction(str(v.subgroup) ?? str(v.engine) ?? str(v.label) ?? '', str(v.label) ?? str(v.timeline_track),
            ts, dur, str(v.opcode) ?? '?', str(v.hlo_name) || null, str(v.layer) || null,
            str(v.nki_source_location) || str(v.bir_debug_info_source_location) || null, num(v.evt_wait_time) ?? num(v.evt_wait_time_ns));
          return;
        }
        case 'dma': {
          const ts = num(v.timestamp) ?? num(v.start_ts);
          if (ts === null) { badItems++; return; }
          agg.addDma(str(v.dma_queue) ?? str(v.subgroup) ?? str(v.queue_name) ?? 'dma', ts, num(v.duration) ?? num(v.duration_ns) ?? 0,
            num(v.transfer_size) ?? num(v.transfer_bytes) ?? num(v.size));
          return;
        }
        case 'cc_ops': {
          const ts = num(v.timestamp) ?? num(v.start_ts);
          if (ts === null) { badItems++; return; }
          agg.addCollective(str(v.operation) ?? 'collective', ts, num(v.duration) ?? num(v.duration_ns) ?? 0,
            num(v.input_size) ?? num(v.output_size), str(v.stream_id));
          return;
        }
        case 'active_time': {
          const s = num(v.start_ts), e = num(v.end_ts);
          if (s === null || e === null) { badItems++; return; }
          agg.addActiveInterval(str(v.engine) ?? 'unknown', s, e);
          return;
        }
        case 'layer_summary': {
          const s = num(v.start), e = num(v.end);
          const name = str(v.name);
          if (s === null || e === null || !name) { badItems++; return; }
          agg.addLayer(name, e - s);
          return;
        }
        case 'summary':
          summaryCount++;
          if (summaryCount === 1) applyCounters(model, toCounters(v));
          return;
      }
    },
    onValue(key, v) {
      seen.add(key);
      if (key === 'metadata' && isRec(v)) {
        const meta: Record<string, string | number | null> = { ...(model.metadata ?? {}) };
        for (const [k, x] of Object.entries(v)) {
          if (typeof x === 'number' || typeof x === 'string' || x === null) meta[k] = x;
          else if (typeof x === 'boolean') meta[k] = String(x);
        }
        model.metadata = meta;
      } else if (key === 'summary' && isRec(v)) {
        applyCounters(model, toCounters(v));
        summaryCount++;
      }
    },
  }, { signal: opts.signal, onProgress: opts.onProgress });

  const w = model.warnings;
  if (res.leadingBytes > 0) w.push(`Skipped ${res.leadingBytes} bytes of non-JSON text before the first '{'.`);
  if (res.rootKind === null) w.push('No JSON object found: the file is empty or not JSON.');
  if (res.truncated) w.push(`The file ends early (truncated after ${res.bytesRead} bytes): everything before the cut was read; the last partial record was dropped.`);
  if (res.parseErrors) w.push(`${res.parseErrors} records could not be parsed and were skipped (first: ${res.errors[0]}).`);
  if (res.nonFiniteFixed) w.push('Bare NaN/Infinity values (written by neuron-profile < 2.19) were found; they were read as null.');
  if (badItems) w.push(`${badItems} records lacked a timestamp or were not objects and were skipped.`);
  if (res.trailingData) w.push('Extra data after the end of the JSON document was ignored.');
  if (!seen.has('metadata')) w.push("No 'metadata' section: the view may be empty or the NEFF/NTFF pair mismatched.");
  if (!summaryCount) w.push("No 'summary' section: headline metrics (MFU, HBM bytes) are not available; engine and op times were computed from the instructions.");
  if (!seen.has('instruction')) w.push("No 'instruction' section: no per-op breakdown or engine timeline.");
  if (summaryCount > 1) w.push(`'summary' has ${summaryCount} entries; the first one is shown.`);
  if (skipped.size) w.push(`Sections not used by this viewer: ${[...skipped].sort().join(', ')}.`);

  model.sectionsRead = [...seen].filter((k) => KNOWN.has(k)).sort();
  agg.finish(model);
  if (agg.waitNs > 0) model.metadata = { ...(model.metadata ?? {}), evt_wait_time_ns_total: agg.waitNs };
  return model;
}
