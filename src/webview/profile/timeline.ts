// Canvas timeline: one lane per engine / DMA queue / collective stream, zoom and pan with mouse and keys,
// hover details, and level-of-detail aggregation so a million events stay fluid.
//
// Level of detail, per lane and per frame:
//  - few events in view (≤ 2 per device pixel column): draw each event, coloured by name, grouped by colour;
//  - many events, view coarser than the finest pre-aggregated bin: read a per-lane busy-time pyramid
//    (2^15 bins at level 0, halved at each level) and draw one bar per pixel column whose height is the busy fraction;
//  - many events, zoomed in past the pyramid: bucket the events in view into pixel columns directly.
// So a frame costs O(lanes × pixel columns) at full zoom-out, whatever the event count.
import type { TimelineData, TimelineLane } from '../../core/profile/model';
import { h } from './dom';
import { fmtCount, fmtNs } from './format';

export interface TimelineTheme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  laneAlt: string;
  focus: string;
  /** Event colours (by name hash). */
  palette: string[];
  /** Aggregated-bar colour per lane group. */
  group: Record<TimelineLane['group'], string>;
  font: string;
}

interface LaneIndex {
  /** Event indices into the TimelineData columns, sorted by start. */
  order: Uint32Array;
  starts: Float64Array;
  ends: Float64Array;
  maxDur: number;
  /** Busy ns per bin; levels[0] is the finest. */
  levels: Float32Array[];
  /** Event count per bin (by start), same levels. */
  counts: Float32Array[];
}

export interface DrawStats {
  ms: number;
  individual: number;
  pyramid: number;
  bucketed: number;
  drawnEvents: number;
}

const LEVEL0_BITS = 15;
const LABEL_W = 150; // css px
const AXIS_H = 22; // css px
const LANE_H = 18; // css px
const MIN_VIEW_NS = 10;

function lowerBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hashName(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return x >>> 0;
}

export class Timeline {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly tooltip: HTMLDivElement;
  private readonly status: HTMLParagraphElement;
  private lanes: LaneIndex[] = [];
  private nameColour: Uint8Array = new Uint8Array(0);
  private spanStart = 0;
  private spanEnd = 1;
  private binW0 = 1;
  t0 = 0;
  t1 = 1;
  private cssW = 800;
  private dpr = 1;
  private pending = 0;
  private drag: { x: number; t0: number; t1: number } | null = null;
  private hoverXY: { x: number; y: number } | null = null;
  lastStats: DrawStats = { ms: 0, individual: 0, pyramid: 0, bucketed: 0, drawnEvents: 0 };
  /** Called when an event is clicked (not dragged); ctrl: Ctrl/Cmd was held. */
  onEventClick: ((names: { name: string; op: string | null }, mods: { ctrl: boolean }) => void) | null = null;
  private down: { x: number; y: number } | null = null;
  /** Called after the view changes (for vscode.setState). */
  onViewChange: ((t0: number, t1: number) => void) | null = null;
  private colBuf = new Float32Array(0);
  private lastEndBuf = new Float64Array(0);
  private statusText = '';
  private statusAt = 0;
  private pendingStatus = 0;
  private nextStatus = '';
  /** Per event: palette index (by operator when the reader gave one, else by event name). */
  private eventColour: Uint8Array = new Uint8Array(0);
  private resizeObserver: ResizeObserver | null = null;
  /** Busy time per lane inside the visible window (last frame), ns. */
  private laneBusy = new Float64Array(0);
  /** Events of one op/name drawn on top of dimmed lanes (set from the ops table). */
  private hl: { name: string; count: number; lanes: { starts: Float64Array; ends: Float64Array; maxDur: number }[] } | null = null;

