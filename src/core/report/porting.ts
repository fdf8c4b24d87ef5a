// The porting report: how ready a codebase is for Neuron, what blocks it, how much is mechanical.
// Pure: findings in, a model out, rendered as text, markdown (CI summaries) or JSON.
import type { Category, Severity, Target } from '../types';
import { CATEGORIES } from '../types';
import { ruleById } from '../rules';
import type { CheckOutput } from './findings';
import { TOOL } from './findings';

export type Verdict = 'ready' | 'minor changes' | 'moderate work' | 'significant work';

export interface PortingReport {
  tool: typeof TOOL;
  target: Target;
  filesAnalyzed: number;
  /** 0–100: 100 means nothing to change. See `scoreOf` for the formula. */
  readiness: number;
  verdict: Verdict;
  totals: Record<Severity, number> & { fixable: number; manual: number };
  /** Rough hours for the changes that need a person (fixable ones are minutes in total). */
  effortHours: { low: number; high: number };
  categories: { category: Category; error: number; warning: number; info: number; fixable: number }[];
  /** Error-severity rules, most frequent first: what stops the code from running on Neuron. */
  blockers: { rule: string; title: string; category: Category; count: number; fixable: number; files: string[]; docs: string }[];
  files: { path: string; error: number; warning: number; info: number; fixable: number; readiness: number }[];
  notes: { path: string; message: string }[];
}

// Minutes a person needs per finding that has no mechanical fix, [low, high], by severity.
const MANUAL_MINUTES: Record<Severity, [number, number]> = { error: [20, 90], warning: [10, 45], info: [0, 5] };
// Rewrites that are usually a project of their own (custom kernels, GPU-only libraries).
const HEAVY: ReadonlySet<Category> = new Set(['gpu-library', 'unsupported-op']);

/**
 * Readiness: 100 × K / (K + debt), where debt weighs what is left to do (manual error 5, manual
 * warning 1, fixable error 1, fixable warning 0.25, info 0) and K = 5 per analysed file, so a
 * large codebase with a few issues still reads as mostly ready.
 */
function scoreOf(counts: { manualError: number; manualWarning: number; fixableError: number; fixableWarning: number }, files: number): number {
  const debt = 5 * counts.manualError + counts.manualWarning + counts.fixableError + 0.25 * counts.fixableWarning;
  const k = 5 * Math.max(files, 1);
  return Math.round((100 * k) / (k + debt));
}

function verdictOf(score: number, manualErrors: number): Verdict {
  if (score >= 95 && manualErrors === 0) return 'ready';
  if (score >= 80) return 'minor changes';
  if (score >= 50) return 'moderate work';
  return 'significant work';
}

