// Notebooks: code cells are analysed as one program (an import in cell 1 applies to cell 3).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, hasRules, neuronDiagnostics, ruleId, waitForDiagnostics, workspaceUri } from './helpers';

suite('notebook diagnostics', () => {
  suiteSetup(activateExtension);
  suiteTeardown(closeAllEditors);

  test('findings appear on the right cell of notebook.ipynb', async () => {
    const nb = await vscode.workspace.openNotebookDocument(workspaceUri('notebook.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    assert.equal(nb.cellCount, 3);
    const importCell = nb.cellAt(0);
    const modelCell = nb.cellAt(2);
    assert.equal(modelCell.kind, vscode.NotebookCellKind.Code);
    assert.equal(modelCell.document.uri.scheme, 'vscode-notebook-cell');

    const ds = await waitForDiagnostics(modelCell.document.uri, 'NRN101 and NRN102 in cell 3', hasRules('NRN101', 'NRN102'));
    const text = modelCell.document;
    const cudaCall = ds.find((d) => ruleId(d) === 'NRN101');
    assert.ok(cudaCall);
    assert.equal(text.lineAt(cudaCall.range.start.line).text.trim(), 'model.cuda()', 'NRN101 is on the cell\'s own line numbers');
    assert.deepEqual(neuronDiagnostics(importCell.document.uri).map(ruleId), [], 'no findings on the import cell');
  });

  test('editing a cell updates its diagnostics, undoing the edit restores them', async () => {
    const nb = await vscode.workspace.openNotebookDocument(workspaceUri('notebook.ipynb'));
    await vscode.window.showNotebookDocument(nb);
    const cell = nb.cellAt(2);
    await waitForDiagnostics(cell.document.uri, 'NRN101 in cell 3', hasRules('NRN101'));
    const line = cell.document.getText().split('\n').findIndex((l) => l.includes('model.cuda()'));
    const range = cell.document.lineAt(line).range;
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(cell.document.uri, range, 'model.float()');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitForDiagnostics(cell.document.uri, 'NRN101 to go from cell 3', (d) => !d.some((x) => ruleId(x) === 'NRN101'));
      const back = new vscode.WorkspaceEdit();
      back.replace(cell.document.uri, cell.document.lineAt(line).range, 'model.cuda()');
      assert.ok(await vscode.workspace.applyEdit(back));
      await waitForDiagnostics(cell.document.uri, 'NRN101 back in cell 3', hasRules('NRN101', 'NRN102'));
    } finally {
      // never leave the fixture dirty (and never save it)
      await vscode.window.showNotebookDocument(nb);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
