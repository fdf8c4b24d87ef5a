// Number formatting and defensive normalisation of the model received from the host.
import type { EngineStat, FieldInfo, Insight, ProfileModel, TimelineData, TimelineLane, TopOp } from '../../core/profile/model';

export function fmtNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined || !Number.isFinite(ns)) return '—';
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(a >= 1e10 ? 2 : 3)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(a >= 1e8 ? 1 : 2)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(a >= 1e5 ? 1 : 2)} µs`;
  return `${Math.round(ns)} ns`;
}

export function fmtPercent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  return `${p >= 10 ? p.toFixed(1) : p.toFixed(2)} %`;
}

export function fmtBytes(b: number | null | undefined): string {
  if (b === null || b === undefined || !Number.isFinite(b)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? String(Math.round(v)) : v.toFixed(v >= 100 ? 0 : 2)} ${units[i]}`;
}

export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtNumber(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toFixed(digits);
}

// ---- normalisation: the host is trusted, but the profile content is not; a reader bug must not blank the panel.

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function str(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const SEVERITIES = new Set(['error', 'warning', 'info']);
const GROUPS = new Set(['engine', 'dma', 'collective', 'framework', 'host', 'other']);

function normTimeline(v: unknown, problems: string[]): TimelineData | null {
  const t = obj(v);
  if (!t) return null;
  const lanes: TimelineLane[] = arr(t.lanes).map((l, i) => {
    const o = obj(l) ?? {};
    const group = str(o.group, 'other');
    return { id: str(o.id, `lane${i}`), label: str(o.label, str(o.id, `lane ${i}`)), group: (GROUPS.has(group) ? group : 'other') as TimelineLane['group'] };
  });
  const start = t.start instanceof Float64Array ? t.start : Array.isArray(t.start) ? Float64Array.from(t.start as number[]) : null;
  const duration = t.duration instanceof Float64Array ? t.duration : Array.isArray(t.duration) ? Float64Array.from(t.duration as number[]) : null;
  const lane = t.lane instanceof Uint16Array ? t.lane : Array.isArray(t.lane) ? Uint16Array.from(t.lane as number[]) : null;
  const opIndex = t.opIndex instanceof Uint32Array ? t.opIndex : null;
  const nameIndex = t.nameIndex instanceof Uint32Array ? t.nameIndex : Array.isArray(t.nameIndex) ? Uint32Array.from(t.nameIndex as number[]) : null;
  if (!start || !duration || !lane || !nameIndex) {
    problems.push('The timeline data is malformed (missing typed arrays); the timeline is not shown.');
    return null;
  }
  const n = Math.min(start.length, duration.length, lane.length, nameIndex.length);
  if (n !== start.length || n !== duration.length || n !== lane.length || n !== nameIndex.length) {
    problems.push(`The timeline columns have different lengths; only the first ${n} events are shown.`);
  }
  if (lanes.length === 0 && n > 0) {
    problems.push('The timeline has events but no lanes; the timeline is not shown.');
    return null;
  }
  return {
    lanes,
    start: start.subarray(0, n),
    duration: duration.subarray(0, n),
    lane: lane.subarray(0, n),
    nameIndex: nameIndex.subarray(0, n),
    names: arr(t.names).map((x) => str(x)),
    totalEvents: num(t.totalEvents) ?? n,
    opIndex: opIndex && opIndex.length >= n ? opIndex.subarray(0, n) : undefined,
    originNs: num(t.originNs) ?? undefined,
  };
}

/**
 * Returns a well-typed model whatever the host sent (garbage in → empty model plus a warning),
 * and the list of problems found, which the panel shows with the warnings.
 */
export function normaliseModel(raw: unknown): { model: ProfileModel; problems: string[] } {
  const problems: string[] = [];
  const m = obj(raw);
  if (!m) {
    problems.push('The profile reader returned no data.');
  }
  const r = m ?? {};
  const engines: EngineStat[] = arr(r.engines).flatMap((e) => {
    const o = obj(e);
    if (!o) return [];
    return [{ name: str(o.name, '?'), activeTimePercent: num(o.activeTimePercent), instructionCount: num(o.instructionCount),
      instructionTimeNs: num(o.instructionTimeNs), activeTimeNs: num(o.activeTimeNs) }];
  });
  const ops = (list: unknown, defaultKind: string | null): TopOp[] => arr(list).flatMap((e) => {
    const o = obj(e);
    if (!o) return [];
    const src = obj(o.source);
    const file = src ? str(src.file) : '';
    const line = src ? num(src.line) : null;
    return [{
      name: str(o.name, '?'),
      timeNs: num(o.timeNs) ?? 0,
      percent: num(o.percent),
      count: num(o.count),
      source: file && line !== null ? { file, line } : null,
      kind: typeof o.kind === 'string' ? o.kind : defaultKind,
    }];
  });
  const topOps = ops(r.topOps, null);
  const frameworkOps = ops(r.frameworkOps, 'framework');
  const insights: Insight[] = arr(r.insights).flatMap((e) => {
    const o = obj(e);
    if (!o) return [];
    const sev = str(o.severity, 'info');
    return [{ id: str(o.id), severity: (SEVERITIES.has(sev) ? sev : 'info') as Insight['severity'], message: str(o.message) }];
  });
  const rw = (v: unknown): { readBytes: number | null; writeBytes: number | null } | null => {
    const o = obj(v);
    return o ? { readBytes: num(o.readBytes), writeBytes: num(o.writeBytes) } : null;
  };
  const dmaObj = obj(r.dma);
  const dma = dmaObj
    ? {
        bytes: num(dmaObj.bytes),
        transfers: num(dmaObj.transfers),
        queues: arr(dmaObj.queues).flatMap((q) => {
          const o = obj(q);
          return o ? [{ name: str(o.name, '?'), bytes: num(o.bytes) ?? 0, timeNs: num(o.timeNs) }] : [];
        }),
      }
    : null;
  const metadata: Record<string, string | number | null> = {};
  const md = obj(r.metadata);
  if (md) for (const [k, v] of Object.entries(md)) metadata[k] = typeof v === 'number' ? v : v === null ? null : str(v);
  const counters: Record<string, number | string | null> = {};
  const cn = obj(r.counters);
  if (cn) for (const [k, v] of Object.entries(cn)) counters[k] = typeof v === 'number' ? v : v === null ? null : str(v);
  const fields: FieldInfo[] = arr(r.fields).flatMap((f) => {
    const o = obj(f);
    return o ? [{ table: str(o.table), field: str(o.field), description: str(o.description), unit: typeof o.unit === 'string' ? o.unit : null }] : [];
  });
  const model: ProfileModel = {
    format: str(r.format, 'summary-json') as ProfileModel['format'],
    source: str(r.source),
    totalTimeNs: num(r.totalTimeNs),
    activeTimePercent: num(r.activeTimePercent),
    mfuPercent: num(r.mfuPercent),
    hfuPercent: num(r.hfuPercent),
    mbuPercent: num(r.mbuPercent),
    arithmeticIntensity: num(r.arithmeticIntensity),
    engines,
    hbm: rw(r.hbm),
    sbuf: rw(r.sbuf),
    dma,
    collectives: arr(r.collectives).flatMap((c) => {
      const o = obj(c);
      return o ? [{ name: str(o.name, '?'), count: num(o.count) ?? 0, timeNs: num(o.timeNs) ?? 0, bytes: num(o.bytes) }] : [];
    }),
    opcodes: arr(r.opcodes).flatMap((c) => {
      const o = obj(c);
      return o ? [{ name: str(o.name, '?'), count: num(o.count) ?? 0, timeNs: num(o.timeNs), engine: typeof o.engine === 'string' ? o.engine : undefined }] : [];
    }),
    topOps,
    frameworkOps,
    insights,
    warnings: arr(r.warnings).map((w) => str(w)).filter((w) => w.length > 0),
    metadata,
    timeline: normTimeline(r.timeline, problems),
    fields,
    counters,
    sectionsRead: arr(r.sectionsRead).map((x) => str(x)).filter(Boolean),
    formatVersion: typeof r.formatVersion === 'string' ? r.formatVersion : null,
  };
  return { model, problems };
}

/** True when nothing worth drawing was read (the panel then says so instead of showing empty widgets). */
export function isEmptyModel(m: ProfileModel): boolean {
  return m.totalTimeNs === null && m.activeTimePercent === null && m.mfuPercent === null && m.hfuPercent === null &&
    m.mbuPercent === null && m.engines.length === 0 && m.topOps.length === 0 && (m.frameworkOps?.length ?? 0) === 0 && (m.opcodes?.length ?? 0) === 0 &&
    (m.collectives?.length ?? 0) === 0 && !m.hbm && !m.dma && (!m.timeline || m.timeline.start.length === 0) &&
    m.insights.length === 0;
}
