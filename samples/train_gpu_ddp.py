"""Distributed data-parallel training of a small transformer language model on NVIDIA GPUs.

Launch with:  torchrun --nproc_per_node=8 train_gpu_ddp.py --epochs 3

This is the kind of script people bring to Trainium: NCCL process group, DDP, automatic mixed
precision with GradScaler, `.cuda()` placement and a `.item()` in the hot loop. Open it with
Neuron Lens to see what has to change for AWS Neuron.
"""
import argparse
import math
import os
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.cuda.amp import GradScaler, autocast
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset, DistributedSampler


class RandomTokens(Dataset):
    """Synthetic token stream so the script runs without downloading data."""

    def __init__(self, vocab_size: int, seq_len: int, n: int = 10_000):
        self.vocab_size, self.seq_len, self.n = vocab_size, seq_len, n

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        g = torch.Generator().manual_seed(idx)
        x = torch.randint(0, self.vocab_size, (self.seq_len + 1,), generator=g)
        return x[:-1], x[1:]


class TinyLM(nn.Module):
    def __init__(self, vocab_size=32_000, d_model=512, n_heads=8, n_layers=6, seq_len=512):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Parameter(torch.zeros(1, seq_len, d_model))
        layer = nn.TransformerEncoderLayer(d_model, n_heads, 4 * d_model, batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, vocab_size, bias=False)

    def forward(self, tokens):
        h = self.embed(tokens) + self.pos[:, : tokens.size(1)]
        mask = nn.Transformer.generate_square_subsequent_mask(tokens.size(1), device=tokens.device)
        return self.head(self.blocks(h, mask=mask, is_causal=True))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-4)
    args = parser.parse_args()

    dist.init_process_group(backend="nccl")
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.benchmark = True

    model = TinyLM().cuda()
    model = DDP(model, device_ids=[local_rank])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    scaler = GradScaler()

    data = RandomTokens(vocab_size=32_000, seq_len=512)
    sampler = DistributedSampler(data)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler, num_workers=4, pin_memory=True)

    step = 0
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        model.train()
        t0 = time.time()
        for tokens, targets in loader:
            tokens = tokens.cuda(non_blocking=True)
            targets = targets.to("cuda", non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            with autocast(dtype=torch.float16):
                logits = model(tokens)
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()

            step += 1
            if loss.item() > 20:  # diverged
                raise RuntimeError(f"loss exploded at step {step}")
            if step % 50 == 0 and dist.get_rank() == 0:
                torch.cuda.synchronize()
                ppl = math.exp(loss.item())
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} ppl {ppl:.1f} "
                      f"{(time.time() - t0) / 50:.3f}s/step mem {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")
                t0 = time.time()

    if dist.get_rank() == 0:
        torch.save(model.module.state_dict(), "tinylm.pt")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
