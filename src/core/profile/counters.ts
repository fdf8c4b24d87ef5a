// Maps Neuron summary counters (summary-json, summary-text, Parquet `Summary`, legacy JSON
// `summary[0]`; all share the same names) onto the normalised ProfileModel.
// Units (formats §4): times in seconds, `*_percent` are 0–1 FRACTIONS (→ ×100 here), bytes, cycles.
import type { EngineStat, ProfileFormat, ProfileModel } from './model';
import { ENGINE_ORDER, fracToPercent, num, round, secToNs, str } from './util';

export type Counters = Record<string, number | string | null>;

export function emptyModel(format: ProfileFormat, source: string): ProfileModel {
  return {
    format, source,
    totalTimeNs: null, activeTimePercent: null, mfuPercent: null, hfuPercent: null, mbuPercent: null,
    engines: [], hbm: null, topOps: [], insights: [], warnings: [],
  };
}

/** Normalise raw key/values into Counters (numbers where numeric, strings otherwise, null for NaN/None). */
export function toCounters(raw: Record<string, unknown>): Counters {
  const out: Counters = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || v === undefined) out[k] = null;
    else if (typeof v === 'number') out[k] = Number.isFinite(v) ? v : null;
    else if (typeof v === 'bigint') out[k] = Number(v);
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
    else if (typeof v === 'string') {
      const t = v.trim();
      const n = t === '' || /^(nan|none|null|inf|-inf|infinity|-infinity)$/i.test(t) ? NaN : Number(t);
      out[k] = Number.isFinite(n) && /^[-+]?(\d|\.\d)/.test(t) ? n : /^(nan|none|null)$/i.test(t) ? null : v;
    } else out[k] = JSON.stringify(v);
  }
  return out;
}

/** Counters the Neuron tools emit; used to recognise a summary and to warn about unknown versions. */
export const KNOWN_SUMMARY_KEYS = ['total_time', 'total_active_time', 'total_active_time_percent', 'mfu_estimated_percent',
  'hfu_estimated_percent', 'mbu_estimated_percent', 'neuroncore_cycle_count', 'hbm_read_bytes', 'tensor_engine_instruction_count',
  'event_count', 'dma_transfer_count'];

export function looksLikeSummary(o: Record<string, unknown>): boolean {
  let hits = 0;
  for (const k of KNOWN_SUMMARY_KEYS) if (k in o) hits++;
  return hits >= 2 || (hits >= 1 && Object.keys(o).some((k) => k.endsWith('_percent')));
}

const VERSION_KEYS = ['instance_type', 'compiler_version', 'runtime_version', 'driver_version', 'collectives_version',
  'profiler_version', 'explorer_version', 'nc_idx', 'nd_idx'];

/** Fill the model's headline fields from counters. Only sets what the counters carry. */
export function applyCounters(model: ProfileModel, c: Counters): void {
  const n = (k: string): number | null => num(c[k]);
  model.counters = { ...(model.counters ?? {}), ...c };
  model.totalTimeNs = secToNs(n('total_time'));
  model.activeTimePercent = fracToPercent(n('total_active_time_percent'));
  if (model.activeTimePercent === null && n('total_active_time') !== null && n('total_time')) {
    model.activeTimePercent = round((n('total_active_time')! / n('total_time')!) * 100);
  }
  model.mfuPercent = fracToPercent(n('mfu_estimated_percent'));
  model.hfuPercent = fracToPercent(n('hfu_estimated_percent'));
  model.mbuPercent = fracToPercent(n('mbu_estimated_percent'));
  model.arithmeticIntensity = round(n('mm_arithmetic_intensity'));

  const engines: EngineStat[] = [];
  for (const e of ENGINE_ORDER) {
    const pct = n(`${e}_engine_active_time_percent`);
    const cnt = n(`${e}_engine_instruction_count`);
    const it = n(`${e}_engine_instruction_time`);
    const at = n(`${e}_engine_active_time`);
    if (pct === null && cnt === null && it === null && at === null) continue;
    engines.push({
      name: e, activeTimePercent: fracToPercent(pct), instructionCount: cnt,
      instructionTimeNs: secToNs(it), activeTimeNs: secToNs(at),
    });
  }
  const ccCnt = n('cc_cores_instruction_count');
  const ccPct = n('cc_cores_instruction_active_time_percent');
  if ((ccCnt ?? 0) > 0 || (ccPct ?? 0) > 0) {
    engines.push({ name: 'cc', activeTimePercent: fracToPercent(ccPct), instructionCount: ccCnt,
      instructionTimeNs: secToNs(n('cc_cores_instruction_time')), activeTimeNs: secToNs(n('cc_cores_instruction_active_time')) });
  }
  if (engines.length) model.engines = engines;

  if (n('hbm_read_bytes') !== null || n('hbm_write_bytes') !== null) {
    model.hbm = { readBytes: n('hbm_read_bytes'), writeBytes: n('hbm_write_bytes') };
  }
  if (n('sbuf_read_bytes') !== null || n('sbuf_write_bytes') !== null) {
    model.sbuf = { readBytes: n('sbuf_read_bytes'), writeBytes: n('sbuf_write_bytes') };
  }
  if (n('dma_transfer_total_bytes') !== null || n('dma_transfer_count') !== null) {
    model.dma = { ...(model.dma ?? {}), bytes: n('dma_transfer_total_bytes'), transfers: n('dma_transfer_count') };
  }
  const ccOps = n('cc_op_count');
  if (ccOps !== null && ccOps > 0 && !model.collectives?.length) {
    model.collectives = [{ name: 'all', count: ccOps, timeNs: secToNs(n('cc_op_time')) ?? 0, bytes: null }];
  }
  const meta: Record<string, string | number | null> = { ...(model.metadata ?? {}) };
  for (const k of VERSION_KEYS) if (c[k] !== undefined) meta[k] = typeof c[k] === 'number' ? c[k] : str(c[k]);
  if (Object.keys(meta).length) model.metadata = meta;
  if (model.formatVersion == null && typeof c.profiler_version === 'string') model.formatVersion = c.profiler_version;
}
