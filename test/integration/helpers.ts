// Shared helpers for the integration suites. They run inside a real VS Code extension host
// (code-server's server-side host, or a desktop VS Code through @vscode/test-cli), so they may use
// only the `vscode` API and Node, never Playwright.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'neuron-lens.neuron-lens';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined | false;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this VS Code`);
  await ext.activate();
  return ext;
}

export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the fixture workspace (test/fixtures/workspace) open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function openFile(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(name));
  return vscode.window.showTextDocument(doc);
}

/** The rule id of a diagnostic: `code` is `{ value, target }` (or a plain string/number). */
export function ruleId(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function neuronDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Neuron');
}

export function ruleIds(uri: vscode.Uri): string[] {
  return [...new Set(neuronDiagnostics(uri).map(ruleId))].sort();
}

/** Waits until the Neuron diagnostics of `uri` satisfy `ok` and returns them. */
export async function waitForDiagnostics(uri: vscode.Uri, what: string, ok: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<vscode.Diagnostic[]> {
  try {
    return await waitFor(what, () => {
      const ds = neuronDiagnostics(uri);
      return ok(ds) ? ds : undefined;
    }, timeoutMs);
  } catch (e) {
    const now = neuronDiagnostics(uri).map((d) => `${ruleId(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`);
    throw new Error(`${(e as Error).message}; diagnostics now on ${uri.path.split('/').pop()}: [${now.join(', ')}]`);
  }
}

export const hasRules = (...ids: string[]) => (ds: vscode.Diagnostic[]) => ids.every((id) => ds.some((d) => ruleId(d) === id));
export const lacksRules = (...ids: string[]) => (ds: vscode.Diagnostic[]) => ids.every((id) => !ds.some((d) => ruleId(d) === id));

/** Sets a `neuron.*` user setting for the duration of a test; returns a function that restores it. */
export async function setSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const cfg = vscode.workspace.getConfiguration('neuron');
  const before = cfg.inspect(key)?.globalValue;
  await cfg.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace.getConfiguration('neuron').update(key, before, vscode.ConfigurationTarget.Global);
  };
}

/** Text of all hover contents at `pos`, markdown and plain strings joined. */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
