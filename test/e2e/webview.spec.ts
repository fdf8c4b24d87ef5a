// A person opens a Neuron profile: it opens in the "Neuron Profile" custom editor, a webview whose
// text we read through VS Code's nested iframes (iframe.webview > iframe#active-frame).
import * as assert from 'node:assert/strict';
import { openFile, openWorkbench, quickPickLabels, runCommand, webviewText, type Workbench } from './workbench';

describe('profile webview', function () {
  let wb: Workbench;
  before(async function () {
    wb = await openWorkbench();
  });
  after(async function () {
    await wb?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`webview-FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('opens profiles/inf2.neuron-profile.json in the profile viewer and shows its summary', async function () {
    await openFile(wb.page, 'inf2.neuron-profile.json');
    const text = await webviewText(wb.page, /MFU/i);
    await wb.screenshot('profile-webview');
    assert.match(text, /MFU/i, `webview text:\n${text}`);
  });

  it('"Neuron: Open Profile…" offers the workspace\'s profiles and opens the one picked', async function () {
    const page = wb.page;
    await page.keyboard.press('Escape');
    await runCommand(page, 'Neuron: Open Profile…');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'inf2.neuron-profile.json' }).first();
    await row.waitFor({ timeout: 15_000 });
    const labels = await quickPickLabels(page);
    await wb.screenshot('open-profile-quick-pick');
    assert.ok(labels.some((l) => /Open a profile file/i.test(l)), `quick pick: ${labels.join(' | ')}`);
    await row.click();
    await page.locator('.tabs-container .tab.active', { hasText: /inf2\.neuron-profile\.json/ }).waitFor({ timeout: 15_000 });
    const text = await webviewText(page, /MFU/i);
    await wb.screenshot('open-profile-panel');
    assert.match(text, /MFU/i, `webview text:\n${text}`);
  });
});
