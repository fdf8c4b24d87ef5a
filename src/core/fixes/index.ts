// The fix engine: findings in, non-overlapping text edits out (plus what was applied and what was
// skipped, and why). Pure: no VS Code, no file system. Pipeline:
//   1. every finding goes to the fixers for its rule id, then to those for its category; the first
//      that recognises the code returns a plan (edits + imports + released bindings) or a skip reason;
//   2. plans are accepted greedily (bigger rewrites first); a plan overlapping an accepted one waits
//      for the next run (identical edits from two findings are merged);
//   3. imports are added / dropped on the edited text, then the whole change is re-diffed against the
//      original into minimal edits;
//   4. the result must parse with no new syntax errors, else plans are re-applied one by one and the
//      offending ones skipped.
import type { Node, Tree } from 'web-tree-sitter';
import type { Finding, Target, TextEdit } from '../types';
import { PythonParser, type ParserAssets } from '../python/parser';
import type { FixOptions, FixPlan, FixResult, Fixer, ImportReq, Release, SkippedFix } from './api';
import { FixContext } from './context';
import { importEdits } from './imports';
import { applyOffsetEdits, diffToEdits, toTextEdits, type OffsetEdit } from './text';
import { deviceFixers } from './fixers/device';
import { cudaApiFixers } from './fixers/cudaApi';
import { ampFixers } from './fixers/amp';
import { xlaFixers } from './fixers/xla';
import { jaxFixers } from './fixers/jax';
import { hfFixers } from './fixers/hf';
import { manualFixers, todoPlan } from './fixers/manual';
import { miscFixers } from './fixers/misc';
import { tailFixers } from './fixers/tail';

export type { FixOptions, FixResult, SkippedFix, FixPlan, Fixer } from './api';
export { applyEdits, unifiedDiff, diffToEdits, LineIndex } from './text';
export { readOptimumNeuronPin } from './pins';

export const FIXERS: readonly Fixer[] = [...hfFixers, ...deviceFixers, ...cudaApiFixers, ...ampFixers, ...xlaFixers, ...jaxFixers, ...miscFixers, ...tailFixers, ...manualFixers];

const byRule = new Map<string, Fixer[]>();
for (const f of FIXERS) for (const r of f.rules ?? []) byRule.set(r, [...(byRule.get(r) ?? []), f]);

function candidates(f: Finding): Fixer[] {
  const first = byRule.get(f.rule) ?? [];
  const rest = FIXERS.filter((x) => !first.includes(x) && x.categories?.includes(f.category));
  return [...first, ...rest];
}

/** True when some fixer claims this rule id or category (used to mark quick-fixable diagnostics). */
export function mayFix(f: Finding): boolean {
  return candidates(f).length > 0;
}

export interface PlannedFix {
  finding: Finding;
  plan: FixPlan;
}

