// Builds `TimelineData` (columnar typed arrays) from events that arrive in any order, with a hard cap.
// Above the cap it keeps a uniform reservoir sample (deterministic PRNG) and records `totalEvents`.
// `finish()` orders events by lane, then by start within each lane (level-of-detail friendly: each
// lane is one contiguous, time-sorted run the panel can binary-search).
import type { TimelineData, TimelineLane } from './model';

export const DEFAULT_MAX_TIMELINE_EVENTS = 1_000_000;
const NO_OP = 0xffffffff;

export class TimelineBuilder {
  private lanes: TimelineLane[] = [];
  private laneIds = new Map<string, number>();
  private names: string[] = [];
  private nameIds = new Map<string, number>();
  private start: Float64Array;
  private duration: Float64Array;
  private lane: Uint16Array;
  private nameIndex: Uint32Array;
  private opIndex: Uint32Array;
  private n = 0;
  private seen = 0;
  private rng = 0x9e3779b9;
  private usesOps = false;
  private minStart = Infinity;
  readonly cap: number;

  constructor(maxEvents = DEFAULT_MAX_TIMELINE_EVENTS, expected?: number) {
    this.cap = Math.max(0, Math.floor(maxEvents));
    const initial = Math.max(16, Math.min(this.cap, expected ?? 4096));
    this.start = new Float64Array(initial);
    this.duration = new Float64Array(initial);
    this.lane = new Uint16Array(initial);
    this.nameIndex = new Uint32Array(initial);
    this.opIndex = new Uint32Array(initial);
  }

  get totalEvents(): number {
    return this.seen;
  }

  laneIndex(id: string, label: string, group: TimelineLane['group']): number {
    let i = this.laneIds.get(id);
    if (i === undefined) {
      if (this.lanes.length >= 0xffff) return this.laneIndex('other', 'other', 'other');
      i = this.lanes.length;
      this.lanes.push({ id, label, group });
      this.laneIds.set(id, i);
    }
    return i;
  }

  nameId(name: string): number {
    let i = this.nameIds.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, i);
    }
    return i;
  }

  /** Add one event; `start` in ns on the source clock (made relative in finish()). */
  add(laneIdx: number, start: number, duration: number, nameIdx: number, opIdx: number = NO_OP): void {
    if (!Number.isFinite(start)) return;
    const d = Number.isFinite(duration) && duration > 0 ? duration : 0;
    this.seen++;
    let slot: number;
    if (this.n < this.cap) {
      if (this.n === this.start.length) this.grow();
      slot = this.n++;
    } else {
      // Reservoir sampling (Algorithm R) with xorshift32.
      let x = this.rng;
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      this.rng = x;
      const j = Math.floor((x / 0x100000000) * this.seen);
      if (j >= this.cap) return;
      slot = j;
    }
    if (start < this.minStart) this.minStart = start;
    this.start[slot] = start;
    this.duration[slot] = d;
    this.lane[slot] = laneIdx;
    this.nameIndex[slot] = nameIdx;
    this.opIndex[slot] = opIdx;
    if (opIdx !== NO_OP) this.usesOps = true;
  }

  private grow(): void {
    const size = Math.min(this.cap, Math.max(16, this.start.length * 2));
    const s = new Float64Array(size); s.set(this.start); this.start = s;
    const d = new Float64Array(size); d.set(this.duration); this.duration = d;
    const l = new Uint16Array(size); l.set(this.lane); this.lane = l;
    const ni = new Uint32Array(size); ni.set(this.nameIndex); this.nameIndex = ni;
    const oi = new Uint32Array(size); oi.set(this.opIndex); this.opIndex = oi;
  }

  /** `origin`: the profile start on the source clock; defaults to the earliest event. */
  finish(origin?: number | null): TimelineData | null {
    if (this.seen === 0) return null;
    const n = this.n;
    const base = origin !== undefined && origin !== null && Number.isFinite(origin) ? origin : this.minStart;
    // Stable counting sort by lane, then sort each lane's run by start only when it is not sorted.
    const counts = new Uint32Array(this.lanes.length + 1);
    for (let i = 0; i < n; i++) counts[this.lane[i] + 1]++;
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    const order = new Uint32Array(n);
    const pos = counts.slice(0, this.lanes.length);
    for (let i = 0; i < n; i++) order[pos[this.lane[i]]++] = i;
    for (let l = 0; l < this.lanes.length; l++) {
      const a = counts[l], b = counts[l + 1];
      let sorted = true;
      for (let i = a + 1; i < b; i++) if (this.start[order[i]] < this.start[order[i - 1]]) { sorted = false; break; }
      if (!sorted) sortRunByStart(order, a, b, this.start);
    }
    const start = new Float64Array(n);
    const duration = new Float64Array(n);
    const lane = new Uint16Array(n);
    const nameIndex = new Uint32Array(n);
    const opIndex = this.usesOps ? new Uint32Array(n) : undefined;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      start[k] = this.start[i] - base;
      duration[k] = this.duration[i];
      lane[k] = this.lane[i];
      nameIndex[k] = this.nameIndex[i];
      if (opIndex) opIndex[k] = this.opIndex[i];
    }
    const data: TimelineData = {
      lanes: this.lanes, start, duration, lane, nameIndex, names: this.names, totalEvents: this.seen, originNs: base,
    };
    if (opIndex) data.opIndex = opIndex;
    return data;
  }
}

export const NO_OP_INDEX = NO_OP;

/**
 * Sort order[a, b) by start[order[i]] (stable). Integer-ns keys spanning < 2^32 use a two-pass 16-bit
 * LSD radix sort (O(n), no comparator calls); anything else falls back to a comparator sort.
 */
function sortRunByStart(order: Uint32Array, a: number, b: number, start: Float64Array): void {
  const n = b - a;
  let min = Infinity, max = -Infinity, integral = true;
  for (let i = a; i < b; i++) {
    const v = start[order[i]];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.floor(v)) integral = false;
  }
  if (!integral || max - min >= 0x100000000 || n < 64) {
    const run = Array.from(order.subarray(a, b));
    run.sort((x, y) => start[x] - start[y] || x - y);
    order.set(run, a);
    return;
  }
  const keys = new Uint32Array(n);
  const src = order.slice(a, b);
  for (let i = 0; i < n; i++) keys[i] = start[src[i]] - min;
  const tmpIdx = new Uint32Array(n), tmpKey = new Uint32Array(n);
  const count = new Uint32Array(65536);
  // pass 1: low 16 bits
  for (let i = 0; i < n; i++) count[keys[i] & 0xffff]++;
  for (let i = 1, sum = count[0], c; i < 65536; i++) { c = count[i]; count[i] = sum; sum += c; }
  count[0] = 0;
  for (let i = 0; i < n; i++) { const d = count[keys[i] & 0xffff]++; tmpIdx[d] = src[i]; tmpKey[d] = keys[i]; }
  // pass 2: high 16 bits
  count.fill(0);
  for (let i = 0; i < n; i++) count[tmpKey[i] >>> 16]++;
  for (let i = 1, sum = count[0], c; i < 65536; i++) { c = count[i]; count[i] = sum; sum += c; }
  count[0] = 0;
  for (let i = 0; i < n; i++) order[a + count[tmpKey[i] >>> 16]++] = tmpIdx[i];
}
