#!/usr/bin/env node
// Runs the extension in a real VS Code (1.99.3, from npm code-server@4.99.4) and tests it:
//   integration: mocha suites (test/integration/**/*.test.ts) inside the real extension host, loaded
//                through VS Code's `payload` URL parameter (extensionDevelopmentPath/extensionTestsPath)
//   e2e:         mocha + playwright-core specs (test/e2e/**/*.spec.ts) that drive the workbench in Chromium
//
//   node scripts/run-vscode-tests.mjs [--integration] [--e2e] [--no-build] [--build-only]
//        [--grep <regex>] [--extension <dir>] [--workspace <dir>] [--headed] [--test-cli-runner]
//
// --test-cli-runner loads the integration suites through @vscode/test-cli's own runner (the one
// `npm run test:desktop` uses) instead of test/integration/index.ts: proof that they run unchanged there.
// With neither --integration nor --e2e it runs both. The last line is `N passed, N failed`; the exit
// code is non-zero when anything failed. The VS Code server it starts (its own process group) is
// always stopped, also on error, timeout and Ctrl-C. Everything it writes stays inside the project:
// .vscode-test/ (server install, user data, extensions, config) and test-results/ (screenshots, logs).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const VSCODE_TEST = join(ROOT, '.vscode-test');
const RESULTS = join(ROOT, 'test-results');
const OUT_TEST = join(ROOT, 'out', 'test');
const CODE_SERVER_ENTRY = join(VSCODE_TEST, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

// ---------------------------------------------------------------------------------------------- cli
export function parseArgs(argv) {
  const o = { integration: false, e2e: false, build: true, buildOnly: false, grep: undefined, headed: false,
    extension: process.env.NEURON_TEST_EXTENSION ? resolve(process.env.NEURON_TEST_EXTENSION) : ROOT,
    workspace: join(ROOT, 'test', 'fixtures', 'workspace') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--integration') o.integration = true;
    else if (a === '--e2e') o.e2e = true;
    else if (a === '--no-build') o.build = false;
    else if (a === '--build-only') o.buildOnly = true;
    else if (a === '--headed') o.headed = true;
    else if (a === '--test-cli-runner') o.testCliRunner = true;
    else if (a === '--grep') o.grep = argv[++i];
    else if (a === '--extension') o.extension = resolve(argv[++i]);
    else if (a === '--workspace') o.workspace = resolve(argv[++i]);
    else if (a === '-h' || a === '--help') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 13).join('\n')); process.exit(0); }
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.integration && !o.e2e) o.integration = o.e2e = true;
  return o;
}

const log = (...a) => console.log('[vscode-tests]', ...a);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const timings = [];
async function stage(name, fn) {
  const t0 = Date.now();
  log(`${name}…`);
  try {
    return await fn();
  } finally {
    timings.push([name, secs(t0)]);
    log(`${name}: ${secs(t0)}`);
  }
}

