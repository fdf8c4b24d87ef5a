// Helpers for the e2e specs: open VS Code's workbench (served by scripts/run-vscode-tests.mjs) in
// Chromium with the extension under development loaded, and act on it as a person would.
// The runner passes the server URL and paths through VSCODE_E2E_* environment variables.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export interface Workbench {
  browser: Browser;
  page: Page;
  /** Saves test-results/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e specs through scripts/run-vscode-tests.mjs (npm run test:e2e)`);
  return v;
}

export const resultsDir = (): string => process.env.VSCODE_E2E_RESULTS ?? path.resolve('test-results', 'e2e');
export const workspaceFolder = (): string => env('VSCODE_E2E_WORKSPACE');

/** Opens the workbench on the fixture workspace with the extension loaded from its development folder. */
export async function openWorkbench(folder = workspaceFolder()): Promise<Workbench> {
  const server = env('VSCODE_E2E_SERVER');
  const host = new URL(server).host;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${env('VSCODE_E2E_EXTENSION')}`],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM_PATH'),
    headless: !process.env.VSCODE_E2E_HEADED,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps'],
    // the runner closes registered browsers on Ctrl-C / SIGTERM / timeout
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const registry = (globalThis as { __vscodeTestBrowsers?: Set<Browser> }).__vscodeTestBrowsers;
  registry?.add(browser);
  browser.on('disconnected', () => registry?.delete(browser));
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // the explorer shows the folder once the remote connection and the file service are up
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  return {
    browser,
    page,
    async screenshot(name) {
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}

const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-box input');

/** Opens the command palette (F1) and types `text` after the `>` prefix. Returns the visible item labels. */
export async function commandPalette(page: Page, text: string): Promise<string[]> {
  await page.keyboard.press('F1');
  await quickInputBox(page).waitFor();
  await quickInputBox(page).fill(`>${text}`);
  await page.waitForTimeout(300);
  return quickPickLabels(page);
}

/** Runs a command by its palette label (e.g. "Neuron: Select Target Stack…") as a person would: F1, type, Enter. */
export async function runCommand(page: Page, label: string): Promise<void> {
  const labels = await commandPalette(page, label);
  if (!labels.some((l) => l.includes(label))) throw new Error(`"${label}" is not in the command palette; it shows: ${labels.join(' | ')}`);
  const row = quickInput(page).locator('.monaco-list-row', { hasText: label }).first();
  await row.click();
}

/** Labels of the rows currently shown in the quick input (command palette or quick pick). */
export async function quickPickLabels(page: Page): Promise<string[]> {
  const rows = quickInput(page).locator('.monaco-list-row .label-name');
  await rows.first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Quick Open (the file picker): types a file name and opens the first match. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('F1');
  await quickInputBox(page).waitFor();
  await quickInputBox(page).fill(name); // no ">" prefix: files
  const row = quickInput(page).locator('.monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
}

/** Shows the Problems panel and returns the text of its rows (file rows and marker rows). */
export async function problems(page: Page, waitForText?: RegExp, timeoutMs = 20_000): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems');
  }
  await panel.waitFor({ timeout: 10_000 });
  const rows = panel.locator('.monaco-list-row');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    if (!waitForText || texts.some((t) => waitForText.test(t)) || Date.now() > deadline) return texts;
    await page.waitForTimeout(200);
  }
}

/** The content frame of the active webview: VS Code nests it as iframe.webview > iframe#active-frame. */
export function activeWebview(page: Page): FrameLocator {
  // .last(): the newest webview when an older one is still alive (hidden)
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Waits for text matching `re` in the active webview and returns the webview's whole body text. */
export async function webviewText(page: Page, re: RegExp, timeoutMs = 30_000): Promise<string> {
  const body = activeWebview(page).locator('body');
  try {
    await body.filter({ hasText: re }).waitFor({ timeout: timeoutMs });
  } catch (e) {
    throw new Error(`${re} did not appear in the active webview within ${timeoutMs} ms. What the workbench shows:\n${await describeEditors(page)}`, { cause: e });
  }
  return body.innerText();
}

/** What is on screen when a webview wait fails: tabs, whether a text editor or a webview is active, frame texts. */
export async function describeEditors(page: Page): Promise<string> {
  const lines: string[] = [];
  const safe = async <T>(f: () => Promise<T>, d: T): Promise<T> => f().catch(() => d);
  lines.push(`tabs: ${(await safe(() => page.locator('.tabs-container .tab').allInnerTexts(), [])).map((t) => t.trim()).join(' | ')}`);
  lines.push(`active tab: ${(await safe(() => page.locator('.tabs-container .tab.active').first().innerText({ timeout: 1000 }), '?')).trim()}`);
  lines.push(`webview iframes: ${await safe(() => page.locator('iframe.webview').count(), -1)} (ready: ${await safe(() => page.locator('iframe.webview.ready').count(), -1)})`);
  lines.push(`text editors visible: ${await safe(() => page.locator('.editor-instance .monaco-editor:visible').count(), -1)}`);
  lines.push(`notifications: ${(await safe(() => page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts(), [])).join(' | ')}`);
  for (const f of page.frames()) {
    const text = await safe(() => f.locator('body').innerText({ timeout: 1000 }), '?');
    if (f !== page.mainFrame()) lines.push(`frame ${f.url().slice(0, 120)}: ${JSON.stringify(text.slice(0, 300))}`);
  }
  return lines.join('\n');
}
