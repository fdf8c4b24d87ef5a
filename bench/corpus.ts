// Benchmark corpora: the CPython standard library when it is on the machine (real, varied,
// mostly torch-free Python), and a generated torch-heavy corpus (dense with the patterns the rules
// look at, so the rules do real work).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Corpus {
  name: string;
  files: { path: string; text: string }[];
  lines: number;
}

function pythonStdlibDir(): string | null {
  try {
    const dir = execFileSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

function walk(dir: string, out: string[], limitBytes: number, acc: { bytes: number }): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const e of entries) {
    if (acc.bytes >= limitBytes) return;
    if (e === 'site-packages' || e === 'test' || e === 'tests' || e === '__pycache__' || e === 'idlelib' || e === 'lib2to3') continue;
    const p = join(dir, e);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out, limitBytes, acc);
    else if (e.endsWith('.py') && st.size < 400_000) {
      out.push(p);
      acc.bytes += st.size;
    }
  }
}

export function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function stdlibCorpus(limitBytes = 12_000_000): Corpus {
  const dir = pythonStdlibDir();
  if (!dir) return generatedPlainCorpus();
  const paths: string[] = [];
  walk(dir, paths, limitBytes, { bytes: 0 });
  const files = paths.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
  return { name: `CPython stdlib (${dir})`, files, lines: files.reduce((s, f) => s + countLines(f.text), 0) };
}

function generatedPlainCorpus(): Corpus {
  const files = [];
  for (let i = 0; i < 400; i++) {
    let t = `"""Generated module ${i}."""\nimport os\nimport json\n\n`;
    for (let k = 0; k < 40; k++) t += `def f${k}(a, b=${k}):\n    x = [a * j for j in range(b)]\n    if len(x) > 3:\n        return json.dumps({"k": x, "p": os.sep})\n    return None\n\n`;
    files.push({ path: `gen/plain_${i}.py`, text: t });
  }
  return { name: 'generated plain Python (no stdlib found)', files, lines: files.reduce((s, f) => s + countLines(f.text), 0) };
}

/** A realistic GPU training script, varied by seed so no two files are identical. */
export function torchFile(seed: number, blocks = 12): string {
  const m = `Net${seed}`;
  let t = `import os
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.distributed as dist
from torch.cuda.amp import autocast, GradScaler
from torch.utils.data import DataLoader
from transformers import AutoModelForCausalLM, Trainer, TrainingArguments

device = "cuda" if torch.cuda.is_available() else "cpu"
torch.backends.cudnn.benchmark = True


class ${m}(nn.Module):
    def __init__(self, d=${64 + (seed % 7) * 16}):
        super().__init__()
        self.fc1 = nn.Linear(d, d)
        self.fc2 = nn.Linear(d, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        mask = x > 0
        kept = x[mask]
        idx = torch.nonzero(x)
        return self.fc2(x).double()

`;
  for (let b = 0; b < blocks; b++) {
    t += `
def train_${b}(model, loader, epochs=${b + 1}):
    dist.init_process_group(backend="nccl")
    model = model.cuda()
    opt = torch.optim.AdamW(model.parameters(), lr=${(b + 1) * 1e-4})
    scaler = GradScaler()
    for epoch in range(epochs):
        for step, (x, y) in enumerate(loader):
            x, y = x.to(device), y.to("cuda:0")
            with autocast():
                out = model(x)
                loss = F.cross_entropy(out, y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            opt.zero_grad()
            if loss.item() > ${b + 2}:
                print(loss)
            vals = out.argmax(-1).tolist()
    torch.cuda.synchronize()
    return model


def evaluate_${b}(model, loader):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for x, y in loader:
            out = model(x.cuda())
            total += (out.argmax(-1) == y.cuda()).float().mean().item()
            u = torch.unique(y)
    return total / max(len(loader), 1)
`;
  }
  t += `

def finetune():
    args = TrainingArguments(output_dir="out", fp16=True, per_device_train_batch_size=8)
    model = AutoModelForCausalLM.from_pretrained("gpt2")
    trainer = Trainer(model=model, args=args)
    trainer.train()
`;
  return t;
}

/**
 * One large module as a person would write it: a single import block and device set-up, then many
 * model classes, helpers, training and evaluation functions (no repeated module headers).
 */
export function torchModule(minLines: number): string {
  const full = torchFile(0, 1);
  const header = full.slice(0, full.indexOf('\nclass '));
  let text = header;
  for (let i = 0; countLines(text) < minLines; i++) {
    const body = torchFile(i, 2);
    // Rename so every definition is unique, and drop the per-file header.
    text += body.slice(body.indexOf('\nclass ')).replace(/\b(train|evaluate)_(\d+)\b/g, `$1_${i}_$2`).replace(/\bdef finetune\b/, `def finetune_${i}`);
  }
  return text;
}

export function torchCorpus(files = 60): Corpus {
  const list = Array.from({ length: files }, (_, i) => ({ path: `gen/torch_${i}.py`, text: torchFile(i) }));
  return { name: `generated torch-heavy corpus (${files} files)`, files: list, lines: list.reduce((s, f) => s + countLines(f.text), 0) };
}
