// Every command contributed in package.json is registered once the extension is active.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

interface CommandContribution { command: string; title: string; category?: string }

suite('commands', () => {
  test('the extension activates', async () => {
    const ext = await activateExtension();
    assert.equal(ext.isActive, true);
  });

  test('every contributed command is registered', async () => {
    const ext = await activateExtension();
    const contributed = ((ext.packageJSON as { contributes?: { commands?: CommandContribution[] } }).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length >= 6, `package.json contributes ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('contributed commands are in the "Neuron" category', async () => {
    const ext = await activateExtension();
    const cmds = (ext.packageJSON as { contributes: { commands: CommandContribution[] } }).contributes.commands;
    for (const c of cmds) assert.equal(c.category, 'Neuron', c.command);
  });
});
