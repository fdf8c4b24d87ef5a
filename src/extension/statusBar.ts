// Status bar item: the Neuron stack in effect for the active editor; click to switch.
import * as vscode from 'vscode';
import type { DiagnosticsController } from './diagnostics';
import { SECTION } from './settings';
import type { Target, TargetSetting } from '../core/types';

const LABEL: Record<Target, string> = { xla: 'PyTorch/XLA', native: 'TorchNeuron' };

export function registerStatusBar(diagnostics: DiagnosticsController): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('neuron.target', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Neuron target stack';
  item.command = 'neuron.selectTarget';
  const update = () => {
    const ed = vscode.window.activeTextEditor;
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const uri = nb?.uri ?? ed?.document.uri;
    if (!uri || (!nb && ed?.document.languageId !== 'python')) {
      item.hide();
      return;
    }
    const setting = vscode.workspace.getConfiguration(SECTION, uri).get<TargetSetting>('target', 'auto');
    const target = diagnostics.lastTarget.get(uri.toString()) ?? (setting === 'auto' ? 'xla' : setting);
    item.text = `$(circuit-board) Neuron: ${LABEL[target]}${setting === 'auto' ? ' (auto)' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      `Neuron Lens analyses this file for the **${LABEL[target]}** stack` +
        (setting === 'auto' ? ', detected from imports and dependency pins' : ', set in `neuron.target`') +
        '.\n\nClick to switch between PyTorch/XLA (torch-neuronx ≤ 2.9, Optimum Neuron) and native TorchNeuron (torch-neuronx ≥ 2.14).',
    );
    item.show();
  };
  update();
  return [
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.window.onDidChangeActiveNotebookEditor(update),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('neuron.target') && update()),
    diagnostics.onDidAnalyze(update),
  ];
}

export async function selectTarget(): Promise<TargetSetting | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const current = vscode.workspace.getConfiguration(SECTION, uri).get<TargetSetting>('target', 'auto');
  const items: (vscode.QuickPickItem & { value: TargetSetting })[] = [
    { value: 'auto', label: 'Auto', description: 'detect from imports and requirements / pyproject pins' },
    { value: 'xla', label: 'PyTorch/XLA', description: 'torch-neuronx ≤ 2.9, Optimum Neuron, device xla (Trn1, Inf2, Trn2)' },
    { value: 'native', label: 'TorchNeuron (native)', description: 'torch-neuronx ≥ 2.14, device neuron, eager (Trn2, Trn3)' },
  ];
  for (const i of items) if (i.value === current) i.label = `$(check) ${i.label}`;
  const pick = await vscode.window.showQuickPick(items, { title: 'Neuron: target stack', placeHolder: `Current: ${current}` });
  if (!pick) return undefined;
  const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SECTION).update('target', pick.value, scope);
  return pick.value;
}
