// Bundles the extension host code, the CLI and the webview code with esbuild, and copies the
// tree-sitter wasm files and browser libraries next to them. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM entry breaks under a CJS bundle (import.meta.url becomes {}); use its .cjs build.
const alias = { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') };

const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, outdir: dist,
  external: ['vscode'], alias, logLevel: 'warning',
};

const entries = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' } },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { worker: 'src/core/workspace/worker.ts' } },
];
const webviews = ['src/webview/profile/main.ts', 'src/webview/report/main.ts'].filter((f) => existsSync(join(root, f)));
for (const f of webviews) {
  const name = f.split('/')[2];
  entries.push({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true,
    outdir: dist, entryPoints: { [`webview-${name}`]: f }, logLevel: 'warning' });
}
const present = entries.filter((e) => Object.values(e.entryPoints).every((p) => existsSync(join(root, p))));

function copyAssets() {
  copyFileSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
  copyFileSync(join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), join(dist, 'tree-sitter-python.wasm'));
  copyFileSync(join(root, 'node_modules/chart.js/dist/chart.umd.min.js'), join(dist, 'chart.umd.min.js'));
  const media = join(root, 'media');
  if (existsSync(media)) for (const f of readdirSync(media)) if (f.endsWith('.css')) copyFileSync(join(media, f), join(dist, f));
}

if (watch) {
  for (const e of present) (await esbuild.context(e)).watch();
  copyAssets();
  console.log('watching…');
} else {
  await Promise.all(present.map((e) => esbuild.build(e)));
  copyAssets();
}
