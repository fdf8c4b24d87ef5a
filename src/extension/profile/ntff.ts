// .ntff device traces: find neuron-explorer / neuron-profile, describe the conversion, and run it
// (child_process.spawn, never a shell) when the workspace is trusted.
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { guessNeffForNtff, ntffConversionCommand } from '../../core/profile';
import type { NtffInfo } from '../../webview/profile/protocol';
import { findNeuronTool, runTool, shellQuote, toolEnv } from './tools';

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
  if (!neff && (!tool || !trusted)) {
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
  const env = toolEnv(process.env, dirname(ntffPath));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Converting ${ntffPath.split(/[\\/]/).pop() ?? 'profile'} with ${plan.info.tool ?? 'neuron-explorer'}`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const cancel = token.onCancellationRequested(() => {
        channel.appendLine('Cancelled; stopping the conversion.');
        ac.abort();
      });
      let run;
      try {
        run = await runTool(argv, {
          cwd: dirname(ntffPath), env, signal: ac.signal,
          onOutput: (text) => {
            channel.append(text);
            const last = text.split(/\r?\n/).filter((l) => l.trim()).pop();
            if (last) progress.report({ message: last.slice(0, 120) });
          },
        });
      } catch (e) {
        channel.appendLine(`Failed to start: ${(e as Error).message}`);
        throw new Error(`Could not run ${argv[0]}: ${(e as Error).message}`);
      } finally {
        cancel.dispose();
      }
      channel.appendLine(`Exited with ${run.code ?? run.signal}.`);
      if (token.isCancellationRequested) throw new Error('Conversion cancelled.');
      const exists = await fsp.stat(output).then(() => true, () => false);
      if (run.code === 0 && exists) return output;
      const why = run.code === 0 ? `it exited normally but ${output} was not written` : `it exited with ${run.code ?? run.signal}`;
      throw Object.assign(new Error(`The conversion failed: ${why}.`), { detail: run.tail.join('\n') });
    },
  );
}
