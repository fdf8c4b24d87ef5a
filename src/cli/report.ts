// `report`: the porting report (readiness, blockers, effort) in text, markdown, JSON or SARIF.
import type { CliArgs } from './args';
import type { Io } from './cli';
import type { FileResult } from '../core/workspace/analyzeFile';
import type { CheckOutput } from '../core/report/findings';
import { toSarif } from '../core/report/findings';
import { buildPortingReport, reportMarkdown, reportText } from '../core/report/porting';

export async function runReport(args: CliArgs, io: Io, _results: FileResult[], output: CheckOutput): Promise<number> {
  const report = buildPortingReport(output);
  if (args.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else if (args.format === 'sarif') io.stdout(toSarif(output) + '\n');
  else if (args.format === 'markdown') io.stdout(reportMarkdown(report));
  else io.stdout(reportText(report));
  // Like check: fail CI on errors unless asked not to.
  return !args.exitZero && report.totals.error > 0 ? 1 : 0;
}