export function buildPortingReport(o: CheckOutput): PortingReport {
  const totals = { error: 0, warning: 0, info: 0, fixable: 0, manual: 0 };
  const cats = new Map<Category, PortingReport['categories'][number]>();
  const blockers = new Map<string, PortingReport['blockers'][number]>();
  const files = new Map<string, { error: number; warning: number; info: number; fixable: number; me: number; mw: number; fe: number; fw: number }>();
  let low = 0;
  let high = 0;
  const all = { manualError: 0, manualWarning: 0, fixableError: 0, fixableWarning: 0 };
  for (const { path, finding: f } of o.findings) {
    totals[f.severity]++;
    const c = cats.get(f.category) ?? { category: f.category, error: 0, warning: 0, info: 0, fixable: 0 };
    c[f.severity]++;
    const fl = files.get(path) ?? { error: 0, warning: 0, info: 0, fixable: 0, me: 0, mw: 0, fe: 0, fw: 0 };
    fl[f.severity]++;
    if (f.fixable) {
      totals.fixable++;
      c.fixable++;
      fl.fixable++;
      if (f.severity === 'error') {
        all.fixableError++;
        fl.fe++;
      } else if (f.severity === 'warning') {
        all.fixableWarning++;
        fl.fw++;
      }
    } else {
      totals.manual++;
      const [lo, hi] = MANUAL_MINUTES[f.severity];
      const heavy = HEAVY.has(f.category) && f.severity === 'error' ? 4 : 1;
      low += lo * heavy;
      high += hi * heavy;
      if (f.severity === 'error') {
        all.manualError++;
        fl.me++;
      } else if (f.severity === 'warning') {
        all.manualWarning++;
        fl.mw++;
      }
    }
    cats.set(f.category, c);
    files.set(path, fl);
    if (f.severity === 'error') {
      const r = ruleById(f.rule);
      const b = blockers.get(f.rule) ?? { rule: f.rule, title: r?.title ?? f.rule, category: f.category, count: 0, fixable: 0, files: [], docs: f.docs };
      b.count++;
      if (f.fixable) b.fixable++;
      if (!b.files.includes(path)) b.files.push(path);
      blockers.set(f.rule, b);
    }
  }
  // Applying the mechanical fixes and reviewing them: about a minute each.
  low += totals.fixable * 0.5;
  high += totals.fixable * 2;
  const readiness = scoreOf(all, o.filesAnalyzed);
  return {
    tool: TOOL,
    target: o.target,
    filesAnalyzed: o.filesAnalyzed,
    readiness,
    verdict: verdictOf(readiness, all.manualError),
    totals,
    effortHours: { low: Math.round((low / 60) * 10) / 10, high: Math.round((high / 60) * 10) / 10 },
    categories: CATEGORIES.filter((c) => cats.has(c)).map((c) => cats.get(c)!),
    blockers: [...blockers.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    files: [...files.entries()]
      .map(([path, f]) => ({ path, error: f.error, warning: f.warning, info: f.info, fixable: f.fixable, readiness: scoreOf({ manualError: f.me, manualWarning: f.mw, fixableError: f.fe, fixableWarning: f.fw }, 1) }))
      .sort((a, b) => a.readiness - b.readiness || a.path.localeCompare(b.path)),
    notes: o.notes,
  };
}

const md = (s: string) => s.replace(/\|/g, '\\|');

export function reportMarkdown(r: PortingReport): string {
  const out = [
    `## Neuron porting report`,
    '',
    `**Readiness ${r.readiness}/100 (${r.verdict})** for the ${r.target === 'xla' ? 'PyTorch/XLA' : 'native TorchNeuron'} stack · ${r.filesAnalyzed} files · ` +
      `${r.totals.error} errors, ${r.totals.warning} warnings, ${r.totals.info} info · ${r.totals.fixable} fixable automatically (\`neuron-lens check --fix\`) · ` +
      `estimated manual effort ${r.effortHours.low}–${r.effortHours.high} h`,
    '',
  ];
  if (r.blockers.length) {
    out.push('### Blockers (will not run on Neuron)', '', '| rule | what | count | auto-fixable | files |', '| --- | --- | ---: | ---: | --- |');
    for (const b of r.blockers) out.push(`| [${b.rule}](${b.docs}) | ${md(b.title)} | ${b.count} | ${b.fixable} | ${b.files.slice(0, 3).map(md).join(', ')}${b.files.length > 3 ? ` +${b.files.length - 3}` : ''} |`);
    out.push('');
  }
  if (r.categories.length) {
    out.push('### By category', '', '| category | errors | warnings | info | fixable |', '| --- | ---: | ---: | ---: | ---: |');
    for (const c of r.categories) out.push(`| ${c.category} | ${c.error} | ${c.warning} | ${c.info} | ${c.fixable} |`);
    out.push('');
  }
  if (r.files.length) {
    out.push('### Files, least ready first', '', '| file | readiness | errors | warnings | info | fixable |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const f of r.files.slice(0, 50)) out.push(`| ${md(f.path)} | ${f.readiness} | ${f.error} | ${f.warning} | ${f.info} | ${f.fixable} |`);
    if (r.files.length > 50) out.push(`| … ${r.files.length - 50} more | | | | | |`);
    out.push('');
  }
  if (r.notes.length) out.push('### Not analysed', '', ...r.notes.map((n) => `- ${md(n.path)}: ${md(n.message)}`), '');
  out.push('<sub>Readiness = 100·K/(K+debt), K = 5 per file; debt: manual error 5, manual warning 1, fixable error 1, fixable warning ¼. Effort: 20–90 min per manual error (×4 for GPU-only libraries and unsupported ops), 10–45 per manual warning.</sub>');
  return out.join('\n') + '\n';
}

export function reportText(r: PortingReport): string {
  const out = [
    `Neuron porting report (target: ${r.target})`,
    `  readiness        ${r.readiness}/100 (${r.verdict})`,
    `  files analysed   ${r.filesAnalyzed}`,
    `  findings         ${r.totals.error} errors, ${r.totals.warning} warnings, ${r.totals.info} info`,
    `  fixable          ${r.totals.fixable} (neuron-lens check --fix)`,
    `  manual effort    ${r.effortHours.low}–${r.effortHours.high} h`,
  ];
  if (r.blockers.length) {
    out.push('', 'Blockers:');
    for (const b of r.blockers) out.push(`  ${b.rule} ×${String(b.count).padEnd(4)} ${b.fixable === b.count ? '(fixable) ' : b.fixable ? `(${b.fixable} fixable) ` : ''}${b.title.replace(/`/g, '')}`);
  }
  if (r.files.length) {
    out.push('', 'Least ready files:');
    for (const f of r.files.slice(0, 10)) out.push(`  ${String(f.readiness).padStart(3)}  ${f.path}  (${f.error} errors, ${f.warning} warnings)`);
  }
  return out.join('\n') + '\n';
}
