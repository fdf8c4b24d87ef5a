// Quick fixes, fix-all and the workspace port (issue #4). Placeholder registration until the fix
// engine lands, so every contributed command exists.
import * as vscode from 'vscode';
import type { EngineService } from '../engineService';
import type { DiagnosticsController } from '../diagnostics';

export function registerFixes(context: vscode.ExtensionContext, _engine: EngineService, _diagnostics: DiagnosticsController): void {
  const notYet = () => vscode.window.showInformationMessage('Neuron: fixes are not available yet.');
  context.subscriptions.push(vscode.commands.registerCommand('neuron.fixAll', notYet), vscode.commands.registerCommand('neuron.portWorkspace', notYet));
}