function countErrors(node: Node): number {
  if (!node.hasError && !node.isMissing) return 0;
  if (node.isError || node.isMissing) return 1;
  let n = 0;
  for (const c of node.children) if (c) n += countErrors(c);
  return n;
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false; // two insertions at one point: both go in
  if (a.start === a.end) return b.start < a.start && a.start < b.end;
  if (b.start === b.end) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

const same = (a: OffsetEdit, b: OffsetEdit) => a.start === b.start && a.end === b.end && a.text === b.text;

export class FixEngine {
  constructor(readonly parser: PythonParser) {}

  static async create(assets?: ParserAssets): Promise<FixEngine> {
    return new FixEngine(await PythonParser.create(assets));
  }

  /** One plan (or skip) per finding. */
  plan(text: string, tree: Tree, findings: readonly Finding[], target: Target, options: FixOptions = {}): { planned: PlannedFix[]; skipped: SkippedFix[] } {
    const cx = new FixContext(text, tree, target, options);
    cx.findings = findings;
    const planned: PlannedFix[] = [];
    const skipped: SkippedFix[] = [];
    for (const f of findings) {
      let outcome: ReturnType<Fixer['plan']> = null;
      for (const fixer of candidates(f)) {
        if (fixer.targets && !fixer.targets.includes(target)) continue;
        try {
          outcome = fixer.plan(f, cx);
        } catch (e) {
          outcome = { skip: `internal error in fixer ${fixer.name}: ${(e as Error).message}` };
        }
        if (outcome) break;
      }
      const line = f.range.start.line;
      if (!outcome) {
        const own = (byRule.get(f.rule) ?? []).filter((x) => !x.targets || x.targets.includes(target));
        const why = own.length ? (f.fixable ? 'the code does not match a known rewrite' : 'no automatic fix for this occurrence') : target === 'native' && f.category === 'optimum-neuron' ? 'Hugging Face libraries run natively on TorchNeuron: only device changes apply' : 'no automatic fix for this rule';
        skipped.push({ rule: f.rule, reason: why, line });
      } else if ('skip' in outcome) skipped.push({ rule: f.rule, reason: outcome.skip, line });
      else if (!outcome.safe && !options.includeUnsafe) skipped.push({ rule: f.rule, reason: `offered as a quick fix only: ${outcome.title}`, line });
      else planned.push({ finding: f, plan: outcome });
    }
    return { planned, skipped };
  }

  /** Text after applying `plans` (with their imports), or null when an edit overlaps (bug guard). */
  private build(text: string, target: Target, plans: readonly PlannedFix[]): string {
    const edits: OffsetEdit[] = [];
    for (const p of plans) for (const e of p.plan.edits) if (!edits.some((x) => same(x, e))) edits.push(e);
    const text1 = applyOffsetEdits(text, edits);
    const needs: ImportReq[] = plans.flatMap((p) => p.plan.imports ?? []);
    const releases: Release[] = plans.flatMap((p) => p.plan.release ?? []);
    if (!needs.length && !releases.length) return text1;
    const tree1 = this.parser.parse(text1);
    try {
      return applyOffsetEdits(text1, importEdits(text1, tree1, target, needs, releases));
    } finally {
      tree1.delete();
    }
  }

  private errorsOf(text: string): number {
    const t = this.parser.parse(text);
    try {
      return countErrors(t.rootNode);
    } finally {
      t.delete();
    }
  }

  computeFixes(text: string, findings: readonly Finding[], target: Target, options: FixOptions = {}): FixResult {
    const tree = this.parser.parse(text);
    let planned: PlannedFix[];
    let skipped: SkippedFix[];
    let baseErrors: number;
    try {
      ({ planned, skipped } = this.plan(text, tree, findings, target, options));
      baseErrors = countErrors(tree.rootNode);
    } finally {
      tree.delete();
    }
    // Greedy acceptance: bigger rewrites first, then source order.
    const order = [...planned].sort((a, b) => (b.plan.priority ?? 0) - (a.plan.priority ?? 0) || (a.plan.edits[0]?.start ?? 0) - (b.plan.edits[0]?.start ?? 0));
    const accepted: PlannedFix[] = [];
    const taken: OffsetEdit[] = [];
    for (const p of order) {
      const clash = p.plan.edits.some((e) => taken.some((t) => !same(t, e) && overlaps(t, e)));
      if (clash) {
        skipped.push({ rule: p.finding.rule, reason: 'overlaps another fix; run the fixes again', line: p.finding.range.start.line });
        continue;
      }
      accepted.push(p);
      for (const e of p.plan.edits) if (!taken.some((t) => same(t, e))) taken.push(e);
    }
    accepted.sort((a, b) => a.finding.range.start.line - b.finding.range.start.line || a.finding.range.start.character - b.finding.range.start.character);
    let kept = accepted;
    let after = this.build(text, target, kept);
    if (after !== text && this.errorsOf(after) > baseErrors) {
      // Find the plans that break the syntax, one by one.
      kept = [];
      after = text;
      for (const p of accepted) {
        const t = this.build(text, target, [...kept, p]);
        if (this.errorsOf(t) > baseErrors) skipped.push({ rule: p.finding.rule, reason: 'the rewrite would not parse here; fix by hand', line: p.finding.range.start.line });
        else {
          kept.push(p);
          after = t;
        }
      }
    }
    // Removed lines can leave 3+ blank lines in a row; when the original had none, fold them to 2.
    const run = /\n(?:[ \t\r]*\n){3,}/g;
    if (!run.test(text)) after = after.replace(run, (m) => (m.includes('\r') ? '\n\r\n\r\n' : '\n\n\n'));
    // Inserted lines use \n; a file written with \r\n keeps \r\n throughout.
    if (text.includes('\r\n') && !/(?:^|[^\r])\n/.test(text)) after = after.replace(/\r?\n/g, '\r\n');
    const edits: TextEdit[] = toTextEdits(text, diffToEdits(text, after));
    skipped.sort((a, b) => a.line - b.line);
    return { edits, applied: kept.map((p) => p.finding.rule), skipped, text: after, titles: kept.map((p) => p.plan.title), unsafe: kept.some((p) => !p.plan.safe) };
  }

  /** Quick fixes for one finding: the plan for `target`, the other stack's when it differs, and a TODO. */
  quickFixes(text: string, finding: Finding, target: Target, options: FixOptions = {}): QuickFix[] {
    const out: QuickFix[] = [];
    const opts = { ...options, includeUnsafe: true };
    const primary = this.computeFixes(text, [finding], target, opts);
    if (primary.edits.length) out.push({ title: primary.titles[0] ?? `Fix ${finding.rule}`, edits: primary.edits, preferred: !primary.unsafe, target, kind: 'fix' });
    const other: Target = target === 'xla' ? 'native' : 'xla';
    if (['cuda-device', 'cuda-api', 'mixed-precision', 'distributed'].includes(finding.category)) {
      const alt = this.computeFixes(text, [finding], other, opts);
      if (alt.edits.length && alt.text !== primary.text) {
        const label = other === 'native' ? 'native TorchNeuron' : 'PyTorch/XLA';
        const title = (alt.titles[0] ?? `Fix ${finding.rule}`).replace(/\s*\((?:PyTorch\/XLA|native TorchNeuron)\)$/, '');
        out.push({ title: `${title} (for ${label})`, edits: alt.edits, preferred: false, target: other, kind: 'fix' });
      }
    }
    const tree = this.parser.parse(text);
    try {
      const cx = new FixContext(text, tree, target, options);
      const todo = todoPlan(finding, cx);
      if (todo) out.push({ title: todo.title, edits: toTextEdits(text, todo.edits), preferred: false, target, kind: 'todo' });
    } finally {
      tree.delete();
    }
    return out;
  }

}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The clearly right fix for the detected stack (VS Code `isPreferred`). */
  preferred: boolean;
  target: Target;
  kind: 'fix' | 'todo';
}

