// A person puts the cursor on `model.cuda()`, opens the quick-fix menu (Ctrl+.) and sees the Neuron
// fixes: the one for the detected stack first, the other stack's and a TODO note after it.
import * as assert from 'node:assert/strict';
import { openFile, openWorkbench, type Workbench } from './workbench';

describe('quick fixes in the editor', function () {
  let wb: Workbench;
  before(async function () {
    wb = await openWorkbench();
  });
  after(async function () {
    await wb?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`quickfix-FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('Ctrl+. on `model.cuda()` offers the Neuron rewrites', async function () {
    const page = wb.page;
    await openFile(page, 'train_gpu.py');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    // Go to line 7, column 8: the `cuda` of `model.cuda()`.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor();
    await page.keyboard.type(':7:8');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+Period');
    const menu = page.locator('.action-widget');
    await menu.waitFor({ timeout: 15_000 });
    const text = await menu.innerText();
    await wb.screenshot('quickfix-menu');
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    const fixes = lines.filter((l) => l !== 'Quick Fix');
    assert.match(fixes[0], /Replace `\.cuda\(\)` with `\.to\(torch_xla\.device\(\)\)`/, `the XLA fix comes first:\n${text}`);
    assert.ok(fixes.some((l) => /`\.to\("neuron"\)`.*native TorchNeuron/.test(l)), `the native alternative is offered:\n${text}`);
    assert.ok(fixes.some((l) => /TODO\(neuron\)/.test(l)), `a TODO note is offered:\n${text}`);
    await page.keyboard.press('Escape');
  });
});
