// `npm run bench`: every benchmark in one go. Each prints its own numbers and ratios.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  ['engine', ['--require', 'tsx/cjs', 'bench/engine.ts']],
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
