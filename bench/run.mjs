// `npm run bench`: every benchmark in one go. Each prints its own numbers and ratios.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

// The engine bench runs the code the way dist/ ships it: bundled by esbuild with the same settings as
// scripts/build.mjs (tsx's per-file transform is not what users run), next to the two wasm files.
const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'neuron-lens-bench-'));
await esbuild.build({
  entryPoints: [join(root, 'bench/engine.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  outfile: join(out, 'engine.js'), logLevel: 'warning',
  alias: { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
});
copyFileSync(join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), join(out, 'web-tree-sitter.wasm'));
copyFileSync(join(root, 'node_modules/tree-sitter-python/tree-sitter-python.wasm'), join(out, 'tree-sitter-python.wasm'));
process.on('exit', () => rmSync(out, { recursive: true, force: true }));

const benches = [
  ['engine', [join(out, 'engine.js')]],
  ['profile readers', ['bench/profile.mjs']],
  ['profile timeline', ['bench/timeline.mjs']],
];
let failed = 0;
for (const [name, args] of benches) {
  const file = args[args.length - 1];
  if (!existsSync(file)) {
    console.log(`\n(skipping ${name}: ${file} not present)`);
    continue;
  }
  console.log(`\n===== ${name} =====`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
