#!/usr/bin/env node
// First-run set-up for `npm start` and `npm test` on a fresh clone: installs the npm dependencies when
// they are missing, and with --system (tests) Debian's chromium and ripgrep when they are missing and
// we are root. Uses only Node built-ins, so it runs before anything is installed.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  console.log(`bootstrap: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(join(root, 'node_modules', '.package-lock.json')) || !existsSync(join(root, 'node_modules', 'esbuild'))) {
  run('npm', [existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

if (process.argv.includes('--system') && process.platform === 'linux') {
  const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  const missing = [];
  if (!process.env.CHROMIUM_PATH && !has('chromium') && !has('chromium-browser') && !has('google-chrome')) missing.push('chromium');
  if (!has('rg')) missing.push('ripgrep');
  if (missing.length) {
    if (process.getuid?.() === 0 && has('apt-get')) {
      run('apt-get', ['update', '-qq']);
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing]);
    } else {
      console.warn(`bootstrap: the VS Code tests need ${missing.join(' and ')} (sudo apt-get install ${missing.join(' ')})`);
    }
  }
}