// -------------------------------------------------------------------------------------------- build
/** Bundles the test suites with esbuild into out/test/{integration,e2e}. Any new *.test.ts / *.spec.ts is picked up. */
export async function buildTests() {
  const esbuild = await import('esbuild');
  // Build next to out/test and swap it in, so a concurrent run in the same checkout sees a whole tree.
  const tmp = `${OUT_TEST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const list = (dir, suffixes) => existsSync(dir)
    ? readdirSync(dir, { recursive: true }).map(String).filter((f) => suffixes.some((s) => f.endsWith(s))).map((f) => join(dir, f))
    : [];
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning' };
  const integration = list(join(ROOT, 'test', 'integration'), ['.test.ts', 'index.ts']);
  const e2e = list(join(ROOT, 'test', 'e2e'), ['.spec.ts']);
  try {
    await Promise.all([
      integration.length && esbuild.build({ ...common, entryPoints: integration, outbase: join(ROOT, 'test', 'integration'),
        outdir: join(tmp, 'integration'), external: ['vscode', 'mocha'] }),
      e2e.length && esbuild.build({ ...common, entryPoints: e2e, outbase: join(ROOT, 'test', 'e2e'),
        outdir: join(tmp, 'e2e'), external: ['playwright-core', 'mocha'] }),
    ]);
    rmSync(OUT_TEST, { recursive: true, force: true });
    renameSync(tmp, OUT_TEST);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { integration: integration.filter((f) => f.endsWith('.test.ts')).length, e2e: e2e.length };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

// ------------------------------------------------------------------------------------------ browser
export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('no Chromium found: install Debian\'s `chromium` (apt-get install -y chromium) or set CHROMIUM_PATH');
  return found;
}

/**
 * Every Chromium the runner or an e2e spec launches is registered here so that Ctrl-C, SIGTERM and
 * timeouts close it too (test/e2e/workbench.ts adds its browsers to the same set).
 */
export const BROWSERS = (globalThis.__vscodeTestBrowsers ??= new Set());
export async function launchChromium(headless = true) {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium(), headless, args: CHROMIUM_ARGS,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  BROWSERS.add(browser);
  browser.on('disconnected', () => BROWSERS.delete(browser));
  return browser;
}
async function closeBrowsers() {
  await Promise.race([Promise.all([...BROWSERS].map((b) => b.close().catch(() => {}))), new Promise((r) => setTimeout(r, 5000))]);
}

/** Keeps Chromium's and code-server's per-user files (crash reports, caches) inside .vscode-test/. */
export function isolateHome() {
  const xdg = join(VSCODE_TEST, 'xdg');
  Object.assign(process.env, { XDG_DATA_HOME: join(xdg, 'data'), XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_CACHE_HOME: join(xdg, 'cache'), XDG_STATE_HOME: join(xdg, 'state') });
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-default-apps'];

// ------------------------------------------------------------------------------------------- server
/** Default user settings of the test VS Code: quiet, no telemetry, no trust prompts, no welcome page. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
};

/**
 * Starts VS Code's server (code-server) on a free loopback port in its own process group.
 * Returns { url, pid, child, stop(), stopSync() }; both stops end the whole group, by the server's pid.
 */
export async function startServer({ workspace, logFile = join(RESULTS, 'code-server.log'), freshUserData = true,
  dataDir = join(VSCODE_TEST, 'user-data'), host = '127.0.0.1', port = 0, env: extraEnv = {}, gallery = false } = {}) {
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error('code-server is not installed: run `npm run setup:vscode`');
  if (freshUserData) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'User'), { recursive: true });
  const settings = join(dataDir, 'User', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(USER_SETTINGS, null, 2));
  const extDir = join(VSCODE_TEST, 'extensions');
  mkdirSync(extDir, { recursive: true });
  const config = join(VSCODE_TEST, 'code-server-config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const xdg = join(VSCODE_TEST, 'xdg');
  mkdirSync(dirname(logFile), { recursive: true });

  const args = [CODE_SERVER_ENTRY, '--config', config, '--bind-addr', `${host}:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dataDir, '--extensions-dir', extDir, workspace].filter(Boolean);
  const env = { ...process.env, XDG_DATA_HOME: join(xdg, 'data'), XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_CACHE_HOME: join(xdg, 'cache'), XDG_STATE_HOME: join(xdg, 'state'), VSCODE_CLI_DATA_DIR: join(xdg, 'cli'),
    NODE_OPTIONS: '',
    // No extension gallery in tests: opening a notebook makes VS Code look up kernel extensions, and with no
    // network each lookup waits on DNS (a CI run stalled 30 s in showNotebookDocument on open-vsx.org lookups).
    ...(gallery ? {} : { EXTENSIONS_GALLERY: '{}' }),
    ...extraEnv };
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(logFile);
  let stopped = false;
  const exited = new Promise((r) => child.once('exit', r));
  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  /** SIGTERM the server's process group, wait up to 3 s for the server, then SIGKILL what is left of the group. */
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    killGroup('SIGKILL');
  };
  /** The same for process 'exit' handlers, where nothing can be awaited. */
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    killGroup('SIGTERM');
    spawnSync('sleep', ['0.3']);
    killGroup('SIGKILL');
  };
  const url = await new Promise((resolveUrl, reject) => {
    let buf = '';
    const timer = setTimeout(() => { stopSync(); reject(new Error(`code-server did not start within 60 s; see ${relative(ROOT, logFile)}`)); }, 60_000);
    const onData = (d) => {
      out.write(d);
      buf += d.toString();
      const m = /HTTP server listening on (http:\/\/[^\s/]+:\d+)/.exec(buf);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`code-server exited early (${code ?? sig}); see ${relative(ROOT, logFile)}`)); });
  });
  // wait until the HTTP side answers
  const deadline = Date.now() + 30_000;
  for (;;) {
    try { const r = await globalThis.fetch(`${url}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { stopSync(); throw new Error('code-server /healthz did not answer'); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid, stop, stopSync, child };
}

/** URL of the workbench with a folder open and VS Code's development/test payload. */
export function workbenchUrl(serverUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const host = new URL(serverUrl).host;
  const remote = (p) => `vscode-remote://${host}${p}`;
  const payload = [['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${serverUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// -------------------------------------------------------------------------------------- integration
/** Workbench chatter that says nothing about the tests (the gallery is unreachable offline, by design). */
const NOISE = [/open-vsx\.org/, /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^\[Service Worker\]/,
  /^ChatSessionStore/, /^Updating additional builtin extensions cache/, /^\s+at .*workbench\.js/];

async function runIntegration(server, opts) {
  const resultsFile = server.resultsFile; // NEURON_TEST_RESULTS in the extension host's environment
  rmSync(resultsFile, { force: true });
  const browser = await launchChromium(!opts.headed);
  const logged = [];
  const timeoutMs = Number(process.env.VSCODE_TEST_TIMEOUT_MS || 10 * 60_000);
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    const exitCode = await new Promise((resolveExit, reject) => {
      const timer = setTimeout(() => reject(new Error(`integration tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      page.exposeFunction('codeAutomationLog', (type, args) => {
        // the extension host's console (mocha's reporter) arrives here as console.* arguments
        const line = format(...(Array.isArray(args) ? args : [args])).replace(/\n$/, '');
        if (NOISE.some((re) => re.test(line))) return;
        logged.push(line);
        (console[type] || console.log)(line);
      }).then(() => page.exposeFunction('codeAutomationExit', (code) => { clearTimeout(timer); resolveExit(code); }))
        .then(() => page.goto(workbenchUrl(server.url, { folder: opts.workspace, extensionDevelopmentPath: opts.extension,
          extensionTestsPath: opts.testCliRunner ? join(ROOT, 'node_modules', '@vscode', 'test-cli', 'out', 'runner.cjs')
            : join(OUT_TEST, 'integration', 'index.js') })))
        .catch((e) => { clearTimeout(timer); reject(e); });
    });
    await page.screenshot({ path: join(RESULTS, 'integration-final.png') }).catch(() => {});
    if (existsSync(resultsFile)) {
      copyFileSync(resultsFile, join(RESULTS, 'integration-results.json'));
      const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
      return { passed: r.passed, failed: r.failed + (exitCode !== 0 && r.failed === 0 ? 1 : 0) };
    }
    // No results file (e.g. --test-cli-runner): read mocha's spec summary from the extension host's output.
    const count = (re) => Number(logged.map((l) => re.exec(l)?.[1]).filter(Boolean).pop() ?? 0);
    const passed = count(/^\s*(\d+) passing/), failed = count(/^\s*(\d+) failing/);
    if (passed + failed > 0) return { passed, failed: failed + (exitCode !== 0 && failed === 0 ? 1 : 0) };
    console.error(`[vscode-tests] the extension host exited with ${exitCode} without writing ${relative(ROOT, resultsFile)}`);
    return { passed: 0, failed: 1 };
  } catch (e) {
    console.error('[vscode-tests] integration:', e.message);
    if (page) await page.screenshot({ path: join(RESULTS, 'integration-error.png') }).catch(() => {});
    return { passed: 0, failed: 1 };
  } finally {
    await browser.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------- e2e
async function runE2e(server, opts) {
  const files = existsSync(join(OUT_TEST, 'e2e'))
    ? readdirSync(join(OUT_TEST, 'e2e'), { recursive: true }).map(String).filter((f) => f.endsWith('.spec.js')).sort() : [];
  if (files.length === 0) { log('no e2e specs'); return { passed: 0, failed: 0 }; }
  // The specs read these (see test/e2e/workbench.ts).
  Object.assign(process.env, {
    VSCODE_E2E_SERVER: server.url,
    VSCODE_E2E_WORKSPACE: opts.workspace,
    VSCODE_E2E_EXTENSION: opts.extension,
    VSCODE_E2E_RESULTS: join(RESULTS, 'e2e'),
    VSCODE_E2E_HEADED: opts.headed ? '1' : '',
    CHROMIUM_PATH: findChromium(),
  });
  mkdirSync(join(RESULTS, 'e2e'), { recursive: true });
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, reporter: 'spec', color: !process.env.CI, ...(opts.grep ? { grep: opts.grep } : {}) });
  for (const f of files) mocha.addFile(join(OUT_TEST, 'e2e', f));
  return new Promise((res) => {
    const runner = mocha.run(() => res({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
}

// --------------------------------------------------------------------------------------------- main
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(RESULTS, { recursive: true });
  if (opts.build) {
    await stage('build extension', () => run(process.execPath, ['scripts/build.mjs']));
    await stage('build tests', async () => log('bundled', JSON.stringify(await buildTests())));
  }
  if (opts.buildOnly) return 0;
  if (!existsSync(join(OUT_TEST, 'integration', 'index.js'))) throw new Error('tests are not built (drop --no-build)');
  if (opts.extension === ROOT && !existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');

  await stage('setup code-server', () => run('bash', [join(ROOT, 'scripts', 'setup-vscode-server.sh')]));
  findChromium();

  isolateHome();
  let server;
  const cleanup = async () => { const s = server; server = undefined; if (s) await s.stop(); };
  process.on('exit', () => { const s = server; server = undefined; s?.stopSync(); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      console.error(`[vscode-tests] ${sig}: closing the browsers and stopping the VS Code server`);
      await closeBrowsers();
      await cleanup();
      process.exit(130);
    });
  }
  const total = { passed: 0, failed: 0 };
  try {
    // Per-run user data, so that two runs in the same checkout (several engineers) do not collide.
    // The extension host inherits the server's environment: that is how index.js learns where to
    // write its counts and which tests to --grep.
    const runDir = join(VSCODE_TEST, 'runs', String(process.pid));
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    const resultsFile = join(runDir, 'integration-results.json');
    const env = { NEURON_TEST_RESULTS: resultsFile, ...(opts.grep ? { NEURON_TEST_GREP: opts.grep } : {}) };
    if (opts.testCliRunner) {
      // what @vscode/test-cli passes to its runner.cjs (see `npx vscode-test --list-configuration`)
      const suites = readdirSync(join(OUT_TEST, 'integration'), { recursive: true }).map(String)
        .filter((f) => f.endsWith('.test.js')).sort().map((f) => join(OUT_TEST, 'integration', f));
      env.VSCODE_TEST_OPTIONS = JSON.stringify({ mochaOpts: { ui: 'tdd', timeout: 30_000, ...(opts.grep ? { grep: opts.grep } : {}) },
        colorDefault: false, preload: [], files: suites });
    }
    server = await stage('start VS Code server', () => startServer({ workspace: opts.workspace, dataDir: join(runDir, 'user-data'), env }));
    server.resultsFile = resultsFile;
    const { stop, stopSync } = server;
    server.stop = async () => { await stop(); rmSync(runDir, { recursive: true, force: true }); };
    server.stopSync = () => { stopSync(); rmSync(runDir, { recursive: true, force: true }); };
    log(`VS Code server ${server.url} (pid ${server.pid}), log in test-results/code-server.log`);
    if (opts.integration) {
      const r = await stage('integration tests', () => runIntegration(server, opts));
      log(`integration: ${r.passed} passed, ${r.failed} failed`);
      total.passed += r.passed; total.failed += r.failed;
    }
    if (opts.e2e) {
      const r = await stage('e2e tests', () => runE2e(server, opts));
      log(`e2e: ${r.passed} passed, ${r.failed} failed`);
      total.passed += r.passed; total.failed += r.failed;
    }
  } catch (e) {
    console.error('[vscode-tests] error:', e.stack || e.message);
    total.failed += 1;
  } finally {
    await closeBrowsers();
    await stage('stop VS Code server', () => cleanup());
  }
  log('wall times:', timings.map(([n, t]) => `${n} ${t}`).join(', '));
  console.log(`${total.passed} passed, ${total.failed} failed`);
  return total.failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then((code) => process.exit(code), (e) => { console.error(e.stack || e.message); console.log('0 passed, 1 failed'); process.exit(1); });
}
