// `check` and `report`: collect files, analyse them (worker threads for big trees), print.
import type { CliArgs } from './args';
import { UsageError } from './args';
import type { Io } from './cli';
import { relPath } from './cli';
import { Analyzer } from '../core/analyzer';
import { collectFiles } from '../core/workspace/files';
import { scanFiles, defaultWorkerScript } from '../core/workspace/scan';
import { loadProjectConfig } from '../core/config/project';
import { unknownSelectors } from '../core/rules';
import { toJson, toSarif, toText, type CheckOutput } from '../core/report/findings';
import type { Target } from '../core/types';
import type { RunSettings } from '../core/workspace/analyzeFile';

export async function runCheck(args: CliArgs, io: Io): Promise<number> {
  const formats = args.command === 'report' ? ['text', 'json', 'markdown', 'sarif'] : ['text', 'json', 'sarif'];
  if (!formats.includes(args.format)) throw new UsageError(`${args.command} supports --format ${formats.join('|')} (got "${args.format}")`);
  const bad = unknownSelectors([...(args.select ?? []), ...args.ignore]);
  if (bad.length) throw new UsageError(`unknown rule or category: ${bad.join(', ')}`);
  const paths = args.paths.length ? args.paths : ['.'];
  const project = loadProjectConfig(paths[0]);
  for (const e of project.errors) io.stderr(`neuron-lens: ${e}\n`);
  const { files, missing } = collectFiles(paths, project.exclude);
  if (missing.length) {
    io.stderr(`neuron-lens: no such file or directory: ${missing.join(', ')}\n`);
    return 2;
  }
  const settings: RunSettings = {
    target: args.target as RunSettings['target'],
    select: args.select,
    ignore: args.ignore,
    maxBytes: args.maxFileSizeMb ? args.maxFileSizeMb * 1024 * 1024 : undefined,
  };
  const analyzer = await Analyzer.create();
  const needText = args.fix || args.diff || args.command === 'report';
  const results = await scanFiles(analyzer, files, settings, { workerScript: defaultWorkerScript(), keepText: needText });

  const notes = results.filter((r) => r.note && r.note !== 'empty file').map((r) => ({ path: relPath(r.path), message: r.note! }));
  const analysed = results.filter((r) => r.target !== null || r.note === 'empty file');
  if (files.length > 0 && analysed.length === 0) {
    for (const n of notes) io.stderr(`${n.path}: ${n.message}\n`);
    io.stderr('neuron-lens: nothing could be read\n');
    return 2;
  }
  // The reported target: the one most files were analysed for (auto-detection is per file).
  const counts = new Map<Target, number>();
  for (const r of results) if (r.target) counts.set(r.target, (counts.get(r.target) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const configured = project.target === 'xla' || project.target === 'native' ? project.target : null;
  const target: Target = args.target !== 'auto' ? (args.target as Target) : (majority ?? configured ?? project.pinnedTarget ?? 'xla');
  const output: CheckOutput = {
    target,
    filesAnalyzed: analysed.length,
    findings: results.flatMap((r) => r.findings.map((finding) => ({ path: relPath(r.path), finding }))),
    notes,
  };

  if (args.fix || args.diff) {
    const { applyFixesCommand } = await import('./fix');
    return applyFixesCommand(args, io, results, output);
  }
  if (args.command === 'report') {
    const { runReport } = await import('./report');
    return runReport(args, io, results, output);
  }
  if (args.format === 'json') io.stdout(toJson(output) + '\n');
  else if (args.format === 'sarif') io.stdout(toSarif(output) + '\n');
  else {
    for (const n of notes) io.stderr(`${n.path}: ${n.message}\n`);
    io.stdout(toText(output, args.color));
  }
  if (analyzer.ruleErrors.length) io.stderr(`neuron-lens: ${analyzer.ruleErrors.length} internal rule error(s); first: ${analyzer.ruleErrors[0].split('\n')[0]}\n`);
  return !args.exitZero && output.findings.some((f) => f.finding.severity === 'error') ? 1 : 0;
}
