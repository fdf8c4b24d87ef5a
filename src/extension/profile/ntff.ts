// .ntff device traces: find neuron-explorer / neuron-profile, describe the conversion, and run it
// (child_process.spawn, never a shell) when the workspace is trusted.
import { spawn } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { guessNeffForNtff, ntffConversionCommand } from '../../core/profile';
import type { NtffInfo } from '../../webview/profile/protocol';

const TOOLS = ['neuron-explorer', 'neuron-profile'] as const;
type Tool = (typeof TOOLS)[number];
/** Where the Neuron SDK installs its tools (not always on PATH). */
const EXTRA_DIRS = ['/opt/aws/neuron/bin'];

export interface FoundTool {
  name: Tool;
  path: string;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    const st = await fsp.stat(p);
    if (!st.isFile()) return false;
    await fsp.access(p, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of neuron-explorer, neuron-profile found on PATH (or /opt/aws/neuron/bin). */
export async function findNeuronTool(env: NodeJS.ProcessEnv = process.env): Promise<FoundTool | null> {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').concat('') : [''];
  for (const name of TOOLS) {
    for (const d of dirs) {
      for (const ext of exts) {
        const p = join(d, name + ext);
        if (await isExecutable(p)) return { name, path: p };
      }
    }
  }
  return null;
}

export function shellQuote(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

export interface NtffPlan {
  info: NtffInfo;
  /** argv to spawn (argv[0] resolved to the tool's path) when canConvert. */
  argv: string[] | null;
  /** What the conversion writes (a Parquet directory or a JSON file). */
  output: string | null;
}

export async function planNtff(ntffPath: string): Promise<NtffPlan> {
  let siblings: string[] = [];
  try {
    siblings = await fsp.readdir(dirname(ntffPath));
  } catch {
    /* unreadable directory: no NEFF guess */
  }
  const neff = guessNeffForNtff(ntffPath, siblings);
  const tool = await findNeuronTool();
  const trusted = vscode.workspace.isTrusted;
  const argv = ntffConversionCommand(ntffPath, neff ?? undefined, { tool: tool?.name ?? 'neuron-explorer' });
  const shown = shellQuote(argv);
  const outIdx = argv.indexOf('--output-file');
  const output = outIdx >= 0 ? argv[outIdx + 1] ?? null : null;
  let reason: string | null = null;
  if (!tool) {
    reason = 'neuron-explorer (or neuron-profile) is not on PATH here. Run this on the Trainium / Inferentia instance where the profile was captured (Neuron SDK ≥ 2.27), then open the output it writes:';
  } else if (!trusted) {
    reason = `${tool.name} was found, but converting runs a local program and this workspace is not trusted. Trust the workspace to convert here, or run:`;
  } else if (!neff) {
    reason = `No .neff next to this .ntff, so ${tool.name} is pointed at the capture directory (-d). If that fails, copy the NEFF that produced the trace next to it, or run:`;
  }
  if (!neff && reason && tool && trusted) { /* already explained above */ } else if (!neff && reason) {
    reason += ' (No .neff was found next to it, so the command reads the whole capture directory with -d; with the NEFF, use -n <file.neff> -s <file.ntff>.)';
  }
  const canConvert = !!tool && trusted;
  return {
    info: { tool: tool?.name ?? null, trusted, canConvert, command: shown, neff, reason },
    argv: canConvert && tool ? [tool.path, ...argv.slice(1)] : null,
    output,
  };
}

/**
 * Runs the conversion with progress (cancellable) and streams its output to the channel.
 * Resolves to the output path, or throws with the tail of the tool's output.
 */
export async function runConversion(plan: NtffPlan, ntffPath: string, channel: vscode.OutputChannel): Promise<string> {
  const argv = plan.argv;
  if (!argv || !plan.output) throw new Error('Conversion is not available here.');
  const output = plan.output;
  channel.appendLine(`$ ${shellQuote(argv)}`);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: process.env.HOME ?? dirname(ntffPath) };
  env.PATH = [env.PATH ?? '', ...EXTRA_DIRS].filter(Boolean).join(delimiter);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Converting ${ntffPath.split(/[\\/]/).pop() ?? 'profile'} with ${plan.info.tool ?? 'neuron-explorer'}`, cancellable: true },
    (progress, token) => new Promise<string>((resolve, reject) => {
      const tail: string[] = [];
      const child = spawn(argv[0], argv.slice(1), { cwd: dirname(ntffPath), env, shell: false, windowsHide: true });
      const onData = (b: Buffer): void => {
        const text = b.toString('utf8');
        channel.append(text);
        for (const line of text.split(/\r?\n/)) if (line.trim()) tail.push(line);
        if (tail.length > 40) tail.splice(0, tail.length - 40);
        const last = tail[tail.length - 1];
        if (last) progress.report({ message: last.slice(0, 120) });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      const cancel = token.onCancellationRequested(() => {
        channel.appendLine('Cancelled; stopping the conversion.');
        child.kill('SIGTERM');
      });
      child.on('error', (e) => {
        cancel.dispose();
        channel.appendLine(`Failed to start: ${e.message}`);
        reject(new Error(`Could not run ${argv[0]}: ${e.message}`));
      });
      child.on('close', async (code, signal) => {
        cancel.dispose();
        channel.appendLine(`Exited with ${code ?? signal}.`);
        if (token.isCancellationRequested) return reject(new Error('Conversion cancelled.'));
        const exists = await fsp.stat(output).then(() => true, () => false);
        if (code === 0 && exists) return resolve(output);
        const why = code === 0 ? `it exited normally but ${output} was not written` : `it exited with ${code ?? signal}`;
        const err = new Error(`The conversion failed: ${why}.`);
        (err as Error & { detail?: string }).detail = tail.join('\n');
        reject(err);
      });
    }),
  );
}
