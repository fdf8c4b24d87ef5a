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
import { checkOutputOf, toJson, toSarif, toText, type CheckOutput } from '../core/report/findings';
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

  const configured = project.target === 'xla' || project.target === 'native' ? project.target : null;
  const computed = checkOutputOf(results, (p) => relPath(p), configured ?? project.pinnedTarget ?? 'xla');
  // An explicit --target is what the findings were computed for; otherwise the majority of files.
  const output: CheckOutput = args.target !== 'auto' ? { ...computed, target: args.target as Target } : computed;
  const notes = output.notes;
  if (files.length > 0 && output.filesAnalyzed === 0) {
    for (const n of notes) io.stderr(`${n.path}: ${n.message}\n`);
    io.stderr('neuron-lens: nothing could be read\n');
    return 2;
  }

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
