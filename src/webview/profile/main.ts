// Profile viewer webview (browser bundle → dist/webview-profile.js). Talks to the extension host only
// through the typed protocol in ./protocol.ts. Never uses innerHTML: every profile string is textContent.
import type { ProfileModel } from '../../core/profile/model';
import { barChart, chartCount, destroyCharts, retheme } from './charts';
import { append, clear, h, section } from './dom';
import { fmtBytes, fmtCount, fmtNs, fmtNumber, fmtPercent, isEmptyModel, normaliseModel } from './format';
import { isHostToWebview, toCsv, type HostToWebview, type NtffInfo, type WebviewState, type WebviewToHost } from './protocol';
import { opsTable, type SortKey } from './table';
import { onThemeChange, readTheme, type Theme } from './theme';
import { Timeline } from './timeline';

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): WebviewState | undefined;
  setState(s: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi = typeof acquireVsCodeApi === 'function'
  ? acquireVsCodeApi()
  : { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };

let theme: Theme = readTheme();
let timeline: Timeline | null = null;
let state: WebviewState = vscode.getState() ?? {};

function saveState(patch: Partial<WebviewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

function root(): HTMLElement {
  let r = document.getElementById('app');
  if (!r) {
    r = h('main', { id: 'app' });
    document.body.appendChild(r);
  }
  return r;
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

function reset(): HTMLElement {
  destroyCharts();
  timeline?.dispose();
  timeline = null;
  const r = root();
  clear(r);
  return r;
}

function actionButton(text: string, onClick: () => void, primary = false): HTMLButtonElement {
  const b = h('button', { type: 'button', class: primary ? 'btn primary' : 'btn', text });
  b.addEventListener('click', onClick);
  return b;
}

function header(source: string, sub: string | null): HTMLElement {
  return h('header', { class: 'top' },
    h('div', { class: 'title' },
      h('h1', { text: source ? baseName(source) : 'Neuron profile' }),
      sub ? h('span', { class: 'badge', text: sub }) : null,
      source ? h('p', { class: 'muted path', title: source, text: source }) : null),
    h('div', { class: 'actions' },
      actionButton('Reload', () => post({ type: 'retry' })),
      actionButton('Open another profile…', () => post({ type: 'openOther' }))));
}

// ---------------------------------------------------------------- loading / error / ntff

function showLoading(source: string, message: string): void {
  const r = reset();
  const prog = h('progress', { id: 'load-progress', 'aria-label': 'Loading progress' });
  append(r, header(source, null),
    h('section', { class: 'panel status-panel', 'aria-busy': 'true', 'aria-live': 'polite' },
      h('p', { id: 'load-message', class: 'status-message', text: message || 'Loading profile…' }),
      prog,
      actionButton('Cancel', () => post({ type: 'cancel' }))));
}

function showProgress(message: string, fraction: number | null): void {
  const m = document.getElementById('load-message');
  const p = document.getElementById('load-progress') as HTMLProgressElement | null;
  if (m) m.textContent = message;
  if (p) {
    if (fraction === null || !Number.isFinite(fraction)) p.removeAttribute('value');
    else { p.max = 1; p.value = Math.max(0, Math.min(1, fraction)); }
  }
}

function showError(source: string, message: string, detail: string | null, canRetry: boolean): void {
  const r = reset();
  append(r, header(source, null),
    h('section', { class: 'panel callout error', role: 'alert' },
      h('h2', { text: 'The profile could not be opened' }),
      h('p', { text: message || 'Unknown error.' }),
      detail ? h('pre', { class: 'detail', text: detail }) : null,
      h('div', { class: 'actions' },
        canRetry ? actionButton('Try again', () => post({ type: 'retry' }), true) : null,
        actionButton('Open another profile…', () => post({ type: 'openOther' })))));
  post({ type: 'rendered', sections: ['error'], timelineEvents: 0, warnings: 1 });
}

function showNtff(source: string, info: NtffInfo): void {
  const r = reset();
  const cmd = h('pre', { class: 'command', tabindex: 0, 'aria-label': 'Command to run on the Neuron instance' }, h('code', { text: info.command }));
  append(r, header(source, 'ntff'),
    h('section', { class: 'panel callout info', 'aria-labelledby': 'ntff-h' },
      h('h2', { id: 'ntff-h', text: 'This is a raw device trace (NTFF)' }),
      h('p', { text: 'NTFF is a binary format that only the Neuron tools can decode. Convert it to Parquet (a directory of tables with the timeline) or summary JSON, then open the result here.' }),
      info.canConvert
        ? h('p', { text: `${info.tool ?? 'neuron-explorer'} was found on PATH; the conversion runs locally and its output goes to the “Neuron Profile” output channel.` })
        : h('p', { text: info.reason ?? 'Run this on the Trainium / Inferentia instance where the profile was captured, then open the output folder:' }),
      cmd,
      h('div', { class: 'actions' },
        info.canConvert ? actionButton(`Convert with ${info.tool ?? 'neuron-explorer'}`, () => post({ type: 'convertNtff' }), true) : null,
        actionButton('Open another profile…', () => post({ type: 'openOther' })))));
  post({ type: 'rendered', sections: ['ntff'], timelineEvents: 0, warnings: 0 });
}

// ---------------------------------------------------------------- model

type TipFn = (...names: string[]) => string | null;

function tipper(m: ProfileModel): TipFn {
  const map = new Map<string, string>();
  for (const f of m.fields ?? []) {
    const key = f.field.toLowerCase();
    const text = `${f.description}${f.unit ? ` (${f.unit})` : ''}`.trim();
    if (!text) continue;
    if (!map.has(key) || f.table.toLowerCase() === 'summary') map.set(key, text);
  }
  return (...names) => {
    for (const n of names) {
      const t = map.get(n.toLowerCase());
      if (t) return t;
    }
    return null;
  };
}

function card(label: string, value: string, tip: string | null, sub?: string | null, text = false): HTMLElement {
  const missing = value === '—';
  return h('div', { class: `card${missing ? ' missing' : ''}${text ? ' text' : ''}`, role: 'group', 'aria-label': `${label}: ${value}${sub ? `, ${sub}` : ''}`, title: tip ?? undefined, tabindex: tip ? 0 : undefined },
    h('div', { class: 'card-label', text: label }),
    h('div', { class: 'card-value', text: value }),
    sub ? h('div', { class: 'card-sub muted', text: sub }) : null);
}

function dataDetails(caption: string, headers: string[], rows: (string | number)[][], numeric: boolean[]): HTMLElement {
  const table = h('table', { class: 'data compact' },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', {}, h('tr', {}, ...headers.map((x, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : '', text: x })))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => h('td', { class: numeric[i] ? 'num' : '', text: String(c) }))))));
  return h('details', { class: 'chart-data' }, h('summary', { text: 'Data table' }), table);
}

function metaValue(m: ProfileModel, ...keys: string[]): string | null {
  const md = m.metadata ?? {};
  for (const k of keys) {
    const v = md[k];
    if (v !== undefined && v !== null && String(v) !== '') return String(v);
  }
  return null;
}

function renderModel(source: string, raw: unknown): void {
  const { model: m, problems } = normaliseModel(raw);
  const r = reset();
  const tip = tipper(m);
  const sections: string[] = [];
  const src = source || m.source;
  append(r, header(src, m.formatVersion ? `${m.format} ${m.formatVersion}` : m.format));

  const warnings = [...problems, ...m.warnings];
  const empty = isEmptyModel(m);
  if (empty) {
    sections.push('empty');
    r.appendChild(h('section', { class: 'panel callout error', role: 'alert', id: 'empty' },
      h('h2', { text: 'Nothing could be read from this profile' }),
      h('p', { text: `The ${m.format} reader found no summary metrics, engines, ops or timeline events in ${src ? baseName(src) : 'this file'}. Check that it is a Neuron profile (summary JSON or text, a Parquet directory, a legacy JSON or a trace), or convert the raw .ntff with neuron-explorer view.` }),
      h('div', { class: 'actions' }, actionButton('Open another profile…', () => post({ type: 'openOther' }), true))));
  }
  if (warnings.length > 0) {
    sections.push('warnings');
    r.appendChild(h('section', { class: 'panel callout warning', role: 'alert', id: 'warnings', 'aria-labelledby': 'warnings-h' },
      h('h2', { id: 'warnings-h', text: `${warnings.length} warning${warnings.length === 1 ? '' : 's'} while reading the profile` }),
      h('ul', {}, ...warnings.slice(0, 50).map((w) => h('li', { text: w }))),
      warnings.length > 50 ? h('p', { class: 'muted', text: `… and ${warnings.length - 50} more.` }) : null));
  }
  if (empty) {
    post({ type: 'rendered', sections, timelineEvents: 0, warnings: warnings.length });
    return;
  }

  // Summary cards.
  const activeNs = m.totalTimeNs !== null && m.activeTimePercent !== null ? (m.totalTimeNs * m.activeTimePercent) / 100 : null;
  const versions = Object.entries(m.metadata ?? {}).filter(([k, v]) => /version/i.test(k) && v !== null && v !== '');
  const instance = metaValue(m, 'instance_type', 'instanceType', 'instance');
  sections.push('summary');
  r.appendChild(section('summary', 'Summary',
    h('div', { class: 'cards' },
      card('Total time', fmtNs(m.totalTimeNs), tip('total_time', 'total_exec_time')),
      card('Active time', fmtPercent(m.activeTimePercent), tip('total_active_time_percent', 'total_active_time'), activeNs !== null ? fmtNs(activeNs) : null),
      card('MFU', fmtPercent(m.mfuPercent), tip('mfu_estimated_percent') ?? 'Model FLOPs utilisation: model FLOPs / (peak FLOPs × time)'),
      card('HFU', fmtPercent(m.hfuPercent), tip('hfu_estimated_percent') ?? 'Hardware FLOPs utilisation, including recomputation and transposes'),
      card('MBU', fmtPercent(m.mbuPercent), tip('mbu_estimated_percent') ?? 'Memory bandwidth utilisation'),
      card('Arithmetic intensity', fmtNumber(m.arithmeticIntensity ?? null), tip('mm_arithmetic_intensity') ?? 'Matmul FLOPs per byte moved', 'FLOP / byte'),
      card('Instance', instance ?? '—', tip('instance_type'), metaValue(m, 'neuroncore_idx', 'nc_idx') !== null ? `NeuronCore ${metaValue(m, 'neuroncore_idx', 'nc_idx')}` : null, true),
      card('Versions', versions.length ? `${versions.length} tool${versions.length === 1 ? '' : 's'}` : '—', versions.map(([k, v]) => `${k}: ${String(v)}`).join('\n') || null,
        versions.slice(0, 3).map(([k, v]) => `${k.replace(/_version$/i, '')} ${String(v)}`).join(' · ') || null, true),
    )));

  // Insights.
  if (m.insights.length > 0) {
    sections.push('insights');
    const order = { error: 0, warning: 1, info: 2 } as const;
    const ins = m.insights.slice().sort((a, b) => order[a.severity] - order[b.severity]);
    r.appendChild(section('insights', 'Insights',
      h('ul', { class: 'insights' }, ...ins.map((i) => h('li', { class: `insight ${i.severity}` },
        h('span', { class: `sev ${i.severity}`, text: i.severity }),
        h('span', { class: 'insight-msg', text: i.message }),
        i.id ? h('span', { class: 'muted insight-id', text: i.id }) : null)))));
  }

  const grid = h('div', { class: 'grid' });
  // Engine utilisation.
  if (m.engines.length > 0) {
    sections.push('engines');
    const withPct = m.engines.filter((e) => e.activeTimePercent !== null);
    const sum = m.engines.map((e) => `${e.name} ${fmtPercent(e.activeTimePercent)}`).join(', ');
    grid.appendChild(section('engines', 'Engine utilisation',
      withPct.length > 0
        ? barChart({ title: 'Engine active time', labels: m.engines.map((e) => e.name), series: [{ label: 'Active time %', values: m.engines.map((e) => e.activeTimePercent), colour: 0 }], format: (v) => `${Math.round(v)} %`, max: 100, summary: sum }, theme)
        : h('p', { class: 'muted', text: 'This profile has no engine active-time percentages.' }),
      dataDetails('Engine utilisation', ['Engine', 'Active time', 'Active', 'Instruction time', 'Instructions'],
        m.engines.map((e) => [e.name, fmtPercent(e.activeTimePercent), fmtNs(e.activeTimeNs), fmtNs(e.instructionTimeNs), fmtCount(e.instructionCount)]), [false, true, true, true, true])));
  }
  // Opcodes.
  const opcodes = (m.opcodes ?? []).slice();
  if (opcodes.length > 0) {
    sections.push('opcodes');
    const byTime = opcodes.some((o) => o.timeNs !== null);
    opcodes.sort((a, b) => (byTime ? (b.timeNs ?? 0) - (a.timeNs ?? 0) : b.count - a.count));
    const top = opcodes.slice(0, 15);
    grid.appendChild(section('opcodes', 'Opcode breakdown',
      barChart({ title: `Top opcodes by ${byTime ? 'time' : 'count'}`, labels: top.map((o) => o.name), horizontal: true,
        series: [{ label: byTime ? 'Time' : 'Count', values: top.map((o) => (byTime ? o.timeNs : o.count)), colour: 1 }],
        format: byTime ? fmtNs : fmtCount, summary: top.slice(0, 5).map((o) => `${o.name} ${byTime ? fmtNs(o.timeNs) : fmtCount(o.count)}`).join(', ') }, theme),
      dataDetails('Opcodes', ['Opcode', 'Count', 'Time'], opcodes.map((o) => [o.name, fmtCount(o.count), fmtNs(o.timeNs)]), [false, true, true])));
  }
  // Collectives.
  const coll = (m.collectives ?? []).slice().sort((a, b) => b.timeNs - a.timeNs);
  if (coll.length > 0) {
    sections.push('collectives');
    const top = coll.slice(0, 15);
    grid.appendChild(section('collectives', 'Collectives',
      barChart({ title: 'Collective time', labels: top.map((c) => c.name), horizontal: true,
        series: [{ label: 'Time', values: top.map((c) => c.timeNs), colour: 5 }], format: fmtNs,
        summary: top.slice(0, 5).map((c) => `${c.name} ${fmtNs(c.timeNs)} in ${fmtCount(c.count)} calls`).join(', ') }, theme),
      dataDetails('Collectives', ['Collective', 'Calls', 'Time', 'Bytes'], coll.map((c) => [c.name, fmtCount(c.count), fmtNs(c.timeNs), fmtBytes(c.bytes)]), [false, true, true, true])));
  }
  // Memory traffic.
  const mem: { label: string; read: number | null; write: number | null }[] = [];
  if (m.hbm && (m.hbm.readBytes !== null || m.hbm.writeBytes !== null)) mem.push({ label: 'HBM', read: m.hbm.readBytes, write: m.hbm.writeBytes });
  if (m.sbuf && (m.sbuf.readBytes !== null || m.sbuf.writeBytes !== null)) mem.push({ label: 'SBUF', read: m.sbuf.readBytes, write: m.sbuf.writeBytes });
  const dma = m.dma;
  const queues = (dma?.queues ?? []).slice().sort((a, b) => b.bytes - a.bytes);
  if (mem.length > 0 || (dma && (dma.bytes !== null || dma.transfers !== null || queues.length > 0))) {
    sections.push('memory');
    const parts: HTMLElement[] = [];
    const queueParts: HTMLElement[] = [];
    if (dma && (dma.bytes !== null || dma.transfers !== null)) {
      const avg = dma.bytes !== null && dma.transfers ? dma.bytes / dma.transfers : null;
      parts.push(h('div', { class: 'cards small' },
        card('DMA bytes', fmtBytes(dma.bytes), tip('dma_transfer_total_bytes')),
        card('DMA transfers', fmtCount(dma.transfers), tip('dma_transfer_count')),
        card('Average DMA size', fmtBytes(avg), tip('dma_transfer_average_bytes', 'average_dma_size') ?? 'Small DMAs (< 512 B) waste bandwidth')));
    }
    if (mem.length > 0) {
      parts.push(barChart({ title: 'Memory traffic', labels: mem.map((x) => x.label),
        series: [{ label: 'Read', values: mem.map((x) => x.read), colour: 'read' }, { label: 'Write', values: mem.map((x) => x.write), colour: 'write' }],
        format: fmtBytes, summary: mem.map((x) => `${x.label} read ${fmtBytes(x.read)}, write ${fmtBytes(x.write)}`).join('; ') }, theme));
      parts.push(dataDetails('Memory traffic', ['Memory', 'Read', 'Write'], mem.map((x) => [x.label, fmtBytes(x.read), fmtBytes(x.write)]), [false, true, true]));
    }
    if (queues.length > 0) {
      const top = queues.slice(0, 15);
      queueParts.push(h('h3', { text: 'DMA queues' }));
      queueParts.push(barChart({ title: 'DMA bytes per queue', labels: top.map((q) => q.name), horizontal: true,
        series: [{ label: 'Bytes', values: top.map((q) => q.bytes), colour: 4 }], format: fmtBytes,
        summary: top.slice(0, 5).map((q) => `${q.name} ${fmtBytes(q.bytes)}`).join(', ') }, theme));
      queueParts.push(dataDetails('DMA queues', ['Queue', 'Bytes', 'Time'], queues.map((q) => [q.name, fmtBytes(q.bytes), fmtNs(q.timeNs)]), [false, true, true]));
    }
    const sec = queueParts.length > 0
      ? section('memory', 'HBM, SBUF and DMA traffic', h('div', { class: 'wide-inner' }, h('div', {}, ...parts), h('div', {}, ...queueParts)))
      : section('memory', 'HBM, SBUF and DMA traffic', ...parts);
    if (queueParts.length > 0) sec.classList.add('wide');
    grid.appendChild(sec);
  }
  if (grid.childElementCount > 0) r.appendChild(grid);

  // Top ops (HLO / instruction-level) and framework ops in one table, told apart by the Kind column.
  // Some readers list framework ops in both lists: keep one row per (name, kind, time, count).
  const seenOps = new Set<string>();
  const allOps = [...m.topOps, ...(m.frameworkOps ?? [])].filter((op) => {
    const key = `${op.name}\u0000${op.kind ?? ''}\u0000${op.timeNs}\u0000${op.count ?? ''}`;
    if (seenOps.has(key)) return false;
    seenOps.add(key);
    return true;
  });
  const timelineNames = new Set(m.timeline && m.timeline.start.length ? m.timeline.names : []);
  if (allOps.length > 0) {
    sections.push('ops');
    const sameSource = state.source === src;
    r.appendChild(section('ops', 'Top operations', opsTable({
      ops: allOps,
      totalTimeNs: m.totalTimeNs,
      sort: sameSource && state.sort ? { key: state.sort.key as SortKey, dir: state.sort.dir } : null,
      search: sameSource ? state.search ?? '' : '',
      tips: { timeNs: tip('duration_ns', 'time_ns') ?? undefined },
      onOpenSource: (file, line) => post({ type: 'openSource', file, line }),
      selectable: (op) => timelineNames.has(op.name),
      onSelectOp: (op) => {
        if (!timeline) return;
        const same = timeline.highlighted === op.name;
        const n = timeline.highlight(same ? null : op.name);
        if (!same && n > 0) {
          timeline.zoomToHighlight();
          timeline.element.scrollIntoView({ block: 'nearest' });
        }
      },
      onStateChange: (sort, search) => saveState({ sort, search }),
      onExport: (rows) => {
        const csv = toCsv(['op', 'kind', 'time_ns', 'percent', 'count', 'source_file', 'source_line'],
          rows.map((op) => [op.name, op.kind ?? '', op.timeNs, op.percent ?? null, op.count ?? null, op.source?.file ?? '', op.source?.line ?? null]));
        post({ type: 'exportCsv', fileName: `${baseName(src).replace(/\.[^.]*$/, '') || 'profile'}-ops.csv`, csv });
      },
    })));
  }

  // Timeline.
  const tl = m.timeline;
  if (tl && tl.start.length > 0) {
    sections.push('timeline');
    const sec = section('timeline', 'Timeline');
    r.appendChild(sec);
    timeline = new Timeline(tl, theme.timeline);
    sec.appendChild(timeline.element);
    sec.appendChild(h('p', { class: 'muted hint', text: 'Wheel zooms around the cursor, Shift+wheel or drag pans, double-click resets; click an event to highlight its op, Ctrl/Cmd+click to open its source. With the timeline focused: + / − zoom, ← / → (or A / D) pan, Home resets, Esc clears the highlight.' }));
    timeline.resize();
    const v = state.source === src ? state.view : null;
    if (v && Number.isFinite(v.t0) && Number.isFinite(v.t1) && v.t1 > v.t0) timeline.setView(v.t0, v.t1, false);
    // Click an event: highlight its op; Ctrl/Cmd+click also opens the op's source (like Neuron Explorer).
    const sourceByName = new Map<string, { file: string; line: number }>();
    for (const op of allOps) if (op.source && !sourceByName.has(op.name)) sourceByName.set(op.name, op.source);
    const tlRef = timeline;
    timeline.onEventClick = ({ name, op }, { ctrl }) => {
      const key = op ?? name;
      tlRef.highlight(tlRef.highlighted === key ? null : key);
      const src = sourceByName.get(key) ?? sourceByName.get(name);
      if (ctrl && src) post({ type: 'openSource', file: src.file, line: src.line });
    };
    let saveTimer = 0;
    timeline.onViewChange = (t0, t1) => {
      clearTimeout(saveTimer);
      saveTimer = window.setTimeout(() => saveState({ view: { t0, t1 } }), 250);
    };
  } else {
    r.appendChild(section('timeline', 'Timeline', h('p', { class: 'muted', text: m.format === 'parquet'
      ? 'This Parquet profile has no instruction or DMA events.'
      : 'No timeline in this profile: summary formats carry no events. Open the Parquet output directory of neuron-explorer view (or a trace JSON) to see the engine and DMA timeline.' })));
  }

  // Metadata and raw counters (with field descriptions as tooltips).
  const md: [string, string | number | null][] = Object.entries(m.metadata ?? {});
  if (m.sectionsRead && m.sectionsRead.length > 0) md.push(['sections read', m.sectionsRead.join(', ')]);
  const counters = Object.entries(m.counters ?? {});
  if (md.length > 0 || counters.length > 0) {
    sections.push('metadata');
    const kv = (rows: [string, string | number | null][], caption: string): HTMLElement =>
      h('table', { class: 'data compact' }, h('caption', { class: 'visually-hidden', text: caption }),
        h('tbody', {}, ...rows.map(([k, v]) => h('tr', { title: tip(k) ?? undefined }, h('th', { scope: 'row', text: k }), h('td', { class: typeof v === 'number' ? 'num' : '', text: v === null ? '—' : String(v) })))));
    r.appendChild(section('metadata', 'Metadata',
      md.length > 0 ? h('details', {}, h('summary', { text: `${md.length} metadata fields` }), kv(md, 'Metadata')) : null,
      counters.length > 0 ? h('details', {}, h('summary', { text: `${counters.length} raw counters (as the source gave them; percent counters keep the source scale)` }), kv(counters, 'Raw counters')) : null));
  }

  if (state.source !== src) saveState({ source: src, view: null, sort: null, search: '' });
  post({ type: 'rendered', sections, timelineEvents: tl ? tl.start.length : 0, warnings: warnings.length });
}

// ---------------------------------------------------------------- wiring

function handle(msg: HostToWebview): void {
  switch (msg.type) {
    case 'loading':
      // Remember the source at once, so a window reload restores the panel even if it happens mid-load.
      if (msg.source && state.source !== msg.source) saveState({ source: msg.source, view: null, sort: null, search: '' });
      showLoading(msg.source, msg.message);
      break;
    case 'progress': showProgress(msg.message, msg.fraction); break;
    case 'model':
      try {
        renderModel(msg.source, msg.model);
      } catch (e) {
        showError(msg.source, 'The profile viewer failed to render this profile.', e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), true);
      }
      break;
    case 'error': showError(msg.source, msg.message, msg.detail, msg.canRetry); break;
    case 'ntff': showNtff(msg.source, msg.info); break;
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isHostToWebview(e.data)) handle(e.data);
});

onThemeChange(() => {
  theme = readTheme();
  retheme(theme);
  timeline?.setTheme(theme.timeline);
});

// Hooks for the browser tests and bench/timeline.mjs (the webview is sandboxed; nothing here is privileged).
(globalThis as unknown as { __neuronLens: unknown }).__neuronLens = {
  get timeline(): Timeline | null { return timeline; },
  get theme(): Theme { return theme; },
  chartCount,
};

showLoading(state.source ?? '', 'Waiting for the profile…');
post({ type: 'ready' });
