#!/usr/bin/env node
// `npm start`: builds the extension, then opens it on the samples/ workspace.
//  - With a desktop VS Code (`code` on PATH, or VSCODE_CLI=/path/to/code): launches
//    `code --extensionDevelopmentPath=<repo> samples` and returns.
//  - Otherwise (or with --web): starts the offline VS Code server from .vscode-test/code-server
//    (installed on first use by scripts/setup-vscode-server.sh) and prints the URL to open; it keeps
//    running until Ctrl-C, then stops the server.
//
//   node scripts/start.mjs [--web] [--no-build] [--port N] [--host ADDR] [--extension DIR] [folder]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, workbenchUrl } from './run-vscode-tests.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : fallback; };
const positional = argv.filter((a, i) => !a.startsWith('--') && !['--port', '--host', '--extension'].includes(argv[i - 1]));
const extension = resolve(option('--extension', ROOT));
const folder = resolve(positional[0] ?? join(ROOT, 'samples'));

function findCode() {
  if (flag('--web')) return undefined;
  const candidates = [process.env.VSCODE_CLI, 'code', 'code-insiders', 'codium'].filter(Boolean);
  for (const c of candidates) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15_000 });
    // code-server also installs a `code`-like CLI in some setups; accept only a real desktop build
    if (r.status === 0 && /^\d+\.\d+\.\d+/.test(r.stdout) && !/code-server/i.test(r.stdout)) return c;
  }
  return undefined;
}

async function main() {
  if (!flag('--no-build')) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  if (extension === ROOT && !existsSync(join(ROOT, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing after the build; see the build output above.');
    process.exit(1);
  }

  const code = findCode();
  if (code) {
    console.log(`Opening ${folder} in VS Code (${code}) with the extension from ${extension}`);
    const child = spawn(code, [`--extensionDevelopmentPath=${extension}`, folder], { stdio: 'inherit', detached: true });
    child.on('error', (e) => { console.error(e.message); process.exit(1); });
    child.unref();
    return;
  }

  console.log('No desktop VS Code found (`code` on PATH or VSCODE_CLI): starting VS Code in the browser instead.');
  const setup = spawnSync('bash', [join(ROOT, 'scripts', 'setup-vscode-server.sh')], { stdio: 'inherit', cwd: ROOT });
  if (setup.status !== 0) process.exit(setup.status ?? 1);

  const server = await startServer({
    workspace: folder,
    dataDir: join(ROOT, '.vscode-test', 'start-user-data'), // kept between runs (your layout and settings)
    freshUserData: false,
    logFile: join(ROOT, '.vscode-test', 'start-server.log'),
    host: option('--host', process.env.NEURON_START_HOST ?? '127.0.0.1'),
    port: Number(option('--port', process.env.NEURON_START_PORT ?? 0)),
    gallery: true, // your session may install other extensions
  });
  let stopping = false;
  process.on('exit', () => server.stopSync());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      stopping = true;
      console.log('\nStopping the VS Code server…');
      await server.stop();
      process.exit(0);
    });
  }
  server.child.on('exit', (c) => {
    if (stopping) return;
    console.error(`The VS Code server stopped (${c}); see .vscode-test/start-server.log`);
    process.exit(1);
  });

  const url = workbenchUrl(server.url, { folder, extensionDevelopmentPath: extension });
  console.log('');
  console.log('Neuron Lens is running in VS Code 1.99 (code-server) on the samples workspace. Open this URL in a browser:');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  console.log(`(a plain ${server.url}/ opens VS Code without the extension under development)`);
  console.log('On a remote machine, forward the port first, e.g. `ssh -L <port>:127.0.0.1:<port> host`.');
  console.log('After changing the code: `npm run build` (or `npm run watch`), then reload the browser tab.');
  console.log('Press Ctrl-C to stop.');
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
