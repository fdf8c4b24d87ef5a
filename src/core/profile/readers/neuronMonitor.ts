// neuron-monitor recordings: one JSON report per period, normally one per line (NDJSON). Also
// accepts pretty-printed reports back to back and a JSON array of reports. Reports carry no
// timestamp: the time axis is the running sum of `period` (seconds).
// neuroncore_utilization is ALREADY 0–100 (unlike profiler counters). Latencies are seconds.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { emptyModel } from '../counters';
import type { InsightFacts } from '../insights';
import type { ProfileModel, TimeSeries } from '../model';
import { num, round, str, throwIfAborted } from '../util';
import type { ReaderOptions } from './types';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (o: unknown, ...path: string[]): unknown => {
  let cur = o;
  for (const p of path) { if (!isRec(cur)) return undefined; cur = cur[p]; }
  return cur;
};

const MAX_DOC_BYTES = 16 * 1024 * 1024;

export async function readNeuronMonitor(path: string, source: string, opts: ReaderOptions): Promise<{ model: ProfileModel; facts: InsightFacts }> {
  const model = emptyModel('neuron-monitor', source);
  const w = model.warnings;
  const util = new Map<string, { t: number[]; v: number[] }>();
  const flops: number[] = [];
  let t = 0, reports = 0, badLines = 0, completed = 0, errors = 0;
  let p50: number | null = null, p99: number | null = null;
  let devMemPeak: number | null = null, hostMemPeak: number | null = null;
  const meta: Record<string, string | number | null> = {};
  const runtimeErrors = new Set<string>();

  const onReport = (r: unknown) => {
    if (Array.isArray(r)) { for (const x of r) onReport(x); return; }
    if (!isRec(r)) { badLines++; return; }
    reports++;
    let period = 0;
    const rts = Array.isArray(r.neuron_runtime_data) ? r.neuron_runtime_data : [];
    const coreUtil = new Map<string, number>();
    for (const rt of rts) {
      const rep = get(rt, 'report');
      const errTxt = str(get(rt, 'error'));
      if (errTxt) runtimeErrors.add(errTxt);
      const nc = get(rep, 'neuroncore_counters');
      period = Math.max(period, num(get(nc, 'period')) ?? 0);
      const inUse = get(nc, 'neuroncores_in_use');
      if (isRec(inUse)) {
        for (const [idx, c] of Object.entries(inUse)) {
          const u = num(get(c, 'neuroncore_utilization'));
          if (u !== null) coreUtil.set(idx, Math.max(coreUtil.get(idx) ?? 0, u));
          const f = num(get(c, 'effective_flops')) ?? num(get(c, 'flops'));
          if (f !== null) flops.push(f);
        }
      }
      const ex = get(rep, 'execution_stats');
      const es = get(ex, 'execution_summary');
      completed += num(get(es, 'completed')) ?? 0;
      for (const k of ['completed_with_err', 'completed_with_num_err', 'timed_out', 'incorrect_input', 'failed_to_queue']) errors += num(get(es, k)) ?? 0;
      const lat = get(ex, 'latency_stats', 'total_latency');
      const q50 = num(get(lat, 'p50')), q99 = num(get(lat, 'p99'));
      if (q50 !== null) p50 = q50;
      if (q99 !== null) p99 = Math.max(p99 ?? 0, q99);
      const mu = get(rep, 'memory_used', 'neuron_runtime_used_bytes');
      const dev = num(get(mu, 'neuron_device')), hst = num(get(mu, 'host'));
      if (dev !== null) devMemPeak = Math.max(devMemPeak ?? 0, dev);
      if (hst !== null) hostMemPeak = Math.max(hostMemPeak ?? 0, hst);
    }
    const tNs = t * 1e9;
    for (const [idx, u] of coreUtil) {
      const s = util.get(idx) ?? { t: [], v: [] };
      s.t.push(tNs); s.v.push(u);
      util.set(idx, s);
    }
    const sysPeriod = num(get(r, 'system_data', 'vcpu_usage', 'period'));
    t += period || sysPeriod || 1;
    const hw = get(r, 'neuron_hardware_info');
    if (isRec(hw)) for (const k of ['neuron_device_type', 'neuron_device_version', 'neuroncore_version', 'neuron_device_count', 'neuroncore_per_device_count', 'logical_neuroncore_config']) if (hw[k] !== undefined && (typeof hw[k] === 'string' || typeof hw[k] === 'number')) meta[k] = hw[k] as string | number;
    const ii = get(r, 'instance_info');
    if (isRec(ii) && str(ii.instance_type)) meta.instance_type = str(ii.instance_type);
  };

  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let buf = '';
  let lines = 0;
  for await (const line of rl) {
    if ((++lines & 1023) === 0) throwIfAborted(opts.signal);
    if (!buf && !line.trim()) continue;
    if (!buf && !/^\s*[{[]/.test(line)) { badLines++; continue; } // log noise
    buf += buf ? `\n${line}` : line;
    try {
      onReport(JSON.parse(buf));
      buf = '';
    } catch {
      if (buf.length > MAX_DOC_BYTES) { badLines++; buf = ''; }
    }
  }
  if (buf.trim()) w.push('The recording ends with an incomplete report (truncated); it was skipped.');
  if (badLines) w.push(`${badLines} lines/reports were not neuron-monitor JSON and were skipped.`);
  if (!reports) { w.push('No neuron-monitor reports found.'); return { model, facts: {} }; }

  const cores = [...util.keys()].sort((a, b) => Number(a) - Number(b));
  model.engines = cores.map((idx) => {
    const v = util.get(idx)!.v;
    return { name: `nc${idx}`, activeTimePercent: round(v.reduce((s, x) => s + x, 0) / v.length), instructionCount: null };
  });
  // Mean over the cores that did any work (an idle spare core would halve the figure); unused ones get an insight.
  const used = cores.filter((idx) => util.get(idx)!.v.some((x) => x > 0));
  const means = model.engines.filter((e) => used.includes(e.name.slice(2))).map((e) => e.activeTimePercent ?? 0);
  model.activeTimePercent = means.length ? round(means.reduce((s, x) => s + x, 0) / means.length) : null;
  model.totalTimeNs = Math.round(t * 1e9);
  model.series = cores.map((idx): TimeSeries => ({ id: `nc${idx}-util`, label: `NeuronCore ${idx} utilisation`, unit: 'percent',
    t: Float64Array.from(util.get(idx)!.t), v: Float64Array.from(util.get(idx)!.v) }));
  meta.reports = reports;
  meta.executions_completed = completed;
  meta.execution_errors = errors;
  if (p50 !== null) meta.latency_p50_ns = Math.round(p50 * 1e9);
  if (p99 !== null) meta.latency_p99_ns = Math.round(p99 * 1e9);
  if (devMemPeak !== null) meta.device_mem_peak_bytes = devMemPeak;
  if (hostMemPeak !== null) meta.host_mem_peak_bytes = hostMemPeak;
  if (flops.length) meta.effective_flops_mean = Math.round(flops.reduce((s, x) => s + x, 0) / flops.length);
  model.metadata = meta;
  if (runtimeErrors.size) w.push(`neuron-monitor reported errors: ${[...runtimeErrors].slice(0, 3).join('; ')}`);
  if (!cores.length) w.push('No neuroncore_counters in the reports (enable the neuroncore_counters metric in monitor.conf).');
  model.sectionsRead = ['reports'];
  return { model, facts: { meanCoreUtilPercent: used.length ? model.activeTimePercent : null, executionErrors: errors || null,
    unusedCores: cores.length - used.length || null } };
}
