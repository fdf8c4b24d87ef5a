// `neuron-lens profile <file-or-dir> [--format text|json|markdown]` (CONTRACTS.md §1–2).
// Exit codes: 0 profile read (warnings allowed); 2 path missing/unreadable, or nothing could be read.
import { relative, isAbsolute, sep } from 'node:path';
import { isEmptyProfile, loadProfile } from '../core/profile/index';
import type { ProfileModel } from '../core/profile/model';

export interface ProfileCommandArgs {
  path: string;
  format: 'text' | 'json' | 'markdown';
  /** Optional cap on timeline events (default: the loader's). */
  maxTimelineEvents?: number;
}

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** Path for display: relative to the cwd with '/' separators when inside it, else as given. */
export function displayPath(p: string, cwd = process.cwd()): string {
  const rel = relative(cwd, p);
  if (!rel) return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return p.split(sep).join('/');
  return rel.split(sep).join('/');
}

/** The `profile --format json` document: CONTRACTS §2 fields first, in order; extras after; no timeline arrays. */
export function profileToJson(m: ProfileModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    format: m.format,
    source: m.source,
    totalTimeNs: m.totalTimeNs,
    activeTimePercent: m.activeTimePercent,
    mfuPercent: m.mfuPercent,
    hfuPercent: m.hfuPercent,
    mbuPercent: m.mbuPercent,
    engines: m.engines,
    hbm: m.hbm,
    topOps: m.topOps,
    insights: m.insights,
    warnings: m.warnings,
  };
  out.formatVersion = m.formatVersion ?? null;
  out.arithmeticIntensity = m.arithmeticIntensity ?? null;
  out.sbuf = m.sbuf ?? null;
  out.dma = m.dma ?? null;
  out.collectives = m.collectives ?? [];
  out.opcodes = m.opcodes ?? [];
  out.frameworkOps = m.frameworkOps ?? [];
  out.metadata = m.metadata ?? {};
  out.sectionsRead = m.sectionsRead ?? [];
  out.timeline = m.timeline
    ? { lanes: m.timeline.lanes, events: m.timeline.start.length, totalEvents: m.timeline.totalEvents }
    : null;
  return out;
}

