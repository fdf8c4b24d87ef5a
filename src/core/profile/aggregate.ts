// On-the-fly aggregation of device events (instructions, DMAs, collectives) into the model's
// per-engine, per-opcode, per-op and per-queue tables plus the timeline. Used by the legacy JSON
// reader (streamed items) and the Parquet reader (column chunks), so both agree on semantics.
import type { EngineStat, ProfileModel, TopOp } from './model';
import { TimelineBuilder, NO_OP_INDEX } from './timeline';
import { ENGINE_ORDER, engineName, round, topN } from './util';

export const TOP_OPS = 25;

interface OpAcc { timeNs: number; count: number; source: { file: string; line: number } | null }
interface EngAcc { count: number; timeNs: number; busyNs: number; lastEnd: number; opcodes: Map<string, { name: string; count: number; timeNs: number }> }

/** "%add.1 = add(%dot, %custom-call.44)" → "add.1"; "dot.1" stays. */
export function hloShortName(raw: string): string {
  const m = /^\s*%?([^\s=(]+)\s*=/.exec(raw);
  if (m) return m[1];
  return raw.startsWith('%') ? raw.slice(1) : raw;
}

/** "file.py:42" → { file, line } */
export function parseSourceLocation(raw: string | null | undefined): { file: string; line: number } | null {
  if (!raw) return null;
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(raw.trim());
  return m ? { file: m[1], line: Number(m[2]) } : null;
}

export class DeviceAggregator {
  readonly timeline: TimelineBuilder;
  private engines = new Map<string, EngAcc>();
  private opcodes = new Map<string, { name: string; count: number; timeNs: number }>();
  private hlo = new Map<string, OpAcc>();
  private layers = new Map<string, OpAcc>();
  private queues = new Map<string, { bytes: number; timeNs: number; count: number }>();
  private cc = new Map<string, { count: number; timeNs: number; bytes: number | null }>();
  private activeFromTable = new Map<string, number>();
  private minTs = Infinity;
  private maxTs = -Infinity;
  instructions = 0;
  dmaTransfers = 0;
  dmaBytes = 0;
  waitNs = 0;
  private laneCache = new Map<string, number>();
  private opcodeNameCache = new Map<string, number>();
  private opNameCache = new Map<string, number>();
  private engineNames = new Map<string, string>();
  private laneByTrack = new Map<string, number>();
  private dmaLanes = new Map<string, number>();
  private dmaNames = new Map<number, number>();

  constructor(maxTimelineEvents?: number, expectedEvents?: number) {
    this.timeline = new TimelineBuilder(maxTimelineEvents, expectedEvents);
  }

  private span(start: number, end: number): void {
    if (start < this.minTs) this.minTs = start;
    if (end > this.maxTs) this.maxTs = end;
  }

  private lane(id: string, label: string, group: 'engine' | 'dma' | 'collective' | 'framework' | 'host' | 'other'): number {
    let l = this.laneCache.get(id);
    if (l === undefined) {
      l = this.timeline.laneIndex(id, label, group);
      this.laneCache.set(id, l);
    }
    return l;
  }

  /** `pcore`: physical core under LNC=2 (Parquet pcore_idx); core > 0 gets its own lanes ("Tensor #1"). */
  addInstruction(engineRaw: string, track: string | null, start: number, dur: number, opcode: string, hloRaw: string | null,
    layer: string | null, source: string | null, waitNs: number | null, pcore = 0): void {
    if (!Number.isFinite(start)) return;
    const d = Number.isFinite(dur) && dur > 0 ? dur : 0;
    this.instructions++;
    this.span(start, start + d);
    const rawEng = engineRaw || track || 'unknown';
    let eng = this.engineNames.get(rawEng);
    if (eng === undefined) { eng = engineName(rawEng); this.engineNames.set(rawEng, eng); }
    let e = this.engines.get(eng);
    if (!e) { e = { count: 0, timeNs: 0, busyNs: 0, lastEnd: -Infinity, opcodes: new Map() }; this.engines.set(eng, e); }
    e.count++;
    e.timeNs += d;
    const end = start + d;
    if (end > e.lastEnd) { e.busyNs += end - Math.max(start, e.lastEnd); e.lastEnd = end; }
    if (waitNs) this.waitNs += waitNs;
    let oc = e.opcodes.get(opcode);
    if (!oc) { oc = { name: opcode, count: 0, timeNs: 0 }; e.opcodes.set(opcode, oc); this.opcodes.set(`${eng}\u0000${opcode}`, oc); }
    oc.count++;
    oc.timeNs += d;
    let opIdx = NO_OP_INDEX;
    if (hloRaw) {
      let h = this.hlo.get(hloRaw);
      if (!h) { h = { timeNs: 0, count: 0, source: parseSourceLocation(source) }; this.hlo.set(hloRaw, h); }
      h.timeNs += d;
      h.count++;
      let ni = this.opNameCache.get(hloRaw);
      if (ni === undefined) { ni = this.timeline.nameId(hloShortName(hloRaw)); this.opNameCache.set(hloRaw, ni); }
      opIdx = ni;
    }
    if (layer) {
      let l = this.layers.get(layer);
      if (!l) { l = { timeNs: 0, count: 0, source: null }; this.layers.set(layer, l); }
      l.timeNs += d;
      l.count++;
    }
    const laneKey = pcore > 0 ? `${track || rawEng}#${pcore}` : track || rawEng;
    let li = this.laneByTrack.get(laneKey);
    if (li === undefined) {
      const suffix = pcore > 0 ? ` #${pcore}` : '';
      li = this.lane(`engine:${track || eng}${suffix}`, `${track || engineRaw || eng}${suffix}`, 'engine');
      this.laneByTrack.set(laneKey, li);
    }
    let nameIdx = this.opcodeNameCache.get(opcode);
    if (nameIdx === undefined) { nameIdx = this.timeline.nameId(opcode); this.opcodeNameCache.set(opcode, nameIdx); }
    this.timeline.add(li, start, d, nameIdx, opIdx);
  }

  addDma(queue: string, start: number, dur: number, bytes: number | null, name?: string): void {
    if (!Number.isFinite(start)) return;
    const d = Number.isFinite(dur) && dur > 0 ? dur : 0;
    this.dmaTransfers++;
    if (bytes !== null && Number.isFinite(bytes)) this.dmaBytes += bytes;
    this.span(start, start + d);
    const q = queue || 'dma';
    let acc = this.queues.get(q);
    if (!acc) { acc = { bytes: 0, timeNs: 0, count: 0 }; this.queues.set(q, acc); }
    acc.bytes += bytes ?? 0;
    acc.timeNs += d;
    acc.count++;
    let li = this.dmaLanes.get(q);
    if (li === undefined) { li = this.lane(`dma:${q}`, q, 'dma'); this.dmaLanes.set(q, li); }
    let ni: number | undefined;
    if (name !== undefined) ni = this.timeline.nameId(name);
    else {
      const k = bytes ?? -1;
      ni = this.dmaNames.get(k);
      if (ni === undefined) { ni = this.timeline.nameId(bytes !== null ? `DMA ${bytes} B` : 'DMA'); this.dmaNames.set(k, ni); }
    }
    this.timeline.add(li, start, d, ni);
  }

  addCollective(op: string, start: number, dur: number, bytes: number | null, stream?: string | null): void {
    if (!Number.isFinite(start)) return;
    const d = Number.isFinite(dur) && dur > 0 ? dur : 0;
    this.span(start, start + d);
    const name = op || 'collective';
    let acc = this.cc.get(name);
    if (!acc) { acc = { count: 0, timeNs: 0, bytes: null }; this.cc.set(name, acc); }
    acc.count++;
    acc.timeNs += d;
    if (bytes !== null && Number.isFinite(bytes)) acc.bytes = (acc.bytes ?? 0) + bytes;
    const laneId = stream ? `cc:${stream}` : 'cc';
    const li = this.lane(laneId, stream ? `Collectives ${stream}` : 'Collectives', 'collective');
    this.timeline.add(li, start, d, this.timeline.nameId(name));
  }

  addActiveInterval(engineRaw: string, start: number, end: number): void {
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return;
    const e = engineName(engineRaw);
    this.activeFromTable.set(e, (this.activeFromTable.get(e) ?? 0) + (end - start));
  }

  addLayer(name: string, timeNs: number): void {
    if (!name || !Number.isFinite(timeNs)) return;
    let l = this.layers.get(name);
    if (!l) { l = { timeNs: 0, count: 0, source: null }; this.layers.set(name, l); }
    l.timeNs += timeNs;
    l.count++;
  }

  get spanNs(): number | null {
    return this.maxTs >= this.minTs ? this.maxTs - this.minTs : null;
  }

  get originNs(): number | null {
    return Number.isFinite(this.minTs) ? this.minTs : null;
  }

  /** Fill model fields the summary did not provide (never overwrites counters-derived values). */
  finish(model: ProfileModel, opts: { origin?: number | null; replaceEngines?: boolean } = {}): void {
    const total = model.totalTimeNs ?? this.spanNs;
    if (model.totalTimeNs === null && this.spanNs !== null) model.totalTimeNs = Math.round(this.spanNs);
    const denom = total && total > 0 ? total : null;

    if (this.engines.size && (!model.engines.length || opts.replaceEngines)) {
      const names = [...this.engines.keys()].sort((a, b) => {
        const ia = ENGINE_ORDER.indexOf(a), ib = ENGINE_ORDER.indexOf(b);
        return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
      });
      model.engines = names.map((name): EngineStat => {
        const e = this.engines.get(name)!;
        const busy = this.activeFromTable.get(name) ?? e.busyNs;
        return { name, activeTimePercent: denom ? round(Math.min(100, (busy / denom) * 100)) : null,
          instructionCount: e.count, instructionTimeNs: Math.round(e.timeNs), activeTimeNs: Math.round(busy) };
      });
    } else if (this.engines.size) {
      // Fill instructionTimeNs where the summary had none.
      for (const e of model.engines) {
        const acc = this.engines.get(e.name);
        if (acc && e.instructionTimeNs == null) e.instructionTimeNs = Math.round(acc.timeNs);
      }
    }
    if (this.opcodes.size && !model.opcodes?.length) {
      model.opcodes = [...this.opcodes.entries()]
        .map(([k, v]) => ({ name: v.name, engine: k.split('\u0000')[0], count: v.count, timeNs: Math.round(v.timeNs) }))
        .sort((a, b) => b.timeNs - a.timeNs || (a.name < b.name ? -1 : 1));
    }
    if (this.hlo.size && !model.topOps.length) {
      // Merge entries that share a short name ("%add.1 = …" and "add.1").
      const merged = new Map<string, OpAcc>();
      for (const [raw, v] of this.hlo) {
        const n = hloShortName(raw);
        const m = merged.get(n);
        if (m) { m.timeNs += v.timeNs; m.count += v.count; m.source ??= v.source; } else merged.set(n, { ...v });
      }
      model.topOps = opsToTop(merged, denom, 'hlo');
    }
    if (this.layers.size && !model.frameworkOps?.length) model.frameworkOps = opsToTop(this.layers, denom, 'framework');
    if (this.queues.size) {
      const queues = topN([...this.queues.entries()].map(([name, v]) => ({ name, bytes: v.bytes, timeNs: Math.round(v.timeNs), count: v.count })), 50, (q) => q.bytes)
        .map(({ name, bytes, timeNs }) => ({ name, bytes, timeNs }));
      model.dma = {
        bytes: model.dma?.bytes ?? this.dmaBytes,
        transfers: model.dma?.transfers ?? this.dmaTransfers,
        queues,
      };
    }
    if (this.cc.size) {
      model.collectives = [...this.cc.entries()].map(([name, v]) => ({ name, count: v.count, timeNs: Math.round(v.timeNs), bytes: v.bytes }))
        .sort((a, b) => b.timeNs - a.timeNs || (a.name < b.name ? -1 : 1));
    }
    model.timeline = this.timeline.finish(opts.origin ?? this.originNs);
  }
}

function opsToTop(map: Map<string, OpAcc>, _total: number | null, kind: string): TopOp[] {
  const all = [...map.entries()].map(([name, v]) => ({ name, ...v }));
  const sum = all.reduce((s, o) => s + o.timeNs, 0);
  const denom = sum > 0 ? sum : null;
  return topN(all, TOP_OPS, (o) => o.timeNs).map((o) => ({
    name: o.name, timeNs: Math.round(o.timeNs), percent: denom ? round((o.timeNs / denom) * 100) : null,
    count: o.count, source: o.source, kind,
  }));
}
