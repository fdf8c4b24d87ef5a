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

/** `torchModule` with everything after the imports inside one class (a long `Trainer`-style class). */
export function oneClassModule(minLines: number): string {
  const base = torchModule(minLines);
  const cut = base.indexOf('\nclass ');
  return base.slice(0, cut) + '\n\nclass Big:\n' + base.slice(cut + 1).split('\n').map((l) => (l ? '    ' + l : l)).join('\n');
}

export function torchCorpus(files = 60): Corpus {
  const list = Array.from({ length: files }, (_, i) => ({ path: `gen/torch_${i}.py`, text: torchFile(i) }));
  return { name: `generated torch-heavy corpus (${files} files)`, files: list, lines: list.reduce((s, f) => s + countLines(f.text), 0) };
}

/**
 * A realistic PyTorch project as teams bring it to Neuron: mostly model code (layers, attention,
 * forward passes), a dataset module, helpers, and one GPU training script. Findings concentrate in
 * the training script, as they do in real code (the dense `torchCorpus` is the worst case).
 */
export function torchProject(copies = 10): Corpus {
  const files: { path: string; text: string }[] = [];
  for (let i = 0; i < copies; i++) {
    const d = 256 + 64 * (i % 4);
    files.push({
      path: `proj${i}/model.py`,
      text: `"""GPT-style decoder, variant ${i}."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm${i}(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        norm = x.pow(2).mean(-1, keepdim=True).add(self.eps).rsqrt()
        return x * norm * self.weight


class Attention${i}(nn.Module):
    def __init__(self, dim: int = ${d}, heads: int = 8, dropout: float = 0.1):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=-1)
        q = q.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        if mask is not None:
            att = att.masked_fill(mask[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        att = self.drop(att)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.proj(y)


class MLP${i}(nn.Module):
    def __init__(self, dim: int = ${d}, hidden: int = ${4 * d}):
        super().__init__()
        self.up = nn.Linear(dim, hidden)
        self.gate = nn.Linear(dim, hidden)
        self.down = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block${i}(nn.Module):
    def __init__(self, dim: int = ${d}, heads: int = 8):
        super().__init__()
        self.norm1 = RMSNorm${i}(dim)
        self.attn = Attention${i}(dim, heads)
        self.norm2 = RMSNorm${i}(dim)
        self.mlp = MLP${i}(dim)

    def forward(self, x, mask=None):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))


class GPT${i}(nn.Module):
    def __init__(self, vocab: int = 32000, dim: int = ${d}, layers: int = ${6 + (i % 3)}, heads: int = 8, block: int = 1024):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(block, dim)
        self.blocks = nn.ModuleList([Block${i}(dim, heads) for _ in range(layers)])
        self.norm = RMSNorm${i}(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        self.head.weight = self.tok.weight
        self.register_buffer("mask", torch.tril(torch.ones(block, block)).view(1, 1, block, block))
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, idx, targets=None):
        b, t = idx.shape
        pos = torch.arange(t, device=idx.device)
        x = self.tok(idx) + self.pos(pos)
        for blk in self.blocks:
            x = blk(x, self.mask)
        logits = self.head(self.norm(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-100)
        return logits, loss

    @torch.no_grad()
    def generate(self, idx, steps: int, temperature: float = 1.0):
        for _ in range(steps):
            logits, _ = self(idx[:, -1024:])
            probs = F.softmax(logits[:, -1, :] / temperature, dim=-1)
            nxt = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, nxt), dim=1)
        return idx
`,
    });
    files.push({
      path: `proj${i}/data.py`,
      text: `"""Token dataset and batching."""
import json
import os

import numpy as np
import torch
from torch.utils.data import Dataset


class TokenDataset${i}(Dataset):
    def __init__(self, path: str, block: int = 1024):
        self.data = np.memmap(path, dtype=np.uint16, mode="r")
        self.block = block

    def __len__(self):
        return (len(self.data) - 1) // self.block

    def __getitem__(self, i):
        chunk = self.data[i * self.block : (i + 1) * self.block + 1].astype(np.int64)
        x = torch.from_numpy(chunk[:-1])
        y = torch.from_numpy(chunk[1:])
        return x, y


def load_meta(root: str) -> dict:
    with open(os.path.join(root, "meta.json")) as f:
        meta = json.load(f)
    meta.setdefault("vocab_size", 32000)
    return meta


def split_indices(n: int, frac: float = 0.98, seed: int = ${i}):
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    cut = int(n * frac)
    return order[:cut].tolist(), order[cut:].tolist()
`,
    });
    files.push({
      path: `proj${i}/train.py`,
      text: `"""Train GPT${i} on 8 GPUs with DDP and AMP."""
import argparse
import os
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler

from data import TokenDataset${i}, load_meta
from model import GPT${i}


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/")
    p.add_argument("--steps", type=int, default=10000)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--log-every", type=int, default=50)
    return p.parse_args()


def evaluate(model, loader, device):
    model.eval()
    losses = []
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            _, loss = model(x, y)
            losses.append(loss.item())
    model.train()
    return sum(losses) / max(len(losses), 1)


def main():
    args = get_args()
    dist.init_process_group(backend="nccl")
    rank = dist.get_rank()
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank)
    torch.backends.cuda.matmul.allow_tf32 = True

    meta = load_meta(args.data)
    train_ds = TokenDataset${i}(os.path.join(args.data, "train.bin"))
    val_ds = TokenDataset${i}(os.path.join(args.data, "val.bin"))
    sampler = DistributedSampler(train_ds)
    train_loader = DataLoader(train_ds, batch_size=args.batch, sampler=sampler, num_workers=4, pin_memory=True)
    val_loader = DataLoader(val_ds, batch_size=args.batch)

    model = GPT${i}(vocab=meta["vocab_size"]).to(device)
    model = DDP(model, device_ids=[local_rank])
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    scaler = torch.cuda.amp.GradScaler()

    step = 0
    t0 = time.time()
    for epoch in range(100):
        sampler.set_epoch(epoch)
        for x, y in train_loader:
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            with torch.autocast("cuda", dtype=torch.float16):
                _, loss = model(x, y)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(opt)
            scaler.update()
            step += 1
            if step % args.log_every == 0 and rank == 0:
                dt = time.time() - t0
                print(f"step {step} loss {loss.item():.3f} {dt:.1f}s")
                t0 = time.time()
            if step >= args.steps:
                break
    if rank == 0:
        print("val loss", evaluate(model, val_loader, device))
        torch.save(model.module.state_dict(), "gpt.pt")


if __name__ == "__main__":
    main()
`,
    });
    files.push({
      path: `proj${i}/utils.py`,
      text: `"""Schedules, seeding and metrics."""
import math
import random

import numpy as np
import torch


def seed_everything(seed: int = ${i}) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cosine_lr(step: int, warmup: int, total: int, base: float, floor: float = 0.1) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def param_groups(model, weight_decay: float = 0.1):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (decay if p.dim() >= 2 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def count_params(model) -> int:
    return sum(p.numel() for p in model.parameters())
`,
    });
  }
  return { name: `generated PyTorch projects (${copies} × model/data/train/utils)`, files, lines: files.reduce((s, f) => s + countLines(f.text), 0) };
}
