// A small, strict argument parser: unknown options are usage errors (exit 2), never ignored.
export interface CliArgs {
  command: string;
  paths: string[];
  format: string;
  target: string;
  select: string[] | null;
  ignore: string[];
  fix: boolean;
  diff: boolean;
  color: boolean;
  help: boolean;
  version: boolean;
  exitZero: boolean;
  output: string | null;
  maxFileSizeMb: number | null;
}

export class UsageError extends Error {}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { command: '', paths: [], format: 'text', target: 'auto', select: null, ignore: [], fix: false, diff: false, color: false, help: false, version: false, exitZero: false, output: null, maxFileSizeMb: null };
  const value = (i: number, name: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`option ${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    const take = (name: string) => {
      if (inline !== undefined) return inline;
      const v = value(i, name);
      i++;
      return v;
    };
    switch (arg) {
      case '--format':
      case '-f':
        a.format = take(arg);
        break;
      case '--target':
        a.target = take(arg);
        break;
      case '--select':
        a.select = [...(a.select ?? []), ...list(take(arg))];
        break;
      case '--ignore':
        a.ignore.push(...list(take(arg)));
        break;
      case '--output':
      case '-o':
        a.output = take(arg);
        break;
      case '--max-file-size':
        a.maxFileSizeMb = Number(take(arg));
        if (!(a.maxFileSizeMb > 0)) throw new UsageError('--max-file-size takes a number of megabytes');
        break;
      case '--fix':
        a.fix = true;
        break;
      case '--diff':
        a.diff = true;
        break;
      case '--color':
        a.color = true;
        break;
      case '--exit-zero':
        a.exitZero = true;
        break;
      case '--help':
      case '-h':
        a.help = true;
        break;
      case '--version':
      case '-V':
        a.version = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        if (!a.command) a.command = arg;
        else a.paths.push(arg);
    }
  }
  if (!['auto', 'xla', 'native'].includes(a.target)) throw new UsageError(`--target must be auto, xla or native (got "${a.target}")`);
  return a;
}

export const HELP = `neuron-lens: find PyTorch, JAX and Hugging Face code that will not run, or will run badly, on AWS Neuron.

Usage:
  neuron-lens check [paths…]     analyse .py and .ipynb files (default path: .)
  neuron-lens report [paths…]    porting report: readiness, blockers, effort
  neuron-lens profile <path>     summarise a Neuron profile (any supported format)
  neuron-lens rules              list the rule catalog

Options:
  --format text|json|sarif|markdown   output format (default text)
  --target auto|xla|native            Neuron PyTorch stack (default auto: detect from imports and pins)
  --select IDS                        only these rule ids or categories (comma-separated)
  --ignore IDS                        skip these rule ids or categories
  --fix                               apply safe fixes in place
  --diff                              print the fixes as a unified diff, change nothing
  --max-file-size MB                  skip larger files (default 20)
  --exit-zero                         exit 0 even when errors are found
  -o, --output FILE                   write the output to FILE instead of stdout

Exit codes: 0 no error-severity finding; 1 at least one; 2 usage error or nothing could be read.
With --fix or --diff the exit code is computed on the fixed text (for --diff, as if the diff were
applied); fixes are repeated until nothing changes, and what could not be fixed is listed with the reason.
`;