function fmtNs(ns: number | null | undefined): string {
  if (ns === null || ns === undefined) return '—';
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}
function fmtPct(p: number | null | undefined): string {
  return p === null || p === undefined ? '—' : `${p < 1 ? p.toFixed(3) : p.toFixed(1)}%`;
}
function fmtBytes(b: number | null | undefined): string {
  if (b === null || b === undefined) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b, i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${i ? v.toFixed(1) : v} ${u[i]}`;
}
function fmtNum(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}
/** Strip control characters (terminal escapes) from names coming from the profile. */
function clean(s: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function table(rows: string[][], align: ('l' | 'r')[]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (align[c] === 'r' ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join('  ').trimEnd()).join('\n');
}

export function profileToText(m: ProfileModel): string {
  const out: string[] = [];
  out.push(`Neuron profile: ${clean(m.source, 200)} (${m.format}${m.formatVersion ? ` ${m.formatVersion}` : ''})`);
  out.push('');
  out.push(table([
    ['Total time', fmtNs(m.totalTimeNs)],
    ['Active time', fmtPct(m.activeTimePercent)],
    ['MFU', fmtPct(m.mfuPercent)],
    ['HFU', fmtPct(m.hfuPercent)],
    ['MBU', fmtPct(m.mbuPercent)],
    ['HBM read / write', m.hbm ? `${fmtBytes(m.hbm.readBytes)} / ${fmtBytes(m.hbm.writeBytes)}` : '—'],
    ['DMA', m.dma ? `${fmtBytes(m.dma.bytes)} in ${fmtNum(m.dma.transfers)} transfers` : '—'],
  ], ['l', 'l']));
  if (m.engines.length) {
    out.push('', 'Engines');
    out.push(table([['engine', 'active', 'instructions'], ...m.engines.map((e) => [clean(e.name), fmtPct(e.activeTimePercent), fmtNum(e.instructionCount)])], ['l', 'r', 'r']));
  }
  if (m.topOps.length) {
    out.push('', 'Top ops');
    out.push(table([['op', 'time', 'share', 'count'], ...m.topOps.slice(0, 10).map((o) => [clean(o.name, 60), fmtNs(o.timeNs), fmtPct(o.percent), fmtNum(o.count ?? null)])], ['l', 'r', 'r', 'r']));
  }
  if (m.collectives?.length) {
    out.push('', 'Collectives');
    out.push(table([['op', 'count', 'time'], ...m.collectives.map((c) => [clean(c.name), fmtNum(c.count), fmtNs(c.timeNs)])], ['l', 'r', 'r']));
  }
  if (m.timeline) out.push('', `Timeline: ${m.timeline.lanes.length} lanes, ${fmtNum(m.timeline.start.length)} of ${fmtNum(m.timeline.totalEvents)} events`);
  if (m.insights.length) {
    out.push('', 'Insights');
    for (const i of m.insights) out.push(`  [${i.severity}] ${clean(i.message, 2000)}`);
  }
  if (m.warnings.length) {
    out.push('', 'Warnings');
    for (const w of m.warnings) out.push(`  - ${clean(w, 2000)}`);
  }
  return `${out.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return clean(s, 120).replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`);
}

export function profileToMarkdown(m: ProfileModel): string {
  const out: string[] = [];
  out.push(`# Neuron profile: ${mdEscape(m.source)}`, '', `Format: \`${m.format}\`${m.formatVersion ? ` (${mdEscape(m.formatVersion)})` : ''}`, '');
  out.push('| metric | value |', '| --- | --- |');
  out.push(`| Total time | ${fmtNs(m.totalTimeNs)} |`, `| Active time | ${fmtPct(m.activeTimePercent)} |`, `| MFU | ${fmtPct(m.mfuPercent)} |`,
    `| HFU | ${fmtPct(m.hfuPercent)} |`, `| MBU | ${fmtPct(m.mbuPercent)} |`,
    `| HBM read / write | ${m.hbm ? `${fmtBytes(m.hbm.readBytes)} / ${fmtBytes(m.hbm.writeBytes)}` : '—'} |`);
  if (m.engines.length) {
    out.push('', '## Engines', '', '| engine | active | instructions |', '| --- | ---: | ---: |');
    for (const e of m.engines) out.push(`| ${mdEscape(e.name)} | ${fmtPct(e.activeTimePercent)} | ${fmtNum(e.instructionCount)} |`);
  }
  if (m.topOps.length) {
    out.push('', '## Top ops', '', '| op | time | share | count |', '| --- | ---: | ---: | ---: |');
    for (const o of m.topOps.slice(0, 15)) out.push(`| ${mdEscape(o.name)} | ${fmtNs(o.timeNs)} | ${fmtPct(o.percent)} | ${fmtNum(o.count ?? null)} |`);
  }
  if (m.insights.length) {
    out.push('', '## Insights', '');
    for (const i of m.insights) out.push(`- **${i.severity}** (${i.id}): ${clean(i.message, 2000).replace(/[<>|]/g, (c) => `\\${c}`)}`);
  }
  if (m.warnings.length) {
    out.push('', '## Warnings', '');
    for (const w of m.warnings) out.push(`- ${clean(w, 2000).replace(/[<>|]/g, (c) => `\\${c}`)}`);
  }
  return `${out.join('\n')}\n`;
}

export async function runProfileCommand(args: ProfileCommandArgs, io: CliIo): Promise<number> {
  if (!args.path) {
    io.stderr('neuron-lens profile: missing <file-or-dir> argument\n');
    return 2;
  }
  let model: ProfileModel;
  try {
    model = await loadProfile(args.path, { maxTimelineEvents: args.maxTimelineEvents });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'ENOTDIR' ? 'not a directory' : (e as Error).message;
    io.stderr(`neuron-lens profile: cannot read ${args.path}: ${why}\n`);
    return 2;
  }
  model.source = displayPath(args.path);
  if (args.format === 'json') io.stdout(`${JSON.stringify(profileToJson(model), null, 2)}\n`);
  else if (args.format === 'markdown') io.stdout(profileToMarkdown(model));
  else io.stdout(profileToText(model));
  if (model.format === 'unknown' || isEmptyProfile(model)) {
    io.stderr(`neuron-lens profile: nothing could be read from ${args.path}: ${model.warnings[0] ?? 'no profile data'}\n`);
    return 2;
  }
  return 0;
}
