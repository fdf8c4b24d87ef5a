// The "Neuron" output channel (a LogOutputChannel, so users pick the level).
import * as vscode from 'vscode';

export interface Logger {
  info(msg: string): void;
  trace(msg: string): void;
  error(msg: string, e?: unknown): void;
}

export function createLogger(context: vscode.ExtensionContext): Logger & { channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel('Neuron', { log: true });
  context.subscriptions.push(channel);
  return {
    channel,
    info: (m) => channel.info(m),
    trace: (m) => channel.trace(m),
    error: (m, e) => channel.error(`${m}${e ? `: ${(e as Error)?.stack ?? String(e)}` : ''}`),
  };
}
