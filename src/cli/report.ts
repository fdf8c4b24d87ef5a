// `report`: the porting report.
import type { CliArgs } from './args';
import type { Io } from './cli';
import type { FileResult } from '../core/workspace/analyzeFile';
import type { CheckOutput } from '../core/report/findings';
import { toJson, toSarif, toText } from '../core/report/findings';

export async function runReport(args: CliArgs, io: Io, _results: FileResult[], output: CheckOutput): Promise<number> {
  if (args.format === 'json') io.stdout(toJson(output) + '\n');
  else if (args.format === 'sarif') io.stdout(toSarif(output) + '\n');
  else io.stdout(toText(output));
  return 0;
}
