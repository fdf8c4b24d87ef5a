// A generated corpus of CUDA-ish training scripts (seeded, so failures reproduce): after fixing every
// file for each stack, it still parses with no new syntax errors, fixing again changes nothing, the
// fixed findings are gone, no new error-severity finding appears, and the comments and strings that
// merely mention CUDA are untouched.
import * as assert from 'node:assert/strict';
import type { Target } from '../../../src/core/types';
import { assertSafe, fixText } from './helpers';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const MENTIONS = ['# move everything to cuda first', '    # cuda.synchronize() would go here on a GPU', 'BANNER = "trained with cuda and NCCL"', '    print("cuda" + " is not used as a device here")'];

export function generate(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const yes = (p = 0.5) => r() < p;
  const L: string[] = ['"""Generated CUDA training script."""', 'import os', '', 'import torch', 'import torch.nn as nn', 'import torch.nn.functional as F'];
  const amp = yes(0.6);
  const scaler = amp && yes(0.7);
  const distributed = yes(0.5);
  const loader = yes(0.7);
  if (amp) L.push(scaler ? pick(['from torch.cuda.amp import GradScaler, autocast', 'from torch.cuda.amp import autocast, GradScaler']) : 'from torch.cuda.amp import autocast');
  if (distributed) L.push('import torch.distributed as dist');
  if (loader) L.push('from torch.utils.data import DataLoader, TensorDataset');
  L.push('', MENTIONS[0], MENTIONS[2], '');
  if (yes(0.4)) L.push('torch.backends.cudnn.benchmark = True');
  if (yes(0.3)) L.push('torch.backends.cuda.matmul.allow_tf32 = True  # Ampere only');
  L.push('', '', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.fc = nn.Linear(16, 4)', '', '    def forward(self, x):', '        return self.fc(x)', '', '');
  L.push('def main():');
  if (distributed) L.push(`    dist.init_process_group(backend=${pick(['"nccl"', "'nccl'"])})`);
  const deviceStyle = pick(['none', 'torch', 'string', 'choice']);
  if (deviceStyle === 'torch') L.push(`    device = torch.device(${pick(['"cuda"', '"cuda:0"', '"cuda", int(os.environ.get("LOCAL_RANK", 0))'])})`);
  if (deviceStyle === 'string') L.push('    device = "cuda"');
  if (deviceStyle === 'choice') L.push('    device = "cuda" if torch.cuda.is_available() else "cpu"');
  const hasDevice = deviceStyle !== 'none';
  const place = (x: string) => (hasDevice && yes() ? `${x}.to(device)` : pick([`${x}.cuda()`, `${x}.to("cuda")`, `${x}.cuda(non_blocking=True)`]));
  L.push(`    model = ${place('Net()')}`);
  L.push('    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)');
  if (scaler) L.push(`    scaler = ${pick(['GradScaler()', 'GradScaler(enabled=True)'])}`);
  if (loader) {
    L.push('    data = TensorDataset(torch.randn(64, 16), torch.randint(0, 4, (64,)))');
    L.push(`    loader = DataLoader(data, batch_size=8${yes() ? ', drop_last=True' : ''})`);
  } else L.push('    loader = [(torch.randn(8, 16), torch.randint(0, 4, (8,))) for _ in range(8)]');
  L.push('    for epoch in range(2):');
  L.push('        for x, y in loader:');
  L.push(`            x, y = ${place('x')}, ${place('y')}`);
  L.push('            opt.zero_grad()');
  const fwd = '                loss = F.cross_entropy(model(x), y)';
  if (amp) {
    L.push(`            with ${pick(['autocast()', 'autocast(dtype=torch.float16)', 'torch.autocast("cuda")', 'torch.cuda.amp.autocast()'])}:`);
    L.push(fwd);
  } else L.push(fwd.slice(4));
  if (scaler) {
    L.push('            scaler.scale(loss).backward()');
    if (yes()) L.push('            scaler.unscale_(opt)');
    L.push('            scaler.step(opt)', '            scaler.update()');
  } else L.push('            loss.backward()', '            opt.step()');
  if (yes(0.5)) L.push('        torch.cuda.synchronize()');
  L.push(MENTIONS[1], MENTIONS[3]);
  if (yes(0.3)) L.push('    torch.cuda.empty_cache()');
  L.push('', '', 'if __name__ == "__main__":', '    main()', '');
  return L.join('\n');
}

describe('fix engine: generated corpus', function () {
  this.timeout(120_000);
  const N = Number(process.env.FIX_CORPUS ?? 60);
  for (const target of ['xla', 'native'] as Target[]) {
    it(`${N} generated scripts stay valid and converge (${target})`, async () => {
      let fixedSomething = 0;
      for (let seed = 1; seed <= N; seed++) {
        const src = generate(seed * 7919 + (target === 'xla' ? 0 : 1));
        const res = await fixText(src, target);
        if (res.text !== src) fixedSomething++;
        await assertSafe(`seed ${seed}`, src, res, target);
        for (const m of MENTIONS) assert.ok(res.text.includes(m.trim()), `seed ${seed}: a mention of CUDA was changed: ${m}\n${res.text}`);
        assert.doesNotMatch(res.text.replace(/#.*$/gm, '').replace(/"[^"\n]*"/g, '""'), /\.cuda\(|GradScaler\b/, `seed ${seed}: CUDA code left:\n${res.text}`);
      }
      assert.equal(fixedSomething, N);
    });
  }
});
