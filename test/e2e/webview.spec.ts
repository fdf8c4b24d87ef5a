// A person opens a Neuron profile: it opens in the "Neuron Profile" custom editor, a webview whose
// text we read through VS Code's nested iframes (iframe.webview > iframe#active-frame).
import * as assert from 'node:assert/strict';
import { openFile, openWorkbench, webviewText, type Workbench } from './workbench';

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

  // More of the profile viewer (Open Profile…, buttons, reload): profile.e2e.spec.ts.
});