/** Analysis callback for `fixAll`: findings for `text`, for `target` once it is known. */
export type AnalyzeFn = (text: string, target?: Target) => { findings: readonly Finding[]; target: Target };

export interface FixAllResult extends FixResult {
  target: Target;
  /** Analysis rounds that changed the text. */
  rounds: number;
}

/**
 * Fix, re-analyse, fix again until nothing changes (some findings only appear once the file is on
 * the Neuron stack, e.g. a loop with no `torch_xla.sync()` after `.cuda()` became `.to(device)`).
 * The stack is fixed by the first round. Skipped fixes are those left after the last round.
 */
export function fixAll(engine: FixEngine, text: string, analyze: AnalyzeFn, options: FixOptions = {}, maxRounds = 4): FixAllResult {
  let cur = text;
  const first = analyze(text);
  const target = first.target;
  let findings = first.findings;
  const applied: string[] = [];
  const titles: string[] = [];
  let skipped: SkippedFix[] = [];
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const r = engine.computeFixes(cur, findings, target, options);
    skipped = r.skipped;
    if (r.text === cur) break;
    applied.push(...r.applied);
    titles.push(...r.titles);
    cur = r.text;
    findings = analyze(cur, target).findings;
  }
  if (rounds === maxRounds) skipped = engine.computeFixes(cur, findings, target, options).skipped;
  return { edits: toTextEdits(text, diffToEdits(text, cur)), applied, skipped, text: cur, titles, target, rounds };
}

let shared: Promise<FixEngine> | undefined;
let ready: FixEngine | undefined;
/** A process-wide engine (one parser). */
export function fixEngine(assets?: ParserAssets): Promise<FixEngine> {
  shared ??= FixEngine.create(assets).then((e) => (ready = e));
  return shared;
}

/**
 * `computeFixes(text, findings, target)` on the process-wide engine (one pass; `fixAll` repeats to a
 * fixpoint). The parser loads asynchronously: `await fixEngine()` once first.
 */
export function computeFixes(text: string, findings: readonly Finding[], target: Target, options: FixOptions = {}): FixResult {
  if (!ready) throw new Error('computeFixes: call `await fixEngine()` once first (the parser loads asynchronously)');
  return ready.computeFixes(text, findings, target, options);
}
