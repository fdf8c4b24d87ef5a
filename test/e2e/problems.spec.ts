// A person opens a GPU training script and reads the Problems panel.
import * as assert from 'node:assert/strict';
import { openFile, openWorkbench, problems, type Workbench } from './workbench';

describe('Problems panel', function () {
  let wb: Workbench;
  before(async function () {
    wb = await openWorkbench();
  });
  after(async function () {
    await wb?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`problems-FAILED-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('lists NRN101, NRN102 and NRN351 for train_gpu.py', async function () {
    await openFile(wb.page, 'train_gpu.py');
    const rows = await problems(wb.page, /NRN351/);
    await wb.screenshot('problems-train_gpu');
    const text = rows.join('\n');
    assert.match(text, /train_gpu\.py/, `Problems panel rows:\n${text}`);
    for (const id of ['NRN101', 'NRN102', 'NRN351']) assert.match(text, new RegExp(id), `${id} missing from the Problems panel:\n${text}`);
    assert.match(text, /Neuron/, 'rows name the source "Neuron"');
  });

  it('shows squiggles in the editor and a hover with the rule id', async function () {
    const page = wb.page;
    await openFile(page, 'train_gpu.py');
    const squiggles = page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info');
    await squiggles.first().waitFor({ timeout: 20_000 });
    assert.ok((await squiggles.count()) >= 3, 'at least three squiggles');
    // Move the mouse over the first marker (the `model.cuda()` line). The squiggle is drawn under the
    // text layer, so a locator.hover() would be intercepted: move the mouse to its centre instead.
    const box = await squiggles.first().boundingBox();
    assert.ok(box, 'the squiggle has a box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)');
    await hover.filter({ hasText: /NRN\d{3}/ }).first().waitFor({ timeout: 10_000 });
    await wb.screenshot('hover-train_gpu');
    assert.match(await hover.first().innerText(), /NRN\d{3}/);
  });
});
