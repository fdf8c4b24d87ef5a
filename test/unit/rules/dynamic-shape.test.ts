import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';
import { maskableIndex } from '../../../src/core/rules/util/ra';

const model = (body: string) => `
  import torch
  import torch.nn as nn
  class Net(nn.Module):
      def forward(self, x, mask):
          ${body}
          return x
`;

describe('dynamic-shape', () => {
  describe('NRN401 nonzero / argwhere', () => {
    it('fires in forward and in a training loop, through aliases', async () => {
      const f = await findingsOf('NRN401', model('idx = torch.nonzero(mask)'));
      assert.deepEqual(at(f), [[5, 21]]);
      const g = await findingsOf('NRN401', `
        import torch as T
        for x in loader:
            loss = model(x)
            pos = (x > 0).nonzero()
            w = T.argwhere(x)
            loss.backward()
            opt.step()
      `);
      assert.deepEqual(at(g), [[4, 19], [5, 11]]);
    });
    it('does not fire in preprocessing, on numpy, nonzero_static, or user classes', async () => {
      const f = await findingsOf('NRN401', `
        import torch
        import numpy as np
        idx = torch.nonzero(labels)
        for x in loader:
            loss = model(x)
            a = np.nonzero(arr)
            b = torch.nonzero_static(x, size=4)
            loss.backward()
            opt.step()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN402 masked_select', () => {
    it('fires in forward', async () => {
      const f = await findingsOf('NRN402', model('y = x.masked_select(mask)'));
      assert.deepEqual(at(f), [[5, 15]]);
    });
    it('does not fire outside model code or on comments', async () => {
      assert.deepEqual(await findingsOf('NRN402', 'import torch\ny = torch.masked_select(x, m)\n# x.masked_select(m)\n'), []);
    });
  });

  describe('NRN403 unique', () => {
    it('fires on torch.unique and tensor.unique() in forward', async () => {
      const f = await findingsOf('NRN403', model('u = torch.unique(x)\n          v = x.unique()'));
      assert.deepEqual(at(f), [[5, 19], [6, 15]]);
    });
    it('does not fire on pandas / numpy unique in a loop', async () => {
      const f = await findingsOf('NRN403', `
        import torch
        import numpy as np
        import pandas as pd
        df = pd.read_csv("x.csv")
        for x in loader:
            loss = model(x)
            cats = df["label"].unique()
            u = np.unique(arr)
            loss.backward()
            opt.step()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN404 boolean-mask indexing', () => {
    it('fires on x[x > 0] and x[mask] reads in forward and in the step loop', async () => {
      const f = await findingsOf('NRN404', `
        import torch
        class Net(torch.nn.Module):
            def forward(self, x):
                h = self.proj(x)
                keep = h > 0
                y = h[keep]
                return x[torch.isnan(x)]
        for batch, labels in train_loader:
            logits = model(batch)
            valid = logits[labels != -100]
            loss = criterion(valid, labels)
            loss.backward()
            opt.step()
      `);
      assert.deepEqual(at(f), [[6, 15], [7, 18], [10, 20]]);
    });
    it('does not fire on masked assignment, integer indexing, numpy, or outside model code', async () => {
      const f = await findingsOf('NRN404', `
        import torch
        import numpy as np
        class Net(torch.nn.Module):
            def forward(self, x):
                x[x < 0] = 0
                y = x[:, 0]
                z = x[idx]
                a = np.arange(4)
                b = a[a > 1]
                return y
        x = torch.randn(4)
        pos = x[x > 0]
      `);
      assert.deepEqual(f, []);
    });
    it('reads the index from the text first: a trailing comma keeps one index; slices, tuples and numbers are skipped', async () => {
      const f = await findingsOf('NRN404', `
        import torch
        class Net(torch.nn.Module):
            def forward(self, x):
                keep = x > 0
                a = x[keep,]
                b = x[(keep), ]
                c = x[ keep ]
                d = x[keep[0] > 1]
                e = x[:, keep]
                g = x[keep, 0]
                h = x[keep:]
                i = x[-1]
                j = x[1_000]
                return a
      `);
      assert.deepEqual(at(f), [[5, 15], [6, 15], [7, 16], [8, 15]]);
      assert.equal(maskableIndex('x[:, m]', 1), false);
      assert.equal(maskableIndex('x[m, 0]', 1), false);
      assert.equal(maskableIndex('x[m,  ]', 1), true);
      assert.equal(maskableIndex('x[-12]', 1), false);
      assert.equal(maskableIndex('x[f(a, b)]', 1), true);
      assert.equal(maskableIndex('x[d["a:b"]]', 1), true);
      assert.equal(maskableIndex('x[m', 1), true);
    });
  });

  describe('NRN405 one-argument torch.where', () => {
    it('fires on torch.where(cond) in forward', async () => {
      const f = await findingsOf('NRN405', model('rows, cols = torch.where(mask > 0)'));
      assert.deepEqual(at(f), [[5, 28]]);
    });
    it('does not fire on the three-argument form or numpy where', async () => {
      const f = await findingsOf('NRN405', model('x = torch.where(mask, x, 0)\n          i = np.where(a)'));
      assert.deepEqual(f, []);
    });
  });

  describe('NRN406 data-dependent control flow', () => {
    it('reads a name rebound to .item() just before the loop as a Python number (gpt-fast generate)', async () => {
      const f = await findingsOf('NRN406', `
        import torch
        def generate(model, prompt, T_new, device):
            input_pos = torch.tensor([0], device=device, dtype=torch.int)
            with torch.no_grad():
                next_token = model(prompt, input_pos)
                input_pos = input_pos.item()
                while input_pos < T_new - 1:
                    next_token = model(next_token, torch.tensor([input_pos], device=device))
                    input_pos += 1
                loss = model(prompt).sum()
                if loss > 3:
                    pass
      `);
      assert.deepEqual(at(f), [[11, 12]]);
    });
    it('fires on conditions that read tensor values in the step loop and in forward', async () => {
      const f = await findingsOf('NRN406', `
        import torch
        for x, y in train_loader:
            loss = criterion(model(x), y)
            if torch.isnan(loss):
                continue
            loss.backward()
            optimizer.step()
            if loss.item() < best:
                loss = loss * 0.5
        class Net(torch.nn.Module):
            def forward(self, x):
                if (x > 0).any():
                    x = x * 2
                return x
        for i in range(100):
            loss = model(x).mean()
            if not torch.isfinite(loss):
                break
            loss.backward()
            opt.step()
        @torch.inference_mode()
        def generate(model, tokens):
            eos_reached = torch.tensor([False] * 4)
            for cur_pos in range(10):
                logits = model(tokens)
                eos_reached |= logits.argmax(-1) == 2
                if all(eos_reached):
                    break
        for images, targets in data_loader:
            losses = sum(model(images, targets).values())
            assert torch.isfinite(losses).all(), "non-finite loss"
            assert losses.item() < 1e6
            losses.backward()
            optimizer.step()
      `);
      assert.deepEqual(at(f), [[4, 8], [8, 8], [12, 12], [17, 8], [27, 12], [31, 12]]);
    });
    it('does not fire on step counters, shapes, None checks, or outside loops', async () => {
      const f = await findingsOf('NRN406', `
        import torch
        for step, (x, y) in enumerate(train_loader):
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            if step % 10 == 0:
                pass
            if x.shape[0] < 8 or y is None:
                pass
        loss = model(x)
        if loss > 3:
            pass
        for x, y in train_loader:
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            if loss.item() > 20:
                raise RuntimeError("diverged")
            flags = [p.requires_grad for p in model.parameters()]
            if all(flags) or any([step > 3]):
                pass
        for data, iteration in zip(data_loader, range(start_iter, max_iter)):
            losses = sum(model(data).values())
            losses.backward()
            optimizer.step()
            if iteration - start_iter > 5 and (iteration + 1) % 20 == 0:
                pass
      `);
      // detectron2's plain_train_net: \`iteration\` comes from the range, not from the loader.
      assert.deepEqual(f, []);
    });
    it('on native only reports conditions inside forward', async () => {
      const f = await findingsOf('NRN406', `
        import torch
        for x in train_loader:
            loss = model(x)
            if torch.isnan(loss):
                continue
            loss.backward()
            opt.step()
        class Net(torch.nn.Module):
            def forward(self, x):
                if x.sum() > 0:
                    return x
                return -x
      `, 'native');
      assert.deepEqual(at(f), [[10, 12]]);
    });
  });

  describe('NRN407 per-batch tokenizer padding', () => {
    it('fires on padding=True in a collate function and in the step loop', async () => {
      const f = await findingsOf('NRN407', `
        import torch
        from transformers import AutoTokenizer
        from torch.utils.data import DataLoader
        tok = AutoTokenizer.from_pretrained("bert-base-uncased")
        def collate(batch):
            return tok([b["text"] for b in batch], padding=True, return_tensors="pt")
        loader = DataLoader(ds, batch_size=8, collate_fn=collate)
        for texts in raw_batches:
            enc = tokenizer(texts, padding="longest", return_tensors="pt")
            loss = model(**enc).loss
            loss.backward()
            optimizer.step()
      `);
      assert.deepEqual(at(f), [[6, 44], [9, 28]]);
      assert.match(f[1].message, /^`padding="longest"` pads each batch/);
    });
    it('fires in a collator class handed to the Trainer, at the padding field\'s default when __call__ passes self.padding', async () => {
      const f = await findingsOf('NRN407', `
        from dataclasses import dataclass
        from typing import Union
        from transformers import Trainer
        @dataclass
        class DataCollatorCTCWithPadding:
            processor: object
            padding: Union[bool, str] = True
            def __call__(self, features):
                return self.processor.pad(features, padding=self.padding, return_tensors="pt")
        @dataclass
        class FixedCollator:
            processor: object
            padding: str = "max_length"
            def __call__(self, features):
                return self.processor.pad(features, padding=self.padding, max_length=128, return_tensors="pt")
        class Batcher:
            def __call__(self, features):
                return self.tokenizer(features, padding="longest")
        collator = DataCollatorCTCWithPadding(processor=processor)
        trainer = Trainer(model=model, data_collator=collator, train_dataset=ds)
        t2 = Trainer(model=model, data_collator=Batcher(), train_dataset=ds)
      `);
      // transformers' wav2vec2 CTC example: every batch padded to its longest clip.
      assert.deepEqual(at(f), [[7, 33], [18, 41]]);
      assert.match(f[0].message, /^`self\.padding = True` pads each batch/);
    });
    it('does not fire on the branch that runs off XLA (accelerate pads to a fixed length on XLA/TPU)', async () => {
      const f = await findingsOf('NRN407', `
        import torch
        from accelerate import Accelerator, DistributedType
        from torch.utils.data import DataLoader
        accelerator = Accelerator()
        def collate_fn(examples):
            if accelerator.distributed_type == DistributedType.TPU:
                return tokenizer.pad(examples, padding="max_length", max_length=128, return_tensors="pt")
            return tokenizer.pad(examples, padding="longest", return_tensors="pt")
        def collate_xla(examples):
            if accelerator.distributed_type == DistributedType.XLA:
                out = tokenizer.pad(examples, padding="max_length", max_length=128, return_tensors="pt")
            else:
                out = tokenizer.pad(examples, padding="longest", return_tensors="pt")
            return out
        def collate_wrong(examples):
            if accelerator.distributed_type != DistributedType.XLA:
                return tokenizer.pad(examples, padding="max_length", max_length=128, return_tensors="pt")
            return tokenizer.pad(examples, padding="longest", return_tensors="pt")
        loader = DataLoader(ds, collate_fn=collate_fn)
        loader2 = DataLoader(ds, collate_fn=collate_xla)
        loader3 = DataLoader(ds, collate_fn=collate_wrong)
      `);
      assert.deepEqual(at(f), [[18, 36]], 'only the padding that runs on XLA');
    });
    it('does not fire on max_length padding, one-off tokenization, or non-tokenizer padding', async () => {
      const f = await findingsOf('NRN407', `
        import torch
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        for texts in batches:
            enc = tokenizer(texts, padding="max_length", max_length=128)
            conv = torch.nn.Conv2d(3, 3, 3, padding=1)
            y = F.pad(x, padding=True)
            loss = model(**enc).loss
            loss.backward()
            optimizer.step()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN408 padding collators', () => {
    it('fires on DataCollatorWithPadding without a fixed length', async () => {
      const f = await findingsOf('NRN408', `
        from transformers import DataCollatorWithPadding, DataCollatorForSeq2Seq
        collator = DataCollatorWithPadding(tokenizer)
        c2 = DataCollatorForSeq2Seq(tokenizer, model=model)
        c3 = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=(8 if use_fp16 else None))
      `);
      // run_glue: the multiple is only there for fp16; Neuron trains in bf16, so every batch has its own length.
      assert.deepEqual(at(f), [[2, 12], [3, 6], [4, 6]]);
    });
    it('does not fire with max_length padding or pad_to_multiple_of', async () => {
      const f = await findingsOf('NRN408', `
        from transformers import DataCollatorWithPadding
        a = DataCollatorWithPadding(tokenizer, padding="max_length", max_length=128)
        b = DataCollatorWithPadding(tokenizer, pad_to_multiple_of=64)
        # DataCollatorWithPadding(tokenizer)
      `);
      assert.deepEqual(f, []);
      const pre = await findingsOf('NRN408', `
        from transformers import DataCollatorWithPadding
        def tok(ex):
            return tokenizer(ex["text"], padding="max_length", truncation=True)
        ds = raw.map(tok, batched=True)
        collator = DataCollatorWithPadding(tokenizer=tokenizer)
      `);
      assert.deepEqual(pre, [], 'inputs pre-padded to max_length');
    });
  });

  describe('NRN409 partial last batch on XLA', () => {
    it('fires on the training DataLoader without drop_last', async () => {
      const f = await findingsOf('NRN409', `
        import torch
        import torch_xla
        from torch.utils.data import DataLoader
        train_loader = DataLoader(ds, batch_size=32, shuffle=True)
        for x in train_loader:
            model(x).backward()
            opt.step()
            torch_xla.sync()
      `);
      assert.deepEqual(at(f), [[4, 16]]);
    });
    it('does not fire with drop_last=True, batch size 1, eval loaders, non-XLA files or native', async () => {
      const code = `
        import torch
        import torch_xla
        from torch.utils.data import DataLoader
        train_loader = DataLoader(ds, batch_size=32, drop_last=True)
        one = DataLoader(ds)
        eval_loader = DataLoader(val, batch_size=64)
        for x in train_loader:
            model(x).backward()
            opt.step()
      `;
      assert.deepEqual(await findingsOf('NRN409', code), []);
      assert.deepEqual(await findingsOf('NRN409', 'from torch.utils.data import DataLoader\ntrain_loader = DataLoader(ds, batch_size=8)\n'), []);
      assert.deepEqual(await findingsOf('NRN409', 'import torch_xla\nfrom torch.utils.data import DataLoader\ntrain_loader = DataLoader(ds, batch_size=8)\n', 'native'), []);
    });
  });

  describe('NRN410 dynamic shapes in torch.compile (native)', () => {
    it('fires on dynamic=True and mark_dynamic on native', async () => {
      const f = await findingsOf('NRN410', `
        import torch
        cm = torch.compile(model, backend="neuron", dynamic=True)
        torch._dynamo.mark_dynamic(x, 0)
      `, 'native');
      assert.deepEqual(at(f), [[2, 45], [3, 1]]);
      assert.equal(f[0].severity, 'error');
    });
    it('does not fire on dynamic=False, other dynamic keywords, or the xla stack', async () => {
      const f = await findingsOf('NRN410', `
        import torch
        cm = torch.compile(model, backend="neuron", dynamic=False)
        plot(dynamic=True)
      `, 'native');
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN410', 'import torch\ncm = torch.compile(m, dynamic=True)\n'), []);
    });
  });
  describe('NRN411 tensor grown by concatenation in a loop', () => {
    it('fires in a decoding loop and in eval/train steps, at the function, naming the tensor', async () => {
      const f = await findingsOf('NRN411', `
        import torch
        from torch import cat
        class GPT(torch.nn.Module):
            @torch.no_grad()
            def generate(self, idx, n):
                for _ in range(n):
                    logits = self(idx)
                    nxt = torch.multinomial(logits.softmax(-1), 1)
                    idx = torch.cat((idx, nxt), dim=1)
                return idx
        def sample(model, tokens, n):
            while tokens.size(1) < n:
                tokens = cat([tokens, model(tokens).argmax(-1, keepdim=True)], -1)
        def evaluate(model, loader):
            preds = torch.empty(0)
            with torch.no_grad():
                for x, y in loader:
                    preds = torch.cat([preds, model(x).argmax(-1)])
            return preds
      `);
      assert.deepEqual(at(f), [[9, 19], [13, 18], [18, 21]]);
      assert.match(f[0].message, /^`idx` grows on every iteration/);
      assert.match(f[2].message, /^`preds` grows/);
      assert.deepEqual(f.map((x) => x.severity), ['warning', 'warning', 'warning']);
      const [native] = await findingsOf('NRN411', 'import torch\ndef generate(m, idx):\n    for _ in range(9):\n        idx = torch.cat((idx, m(idx)), dim=1)\n', 'native');
      assert.equal(native.severity, 'info');
    });
    it('does not fire outside loops, on other targets, on lists concatenated once, on numpy, or in plain loops of other functions', async () => {
      const f = await findingsOf('NRN411', `
        import torch
        import numpy as np
        def generate(model, idx, n):
            idx = torch.cat((idx, idx), dim=1)
            outs = []
            for _ in range(n):
                nxt = model(idx)
                outs.append(nxt)
                both = torch.cat((idx, nxt), dim=1)
                arr = np.concatenate((arr, nxt))
            return torch.cat(outs, dim=1)
        def build_features(rows):
            feats = torch.empty(0)
            for r in rows:
                feats = torch.cat([feats, torch.tensor(r)])
            return feats
        def generate_all(prompts):
            for p in prompts:
                def step(x):
                    x = torch.cat((x, x))
                    return x
        # idx = torch.cat((idx, nxt), dim=1)
      `);
      assert.deepEqual(f, []);
    });
  });
});
