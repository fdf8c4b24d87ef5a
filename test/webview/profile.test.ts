// Browser tests of the profile webview bundle (dist/webview-profile.js) under the production CSP.
// Run: npx mocha --config test/webview/.mocharc.json   (or: npx mocha test/webview/*.test.ts)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HOSTILE, sampleModel } from './fixtures';
import { RESULTS, cspViolations, openWebview, pageErrors, postModel, sent, startHarness, type Harness } from './harness';

describe('profile webview (Chromium, strict CSP)', function () {
  this.timeout(60000);
  let hx: Harness;
  let page: Page;

  before(async () => {
    hx = await startHarness();
  });
  after(async () => {
    await hx?.close();
  });
  afterEach(async () => {
    if (page) {
      assert.deepEqual(await cspViolations(page), [], 'no CSP violations');
      assert.deepEqual(await pageErrors(page), [], 'no page errors');
      await page.close();
    }
  });

  it('renders summary cards, charts, insights, ops table and timeline with zero CSP violations', async () => {
    page = await openWebview(hx, { theme: 'vscode-light' });
    await postModel(page, sampleModel());
    const rendered = (await sent(page)).find((m) => m.type === 'rendered');
    assert.ok(rendered);
    assert.deepEqual(rendered.sections, ['warnings', 'summary', 'insights', 'engines', 'opcodes', 'collectives', 'memory', 'ops', 'timeline', 'metadata']);
    assert.equal(rendered.timelineEvents, 5000);
    const cards = await page.locator('#summary .card').evaluateAll((els) => els.map((e) => [e.querySelector('.card-label')?.textContent, e.querySelector('.card-value')?.textContent]));
    assert.deepEqual(cards.slice(0, 6), [['Total time', '213.8 ms'], ['Active time', '97.4 %'], ['MFU', '41.2 %'], ['HFU', '52.9 %'], ['MBU', '63.5 %'], ['Arithmetic intensity', '15.81']]);
    assert.equal(cards[6][1], 'trn1.32xlarge');
    assert.equal(cards[7][1], '3 tools');
    // Field descriptions and units from model.fields become tooltips.
    assert.equal(await page.locator('#summary .card').first().getAttribute('title'), 'Total wall-clock time of the execution (s)');
    assert.equal(await page.evaluate(() => (window as unknown as { __neuronLens: { chartCount(): number } }).__neuronLens.chartCount()), 5);
    assert.equal(await page.locator('h1').textContent(), 'sample.neuron-profile.json');
    assert.match((await page.locator('.badge').textContent()) ?? '', /parquet 7\.4\.0/);
    assert.equal(await page.locator('#insights .insight').count(), 3);
    assert.equal(await page.locator('#insights .insight .sev').first().textContent(), 'error', 'errors first');
    await page.screenshot({ path: join(RESULTS, 'profile-light.png'), fullPage: true });
  });

  it('renders hostile profile strings as text (no markup, no script)', async () => {
    page = await openWebview(hx, { theme: 'vscode-dark' });
    await postModel(page, sampleModel());
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('#app img').count(), 0, 'no <img> was created from profile data');
    const texts = await page.locator(`text=${HOSTILE}`).count();
    assert.ok(texts >= 3, `hostile name shown as text (${texts} places)`);
    assert.ok(await page.locator('#ops-table td.op-name', { hasText: HOSTILE }).count() === 1);
    assert.ok(await page.locator('#warnings li', { hasText: HOSTILE }).count() === 1);
    // Hovering the timeline where the hostile-named events are still only produces text.
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('shows warnings prominently at the top', async () => {
    page = await openWebview(hx);
    await postModel(page, sampleModel());
    const warn = page.locator('#warnings');
    assert.equal(await warn.getAttribute('role'), 'alert');
    assert.match((await warn.locator('h2').textContent()) ?? '', /2 warnings/);
    assert.match((await warn.textContent()) ?? '', /capped at 1,000,000 events/);
    // It comes before the summary.
    const order = await page.evaluate(() => [...document.querySelectorAll('#app > section, #app > div')].map((e) => e.id || e.className));
    assert.ok(order.indexOf('warnings') < order.indexOf('summary'));
  });

  it('sorts the ops table by click, Enter and Space, and filters it by search', async () => {
    page = await openWebview(hx);
    await postModel(page, sampleModel());
    const names = (): Promise<string[]> => page.locator('#ops-table tbody td.op-name').allTextContents();
    assert.deepEqual((await names()).slice(0, 3), ['dot.42', 'LlamaAttention.forward', 'LlamaMLP.forward'], 'default: time descending');
    const timeTh = page.locator('#ops-table th', { hasText: 'Time' });
    assert.equal(await timeTh.getAttribute('aria-sort'), 'descending');
    await timeTh.locator('button').click();
    assert.equal(await timeTh.getAttribute('aria-sort'), 'ascending');
    assert.equal((await names())[0], 'add.3');
    // Keyboard: focus the "Op" header button and press Enter → sort by name ascending.
    const opTh = page.locator('#ops-table th').first();
    const opBtn = opTh.locator('button');
    assert.equal(await opBtn.textContent(), 'Op');
    await opBtn.focus();
    await page.keyboard.press('Enter');
    assert.equal(await opTh.getAttribute('aria-sort'), 'ascending');
    assert.equal((await names())[0], HOSTILE, '"<" sorts first');
    await page.keyboard.press('Space');
    assert.equal(await opTh.getAttribute('aria-sort'), 'descending');
    assert.equal((await names())[0], 'LlamaMLP.forward');
    await page.fill('input.search', 'forward');
    assert.deepEqual((await names()).sort(), ['LlamaAttention.forward', 'LlamaMLP.forward']);
    assert.match((await page.locator('.ops-count').textContent()) ?? '', /2 of 7 ops/);
    await page.fill('input.search', 'zzz-nothing');
    assert.match((await page.locator('#ops-table tbody').textContent()) ?? '', /No op matches/);
    const st = await page.evaluate(() => (window as unknown as { __state: { search: string; sort: { key: string } } }).__state);
    assert.equal(st.search, 'zzz-nothing');
    assert.equal(st.sort.key, 'name');
  });

  it('exports the ops table as shown (sorted, filtered) as CSV', async () => {
    page = await openWebview(hx);
    await postModel(page, sampleModel());
    await page.fill('input.search', 'forward');
    await page.locator('button', { hasText: 'Export CSV…' }).click();
    const m = (await sent(page)).find((x) => x.type === 'exportCsv') as { fileName: string; csv: string } | undefined;
    assert.ok(m);
    assert.equal(m.fileName, 'sample.neuron-profile-ops.csv');
    assert.equal(m.csv, 'op,kind,time_ns,percent,count,source_file,source_line\r\nLlamaAttention.forward,framework,70000000,60,32,model/llama.py,240\r\nLlamaMLP.forward,framework,40000000,34,32,,\r\n');
  });

  it('asks the host to open a source location', async () => {
    page = await openWebview(hx);
    await postModel(page, sampleModel());
    await page.locator('#ops-table button.link', { hasText: 'model/llama.py:118' }).click();
    const m = (await sent(page)).find((x) => x.type === 'openSource');
    assert.deepEqual(m, { type: 'openSource', file: 'model/llama.py', line: 118 });
  });

  it('says so when nothing could be read, and survives garbage models', async () => {
    page = await openWebview(hx);
    const empty = { format: 'summary-json', source: 'x', totalTimeNs: null, activeTimePercent: null, mfuPercent: null, hfuPercent: null, mbuPercent: null, engines: [], hbm: null, topOps: [], insights: [], warnings: ['No Neuron counters found in x.json'] };
    await postModel(page, empty, '/tmp/x.json');
    assert.match((await page.locator('#empty').textContent()) ?? '', /Nothing could be read from this profile/);
    assert.match((await page.locator('#warnings').textContent()) ?? '', /No Neuron counters found/);
    await page.screenshot({ path: join(RESULTS, 'profile-empty.png'), fullPage: true });
    for (const garbage of [null, 'not a model', 42, [], { engines: 'x', topOps: [null, 3, { name: 5 }], timeline: { start: 5 } }, { timeline: { lanes: [], start: [1], duration: [1], lane: [0], nameIndex: [0], names: [] } }]) {
      await postModel(page, garbage, '/tmp/garbage.json');
      const text = (await page.locator('#app').textContent()) ?? '';
      assert.ok(text.length > 40, `panel not blank for ${JSON.stringify(garbage)}`);
      const prominent = await page.locator('#empty, #warnings, #summary').count();
      assert.ok(prominent > 0, `a message or content is shown for ${JSON.stringify(garbage)}`);
    }
    // The {name: 5} op is coerced to text and rendered.
    await postModel(page, { topOps: [{ name: 5, timeNs: 3 }], engines: [] }, '/tmp/g2.json');
    assert.equal(await page.locator('#ops-table td.op-name').first().textContent(), '5');
  });

  it('renders loading, error and NTFF states', async () => {
    page = await openWebview(hx);
    await page.evaluate(() => window.postMessage({ type: 'loading', source: '/p/a.parquet', message: 'Reading Instruction.parquet…' }, '*'));
    await page.evaluate(() => window.postMessage({ type: 'progress', source: '/p/a.parquet', message: 'Read 500,000 events', fraction: 0.5 }, '*'));
    assert.equal(await page.locator('#load-message').textContent(), 'Read 500,000 events');
    await page.locator('button', { hasText: 'Cancel' }).click();
    assert.ok((await sent(page)).some((m) => m.type === 'cancel'));
    await page.evaluate(() => window.postMessage({ type: 'error', source: '/p/a.json', message: 'Unexpected token < in JSON', detail: 'at line 1', canRetry: true }, '*'));
    assert.match((await page.locator('[role=alert]').textContent()) ?? '', /could not be opened.*Unexpected token/s);
    await page.locator('button', { hasText: 'Try again' }).click();
    assert.ok((await sent(page)).some((m) => m.type === 'retry'));
    await page.evaluate(() => window.postMessage({ type: 'ntff', source: '/p/profile.ntff', info: { tool: null, trusted: true, canConvert: false, neff: null, reason: 'neuron-explorer is not on PATH. Run this on the instance:', command: 'neuron-explorer view -n file.neff -s profile.ntff --output-format parquet' } }, '*'));
    assert.match((await page.locator('pre.command').textContent()) ?? '', /neuron-explorer view -n file\.neff/);
    assert.equal(await page.locator('button', { hasText: /^Convert/ }).count(), 0);
    await page.screenshot({ path: join(RESULTS, 'profile-ntff.png'), fullPage: true });
    await page.evaluate(() => window.postMessage({ type: 'ntff', source: '/p/profile.ntff', info: { tool: 'neuron-explorer', trusted: true, canConvert: true, neff: '/p/file.neff', reason: null, command: 'neuron-explorer view -n /p/file.neff -s /p/profile.ntff' } }, '*'));
    await page.locator('button', { hasText: 'Convert with neuron-explorer' }).click();
    assert.ok((await sent(page)).some((m) => m.type === 'convertNtff'));
  });

  it('zooms and pans the timeline with keys, wheel and drag, and shows hover details', async () => {
    page = await openWebview(hx, { state: { source: '/work/profiles/sample.neuron-profile.json', view: null } });
    await postModel(page, sampleModel({ timelineEvents: 20000 }));
    const view = (): Promise<{ t0: number; t1: number }> => page.evaluate(() => {
      const t = (window as unknown as { __neuronLens: { timeline: { t0: number; t1: number } } }).__neuronLens.timeline;
      return { t0: t.t0, t1: t.t1 };
    });
    const full = await view();
    const canvas = page.locator('canvas.timeline-canvas');
    await canvas.focus();
    await page.keyboard.press('+');
    let v = await view();
    assert.ok(Math.abs((v.t1 - v.t0) - (full.t1 - full.t0) / 2) < 1, 'plus halves the visible range');
    await page.keyboard.press('ArrowRight');
    const v2 = await view();
    assert.ok(v2.t0 > v.t0, 'arrow pans right');
    await page.keyboard.press('Home');
    v = await view();
    assert.deepEqual(v, full, 'Home resets');
    const box = await canvas.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(50);
    v = await view();
    assert.ok(v.t1 - v.t0 < full.t1 - full.t0, 'wheel zooms in');
    const before = v;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + 40, { steps: 4 });
    await page.mouse.up();
    v = await view();
    assert.ok(v.t0 > before.t0, 'dragging left pans right');
    // Hover an engine lane: a tooltip with details appears.
    await page.mouse.move(box.x + box.width * 0.5, box.y + 22 + 18 * 2 + 9);
    await page.waitForTimeout(50);
    const tip = page.locator('.timeline-tooltip');
    assert.equal(await tip.isVisible(), true);
    assert.match((await tip.textContent()) ?? '', /Vector/);
    await page.screenshot({ path: join(RESULTS, 'profile-timeline.png'), clip: { x: 0, y: Math.max(0, box.y - 60), width: 1280, height: box.height + 120 } });
    // The view is persisted with setState (debounced) for the serializer / reload.
    await page.waitForTimeout(400);
    const st = await page.evaluate(() => (window as unknown as { __state: { view: { t0: number; t1: number } } }).__state);
    assert.ok(Math.abs(st.view.t0 - v.t0) < 1e-6);
  });

  it('highlights an op of the table on the timeline and zooms to it', async () => {
    page = await openWebview(hx, { theme: 'vscode-dark' });
    const model = sampleModel({ timelineEvents: 20000 });
    (model.topOps as unknown[]).push({ name: 'REDUCE', timeNs: 1000, percent: 1, count: 10, kind: 'opcode' });
    await postModel(page, model);
    const btn = page.locator('#ops-table button.op-select', { hasText: 'REDUCE' });
    assert.equal(await page.locator('#ops-table button.op-select', { hasText: 'dot.42' }).count(), 0, 'ops absent from the timeline are plain text');
    await btn.click();
    const st = await page.evaluate(() => {
      const t = (window as unknown as { __neuronLens: { timeline: { highlighted: string | null; t0: number; t1: number; span: { start: number; end: number } } } }).__neuronLens.timeline;
      return { hl: t.highlighted, w: t.t1 - t.t0, full: t.span.end - t.span.start };
    });
    assert.equal(st.hl, 'REDUCE');
    await page.waitForFunction(() => /highlighting “REDUCE” \([\d,]+ events/.test(document.querySelector('.timeline-status')?.textContent ?? ''));
    await page.waitForTimeout(100);
    const box = await page.locator('canvas.timeline-canvas').boundingBox();
    assert.ok(box);
    await page.screenshot({ path: join(RESULTS, 'profile-timeline-highlight.png'), clip: { x: 0, y: Math.max(0, box.y - 60), width: 1280, height: box.height + 120 } });
    await page.locator('canvas.timeline-canvas').focus();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => (window as unknown as { __neuronLens: { timeline: { highlighted: string | null } } }).__neuronLens.timeline.highlighted), null);
    assert.ok(st.w <= st.full * 1.2);
  });

  it('clicking a timeline event highlights its op; Ctrl+click opens its source', async () => {
    page = await openWebview(hx);
    const model = sampleModel({ timelineEvents: 20000 });
    (model.topOps as unknown[]).push({ name: 'MATMUL', timeNs: 1000, percent: 1, count: 10, kind: 'opcode', source: { file: 'kernels/mm.py', line: 7 } });
    await postModel(page, model);
    await page.locator('canvas.timeline-canvas').scrollIntoViewIfNeeded();
    const box = await page.locator('canvas.timeline-canvas').boundingBox();
    assert.ok(box);
    const y = box.y + 22 + 9; // lane 0: TensorMatrix, events named MATMUL
    await page.mouse.click(box.x + box.width * 0.5, y);
    const hl = (): Promise<string | null> => page.evaluate(() => (window as unknown as { __neuronLens: { timeline: { highlighted: string | null } } }).__neuronLens.timeline.highlighted);
    assert.equal(await hl(), 'MATMUL');
    assert.equal((await sent(page)).filter((m) => m.type === 'openSource').length, 0, 'a plain click does not open files');
    await page.keyboard.down('Control');
    await page.mouse.click(box.x + box.width * 0.5, y);
    await page.keyboard.up('Control');
    assert.deepEqual((await sent(page)).find((m) => m.type === 'openSource'), { type: 'openSource', file: 'kernels/mm.py', line: 7 });
  });

  it('restores the timeline view from saved state', async () => {
    page = await openWebview(hx, { state: { source: '/work/profiles/sample.neuron-profile.json', view: { t0: 1000, t1: 5000 } } });
    await postModel(page, sampleModel());
    const v = await page.evaluate(() => {
      const t = (window as unknown as { __neuronLens: { timeline: { t0: number; t1: number } } }).__neuronLens.timeline;
      return [t.t0, t.t1];
    });
    assert.deepEqual(v, [1000, 5000]);
  });

  it('follows the theme: light, dark and high-contrast change colours', async () => {
    page = await openWebview(hx, { theme: 'vscode-light' });
    await postModel(page, sampleModel());
    const sample = (): Promise<{ bg: string; fg: string; card: string; chart: string; pixel: number[] }> => page.evaluate(() => {
      const cs = getComputedStyle(document.body);
      const lens = (window as unknown as { __neuronLens: { theme: { palette: string[] }; timeline: { canvas: HTMLCanvasElement; draw(): void } } }).__neuronLens;
      lens.timeline.draw();
      const c = lens.timeline.canvas;
      const px = c.getContext('2d')?.getImageData(c.width - 3, c.height - 3, 1, 1).data;
      return { bg: cs.backgroundColor, fg: cs.color, card: getComputedStyle(document.querySelector('.card') as Element).backgroundColor, chart: lens.theme.palette[0], pixel: px ? [...px] : [] };
    });
    const light = await sample();
    const setTheme = async (cls: string): Promise<void> => {
      await page.evaluate((c) => { document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast'); document.body.classList.add(c); }, cls);
      await page.waitForTimeout(100);
    };
    await setTheme('vscode-dark');
    const dark = await sample();
    await page.screenshot({ path: join(RESULTS, 'profile-dark.png'), fullPage: true });
    await setTheme('vscode-high-contrast');
    const hc = await sample();
    await page.screenshot({ path: join(RESULTS, 'profile-high-contrast.png'), fullPage: true });
    assert.equal(light.bg, 'rgb(255, 255, 255)');
    assert.equal(dark.bg, 'rgb(30, 30, 30)');
    assert.equal(hc.bg, 'rgb(0, 0, 0)');
    assert.notEqual(light.fg, dark.fg);
    assert.notEqual(light.card, dark.card);
    assert.notEqual(light.chart, dark.chart, 'chart palette follows the theme');
    assert.notDeepEqual(light.pixel, dark.pixel, 'timeline canvas background follows the theme');
    assert.notDeepEqual(dark.pixel, hc.pixel);
    // VS Code's own variables win over the fallbacks.
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-editor-background', 'rgb(1, 2, 3)'));
    await page.waitForTimeout(100);
    assert.equal((await sample()).bg, 'rgb(1, 2, 3)');
  });

  it('is keyboard accessible: focusable controls with visible focus and labels', async () => {
    page = await openWebview(hx, { theme: 'vscode-dark' });
    await postModel(page, sampleModel());
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const d = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        if (!a) return '';
        const cs = getComputedStyle(a);
        return `${a.tagName.toLowerCase()}|${a.getAttribute('aria-label') ?? a.textContent?.trim().slice(0, 20) ?? ''}|${cs.outlineStyle}`;
      });
      seen.push(d);
    }
    assert.ok(seen.some((s) => s.startsWith('button|Reload')), 'header buttons reachable');
    assert.ok(seen.some((s) => s.startsWith('input|')), 'search reachable');
    assert.ok(seen.some((s) => s.startsWith('canvas|Timeline')), 'timeline reachable');
    assert.match((await page.locator('canvas.timeline-canvas').getAttribute('aria-label')) ?? '', /Busy in view: TensorMatrix \d+%/, 'the canvas has a text alternative');
    assert.ok(seen.filter((s) => s.startsWith('button|')).every((s) => s.endsWith('|solid')), 'focus outline visible on buttons');
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('canvas')].filter((c) => !c.getAttribute('aria-label')).length);
    assert.equal(unlabeled, 0, 'every canvas has an aria-label');
  });
});
