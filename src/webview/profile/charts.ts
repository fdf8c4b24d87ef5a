// Chart.js charts. chart.umd.min.js is loaded by its own <script nonce> tag (dist/, via asWebviewUri) and
// defines the global `Chart`; only its types are imported here, so nothing of it is bundled.
import type { Chart as ChartClass, ChartConfiguration } from 'chart.js';
import { h } from './dom';
import type { Theme } from './theme';

type ChartCtor = typeof ChartClass;

function chartLib(): ChartCtor | null {
  const g = globalThis as unknown as { Chart?: ChartCtor };
  return typeof g.Chart === 'function' ? g.Chart : null;
}

export interface BarSeries {
  label: string;
  values: (number | null)[];
  /** Index into the theme palette, or 'read' / 'write'. */
  colour: number | 'read' | 'write';
}

export interface BarSpec {
  title: string;
  labels: string[];
  series: BarSeries[];
  horizontal?: boolean;
  stacked?: boolean;
  /** Formats a value for the axis and tooltips. */
  format: (v: number) => string;
  /** Fixed axis maximum (e.g. 100 for percentages). */
  max?: number;
  /** Text alternative for screen readers. */
  summary: string;
}

interface LiveChart {
  canvas: HTMLCanvasElement;
  spec: BarSpec;
  chart: ChartClass | null;
}

const live: LiveChart[] = [];

function config(spec: BarSpec, t: Theme): ChartConfiguration<'bar'> {
  const colour = (c: BarSeries['colour']): string => (c === 'read' ? t.read : c === 'write' ? t.write : t.palette[c % t.palette.length]);
  const valueAxis = {
    beginAtZero: true,
    max: spec.max,
    stacked: spec.stacked,
    ticks: { color: t.muted, callback: (v: number | string) => (typeof v === 'number' ? spec.format(v) : v) },
    grid: { color: t.grid },
    border: { color: t.grid },
  };
  const labelAxis = {
    stacked: spec.stacked,
    ticks: { color: t.foreground, autoSkip: false },
    grid: { display: false },
    border: { color: t.grid },
  };
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.values,
        backgroundColor: colour(s.colour),
        borderColor: t.kind.startsWith('high-contrast') ? t.foreground : colour(s.colour),
        borderWidth: t.kind.startsWith('high-contrast') ? 1 : 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      color: t.foreground,
      font: { family: t.font },
      scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: t.foreground } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const v = ctx.parsed[spec.horizontal ? 'x' : 'y'];
              return `${ctx.dataset.label ?? ''}: ${typeof v === 'number' ? spec.format(v) : '—'}`;
            },
          },
        },
      },
    },
  };
}

/** A chart in a fixed-height box, with a text alternative and a fallback when Chart.js is unavailable. */
export function barChart(spec: BarSpec, theme: Theme): HTMLElement {
  const rows = spec.horizontal ? spec.labels.length : 0;
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. ${spec.summary}` });
  const box = h('div', { class: `chart-box${rows > 8 ? ' tall' : ''}` }, canvas);
  if (rows > 8) box.style.height = `${Math.min(600, 40 + rows * 22)}px`;
  const entry: LiveChart = { canvas, spec, chart: null };
  const Chart = chartLib();
  if (!Chart) {
    box.appendChild(h('p', { class: 'muted', text: `Chart library not loaded. ${spec.summary}` }));
  } else {
    entry.chart = new Chart(canvas, config(spec, theme));
  }
  live.push(entry);
  return box;
}

/** Rebuilds every chart with the current theme colours. */
export function retheme(theme: Theme): void {
  const Chart = chartLib();
  if (!Chart) return;
  for (const e of live) {
    if (!e.canvas.isConnected) continue;
    e.chart?.destroy();
    e.chart = new Chart(e.canvas, config(e.spec, theme));
  }
}

export function destroyCharts(): void {
  for (const e of live) e.chart?.destroy();
  live.length = 0;
}

export function chartCount(): number {
  return live.filter((e) => e.chart !== null).length;
}
