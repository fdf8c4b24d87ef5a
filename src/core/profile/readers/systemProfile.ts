// System-profile JSON (Profiler 2.0 / `neuron-explorer view -d <dir> --output-format json` →
// `system_profile.json`). The documented pieces are the event records (Neuron_Runtime_API_Event,
// Framework_Event, memory and CPU samples); the top-level layout is not documented [G], so this
// accepts: { <any key>: [records] }, a bare array of records, records wrapped in a single
// event-type key ({ "Framework_Event": {...} }), and the runtime API shape
// { events: [{ event_type, phase: start|stop|instant, timestamp_ns, ... }], data_version }.
// Timestamps are Unix-epoch ns (host clock; JSON numbers lose precision past 2^53 ≈ 256 ns here),
// durations ns. Attribute values are often strings ("size": "4"); they are coerced.
import { emptyModel } from '../counters';
import { computeDeviceIdle, IntervalSet } from '../intervals';
import type { InsightFacts } from '../insights';
import { streamJsonFile } from '../jsonStream';
import type { ProfileModel, TimelineLane, TopOp } from '../model';
import { TimelineBuilder } from '../timeline';
import { num, round, str, topN } from '../util';
import type { ReaderOptions } from './types';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Hardware-side events: work on the NeuronCore (formats §6.6). */
const HW_EVENTS = /^(nc_exec_running|cc_running|cc_exec_barrier|device_exec|kmgr_exec_core)$/;

