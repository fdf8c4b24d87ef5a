// Activation: wires the engine (src/core) into VS Code. Nothing else lives here.
import * as vscode from 'vscode';
import { EngineService } from './engineService';
import { DiagnosticsController } from './diagnostics';
import { registerHover } from './hover';
import { registerStatusBar, selectTarget } from './statusBar';
import { analyzeWorkspace, showPortingReport, showRuleDocs } from './commands';
import { createLogger } from './log';
import { registerFixes } from './fixes';
import { registerProfileViewer } from './profile';

export interface NeuronLensApi {
  engine: EngineService;
  diagnostics: DiagnosticsController;
}

export async function activate(context: vscode.ExtensionContext): Promise<NeuronLensApi> {
  const log = createLogger(context);
  // The profile viewer does not need the parser; register it first so it works even if the wasm fails.
  registerProfileViewer(context);
  const engine = await EngineService.create(context);
  const diagnostics = new DiagnosticsController(engine, log);
  context.subscriptions.push(
    engine,
    diagnostics,
    registerHover(diagnostics),
    ...registerStatusBar(diagnostics),
    vscode.commands.registerCommand('neuron.selectTarget', selectTarget),
    vscode.commands.registerCommand('neuron.showRuleDocs', (id?: string) => showRuleDocs(id)),
    vscode.commands.registerCommand('neuron.analyzeWorkspace', () => analyzeWorkspace(engine, diagnostics, context.extensionUri)),
    vscode.commands.registerCommand('neuron.showReport', () => showPortingReport(engine, diagnostics, context.extensionUri)),
  );
  registerFixes(context, engine, diagnostics);
  diagnostics.refreshAll();
  log.info(`Neuron Lens activated (${engine.analyzer.rules({ target: 'auto' }).length} rules).`);
  return { engine, diagnostics };
}

export function deactivate(): void {
  // Disposables registered on the context free the trees and the parser.
}
