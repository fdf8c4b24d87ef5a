// Timeline render benchmark: the built webview (dist/webview-profile.js) in Debian Chromium, a 1M-event
// timeline, requestAnimationFrame-driven redraws while panning/zooming, compared with a baseline that
// only clears and fills a canvas of the same size per frame, in the same run.
//
//   npm run build && node bench/timeline.mjs [--events 1000000] [--frames 240] [--dpr 1] [--json]
//
// Prints fps (target ≥ 30) and per-frame draw times for: the baseline, full zoom-out (pan jitter),
// and a zoom sweep from full range to 1/5000 of it and back (exercises all three LOD paths).
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const EVENTS = opt('events', 1_000_000);
const FRAMES = opt('frames', 240);
const DPR = opt('dpr', 1);
const JSON_OUT = args.includes('--json');
const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
for (const f of ['webview-profile.js', 'chart.umd.min.js', 'profile.css']) {
  if (!existsSync(join(dist, f))) {
    console.error(`dist/${f} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
}

const server = createServer((req, res) => {
  const file = join(dist, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, ''));
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'application/javascript' }).end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const nonce = 'benchnonce';
// Same CSP and page shape as src/extension/profile/html.ts.
const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${origin} data:; style-src ${origin}; script-src 'nonce-${nonce}';">
<link rel="stylesheet" href="${origin}/profile.css"></head><body class="vscode-dark"><main id="app"></main>
<script nonce="${nonce}" src="${origin}/chart.umd.min.js"></script>
<script nonce="${nonce}" src="${origin}/webview-profile.js"></script></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let exitCode = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: DPR });
  await page.addInitScript({ content: `window.__sent=[];window.__csp=[];document.addEventListener('securitypolicyviolation',e=>window.__csp.push(e.violatedDirective));window.acquireVsCodeApi=()=>({postMessage:m=>window.__sent.push(m),getState:()=>undefined,setState:()=>{}});` });
  await page.route(`${origin}/index.html`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));

  // 1M events over 12 lanes (6 engines, 5 DMA queues, 1 collective), 3 ms of device time, in typed arrays.
  const load = await page.evaluate((n) => {
    const lanes = ['TensorMatrix', 'Tensor', 'Vector', 'Scalar', 'GpSimd', 'Sync', 'qSyncIO0', 'qSyncSpillReload0', 'qVectorSpillReload0', 'qScalarSpillReload0-Q1-E64', 'qGpSimdDynamic', 'CC-core 0']
      .map((label, i) => ({ id: label, label, group: i < 6 ? 'engine' : i < 11 ? 'dma' : 'collective' }));
    const names = ['MATMUL', 'LDWEIGHTS', 'TENSOR_TENSOR', 'TENSOR_SCALAR', 'ACTIVATE', 'REDUCE', 'EVENT_SEMAPHORE', 'DMA_DIRECT2D', 'AllReduce', 'NOTIFY'];
    const start = new Float64Array(n);
    const duration = new Float64Array(n);
    const lane = new Uint16Array(n);
    const nameIndex = new Uint32Array(n);
    const t = new Float64Array(lanes.length);
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (let i = 0; i < n; i++) {
      const l = Math.floor(rnd() * lanes.length);
      t[l] += Math.floor(rnd() * 30);
      const d = 5 + Math.floor(rnd() * 60);
      start[i] = t[l]; duration[i] = d; lane[i] = l; nameIndex[i] = Math.floor(rnd() * names.length);
      t[l] += d;
    }
    const model = { format: 'parquet', source: 'bench', totalTimeNs: Math.max(...t), activeTimePercent: 80, mfuPercent: 40, hfuPercent: 50, mbuPercent: 30,
      engines: [], hbm: null, topOps: [], insights: [], warnings: [], timeline: { lanes, start, duration, lane, nameIndex, names, totalEvents: n } };
    const t0 = performance.now();
    window.postMessage({ type: 'model', source: 'bench', model }, '*');
    return new Promise((resolve) => {
      const check = () => (window.__sent.some((m) => m.type === 'rendered') ? resolve({ renderMs: performance.now() - t0, spanNs: Math.max(...t) }) : setTimeout(check, 5));
      check();
    });
  }, EVENTS);

  const run = await page.evaluate(async (frames) => {
    const tl = window.__neuronLens.timeline;
    const { start: s0, end: s1 } = tl.span;
    const full = s1 - s0;
    const stats = (arr) => {
      const a = [...arr].sort((x, y) => x - y);
      return { mean: a.reduce((x, y) => x + y, 0) / a.length, p50: a[Math.floor(a.length * 0.5)], p95: a[Math.floor(a.length * 0.95)], max: a[a.length - 1] };
    };
    // Drive N frames with requestAnimationFrame; `work(i)` runs inside each frame. Returns fps and work times.
    const loop = (work) => new Promise((resolve) => {
      const times = [];
      let i = 0;
      let tStart = 0;
      const frame = (ts) => {
        if (i === 0) tStart = ts;
        const a = performance.now();
        work(i);
        times.push(performance.now() - a);
        i++;
        if (i <= frames) requestAnimationFrame(frame);
        else resolve({ fps: frames / ((ts - tStart) / 1000), work: stats(times) });
      };
      requestAnimationFrame(frame);
    });
    // Baseline: an empty canvas of the same size cleared and filled per frame.
    const c = document.createElement('canvas');
    c.width = tl.canvas.width; c.height = tl.canvas.height;
    document.body.appendChild(c);
    const ctx = c.getContext('2d', { alpha: false });
    const baseline = await loop((i) => { ctx.fillStyle = i % 2 ? '#1e1e1e' : '#1f1f1f'; ctx.fillRect(0, 0, c.width, c.height); });
    c.remove();
    // Full zoom-out with pan jitter (±0.5 % of the range) on every frame.
    const zoomOut = await loop((i) => { const d = full * 0.005 * Math.sin(i / 5); tl.setView(s0 + d, s1 + d, false); tl.draw(); });
    const modes = { ...tl.lastStats };
    // Zoom sweep: full range → 1/5000 → back, panning as it goes.
    const sweepModes = { individual: 0, pyramid: 0, bucketed: 0 };
    const sweep = await loop((i) => {
      const phase = i / frames;
      const z = Math.pow(5000, phase < 0.5 ? phase * 2 : (1 - phase) * 2);
      const w = full / z;
      const centre = s0 + full * (0.3 + 0.4 * phase);
      tl.setView(centre - w / 2, centre + w / 2, false);
      const st = tl.draw();
      sweepModes.individual += st.individual; sweepModes.pyramid += st.pyramid; sweepModes.bucketed += st.bucketed;
    });
    tl.reset(false);
    tl.draw();
    return { baseline, zoomOut, sweep, modes, sweepModes, canvas: [tl.canvas.width, tl.canvas.height], lanes: tl.lastStats };
  }, FRAMES);

  const csp = await page.evaluate(() => window.__csp);
  await page.locator('#timeline').screenshot({ path: join(root, 'test-results', 'bench-timeline.png') }).catch(() => undefined);
  const result = {
    events: EVENTS, frames: FRAMES, dpr: DPR, canvas: run.canvas,
    loadAndIndexMs: Math.round(load.renderMs),
    baseline: { fps: +run.baseline.fps.toFixed(1), workMs: +run.baseline.work.mean.toFixed(3) },
    fullZoomOut: { fps: +run.zoomOut.fps.toFixed(1), drawMsMean: +run.zoomOut.work.mean.toFixed(2), drawMsP95: +run.zoomOut.work.p95.toFixed(2), drawMsMax: +run.zoomOut.work.max.toFixed(2), lod: run.modes },
    zoomSweep: { fps: +run.sweep.fps.toFixed(1), drawMsMean: +run.sweep.work.mean.toFixed(2), drawMsP95: +run.sweep.work.p95.toFixed(2), drawMsMax: +run.sweep.work.max.toFixed(2), laneFramesByMode: run.sweepModes },
    cspViolations: csp.length,
  };
  result.ratioFullZoomOutVsBaseline = +(result.fullZoomOut.fps / result.baseline.fps).toFixed(3);
  result.ratioSweepVsBaseline = +(result.zoomSweep.fps / result.baseline.fps).toFixed(3);
  result.drawBoundFpsFullZoomOut = Math.round(1000 / Math.max(0.001, result.fullZoomOut.drawMsP95));
  result.drawBoundFpsSweep = Math.round(1000 / Math.max(0.001, result.zoomSweep.drawMsP95));
  if (JSON_OUT) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`timeline bench: ${EVENTS.toLocaleString('en-US')} events, ${FRAMES} rAF frames per scenario, canvas ${run.canvas.join('×')} px (dpr ${DPR})`);
    console.log(`  load + index + first render: ${result.loadAndIndexMs} ms`);
    console.log(`  baseline (clear+fill):       ${result.baseline.fps} fps, work ${result.baseline.workMs} ms/frame`);
    console.log(`  full zoom-out, pan jitter:   ${result.fullZoomOut.fps} fps, draw mean ${result.fullZoomOut.drawMsMean} ms, p95 ${result.fullZoomOut.drawMsP95} ms (draw-bound ≈ ${result.drawBoundFpsFullZoomOut} fps); ratio vs baseline ${result.ratioFullZoomOutVsBaseline}`);
    console.log(`  zoom sweep 1×→5000×→1×:      ${result.zoomSweep.fps} fps, draw mean ${result.zoomSweep.drawMsMean} ms, p95 ${result.zoomSweep.drawMsP95} ms, max ${result.zoomSweep.drawMsMax} ms (draw-bound ≈ ${result.drawBoundFpsSweep} fps); ratio vs baseline ${result.ratioSweepVsBaseline}`);
    console.log(`  LOD lane-frames in sweep: ${JSON.stringify(result.zoomSweep.laneFramesByMode)}; CSP violations: ${result.cspViolations}`);
  }
  const ok = result.fullZoomOut.fps >= 30 && result.zoomSweep.fps >= 30 && result.cspViolations === 0;
  console.log(ok ? 'PASS: ≥ 30 fps' : 'FAIL: below 30 fps or CSP violations');
  exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);
