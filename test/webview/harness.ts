// Loads the built profile webview (dist/webview-profile.js + chart.umd.min.js + profile.css) into Debian
// Chromium with the real CSP from src/extension/profile/html.ts and a stubbed acquireVsCodeApi.
// No VS Code needed. Screenshots go to test-results/.
import { existsSync, mkdirSync, readFileSync, statSync, readdirSync, copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { profileHtml } from '../../src/extension/profile/html';

export const ROOT = resolve(__dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newestMtime(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Makes sure dist/ has a current webview bundle. `npm run build` normally produces it; when it is missing or older
 * than src/webview/profile (or the model), build just that entry with the same esbuild options as scripts/build.mjs.
 */
export async function ensureBundle(): Promise<void> {
  const out = join(DIST, 'webview-profile.js');
  const srcT = Math.max(newestMtime(join(ROOT, 'src/webview/profile')), statSync(join(ROOT, 'src/core/profile/model.ts')).mtimeMs);
  mkdirSync(DIST, { recursive: true });
  if (!existsSync(out) || statSync(out).mtimeMs < srcT) {
    const esbuild = await import('esbuild');
    await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true,
      entryPoints: [join(ROOT, 'src/webview/profile/main.ts')], outfile: out, logLevel: 'warning' });
  }
  const chart = join(DIST, 'chart.umd.min.js');
  if (!existsSync(chart)) copyFileSync(join(ROOT, 'node_modules/chart.js/dist/chart.umd.min.js'), chart);
  const css = join(DIST, 'profile.css');
  if (!existsSync(css) || statSync(css).mtimeMs < statSync(join(ROOT, 'media/profile.css')).mtimeMs) copyFileSync(join(ROOT, 'media/profile.css'), css);
}

export interface Harness {
  browser: Browser;
  server: Server;
  origin: string;
  close(): Promise<void>;
}

/** Serves dist/ on 127.0.0.1 (the stand-in for webview.cspSource) and launches Chromium. */
export async function startHarness(): Promise<Harness> {
  await ensureBundle();
  mkdirSync(RESULTS, { recursive: true });
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\/+/, '');
    const file = join(DIST, name);
    if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'application/javascript' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    browser, server, origin,
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface Sent { type: string; [k: string]: unknown }

/** Opens the webview page with the production HTML (real CSP), a stubbed VS Code API and a CSP-violation recorder. */
export async function openWebview(h: Harness, opts: { theme?: string; width?: number; height?: number; state?: unknown } = {}): Promise<Page> {
  const page = await h.browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  // tsx (esbuild keepNames) wraps named functions in __name(); functions serialised into the page need it defined.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript((init: { state: unknown; theme: string }) => {
    const w = window as unknown as Record<string, unknown>;
    w.__sent = [];
    w.__csp = [];
    w.__errors = [];
    let state = init.state;
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => (w.__sent as unknown[]).push(m),
      getState: () => state,
      setState: (s: unknown) => { state = s; w.__state = s; },
    });
    document.addEventListener('securitypolicyviolation', (e) => {
      (w.__csp as unknown[]).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    window.addEventListener('error', (e) => (w.__errors as unknown[]).push(String(e.message)));
    // VS Code puts the theme class on <body> before scripts run.
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add(init.theme));
  }, { state: opts.state ?? null, theme: opts.theme ?? 'vscode-light' });
  const html = profileHtml({
    cspSource: h.origin, nonce: 'testnonce123',
    scriptUri: `${h.origin}/webview-profile.js`, chartUri: `${h.origin}/chart.umd.min.js`, styleUri: `${h.origin}/profile.css`,
  });
  await page.route(`${h.origin}/index.html`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${h.origin}/index.html`);
  await page.waitForFunction(() => ((window as unknown as { __sent: Sent[] }).__sent ?? []).some((m) => m.type === 'ready'));
  return page;
}

/**
 * Posts a host message. Timeline columns given as plain arrays are turned into typed arrays in the page
 * (as the host's structured clone would deliver them).
 */
export async function postModel(page: Page, model: unknown, source = '/work/profiles/sample.neuron-profile.json'): Promise<void> {
  await page.evaluate(({ model, source }) => {
    const w = window as unknown as { __sent: { type: string }[] };
    w.__sent = w.__sent.filter((m) => m.type !== 'rendered');
    const m = model as Record<string, unknown> | null;
    const tl = m && typeof m === 'object' ? (m.timeline as Record<string, unknown> | null | undefined) : null;
    if (tl && Array.isArray(tl.start)) {
      tl.start = Float64Array.from(tl.start as number[]);
      tl.duration = Float64Array.from(tl.duration as number[]);
      tl.lane = Uint16Array.from(tl.lane as number[]);
      tl.nameIndex = Uint32Array.from(tl.nameIndex as number[]);
      if (Array.isArray(tl.opIndex)) tl.opIndex = Uint32Array.from(tl.opIndex as number[]);
    }
    window.postMessage({ type: 'model', source, model }, '*');
  }, { model, source });
  await page.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'rendered'));
}

export async function sent(page: Page): Promise<Sent[]> {
  return page.evaluate(() => (window as unknown as { __sent: Sent[] }).__sent);
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

export async function pageErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
}