export async function readSystemProfile(path: string, source: string, opts: ReaderOptions): Promise<{ model: ProfileModel; facts: InsightFacts }> {
  const model = emptyModel('system-profile', source);
  const w = model.warnings;
  const tl = new TimelineBuilder(opts.maxTimelineEvents);
  const laneGroup = new Map<number, TimelineLane['group']>();
  const runtime = new Map<string, { timeNs: number; count: number }>();
  const framework = new Map<string, { timeNs: number; count: number }>();
  const hw = new IntervalSet();
  const pending = new Map<string, { ts: number; name: string; lane: string }>();
  let minTs = Infinity, maxTs = -Infinity, events = 0, skipped = 0, numericalErrors = 0;
  const mem: [number, number][] = [];
  let memPeak: number | null = null, memPeakPct: number | null = null;
  const cpu: number[] = [];
  const instances = new Set<string>();
  const sections = new Set<string>();

  const addEvent = (name: string, laneId: string, group: TimelineLane['group'], ts: number, dur: number, isFramework: boolean) => {
    events++;
    if (ts < minTs) minTs = ts;
    if (ts + dur > maxTs) maxTs = ts + dur;
    const li = tl.laneIndex(laneId, laneId, group);
    laneGroup.set(li, group);
    tl.add(li, ts, dur, tl.nameId(name));
    if (HW_EVENTS.test(name)) hw.add(ts, ts + dur);
    if (name === 'numerical_err') numericalErrors++;
    const m = isFramework ? framework : runtime;
    const a = m.get(name) ?? { timeNs: 0, count: 0 };
    a.timeNs += dur; a.count++;
    m.set(name, a);
  };

  const handle = (key: string, raw: unknown) => {
    if (!isRec(raw)) { skipped++; return; }
    let rec = raw;
    let kind = key;
    const keys = Object.keys(raw);
    if (keys.length === 1 && isRec(raw[keys[0]])) { kind = keys[0]; rec = raw[keys[0]] as Rec; }
    sections.add(kind || 'events');
    if (str(rec.instance_id)) instances.add(str(rec.instance_id)!);
    // Memory sample
    if ('percent_usage' in rec || ('usage' in rec && !('name' in rec))) {
      const t = num(rec.timestamp), u = num(rec.usage), p = num(rec.percent_usage);
      if (t !== null && u !== null) { mem.push([t, u]); memPeak = Math.max(memPeak ?? 0, u); }
      if (p !== null) memPeakPct = Math.max(memPeakPct ?? 0, p);
      return;
    }
    // CPU sample
    if ('util' in rec && 'cpu_id' in rec) {
      const u = num(rec.util);
      if (u !== null) cpu.push(u);
      return;
    }
    // Runtime C-API shape
    const et = str(rec.event_type);
    if (et) {
      const ts = num(rec.timestamp_ns) ?? num(rec.timestamp);
      if (ts === null) { skipped++; return; }
      const laneId = `nrt/nc${str(rec.nc_idx) ?? '?'}/tid${str(rec.thread_id) ?? '?'}`;
      const k = `${et}\u0000${str(rec.tracking_id) ?? str(rec.id) ?? ''}\u0000${str(rec.thread_id) ?? ''}`;
      const phase = str(rec.phase);
      if (phase === 'start') pending.set(k, { ts, name: et, lane: laneId });
      else if (phase === 'stop') {
        const b = pending.get(k);
        if (b) { pending.delete(k); addEvent(et, b.lane, 'host', b.ts, ts - b.ts, false); } else skipped++;
      } else addEvent(et, laneId, 'host', ts, 0, false);
      return;
    }
    const name = str(rec.name);
    const ts = num(rec.timestamp) ?? num(rec.start_ts);
    if (!name || ts === null) { skipped++; return; }
    const dur = num(rec.duration) ?? num(rec.duration_ns) ?? 0;
    const group = str(rec.group) ?? '';
    const isFramework = /framework/i.test(kind) || /^framework/.test(group) || num(rec.type) === 99999;
    const laneId = group || (isFramework ? `framework/${str(rec.thread_id) ?? '?'}` : `nrt/${str(rec.thread_id) ?? '?'}`);
    const laneGroupKind: TimelineLane['group'] = isFramework ? 'framework' : HW_EVENTS.test(name) ? (name.startsWith('cc_') ? 'collective' : 'engine') : 'host';
    addEvent(name, HW_EVENTS.test(name) ? `${laneId}/hw` : laneId, laneGroupKind, ts, dur, isFramework);
  };

  const res = await streamJsonFile(path, {
    onArrayItem: handle,
    onValue(key, v) {
      if (isRec(v)) {
        // A single record, or an object of records keyed by id.
        if ('name' in v || 'timestamp' in v || Object.keys(v).length === 1) handle(key, v);
        else for (const x of Object.values(v)) if (Array.isArray(x)) for (const y of x) handle(key, y); else handle(key, x);
      }
    },
  }, { signal: opts.signal, onProgress: opts.onProgress });

  if (res.rootKind === null) w.push('No JSON found: the file is empty or not JSON.');
  if (res.truncated) w.push(`The file ends early (truncated after ${res.bytesRead} bytes); records before the cut were read.`);
  if (res.parseErrors) w.push(`${res.parseErrors} records could not be parsed (first: ${res.errors[0]}).`);
  if (skipped) w.push(`${skipped} records were not recognised (no name/timestamp) and were skipped.`);
  if (pending.size) w.push(`${pending.size} runtime events started but never stopped.`);

  const facts: InsightFacts = {};
  if (events) {
    model.totalTimeNs = Math.round(maxTs - minTs);
    model.topOps = toTop(runtime, 'runtime');
    model.frameworkOps = toTop(framework, 'framework');
    model.timeline = tl.finish(minTs);
    if (hw.size) {
      const idle = computeDeviceIdle(hw, minTs, maxTs);
      facts.deviceIdlePercent = idle.idlePercent;
      facts.deviceGapCount = idle.gaps;
      model.activeTimePercent = round(100 - idle.idlePercent);
    } else w.push('No hardware events (nc_exec_running, …) found: device utilisation is unknown.');
  } else if (res.rootKind !== null) w.push('No trace events found in the system profile.');
  if (numericalErrors) facts.executionErrors = numericalErrors;
  const meta: Record<string, string | number | null> = {};
  if (instances.size) meta.instance_ids = [...instances].sort().join(', ');
  if (memPeak !== null) meta.host_mem_peak_bytes = memPeak;
  if (memPeakPct !== null) meta.host_mem_peak_percent = round(memPeakPct);
  if (cpu.length) meta.host_cpu_util_mean_percent = round(cpu.reduce((s, x) => s + x, 0) / cpu.length);
  if (Object.keys(meta).length) model.metadata = meta;
  if (mem.length) {
    mem.sort((a, b) => a[0] - b[0]);
    model.series = [{ id: 'host-mem', label: 'Host memory', unit: 'bytes', t: Float64Array.from(mem, (x) => x[0] - mem[0][0]), v: Float64Array.from(mem, (x) => x[1]) }];
  }
  model.sectionsRead = [...sections].sort();
  return { model, facts };
}

function toTop(map: Map<string, { timeNs: number; count: number }>, kind: string): TopOp[] {
  const all = [...map.entries()].map(([name, v]) => ({ name, ...v }));
  const sum = all.reduce((s, o) => s + o.timeNs, 0);
  return topN(all, 25, (o) => o.timeNs).map((o) => ({ name: o.name, timeNs: Math.round(o.timeNs),
    percent: sum ? round((o.timeNs / sum) * 100) : null, count: o.count, kind }));
}
