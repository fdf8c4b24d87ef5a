// Diagnostics on a Python file: expected rule ids, ranges, live updates on edit/revert, hover.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, hasRules, hoverText, lacksRules, neuronDiagnostics, openFile, ruleId, sleep, waitForDiagnostics, workspaceUri } from './helpers';

suite('diagnostics: train_gpu.py', () => {
  const uri = () => workspaceUri('train_gpu.py');

  suiteSetup(async () => {
    await activateExtension();
  });
  teardown(async () => {
    // leave no dirty editor behind for the next test
    if (vscode.window.activeTextEditor?.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
  });
  suiteTeardown(closeAllEditors);

  test('reports NRN101, NRN102 and NRN351 with source "Neuron"', async () => {
    await openFile('train_gpu.py');
    const ds = await waitForDiagnostics(uri(), 'NRN101, NRN102 and NRN351', hasRules('NRN101', 'NRN102', 'NRN351'));
    for (const d of ds) assert.equal(d.source, 'Neuron');
  });

  test('diagnostic ranges point at the offending code', async () => {
    const editor = await openFile('train_gpu.py');
    const doc = editor.document;
    const ds = await waitForDiagnostics(uri(), 'NRN101, NRN102 and NRN351', hasRules('NRN101', 'NRN102', 'NRN351'));
    const lineOf = (needle: string) => doc.getText().split('\n').findIndex((l) => l.includes(needle));

    const nrn101 = ds.filter((d) => ruleId(d) === 'NRN101');
    assert.ok(nrn101.some((d) => d.range.start.line === lineOf('model.cuda()') && doc.getText(d.range).includes('cuda')),
      `NRN101 should be on "model.cuda()" (line ${lineOf('model.cuda()') + 1})`);

    const nrn102 = ds.filter((d) => ruleId(d) === 'NRN102');
    for (const needle of ['torch.device("cuda")', '.to("cuda")']) {
      const line = lineOf(needle);
      const d = nrn102.find((x) => x.range.start.line === line);
      assert.ok(d, `NRN102 expected on line ${line + 1} (${needle})`);
      assert.match(doc.getText(d.range), /^["']cuda["']$|^cuda$/, 'NRN102 is reported on the "cuda" string');
    }

    const nrn351 = ds.filter((d) => ruleId(d) === 'NRN351');
    assert.ok(nrn351.some((d) => d.range.start.line === lineOf('loss.item()')), 'NRN351 should be on "loss.item()" inside the loop');
  });

  test('rule codes link to documentation', async () => {
    await openFile('train_gpu.py');
    const ds = await waitForDiagnostics(uri(), 'NRN101', hasRules('NRN101'));
    const d = ds.find((x) => ruleId(x) === 'NRN101');
    assert.ok(d && typeof d.code === 'object', 'code is { value, target }');
    assert.ok(d.code.target instanceof vscode.Uri, 'code.target is a Uri');
    assert.ok(d.code.target.toString().length > 0);
  });

  test('an edit updates diagnostics and a revert restores them', async () => {
    const editor = await openFile('train_gpu.py');
    await waitForDiagnostics(uri(), 'NRN101', hasRules('NRN101'));
    const doc = editor.document;
    const line = doc.getText().split('\n').findIndex((l) => l.includes('model.cuda()'));
    const col = doc.lineAt(line).text.indexOf('model.cuda()');
    const ok = await editor.edit((b) => b.replace(new vscode.Range(line, col, line, col + 'model.cuda()'.length), 'model.float()'));
    assert.ok(ok, 'edit applied');
    await waitForDiagnostics(uri(), 'NRN101 to disappear after the edit', lacksRules('NRN101'));
    // other findings stay
    await waitForDiagnostics(uri(), 'NRN102 to stay after the edit', hasRules('NRN102', 'NRN351'));

    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.isDirty, false);
    await waitForDiagnostics(uri(), 'NRN101 to come back after revert', hasRules('NRN101', 'NRN102', 'NRN351'));
  });

  test('typing a new .cuda() call adds a diagnostic on that line', async () => {
    const editor = await openFile('train_gpu.py');
    await waitForDiagnostics(uri(), 'NRN101', hasRules('NRN101'));
    const doc = editor.document;
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const prefix = doc.lineAt(doc.lineCount - 1).text.length > 0 ? '\n' : '';
    await editor.edit((b) => b.insert(end, `${prefix}y2 = torch.zeros(3).cuda()\n`));
    const newLine = doc.getText().split('\n').findIndex((l) => l.startsWith('y2 = '));
    await waitForDiagnostics(uri(), `NRN101 on the new line ${newLine + 1}`,
      (ds) => ds.some((d) => ruleId(d) === 'NRN101' && d.range.start.line === newLine));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForDiagnostics(uri(), 'the added NRN101 to go after revert',
      (ds) => !ds.some((d) => d.range.start.line >= doc.lineCount));
  });

  test('hover over a finding shows its rule id', async () => {
    await openFile('train_gpu.py');
    const ds = await waitForDiagnostics(uri(), 'NRN101', hasRules('NRN101'));
    const d = ds.find((x) => ruleId(x) === 'NRN101');
    assert.ok(d);
    const text = await hoverText(uri(), d.range.start.translate(0, 1));
    assert.match(text, /NRN101/, `hover text was: ${JSON.stringify(text)}`);
  });

  test('a file without GPU code has no Neuron diagnostics', async () => {
    await openFile('clean.py');
    // diagnostics for train_gpu.py prove the analyser is running; clean.py must stay empty
    await waitForDiagnostics(uri(), 'NRN101 on train_gpu.py', hasRules('NRN101'));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(vscode.languages.getDiagnostics(workspaceUri('clean.py')).filter((d) => d.source === 'Neuron').map(ruleId), []);
  });
});

// A document large enough to be parsed in many chunks (src/core/python/chunkedModule.ts): edits in one
// place must move, add and keep the findings everywhere else, in the real editor's change events.
suite('diagnostics: a large document parsed in chunks', () => {
  const block = (i: number) => `def step_${i}(x):\n    y = x * 2\n    z = torch.zeros(3).cuda()\n    for k in range(3):\n        y = y + k\n\n    return y + z\n\n\n`;
  const text = `import torch\n\n\n${Array.from({ length: 80 }, (_, i) => block(i)).join('')}`;
  const cudaLines = (doc: vscode.TextDocument) => doc.getText().split('\n').flatMap((l, i) => (l.includes('.cuda()') ? [i] : []));
  const nrn101Lines = (ds: vscode.Diagnostic[]) => ds.filter((d) => ruleId(d) === 'NRN101').map((d) => d.range.start.line).sort((a, b) => a - b);

  suiteSetup(async () => {
    await activateExtension();
  });
  suiteTeardown(closeAllEditors);

  test('findings follow edits at the top, on a blank line in the middle, and at the end', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: text });
    const editor = await vscode.window.showTextDocument(doc);
    const same = (what: string) => waitForDiagnostics(doc.uri, what, (ds) => JSON.stringify(nrn101Lines(ds)) === JSON.stringify(cudaLines(doc)), 15_000);
    await same('one NRN101 per .cuda() line (80)');
    // Lines added at the top shift every later chunk: the findings move with them.
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'A = 1\nB = 2\nC = 3\n'));
    await same('the 80 findings three lines lower');
    // Typing on a blank line in the middle of a definition (the edit a one-tree parse re-parses to the end for).
    const blank = doc.getText().split('\n').findIndex((l, i) => i > doc.lineCount / 2 && l === '' && doc.lineAt(i + 1).text.startsWith('    return'));
    for (const ch of '    w = y.cuda()') await editor.edit((b) => b.insert(new vscode.Position(blank, doc.lineAt(blank).text.length), ch));
    const ds = await same('81 findings, one on the typed line');
    assert.ok(nrn101Lines(ds).includes(blank));
    assert.equal(nrn101Lines(ds).length, 81);
    // An unclosed bracket in the middle (typing `f(` before its `)`): the findings below it stay, and
    // all of them are back once it is closed.
    const open = doc.getText().split('\n').findIndex((l, i) => i > 40 && l.startsWith('    y = x * 2'));
    await editor.edit((b) => b.insert(doc.lineAt(open).range.end, ' + f('));
    await sleep(1000);
    const below = (xs: number[]) => JSON.stringify(xs.filter((l) => l > open + 20));
    assert.equal(below(nrn101Lines(neuronDiagnostics(doc.uri))), below(cudaLines(doc)));
    await editor.edit((b) => b.insert(doc.lineAt(open).range.end, ')'));
    await same('the 81 findings after the bracket is closed');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
