// Settings take effect without a reload: neuron.ignore and neuron.enable.
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, hasRules, lacksRules, openFile, setSetting, waitForDiagnostics, workspaceUri } from './helpers';

suite('settings', () => {
  const uri = () => workspaceUri('train_gpu.py');
  let restore: Array<() => Promise<void>> = [];

  suiteSetup(activateExtension);
  teardown(async () => {
    for (const r of restore.reverse()) await r();
    restore = [];
  });
  suiteTeardown(closeAllEditors);

  test('neuron.ignore ["NRN101"] removes NRN101 only, and clearing it brings it back', async () => {
    await openFile('train_gpu.py');
    await waitForDiagnostics(uri(), 'NRN101 and NRN102', hasRules('NRN101', 'NRN102'));
    const undo = await setSetting('ignore', ['NRN101']);
    restore.push(undo);
    await waitForDiagnostics(uri(), 'NRN101 to be ignored', (ds) => lacksRules('NRN101')(ds) && hasRules('NRN102')(ds));
    await undo();
    restore = [];
    await waitForDiagnostics(uri(), 'NRN101 to come back', hasRules('NRN101', 'NRN102'));
  });

  test('neuron.enable false clears all Neuron diagnostics, true restores them', async () => {
    await openFile('train_gpu.py');
    await waitForDiagnostics(uri(), 'NRN101', hasRules('NRN101'));
    const undo = await setSetting('enable', false);
    restore.push(undo);
    await waitForDiagnostics(uri(), 'no Neuron diagnostics', (ds) => ds.length === 0);
    await undo();
    restore = [];
    await waitForDiagnostics(uri(), 'diagnostics to come back', hasRules('NRN101', 'NRN102', 'NRN351'));
  });

  test('settings declared in package.json have their documented defaults', () => {
    const cfg = vscode.workspace.getConfiguration('neuron');
    if (cfg.inspect('enable')?.defaultValue !== true) throw new Error('neuron.enable should default to true');
    const ignore = cfg.inspect<string[]>('ignore')?.defaultValue;
    if (!Array.isArray(ignore) || ignore.length !== 0) throw new Error('neuron.ignore should default to []');
  });
});
