// Chrome trace event format: PyTorch profiler `trace.json` / `*.pt.trace.json` (also with Neuron
// native profiling), TensorBoard Neuron plugin `neuron_trace.json` / `neuron_op_timeline.json`
// ({ displayTimeUnit, neuronStartTimestampNs, traceEvents: [...] }), or a bare event array.
// `ts` and `dur` are MICROseconds (floats) → ns. Handles ph X (complete), B/E pairs, M (names).
// Streamed like the legacy JSON. Also accepts the TensorBoard op tables
// `neuron_framework_op.json` / `neuron_hlo_op.json` ({ ops: [...], total_time }), whose per-op
// field names are not documented (best-effort: name/op_name + time/total_time/duration).
import { emptyModel } from '../counters';
import { computeDeviceIdle, IntervalSet } from '../intervals';
import { streamJsonFile } from '../jsonStream';
import type { ProfileModel, TimelineLane, TopOp } from '../model';
import { TimelineBuilder } from '../timeline';
import { num, round, str, topN } from '../util';
import type { ReaderOptions } from './types';
import type { InsightFacts } from '../insights';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Events that represent work on the Neuron device (vs host/framework work). */
export const DEVICE_EVENT = /NeuronDevice|nc_exec_running|device_exec|neuron_hw|NeuronCore|\bkernel\b/i;
const DEVICE_LANE = /neuron_hw|NeuronCore|\/device:|NeuronDevice|\bNC\s?\d+\b|\bnc\d+\b/i;

export async function readChromeTrace(path: string, source: string, opts: ReaderOptions): Promise<{ model: ProfileModel; facts: InsightFacts }> {
  const model = emptyModel('chrome-trace', source);
  const w = model.warnings;
  const tl = new TimelineBuilder(opts.maxTimelineEvents);
  const procNames = new Map<string, string>();
  const threadNames = new Map<string, string>();
  const laneOf = new Map<string, number>();
  const laneKeys: { pid: string; tid: string }[] = [];
  const open = new Map<string, { ts: number; name: string; cat: string }[]>();
  const device = new Map<string, { timeNs: number; count: number }>();
  const host = new Map<string, { timeNs: number; count: number; source: { file: string; line: number } | null }>();
  const deviceBusy = new IntervalSet();
  let minTs = Infinity, maxTs = -Infinity;
  let events = 0, skipped = 0, unmatched = 0;
  const opsTable: Rec[] = [];
  let sawTraceEvents = false;
  const meta: Record<string, string | number | null> = {};

  const lane = (pid: string, tid: string): number => {
    const k = `${pid}\u0000${tid}`;
    let l = laneOf.get(k);
    if (l === undefined) {
      l = tl.laneIndex(`${pid}/${tid}`, `${pid}/${tid}`, 'framework');
      laneOf.set(k, l);
      laneKeys[l] = { pid, tid };
    }
    return l;
  };
  const complete = (pid: string, tid: string, name: string, cat: string, tsNs: number, durNs: number, args: unknown) => {
    events++;
    if (tsNs < minTs) minTs = tsNs;
    if (tsNs + durNs > maxTs) maxTs = tsNs + durNs;
    const l = lane(pid, tid);
    tl.add(l, tsNs, durNs, tl.nameId(name));
    const isDevice = DEVICE_EVENT.test(name) || DEVICE_EVENT.test(cat) || DEVICE_LANE.test(pid) || DEVICE_LANE.test(tid);
    if (isDevice) {
      deviceBusy.add(tsNs, tsNs + durNs);
      const d = device.get(name) ?? { timeNs: 0, count: 0 };
      d.timeNs += durNs; d.count++;
      device.set(name, d);
    } else if (!/python_function/i.test(cat) && !/^(ProfilerStep|PyTorch Profiler)/.test(name)) {
      const h = host.get(name) ?? { timeNs: 0, count: 0, source: sourceOf(name, args) };
      h.timeNs += durNs; h.count++;
      host.set(name, h);
    }
  };

  const res = await streamJsonFile(path, {
    onArrayStart(key) {
      if (key === 'traceEvents' || key === '') { sawTraceEvents = true; return true; }
      return key === 'ops';
    },
    onArrayItem(key, e) {
      if (!isRec(e)) { skipped++; return; }
      if (key === 'ops') { opsTable.push(e); return; }
      const ph = str(e.ph) ?? 'X';
      const pid = str(e.pid) ?? '0';
      const tid = str(e.tid) ?? '0';
      const name = str(e.name) ?? '?';
      const cat = str(e.cat) ?? '';
      if (ph === 'M') {
        const a = isRec(e.args) ? e.args : {};
        if (name === 'process_name' && str(a.name)) procNames.set(pid, str(a.name)!);
        if (name === 'thread_name' && str(a.name)) threadNames.set(`${pid}\u0000${tid}`, str(a.name)!);
        return;
      }
      const ts = num(e.ts);
      if (ts === null) { skipped++; return; }
      const tsNs = ts * 1000;
      if (ph === 'X') complete(pid, tid, name, cat, tsNs, (num(e.dur) ?? 0) * 1000, e.args);
      else if (ph === 'B') {
        const k = `${pid}\u0000${tid}`;
        const st = open.get(k) ?? [];
        st.push({ ts: tsNs, name, cat });
        open.set(k, st);
      } else if (ph === 'E') {
        const st = open.get(`${pid}\u0000${tid}`);
        const b = st?.pop();
        if (b) complete(pid, tid, b.name, b.cat, b.ts, tsNs - b.ts, e.args);
        else unmatched++;
      } else if (ph === 'i' || ph === 'I' || ph === 'R') complete(pid, tid, name, cat, tsNs, 0, e.args);
      // counters (C), flows (s/t/f), async (b/e/n), objects: not shown.
    },
    onValue(key, v) {
      if (typeof v === 'string' || typeof v === 'number') meta[key] = v;
    },
  }, { signal: opts.signal, onProgress: opts.onProgress });

  if (res.leadingBytes > 0) w.push(`Skipped ${res.leadingBytes} bytes before the JSON.`);
  if (res.rootKind === null) w.push('No JSON found: the file is empty or not JSON.');
  if (res.truncated) w.push(`The trace ends early (truncated after ${res.bytesRead} bytes); events before the cut were read.`);
  if (res.parseErrors) w.push(`${res.parseErrors} events could not be parsed (first: ${res.errors[0]}).`);
  if (res.nonFiniteFixed) w.push('Bare NaN/Infinity values were found; they were read as null.');
  if (skipped) w.push(`${skipped} events without a timestamp were skipped.`);
  let stillOpen = 0;
  for (const st of open.values()) stillOpen += st.length;
  if (unmatched || stillOpen) w.push(`${unmatched + stillOpen} begin/end events were unmatched.`);
  if (Object.keys(meta).length) model.metadata = meta;

  // Lane labels and groups.
  if (model.timeline === undefined || model.timeline === null) {
    const data = tl.finish(Number.isFinite(minTs) ? minTs : null);
    if (data) {
      data.lanes = data.lanes.map((ln: TimelineLane, i: number): TimelineLane => {
        const k = laneKeys[i];
        const p = procNames.get(k.pid) ?? k.pid;
        const t = threadNames.get(`${k.pid}\u0000${k.tid}`) ?? k.tid;
        const label = `${p} / ${t}`;
        const group: TimelineLane['group'] = DEVICE_LANE.test(label) || /neuron/i.test(p) ? 'engine' : /thread|python|cpu|host/i.test(label) ? 'host' : 'framework';
        return { ...ln, label, group };
      });
      model.timeline = data;
    }
  }
  if (events) {
    model.totalTimeNs = Math.round(maxTs - minTs);
    model.topOps = toTop(device, 'device');
    model.frameworkOps = toTop(host, 'framework');
    if (!model.topOps.length) model.topOps = model.frameworkOps;
  }
  if (opsTable.length) readOpsTable(model, opsTable);
  const facts: InsightFacts = {};
  if (deviceBusy.size && events) {
    const idle = computeDeviceIdle(deviceBusy, minTs, maxTs);
    facts.deviceIdlePercent = idle.idlePercent;
    facts.deviceGapCount = idle.gaps;
    model.activeTimePercent = round(100 - idle.idlePercent);
    model.metadata = { ...(model.metadata ?? {}), device_busy_ns: Math.round(idle.busyNs) };
  } else if (events) {
    w.push('No Neuron device events found in this trace (only host/framework events): device utilisation is unknown.');
  }
  if (!events && !opsTable.length) w.push(sawTraceEvents ? 'The trace contains no timed events.' : 'No traceEvents array found.');
  model.sectionsRead = [sawTraceEvents ? 'traceEvents' : '', opsTable.length ? 'ops' : ''].filter(Boolean);
  return { model, facts };
}

