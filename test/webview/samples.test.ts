// The real readers (src/core/profile loadProfile) on the project's samples/, rendered by the webview bundle:
// the same path as the extension host → postMessage → webview, minus VS Code.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadProfile } from '../../src/core/profile';
import { ROOT, RESULTS, cspViolations, openWebview, pageErrors, postModel, sent, startHarness, type Harness } from './harness';

/** Typed arrays → plain arrays for the Playwright hop (postModel turns them back into typed arrays in the page). */
function plain(model: unknown): unknown {
  return JSON.parse(JSON.stringify(model, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
}

const SAMPLES = [
  { path: 'samples/profiles/mlp@latest', expect: ['summary', 'engines', 'ops', 'timeline'], shot: 'sample-parquet' },
  { path: 'samples/profiles/trace.json', expect: ['summary', 'insights', 'ops', 'timeline'], shot: 'sample-chrome-trace' },
  { path: 'samples/profiles/inf2-summary.neuron-profile.json', expect: ['summary', 'insights', 'engines', 'memory'], shot: 'sample-summary-json' },
  { path: 'test/fixtures/workspace/profiles/inf2.neuron-profile.json', expect: ['summary', 'engines'], shot: 'fixture-summary-json' },
];

describe('profile webview with the real readers on samples/', function () {
  this.timeout(60000);
  let hx: Harness;
  let page: Page | null = null;
  before(async () => {
    hx = await startHarness();
  });
  after(async () => {
    await hx?.close();
  });
  afterEach(async () => {
    if (page) {
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(await pageErrors(page), []);
      await page.close();
      page = null;
    }
  });

  for (const s of SAMPLES) {
    it(`renders ${s.path}`, async function () {
      const abs = join(ROOT, s.path);
      if (!existsSync(abs)) this.skip();
      const model = await loadProfile(abs);
      page = await openWebview(hx, { theme: 'vscode-dark', height: 1000 });
      await postModel(page, plain(model), abs);
      const r = (await sent(page)).find((m) => m.type === 'rendered');
      assert.ok(r);
      for (const sec of s.expect) assert.ok((r.sections as string[]).includes(sec), `${sec} in ${JSON.stringify(r.sections)}`);
      if (model.timeline && model.timeline.start.length) assert.equal(r.timelineEvents, model.timeline.start.length);
      await page.screenshot({ path: join(RESULTS, `${s.shot}.png`), fullPage: true });
    });
  }
});
