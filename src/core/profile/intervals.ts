// Interval union for device-busy / host-gap computations.
export class IntervalSet {
  private s: number[] = [];
  private e: number[] = [];
  private static readonly CAP = 4_000_000;
  dropped = 0;
  add(start: number, end: number): void {
    if (!(end >= start)) return;
    if (this.s.length >= IntervalSet.CAP) { this.dropped++; return; }
    this.s.push(start);
    this.e.push(end);
  }
  get size(): number {
    return this.s.length;
  }
  /** Merged, sorted intervals. */
  merged(): [number, number][] {
    const idx = this.s.map((_, i) => i).sort((a, b) => this.s[a] - this.s[b]);
    const out: [number, number][] = [];
    for (const i of idx) {
      const a = this.s[i], b = this.e[i];
      const last = out[out.length - 1];
      if (last && a <= last[1]) { if (b > last[1]) last[1] = b; } else out.push([a, b]);
    }
    return out;
  }
}

/** Busy time, idle percent and number of gaps between busy intervals within [from, to]. */
export function computeDeviceIdle(set: IntervalSet, from: number, to: number): { busyNs: number; idlePercent: number; gaps: number } {
  const m = set.merged();
  let busy = 0;
  for (const [a, b] of m) busy += Math.max(0, Math.min(b, to) - Math.max(a, from));
  const wall = to - from;
  const idlePercent = wall > 0 ? Math.max(0, Math.min(100, (1 - busy / wall) * 100)) : 0;
  return { busyNs: busy, idlePercent: Math.round(idlePercent * 100) / 100, gaps: Math.max(0, m.length - 1) };
}