/** PyTorch `with_stack=True` names look like "train.py(83): forward". */
function sourceOf(name: string, args: unknown): { file: string; line: number } | null {
  const m = /^(.+?\.py)\((\d+)\)/.exec(name);
  if (m) return { file: m[1], line: Number(m[2]) };
  if (isRec(args)) {
    const f = str(args.file) ?? str(args['Source File']);
    const l = num(args.line) ?? num(args['Source Line']);
    if (f && l !== null) return { file: f, line: l };
  }
  return null;
}

function toTop(map: Map<string, { timeNs: number; count: number; source?: { file: string; line: number } | null }>, kind: string): TopOp[] {
  const all = [...map.entries()].map(([name, v]) => ({ name, ...v }));
  const sum = all.reduce((s, o) => s + o.timeNs, 0);
  return topN(all, 25, (o) => o.timeNs).map((o) => ({ name: o.name, timeNs: Math.round(o.timeNs),
    percent: sum ? round((o.timeNs / sum) * 100) : null, count: o.count, source: o.source ?? null, kind }));
}

function readOpsTable(model: ProfileModel, ops: Rec[]): void {
  const acc = new Map<string, { timeNs: number; count: number }>();
  for (const o of ops) {
    const name = str(o.name) ?? str(o.op_name) ?? str(o.hlo_name) ?? str(o.op);
    const t = num(o.time) ?? num(o.total_time) ?? num(o.duration) ?? num(o.self_time);
    if (!name || t === null) continue;
    const a = acc.get(name) ?? { timeNs: 0, count: 0 };
    a.timeNs += t; a.count += num(o.count) ?? 1;
    acc.set(name, a);
  }
  if (acc.size) {
    model.topOps = toTop(acc, 'op');
    model.warnings.push('TensorBoard op table: its per-op fields are undocumented; names and times were matched heuristically (time unit assumed ns).');
  } else {
    model.warnings.push(`TensorBoard op table with ${ops.length} entries, but no name/time fields were recognised.`);
  }
}