  constructor(private readonly data: TimelineData, private theme: TimelineTheme) {
    this.canvas = h('canvas', {
      class: 'timeline-canvas',
      tabindex: 0,
      role: 'img',
      'aria-roledescription': 'timeline',
      'aria-label': `Timeline of ${fmtCount(data.start.length)} events in ${data.lanes.length} lanes. Keys: plus and minus zoom, left and right arrows pan, Home resets.`,
    });
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2d context unavailable');
    this.ctx = ctx;
    this.tooltip = h('div', { class: 'timeline-tooltip', role: 'tooltip', hidden: true });
    this.status = h('p', { class: 'timeline-status', 'aria-live': 'polite' });
    const btn = (label: string, text: string, fn: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: 'tl-btn', 'aria-label': label, title: label, text });
      b.addEventListener('click', fn);
      return b;
    };
    const toolbar = h('div', { class: 'timeline-toolbar', role: 'toolbar', 'aria-label': 'Timeline zoom and pan' },
      btn('Zoom in (+)', '+', () => this.zoom(0.5)),
      btn('Zoom out (−)', '−', () => this.zoom(2)),
      btn('Pan left (←)', '←', () => this.pan(-0.2)),
      btn('Pan right (→)', '→', () => this.pan(0.2)),
      btn('Reset zoom (Home)', 'Reset', () => this.reset()),
      this.status,
    );
    const wrap = h('div', { class: 'timeline-wrap' }, this.canvas, this.tooltip);
    this.element = h('div', { class: 'timeline' }, toolbar, wrap);
    this.index();
    this.reset(false);
    this.bind();
  }

  get eventCount(): number {
    return this.data.start.length;
  }

  /** Builds the per-lane sorted index and the busy-time pyramid. O(n log n) once. */
  private index(): void {
    const { start, duration, lane } = this.data;
    const n = start.length;
    const L = this.data.lanes.length;
    let lo = Infinity;
    let hi = -Infinity;
    const perLane = new Uint32Array(L);
    for (let i = 0; i < n; i++) {
      const s = start[i];
      const e = s + (duration[i] > 0 ? duration[i] : 0);
      if (s < lo) lo = s;
      if (e > hi) hi = e;
      const l = lane[i];
      if (l < L) perLane[l]++;
    }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi <= lo) hi = lo + 1;
    this.spanStart = lo;
    this.spanEnd = hi;
    const nBins = 1 << LEVEL0_BITS;
    this.binW0 = (hi - lo) / nBins;
    // Bucket by lane (counting sort), then sort each lane by start if it is not already.
    const offsets = new Uint32Array(L + 1);
    for (let l = 0; l < L; l++) offsets[l + 1] = offsets[l] + perLane[l];
    const fill = offsets.slice(0, L);
    const all = new Uint32Array(offsets[L]);
    for (let i = 0; i < n; i++) {
      const l = lane[i];
      if (l < L) all[fill[l]++] = i;
    }
    this.lanes = [];
    for (let l = 0; l < L; l++) {
      let order = all.subarray(offsets[l], offsets[l + 1]);
      let sorted = true;
      for (let k = 1; k < order.length; k++) if (start[order[k]] < start[order[k - 1]]) { sorted = false; break; }
      if (!sorted) order = Uint32Array.from(order).sort((a, b) => start[a] - start[b]);
      const m = order.length;
      const starts = new Float64Array(m);
      const ends = new Float64Array(m);
      let maxDur = 0;
      const lv0 = new Float32Array(nBins);
      const cn0 = new Float32Array(nBins);
      const invW = 1 / this.binW0;
      for (let k = 0; k < m; k++) {
        const i = order[k];
        const s = start[i];
        const d = duration[i] > 0 ? duration[i] : 0;
        starts[k] = s;
        ends[k] = s + d;
        if (d > maxDur) maxDur = d;
        const a = (s - lo) * invW;
        const b = (s + d - lo) * invW;
        let ba = Math.floor(a);
        if (ba >= nBins) ba = nBins - 1;
        cn0[ba] += 1;
        const bb = Math.min(nBins - 1, Math.floor(b));
        if (ba === bb) lv0[ba] += d;
        else {
          lv0[ba] += (ba + 1 - a) * this.binW0;
          for (let q = ba + 1; q < bb; q++) lv0[q] += this.binW0;
          lv0[bb] += Math.max(0, b - bb) * this.binW0;
        }
      }
      const levels = [lv0];
      const counts = [cn0];
      for (let size = nBins >> 1; size >= 1; size >>= 1) {
        const prev = levels[levels.length - 1];
        const prevC = counts[counts.length - 1];
        const next = new Float32Array(size);
        const nextC = new Float32Array(size);
        for (let q = 0; q < size; q++) {
          next[q] = prev[2 * q] + prev[2 * q + 1];
          nextC[q] = prevC[2 * q] + prevC[2 * q + 1];
        }
        levels.push(next);
        counts.push(nextC);
      }
      this.lanes.push({ order, starts, ends, maxDur, levels, counts });
    }
    this.colourEvents();
  }

  /** Colour per distinct operator (or name), so the same op has the same colour on every engine. */
  private colourEvents(): void {
    const { names, nameIndex, opIndex } = this.data;
    const P = Math.max(1, this.theme.palette.length);
    this.nameColour = new Uint8Array(names.length + 1);
    for (let i = 0; i < names.length; i++) this.nameColour[i] = hashName(names[i] ?? '') % P;
    const n = nameIndex.length;
    const ec = new Uint8Array(n);
    const nc = this.nameColour;
    for (let i = 0; i < n; i++) {
      const op = opIndex ? opIndex[i] : 0xffffffff;
      ec[i] = nc[op !== 0xffffffff && op < names.length ? op : nameIndex[i]] ?? 0;
    }
    this.eventColour = ec;
  }

  setTheme(theme: TimelineTheme): void {
    const recolour = theme.palette.length !== this.theme.palette.length;
    this.theme = theme;
    if (recolour) this.colourEvents();
    this.requestDraw();
  }

  get span(): { start: number; end: number } {
    return { start: this.spanStart, end: this.spanEnd };
  }

  setView(t0: number, t1: number, notify = true): void {
    const full = this.spanEnd - this.spanStart;
    let w = Math.max(MIN_VIEW_NS, Math.min(full * 1.2, t1 - t0));
    if (!Number.isFinite(w) || w <= 0) w = full;
    const margin = full * 0.1;
    let a = Number.isFinite(t0) ? t0 : this.spanStart;
    a = Math.max(this.spanStart - margin, Math.min(a, this.spanEnd + margin - w));
    this.t0 = a;
    this.t1 = a + w;
    this.requestDraw();
    if (notify) this.onViewChange?.(this.t0, this.t1);
  }

  reset(notify = true): void {
    this.setView(this.spanStart, this.spanEnd, notify);
  }

  /** Highlights the events named `name` (event name or operator); null clears. Returns how many match. */
  highlight(name: string | null): number {
    if (name === null) {
      this.hl = null;
      this.requestDraw();
      return 0;
    }
    const { names, nameIndex, opIndex } = this.data;
    const want = new Uint8Array(names.length + 1);
    let any = false;
    for (let i = 0; i < names.length; i++) if (names[i] === name) { want[i] = 1; any = true; }
    if (!any) {
      this.hl = null;
      this.requestDraw();
      return 0;
    }
    let count = 0;
    const lanes = this.lanes.map((li) => {
      const s: number[] = [];
      const e: number[] = [];
      let maxDur = 0;
      for (let q = 0; q < li.order.length; q++) {
        const i = li.order[q];
        const op = opIndex ? opIndex[i] : 0xffffffff;
        if (want[nameIndex[i]] || (op !== 0xffffffff && want[op])) {
          s.push(li.starts[q]);
          e.push(li.ends[q]);
          if (li.ends[q] - li.starts[q] > maxDur) maxDur = li.ends[q] - li.starts[q];
        }
      }
      count += s.length;
      return { starts: Float64Array.from(s), ends: Float64Array.from(e), maxDur };
    });
    this.hl = { name, count, lanes };
    this.requestDraw();
    return count;
  }

  get highlighted(): string | null {
    return this.hl?.name ?? null;
  }

  /** Zooms to the first and last highlighted event. */
  zoomToHighlight(): void {
    if (!this.hl || this.hl.count === 0) return;
    let a = Infinity;
    let b = -Infinity;
    for (const l of this.hl.lanes) {
      if (!l.starts.length) continue;
      a = Math.min(a, l.starts[0]);
      for (let q = 0; q < l.ends.length; q++) if (l.ends[q] > b) b = l.ends[q];
    }
    const pad = Math.max(MIN_VIEW_NS, (b - a) * 0.05);
    this.setView(a - pad, b + pad);
  }

  /** factor < 1 zooms in. anchor: time kept under the cursor (default: view centre). */
  zoom(factor: number, anchor?: number): void {
    const a = anchor ?? (this.t0 + this.t1) / 2;
    this.setView(a - (a - this.t0) * factor, a + (this.t1 - a) * factor);
  }

  /** Pan by a fraction of the visible width. */
  pan(fraction: number): void {
    const dt = (this.t1 - this.t0) * fraction;
    this.setView(this.t0 + dt, this.t1 + dt);
  }

  requestDraw(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  private get plotLeft(): number {
    return Math.min(LABEL_W, Math.floor(this.cssW / 3));
  }

  private timeAtX(cssX: number): number {
    const pw = Math.max(1, this.cssW - this.plotLeft);
    return this.t0 + ((cssX - this.plotLeft) / pw) * (this.t1 - this.t0);
  }

  private bind(): void {
    const c = this.canvas;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.element);
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = c.getBoundingClientRect();
      const x = e.clientX - r.left;
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        const d = (e.deltaX || e.deltaY) / Math.max(1, this.cssW - this.plotLeft);
        this.pan(d);
      } else {
        const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002)));
        this.zoom(factor, x > this.plotLeft ? this.timeAtX(x) : undefined);
      }
      this.hoverXY = { x, y: e.clientY - r.top };
      this.updateTooltip();
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      c.setPointerCapture(e.pointerId);
      this.down = { x: e.clientX, y: e.clientY };
      this.drag = { x: e.clientX, t0: this.t0, t1: this.t1 };
      c.classList.add('dragging');
    });
    c.addEventListener('pointermove', (e) => {
      const r = c.getBoundingClientRect();
      this.hoverXY = { x: e.clientX - r.left, y: e.clientY - r.top };
      if (this.drag) {
        const pw = Math.max(1, this.cssW - this.plotLeft);
        const dt = ((e.clientX - this.drag.x) / pw) * (this.drag.t1 - this.drag.t0);
        this.setView(this.drag.t0 - dt, this.drag.t1 - dt);
        this.tooltip.hidden = true;
      } else {
        this.updateTooltip();
      }
    });
    const endDrag = (): void => {
      this.drag = null;
      c.classList.remove('dragging');
    };
    c.addEventListener('pointerup', (e) => {
      const d = this.down;
      this.down = null;
      endDrag();
      // A click (no drag) on an event: tell the page (it highlights the op and can open its source).
      if (d && Math.abs(e.clientX - d.x) < 4 && Math.abs(e.clientY - d.y) < 4 && this.onEventClick) {
        const r = c.getBoundingClientRect();
        const hit = this.hitTest(e.clientX - r.left, e.clientY - r.top);
        if (hit && hit.i >= 0) this.onEventClick(this.eventNames(hit.i), { ctrl: e.ctrlKey || e.metaKey });
      }
    });
    c.addEventListener('pointercancel', endDrag);
    c.addEventListener('pointerleave', () => {
      this.hoverXY = null;
      this.tooltip.hidden = true;
    });
    c.addEventListener('dblclick', () => this.reset());
    c.addEventListener('keydown', (e) => {
      let handled = true;
      switch (e.key) {
        case '+': case '=': this.zoom(0.5); break;
        case '-': case '_': this.zoom(2); break;
        case 'ArrowLeft': case 'a': case 'A': this.pan(e.shiftKey ? -0.5 : -0.1); break;
        case 'ArrowRight': case 'd': case 'D': this.pan(e.shiftKey ? 0.5 : 0.1); break;
        case 'ArrowUp': case 'w': case 'W': this.zoom(0.8); break;
        case 'ArrowDown': case 's': case 'S': this.zoom(1.25); break;
        case 'Home': case '0': this.reset(); break;
        case 'Escape': if (this.hl) this.highlight(null); else handled = false; break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
  }

  resize(): void {
    const w = Math.max(200, Math.floor(this.element.clientWidth || 800));
    const L = this.data.lanes.length;
    const cssH = AXIS_H + L * LANE_H + 4;
    this.dpr = window.devicePixelRatio || 1;
    this.cssW = w;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${cssH}px`;
    const dw = Math.floor(w * this.dpr);
    const dh = Math.floor(cssH * this.dpr);
    if (this.canvas.width !== dw || this.canvas.height !== dh) {
      this.canvas.width = dw;
      this.canvas.height = dh;
    }
    this.draw();
  }

  /** Draws synchronously; returns the stats of this frame. */
  draw(): DrawStats {
    if (this.pending) {
      // A synchronous draw satisfies the scheduled one.
      cancelAnimationFrame(this.pending);
      this.pending = 0;
    }
    const t = performance.now();
    const ctx = this.ctx;
    const th = this.theme;
    const dpr = this.dpr;
    const W = this.canvas.width;
    const H = this.canvas.height;
    const left = Math.round(this.plotLeft * dpr);
    const plotW = Math.max(1, W - left);
    const axisH = Math.round(AXIS_H * dpr);
    const laneH = LANE_H * dpr;
    const t0 = this.t0;
    const t1 = this.t1;
    const pxNs = (t1 - t0) / plotW; // ns per device pixel
    const k = 1 / pxNs;
    const stats: DrawStats = { ms: 0, individual: 0, pyramid: 0, bucketed: 0, drawnEvents: 0 };

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = th.background;
    ctx.fillRect(0, 0, W, H);
    // Alternate lane backgrounds.
    ctx.fillStyle = th.laneAlt;
    for (let l = 1; l < this.lanes.length; l += 2) ctx.fillRect(0, axisH + l * laneH, W, laneH);

    // Axis ticks.
    const targetPx = 110 * dpr;
    const rawStep = pxNs * targetPx;
    const p10 = Math.pow(10, Math.floor(Math.log10(rawStep)));
    const m = rawStep / p10;
    const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p10;
    ctx.font = `${Math.round(11 * dpr)}px ${th.font}`;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = th.grid;
    // Ticks at round times relative to the profile start (labels are relative too).
    const rel0 = t0 - this.spanStart;
    const firstK = Math.ceil(rel0 / step);
    const lastK = Math.floor((t1 - this.spanStart) / step);
    for (let kk = firstK; kk <= lastK && kk - firstK < 200; kk++) {
      const x = left + Math.round((this.spanStart + kk * step - t0) * k);
      ctx.fillRect(x, axisH - 4 * dpr, Math.max(1, dpr), H - axisH + 4 * dpr);
    }
    ctx.fillStyle = th.muted;
    for (let kk = firstK; kk <= lastK && kk - firstK < 200; kk++) {
      const x = left + Math.round((this.spanStart + kk * step - t0) * k);
      ctx.fillText(fmtNs(kk * step), x + 3 * dpr, axisH / 2);
    }

    // Lanes.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, axisH, plotW, H - axisH);
    ctx.clip();
    const P = th.palette.length;
    const buckets: number[][] = [];
    for (let p = 0; p < P; p++) buckets.push([]);
    if (this.colBuf.length < plotW) {
      this.colBuf = new Float32Array(plotW);
    }
    const col = this.colBuf;
    if (this.laneBusy.length !== this.lanes.length) this.laneBusy = new Float64Array(this.lanes.length);
    const laneBusy = this.laneBusy;
    laneBusy.fill(0);
    const eventColour = this.eventColour;
    // Aggregated bars are computed per CSS pixel (cw device pixels wide): same look, a quarter of the rects at dpr 2.
    const cw = Math.max(1, Math.floor(dpr));
    const nCols = Math.ceil(plotW / cw);
    const colNs = pxNs * cw;
    const kc = 1 / colNs;
    const cssPlotW = Math.ceil(plotW / dpr);
    const barPad = Math.max(1, Math.round(2 * dpr));
    for (let l = 0; l < this.lanes.length; l++) {
      const li = this.lanes[l];
      const y = axisH + l * laneH;
      const lo = lowerBound(li.starts, t0 - li.maxDur);
      const hi = lowerBound(li.starts, t1, lo);
      const nView = hi - lo;
      if (nView === 0) continue;
      // Individual events only while they are sparse enough to tell apart (≥ 2 CSS px apart on average);
      // denser views show the busy fraction per column, which stays truthful where events are sub-pixel.
      if (nView * 2 <= cssPlotW) {
        stats.individual++;
        for (let p = 0; p < P; p++) buckets[p].length = 0;
        // Integer device-pixel rects (no anti-aliased edges: much cheaper to raster without a GPU), and a
        // rect that touches the previous one of the same colour extends it instead of adding another.
        const lastEnd = this.lastEndBuf.length >= P ? this.lastEndBuf : (this.lastEndBuf = new Float64Array(P));
        lastEnd.fill(-1);
        let busy = 0;
        for (let q = lo; q < hi; q++) {
          const e = li.ends[q];
          if (e < t0) continue;
          busy += Math.min(e, t1) - Math.max(li.starts[q], t0);
          let x0 = Math.round((li.starts[q] - t0) * k);
          let x1 = Math.round((e - t0) * k);
          if (x1 <= x0) x1 = x0 + 1;
          if (x0 < -1) x0 = -1;
          if (x1 > plotW + 1) x1 = plotW + 1;
          const p = eventColour[li.order[q]];
          const b = buckets[p];
          const le = lastEnd[p];
          if (le >= x0 && b.length > 0) {
            // Touching or overlapping the last rect of this colour: extend it.
            if (x1 > le) {
              b[b.length - 1] += x1 - le;
              lastEnd[p] = x1;
            }
            continue;
          }
          b.push(x0, x1 - x0);
          lastEnd[p] = x1;
        }
        const yy = y + barPad;
        const hh = laneH - 2 * barPad;
        for (let p = 0; p < P; p++) {
          const b = buckets[p];
          if (b.length === 0) continue;
          ctx.fillStyle = th.palette[p];
          ctx.beginPath();
          for (let j = 0; j < b.length; j += 2) ctx.rect(left + b[j], yy, b[j + 1], hh);
          ctx.fill();
          stats.drawnEvents += b.length / 2;
        }
        laneBusy[l] = busy;
        continue;
      }
      // Aggregated: busy fraction per pixel column.
      col.fill(0, 0, nCols);
      if (colNs >= this.binW0) {
        stats.pyramid++;
        const level = Math.min(li.levels.length - 1, Math.max(0, Math.floor(Math.log2(colNs / this.binW0))));
        const bins = li.levels[level];
        const nb = bins.length;
        const bw = this.binW0 * (1 << level);
        const inv = 1 / bw;
        const span0 = this.spanStart;
        for (let c = 0; c < nCols; c++) {
          const a = (t0 + c * colNs - span0) * inv;
          const b = a + colNs * inv;
          if (b <= 0 || a >= nb) continue;
          const ia = Math.max(0, Math.floor(a));
          const ib = Math.min(nb - 1, Math.ceil(b) - 1);
          let sum = 0;
          for (let q = ia; q <= ib; q++) {
            let wgt = 1;
            if (q === ia && a > ia) wgt -= a - ia;
            if (q === ib && b < ib + 1) wgt -= ib + 1 - b;
            if (wgt > 0) sum += bins[q] * wgt;
          }
          col[c] = sum;
        }
      } else {
        stats.bucketed++;
        for (let q = lo; q < hi; q++) {
          const s = li.starts[q];
          const e = li.ends[q];
          if (e < t0) continue;
          const a = (s - t0) * kc;
          const b = (e - t0) * kc;
          let ca = Math.floor(a);
          let cb = Math.floor(b);
          if (cb < 0 || ca >= nCols) continue;
          if (ca === cb) { col[ca] += e - s; continue; }
          if (ca < 0) ca = -1;
          else col[ca] += (ca + 1 - a) * colNs;
          if (cb >= nCols) cb = nCols;
          else col[cb] += (b - cb) * colNs;
          for (let c = ca + 1; c < cb; c++) col[c] += colNs;
        }
      }
      let busy = 0;
      for (let c = 0; c < nCols; c++) busy += col[c];
      laneBusy[l] = busy;
      ctx.fillStyle = th.group[this.data.lanes[l].group] ?? th.foreground;
      ctx.beginPath();
      const full = laneH - 2 * barPad;
      const base = y + laneH - barPad;
      let c = 0;
      while (c < nCols) {
        const v = col[c];
        if (v <= 0) { c++; continue; }
        const frac = Math.min(1, v / colNs);
        const hpx = Math.max(dpr, Math.round(frac * full));
        let c2 = c + 1;
        while (c2 < nCols && col[c2] > 0 && Math.max(dpr, Math.round(Math.min(1, col[c2] / colNs) * full)) === hpx) c2++;
        ctx.rect(left + c * cw, base - hpx, (c2 - c) * cw, hpx);
        c = c2;
      }
      ctx.fill();
    }
    if (this.hl) {
      // Dim everything, then draw the highlighted op's events on top (sub-pixel events merged per column).
      ctx.globalAlpha = 0.6;
      ctx.fillStyle = th.background;
      ctx.fillRect(left, axisH, plotW, H - axisH);
      ctx.globalAlpha = 1;
      ctx.fillStyle = th.focus;
      ctx.beginPath();
      for (let l = 0; l < this.hl.lanes.length; l++) {
        const hv = this.hl.lanes[l];
        if (!hv.starts.length) continue;
        const y = axisH + l * laneH + barPad;
        const lo = lowerBound(hv.starts, t0 - hv.maxDur);
        const hi = lowerBound(hv.starts, t1, lo);
        let lastX = -1;
        for (let q = lo; q < hi; q++) {
          if (hv.ends[q] < t0) continue;
          const x0 = (hv.starts[q] - t0) * k;
          const w = (hv.ends[q] - hv.starts[q]) * k;
          if (w < 1) {
            const xi = Math.floor(x0);
            if (xi === lastX) continue;
            lastX = xi;
            ctx.rect(left + xi, y, 1, laneH - 2 * barPad);
          } else ctx.rect(left + x0, y, w, laneH - 2 * barPad);
        }
      }
      ctx.fill();
    }
    ctx.restore();

    // Lane labels (drawn last, over the gutter).
    ctx.fillStyle = th.background;
    ctx.fillRect(0, axisH, left, H - axisH);
    ctx.fillStyle = th.laneAlt;
    for (let l = 1; l < this.lanes.length; l += 2) ctx.fillRect(0, axisH + l * laneH, left, laneH);
    ctx.fillStyle = th.foreground;
    ctx.font = `${Math.round(12 * dpr)}px ${th.font}`;
    const span = t1 - t0;
    const pctFont = `${Math.round(10 * dpr)}px ${th.font}`;
    const labelFont = ctx.font;
    for (let l = 0; l < this.data.lanes.length; l++) {
      const lab = this.data.lanes[l].label;
      const y = axisH + l * laneH + laneH / 2;
      // Busy share of the visible window (the "current selection" summary, following zoom and pan).
      const pct = span > 0 ? Math.min(100, (laneBusy[l] / span) * 100) : 0;
      const pctText = pct > 0 ? `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%` : '';
      ctx.font = pctFont;
      const pctW = pctText ? ctx.measureText(pctText).width + 6 * dpr : 0;
      if (pctText) {
        ctx.fillStyle = th.muted;
        ctx.fillText(pctText, left - 4 * dpr - pctW + 6 * dpr, y);
      }
      ctx.font = labelFont;
      ctx.fillStyle = th.foreground;
      let text = lab;
      const maxW = left - 8 * dpr - pctW;
      if (ctx.measureText(text).width > maxW) {
        while (text.length > 1 && ctx.measureText(`${text}…`).width > maxW) text = text.slice(0, -1);
        text += '…';
      }
      ctx.fillText(text, 4 * dpr, y);
    }
    ctx.fillStyle = th.grid;
    ctx.fillRect(left - dpr, 0, dpr, H);
    ctx.fillRect(0, axisH - dpr, W, dpr);

    stats.ms = performance.now() - t;
    this.lastStats = stats;
    const total = this.data.totalEvents;
    const shown = this.data.start.length;
    const status = `${fmtNs(t0 - this.spanStart)} – ${fmtNs(t1 - this.spanStart)} (${fmtNs(t1 - t0)} visible) · ${fmtCount(shown)} events${total > shown ? ` of ${fmtCount(total)} (sampled)` : ''}${this.hl ? ` · highlighting “${this.hl.name}” (${fmtCount(this.hl.count)} events; Esc clears)` : ''}`;
    // The status line is DOM (layout + paint): refresh it at most ~8 times a second while zooming.
    const now = performance.now();
    if (status !== this.statusText && (now - this.statusAt > 120 || !this.pendingStatus)) {
      if (now - this.statusAt > 120) {
        this.statusText = status;
        this.statusAt = now;
        this.setStatus(status);
      } else {
        this.pendingStatus = window.setTimeout(() => {
          this.pendingStatus = 0;
          this.statusAt = performance.now();
          this.statusText = this.nextStatus;
          this.setStatus(this.nextStatus);
        }, 130);
      }
    }
    this.nextStatus = status;
    return stats;
  }

  /** The event under a CSS-pixel position: lane, index into the lane's sorted arrays, event index. */
  private hitTest(x: number, y: number): { l: number; q: number; i: number; tm: number; pxNsCss: number } | { l: number; q: -1; i: -1; tm: number; pxNsCss: number } | null {
    if (x < this.plotLeft || y < AXIS_H) return null;
    const l = Math.floor((y - AXIS_H) / LANE_H);
    const li = this.lanes[l];
    if (!li) return null;
    const tm = this.timeAtX(x);
    const pxNsCss = (this.t1 - this.t0) / Math.max(1, this.cssW - this.plotLeft);
    const tol = pxNsCss * 2;
    // The last event starting at or before the cursor (plus tolerance), walking back while an earlier one may still cover it.
    let q = lowerBound(li.starts, tm + tol) - 1;
    let best = -1;
    let bestDist = Infinity;
    for (let steps = 0; q >= 0 && steps < 64; q--, steps++) {
      const s = li.starts[q];
      const e = li.ends[q];
      if (e < tm - li.maxDur - tol) break;
      const dist = tm < s ? s - tm : tm > e ? tm - e : 0;
      if (dist < bestDist) { bestDist = dist; best = q; }
      if (dist === 0) break;
    }
    if (best >= 0 && bestDist <= tol) return { l, q: best, i: li.order[best], tm, pxNsCss };
    return { l, q: -1, i: -1, tm, pxNsCss };
  }

  /** Names of an event: its own and its operator's (when the reader linked one). */
  eventNames(i: number): { name: string; op: string | null } {
    const name = this.data.names[this.data.nameIndex[i]] ?? '?';
    const o = this.data.opIndex ? this.data.opIndex[i] : 0xffffffff;
    const op = o !== 0xffffffff && this.data.names[o] !== undefined ? this.data.names[o] : null;
    return { name, op };
  }

  /** Status line, and a text alternative of the canvas: the visible range and each lane's busy share in it. */
  private setStatus(text: string): void {
    this.status.textContent = text;
    const span = this.t1 - this.t0;
    const busy = this.data.lanes.map((l, i) => `${l.label} ${span > 0 ? Math.min(100, Math.round(((this.laneBusy[i] ?? 0) / span) * 100)) : 0}%`).slice(0, 40).join(', ');
    this.canvas.setAttribute('aria-label', `Timeline, ${text}. Busy in view: ${busy}. Keys: plus and minus zoom, arrows pan, Home resets, Escape clears the highlight.`);
  }

  private updateTooltip(): void {
    const pos = this.hoverXY;
    const tip = this.tooltip;
    const hit = pos ? this.hitTest(pos.x, pos.y) : null;
    if (!pos || !hit) { tip.hidden = true; return; }
    const l = hit.l;
    const li = this.lanes[l];
    const lane = this.data.lanes[l];
    const tm = hit.tm;
    const pxNsCss = hit.pxNsCss;
    const best = hit.q;
    const lines: [string, string][] = [];
    if (best >= 0) {
      const i = li.order[best];
      const { name, op } = this.eventNames(i);
      lines.push(['', name]);
      if (op !== null && op !== name) lines.push(['Op', op]);
      lines.push(['Lane', lane.label]);
      lines.push(['Start', fmtNs(li.starts[best] - this.spanStart)]);
      lines.push(['Duration', fmtNs(this.data.duration[i])]);
    } else {
      // Aggregated column under the cursor.
      const a = tm - pxNsCss / 2;
      const b = tm + pxNsCss / 2;
      const lo = lowerBound(li.starts, a - li.maxDur);
      const hi = lowerBound(li.starts, b, lo);
      let busy = 0;
      let count = 0;
      if (hi - lo < 5000) {
        for (let q2 = lo; q2 < hi; q2++) {
          const ov = Math.min(b, li.ends[q2]) - Math.max(a, li.starts[q2]);
          if (ov > 0 || (li.starts[q2] >= a && li.starts[q2] < b)) { count++; busy += Math.max(0, ov); }
        }
      } else {
        count = hi - lo;
        busy = NaN;
      }
      if (count === 0) { tip.hidden = true; return; }
      lines.push(['', lane.label]);
      lines.push(['At', fmtNs(tm - this.spanStart)]);
      lines.push(['Events here', fmtCount(count)]);
      if (Number.isFinite(busy)) lines.push(['Busy', `${Math.min(100, (busy / (b - a)) * 100).toFixed(0)} %`]);
    }
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    for (const [k, v] of lines) {
      const row = h('div', { class: k ? 'tt-row' : 'tt-title' });
      if (k) row.appendChild(h('span', { class: 'tt-key', text: `${k}: ` }));
      row.appendChild(h('span', { class: 'tt-val', text: v }));
      tip.appendChild(row);
    }
    tip.hidden = false;
    const maxX = this.cssW - 260;
    tip.style.left = `${Math.max(0, Math.min(maxX, pos.x + 12))}px`;
    tip.style.top = `${pos.y + 14}px`;
  }

  dispose(): void {
    this.resizeObserver?.disconnect();
    if (this.pending) cancelAnimationFrame(this.pending);
  }
}
