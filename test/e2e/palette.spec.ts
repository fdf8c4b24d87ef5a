// A person uses the command palette: the Neuron commands are there and "Select Target Stack…" works.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandPalette, openFile, openWorkbench, quickPickLabels, runCommand, type Workbench } from './workbench';

interface CommandContribution { command: string; title: string; category?: string }

function contributedTitles(): string[] {
  const pkgPath = path.join(process.env.VSCODE_E2E_EXTENSION ?? process.cwd(), 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { contributes: { commands: CommandContribution[] } };
  return pkg.contributes.commands.map((c) => `${c.category ? `${c.category}: ` : ''}${c.title}`);
}

describe('command palette', function () {
  let wb: Workbench;
  before(async function () {
    wb = await openWorkbench();
    await openFile(wb.page, 'train_gpu.py'); // some commands are only offered in a Python editor
    // …once the editor's language is known (`editorLangId == python`): the status bar names it then.
    await wb.page.locator('[id="status.editor.mode"]', { hasText: 'Python' }).waitFor({ timeout: 20_000 });
  });
  after(async function () {
    await wb?.close();
  });
  afterEach(async function () {
    await wb?.page.keyboard.press('Escape');
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`palette-FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('offers every contributed Neuron command', async function () {
    // The palette lists what the workbench knows at that moment: look again for a few seconds before failing.
    let labels: string[] = [];
    let missing: string[] = [];
    for (const deadline = Date.now() + 10_000; ; ) {
      labels = await commandPalette(wb.page, 'Neuron:');
      missing = contributedTitles().filter((t) => !labels.some((l) => l.includes(t)));
      if (!missing.length || Date.now() > deadline) break;
      await wb.page.keyboard.press('Escape');
      await wb.page.waitForTimeout(500);
    }
    await wb.screenshot('palette-neuron-commands');
    assert.deepEqual(missing, [], `missing from the palette; it shows: ${labels.join(' | ')}`);
  });

  it('"Neuron: Select Target Stack…" offers the xla and native stacks', async function () {
    await runCommand(wb.page, 'Neuron: Select Target Stack…');
    await wb.page.waitForTimeout(500);
    const labels = await quickPickLabels(wb.page);
    await wb.screenshot('select-target-stack');
    const text = labels.join(' | ');
    assert.match(text, /xla/i, `the quick pick shows: ${text}`);
    assert.match(text, /native/i, `the quick pick shows: ${text}`);
  });
});
