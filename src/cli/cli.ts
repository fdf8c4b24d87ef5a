// neuron-lens command-line tool (CONTRACTS.md §1). Same engine as the extension.
import { relative, sep } from 'node:path';
import { writeFileSync } from 'node:fs';
import { parseArgs, UsageError, HELP, type CliArgs } from './args';
import { runCheck } from './check';
import { ALL_RULES } from '../core/rules';
import { rulesMarkdown } from '../core/report/rulesDoc';
import { TOOL } from '../core/report/findings';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
}

export function relPath(p: string, cwd = process.cwd()): string {
  const r = relative(cwd, p);
  return (r === '' ? '.' : r).split(sep).join('/');
}

async function runProfile(args: CliArgs, io: Io): Promise<number> {
  if (args.paths.length !== 1) throw new UsageError('profile takes exactly one file or folder');
  const format = args.format === 'markdown' || args.format === 'json' || args.format === 'text' ? args.format : null;
  if (!format) throw new UsageError(`profile supports --format text|json|markdown (got "${args.format}")`);
  // Loaded lazily so `check` never pays for the Parquet and JSON streaming readers.
  const { runProfileCommand } = await import('./profile');
  return runProfileCommand({ path: args.paths[0], format }, io);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.stderr(`neuron-lens: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.version) {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return 0;
  }
  if (args.help || !args.command) {
    (args.help ? io.stdout : io.stderr)(HELP);
    return args.help ? 0 : 2;
  }
  let out = '';
  const sink: Io = args.output ? { stdout: (s) => (out += s), stderr: io.stderr } : io;
  let code: number;
  try {
    switch (args.command) {
      case 'check':
      case 'report':
        code = await runCheck(args, sink);
        break;
      case 'profile':
        code = await runProfile(args, sink);
        break;
      case 'rules':
        if (args.format === 'markdown') sink.stdout(rulesMarkdown() + '\n');
        else if (args.format === 'json') sink.stdout(JSON.stringify(ALL_RULES.map(({ visit: _v, triggers: _t, ...meta }) => meta), null, 2) + '\n');
        else for (const r of ALL_RULES) sink.stdout(`${r.id}  ${r.category.padEnd(15)} xla:${r.severity.xla.padEnd(8)} native:${r.severity.native.padEnd(8)} ${r.title.replace(/`/g, '')}\n`);
        code = 0;
        break;
      default:
        throw new UsageError(`unknown command "${args.command}" (expected check, report, profile or rules)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`neuron-lens: ${e.message}\n`);
      return 2;
    }
    io.stderr(`neuron-lens: internal error: ${(e as Error).stack ?? e}\n`);
    return 2;
  }
  if (args.output) writeFileSync(args.output, out);
  return code;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`neuron-lens: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
