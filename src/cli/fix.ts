// `check --fix` / `check --diff`: the fix engine over every analysed file.
//
//   --diff   prints a unified diff of all safe fixes on stdout and writes nothing; the summary (what
//            could not be fixed, and why) goes to stderr.
//   --fix    writes the fixed files and prints what changed and what could not be fixed.
//   --format json (with either) prints one JSON document instead: per file the fixes applied and
//            skipped, and the findings left.
//
// Fixes are applied to a fixpoint (fix, re-analyse, fix…), so findings that only appear once a file
// is on the Neuron stack are handled in the same run. Notebooks are fixed as one program (cells in
// order), each edit going back to its cell; only the code cells' `source` changes. Exit code, as
// for `check`, computed on the fixed text: 0 when no error-severity finding remains, 1 when one does (also with --diff, as if the diff were applied), 2 on usage errors.
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliArgs } from './args';
import type { Io } from './cli';
import { relPath } from './cli';
import type { FileResult } from '../core/workspace/analyzeFile';
import type { CheckOutput } from '../core/report/findings';
import { Analyzer } from '../core/analyzer';
import { loadProjectConfig } from '../core/config/project';
import type { Finding, Target } from '../core/types';
import { fixAll, fixEngine, readOptimumNeuronPin, unifiedDiff, type SkippedFix } from '../core/fixes';
import { fixNotebook } from '../core/fixes/notebook';
import { parseIpynb } from '../core/notebook';

interface FileSummary {
  path: string;
  changed: boolean;
  applied: string[];
  skipped: SkippedFix[];
  remaining: Finding[];
  note?: string;
}

function counts(ids: readonly string[]): string {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return [...m.entries()].map(([id, n]) => (n > 1 ? `${id}×${n}` : id)).join(', ');
}

export async function applyFixesCommand(args: CliArgs, io: Io, results: FileResult[], _output: CheckOutput): Promise<number> {
  const engine = await fixEngine();
  const analyzer = await Analyzer.create();
  const summaries: FileSummary[] = [];
  let diffText = '';
  for (const r of results) {
    const path = relPath(r.path);
    if (r.text === undefined || r.target === null) continue;
    const project = loadProjectConfig(dirname(r.path));
    const select = args.select ?? project.select ?? [];
    const ignore = [...args.ignore, ...(project.ignore ?? [])];
    const settingsFor = (target?: Target) => ({ target: target ?? (args.target === 'auto' ? (project.target ?? 'auto') : (args.target as Target)), projectTarget: project.pinnedTarget ?? null, select, ignore });
    const analyze = (text: string, target?: Target) => analyzer.analyzeText(text, settingsFor(target));
    if (r.path.endsWith('.ipynb')) {
      try {
        const nb = fixNotebook(engine, r.text, analyze, { optimumNeuronVersion: readOptimumNeuronPin(r.path) });
        const changed = nb.json !== r.text;
        if (changed && args.diff) diffText += unifiedDiff(path, r.text, nb.json);
        if (changed && args.fix) writeFileSync(r.path, nb.json);
        const cells = parseIpynb(nb.json).cells.filter((c) => c.kind === 'code');
        const remaining = changed ? analyzer.analyzeNotebook(cells, settingsFor(nb.result.target)).findings : r.findings;
        summaries.push({ path, changed, applied: nb.result.applied, skipped: nb.result.skipped, remaining: [...remaining] });
      } catch (e) {
        summaries.push({ path, changed: false, applied: [], skipped: [], remaining: r.findings, note: `notebook not fixed: ${(e as Error).message}` });
      }
      continue;
    }
    const res = fixAll(engine, r.text, analyze, { optimumNeuronVersion: readOptimumNeuronPin(r.path) });
    const changed = res.text !== r.text;
    if (changed && args.diff) diffText += unifiedDiff(path, r.text, res.text);
    if (changed && args.fix) writeFileSync(r.path, res.text);
    const remaining = changed ? analyze(res.text, res.target).findings : r.findings;
    summaries.push({ path, changed, applied: res.applied, skipped: res.skipped, remaining: [...remaining] });
  }
  const errorsLeft = summaries.reduce((n, s) => n + s.remaining.filter((f) => f.severity === 'error').length, 0);
  if (args.format === 'json') {
    const doc = {
      mode: args.fix ? 'fix' : 'diff',
      files: summaries.map((s) => ({
        path: s.path,
        changed: s.changed,
        applied: s.applied,
        skipped: s.skipped.map((k) => ({ rule: k.rule, line: k.line + 1, ...(k.cell !== undefined ? { cell: k.cell } : {}), reason: k.reason })),
        remaining: s.remaining.map((f) => ({ rule: f.rule, severity: f.severity, line: f.range.start.line + 1, cell: f.cell ?? null })),
        ...(s.note ? { note: s.note } : {}),
      })),
      ...(args.diff ? { diff: diffText } : {}),
      errorsLeft,
    };
    io.stdout(JSON.stringify(doc, null, 2) + '\n');
  } else {
    if (args.diff) io.stdout(diffText);
    const say = args.diff ? io.stderr : io.stdout;
    let fixedFiles = 0;
    let fixes = 0;
    for (const s of summaries) {
      if (s.note) {
        say(`${s.path}: ${s.note}\n`);
        continue;
      }
      if (s.changed) {
        fixedFiles++;
        fixes += s.applied.length;
        say(`${args.fix ? 'fixed' : 'would fix'} ${s.path}: ${s.applied.length} fix${s.applied.length === 1 ? '' : 'es'} (${counts(s.applied)})\n`);
      }
      for (const k of s.skipped) say(`  ${s.path}${k.cell !== undefined ? `[cell ${k.cell}]` : ''}:${k.line + 1}: ${k.rule} not fixed: ${k.reason}\n`);
    }
    say(`neuron-lens: ${args.fix ? 'applied' : 'would apply'} ${fixes} fix${fixes === 1 ? '' : 'es'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}; ${errorsLeft} error-severity finding${errorsLeft === 1 ? '' : 's'} ${args.fix ? 'remain' : 'would remain'}\n`);
  }
  if (analyzer.ruleErrors.length) io.stderr(`neuron-lens: ${analyzer.ruleErrors.length} internal rule error(s); first: ${analyzer.ruleErrors[0].split('\n')[0]}\n`);
  return !args.exitZero && errorsLeft > 0 ? 1 : 0;
}
