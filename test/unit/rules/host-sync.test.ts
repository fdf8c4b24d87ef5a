import { strict as assert } from 'node:assert';
import type { Target } from '../../../src/core/types';
import { analyze, at, dedent, findingsOf as findingsIn } from '../helpers';

// Host-sync rules report only in files that put tensors on a device; the snippets below are the loops of
// such a file (the line placing the model comes after them, so line numbers stay those of the snippet).
const findingsOf = (rule: string, code: string, target?: Target) => findingsIn(rule, `${dedent(code)}\nmodel.to(device)\n`, target);

describe('host-sync', () => {
  it('does not report in a file that never places anything on a device (CPU by design, e.g. Hogwild workers)', async () => {
    const cpuOnly = `
      import torch
      import torch.nn.functional as F
      def test_epoch(model, data_loader):
          with torch.no_grad():
              for data, target in data_loader:
                  output = model(data)
                  test_loss += F.nll_loss(output, target, reduction="sum").item()
                  correct += output.argmax(1).eq(target).sum().item()
    `;
    assert.deepEqual(await findingsIn('NRN351', cpuOnly), []);
    assert.equal((await findingsOf('NRN351', cpuOnly)).length, 2, 'the same loop in a file that uses a device');
  });

  describe('NRN351 .item() in a loop', () => {
    it('fires inside a training loop, at the method name', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        for batch in loader:
            loss = model(batch).sum()
            loss.backward()
            optimizer.step()
            total += loss.item()
      `);
      assert.deepEqual(at(f), [[6, 19]]);
    });
    it('fires in an eval loop under no_grad and in a train-step helper called from a loop', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        def train_step(batch):
            loss = model(batch)
            loss.backward()
            opt.step()
            return loss.item()
        for b in train:
            train_step(b)
        with torch.no_grad():
            for b in val:
                acc = model(b).mean().item()
      `);
      assert.deepEqual(at(f), [[6, 17], [11, 31]]);
    });
    it('does not fire on once-per-epoch code: after the step loop, in a function holding its own step loop, after an eval loop', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        import torch_xla.core.xla_model as xm
        for epoch in range(3):
            for step in range(100):
                loss = model(x).mean()
                loss.backward()
                xm.optimizer_step(opt)
            print("epoch", epoch, loss.item())
        def train(model, opt, shards):
            def train_loop_fn(loader):
                for x in loader:
                    loss = model(x).mean()
                    loss.backward()
                    xm.optimizer_step(opt)
                return loss.detach().cpu().item()
            def test_loop_fn(loader):
                correct = 0
                for data, target in loader:
                    correct += model(data).argmax(1).eq(target).sum()
                return correct.item()
            for shard in shards:
                final = train_loop_fn(shard)
                acc = test_loop_fn(shard)
        with torch.no_grad():
            for epoch in range(2):
                for b in val_loader:
                    out = model(b)
                print(out.mean().item())
      `);
      assert.deepEqual(f, []);
    });
    it('still fires per step: a GradScaler step with accumulation micro-steps, a train_step helper called per batch', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        while True:
            for micro_step in range(4):
                loss = model(X, Y)
                scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            lossf = loss.item()
        def train_step(batch):
            loss = model(batch)
            loss.backward()
            opt.step()
            return loss
        for epoch in range(3):
            for batch in loader:
                l = train_step(batch)
                total += l.item()
      `);
      assert.deepEqual(at(f), [[8, 18], [17, 20]]);
    });
    it('treats a loop that calls the function holding the step loop as an epoch loop (pytorch/examples vae)', async () => {
      const code = `
        import torch
        def train(epoch):
            for batch_idx, (data, _) in enumerate(train_loader):
                data = data.to(device)
                loss = model(data).sum()
                loss.backward()
                optimizer.step()
        for epoch in range(1, 11):
            train(epoch)
            with torch.no_grad():
                sample = torch.randn(64, 20).to(device)
                sample = model.decode(sample).cpu()
        for epoch in range(1, 11):
            with torch.no_grad():
                out = model(torch.randn(64, 20).to(device)).cpu()
      `;
      // the second loop calls no training function: its no_grad block runs the model per iteration
      assert.deepEqual(at(await findingsOf('NRN353', code)), [[15, 53]]);
    });
    it('fires in an eval loop over a DataLoader that runs the model without no_grad, not in other loader loops', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        model.eval()
        for step, batch in enumerate(eval_dataloader):
            outputs = model(**batch)
            acc = (outputs.logits.argmax(-1) == batch["labels"]).float().mean().item()
        for batch in train_loader:
            n = batch["input_ids"].ne(0).sum().item()
        for x in items:
            y = model(x).mean().item()
      `);
      assert.deepEqual(at(f), [[5, 73]]);
    });
    it('treats `step % N == 0` as periodic logging, unless N can only be 1 (every step)', async () => {
      const code = (n: string) => `
        import torch
        log_interval = ${n}
        for step, batch in enumerate(loader):
            loss = model(batch).sum()
            loss.backward()
            optimizer.step()
            if step % log_interval == 0:
                print(loss.item())
            if step % 1 == 0:
                last = loss.item()
      `;
      assert.deepEqual(at(await findingsOf('NRN351', code('1'))), [[8, 20], [10, 21]]);
      assert.deepEqual(at(await findingsOf('NRN351', code('10'))), [[10, 21]]);
      assert.deepEqual(at(await findingsOf('NRN351', code('args.log_interval'))), [[10, 21]]);
      assert.deepEqual(at(await findingsOf('NRN351', code('1 if debug else 50'))), [[10, 21]]);
    });
    it('sees a periodic guard through a loop inside it, and a first-iteration snapshot (`if i == 0:`) as once', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        for step, batch in enumerate(loader):
            loss = model(batch).sum()
            loss.backward()
            optimizer.step()
            if (step + 1) % 500 == 0:
                for k, v in logs.items():
                    s = "{:.3e}".format(v.item())
            for k, v in logs.items():
                every = v.item()
            if step == 0:
                first = loss.item()
            if step == 0 or loss.item() > 3:
                both = 1
            if epoch == 0:
                per_epoch_zero = loss.item()
      `);
      // every step: the loop without a guard, an \`or\`, and a test of another counter
      assert.deepEqual(at(f), [[10, 19], [13, 26], [16, 31]]);
    });
    it('does not fire outside loops, in plain loops, on user classes, numpy, or on the native stack', async () => {
      const code = `
        import torch
        import numpy as np
        class Meter:
            def item(self):
                return 0
        m = Meter()
        x = torch.zeros(1).item()
        for i in range(3):
            y = torch.ones(1).item()
        for b in loader:
            loss = model(b)
            loss.backward()
            opt.step()
            m.item()
            np.float32(1).item()
            # loss.item()
      `;
      assert.deepEqual(await findingsOf('NRN351', code), []);
      // Periodic logging is the remedy the message recommends.
      assert.deepEqual(await findingsOf('NRN351', 'import torch\nfor step, b in enumerate(l):\n    loss.backward()\n    opt.step()\n    if step % 50 == 0:\n        print(loss.item())\n'), []);
      // Deferred to after the step: the documented way to log on XLA.
      assert.deepEqual(await findingsOf('NRN351', 'import torch\nimport torch_xla.core.xla_model as xm\nfor b in l:\n    loss.backward()\n    opt.step()\n    xm.add_step_closure(lambda: print(loss.item()))\n'), []);
      assert.deepEqual(await findingsOf('NRN351', 'import torch\nfor b in l:\n    loss.backward()\n    opt.step()\n    loss.item()\n', 'native'), []);
    });
  });

  const loop = (body: string) => `
    import torch
    import numpy as np
    for step, (x, y) in enumerate(train_loader):
        out = model(x)
        loss = criterion(out, y)
        loss.backward()
        optimizer.step()
        ${body}
  `;

  describe('NRN352 .tolist() in a loop', () => {
    it('fires on a tensor .tolist() in the step loop', async () => {
      const f = await findingsOf('NRN352', loop('preds = out.argmax(-1).tolist()'));
      assert.deepEqual(at(f), [[8, 28]]);
    });
    it('does not fire on numpy arrays, outside loops, or on native', async () => {
      assert.deepEqual(await findingsOf('NRN352', loop('ids = np.arange(3).tolist()')), []);
      assert.deepEqual(await findingsOf('NRN352', 'import torch\nout = model(x)\nprint(out.tolist())\n'), []);
      assert.deepEqual(await findingsOf('NRN352', loop('preds = out.tolist()'), 'native'), []);
    });
  });

  describe('host copies of a finished generation (NRN351/352/353)', () => {
    it('does not fire on decoding the output of .generate() in a sample or eval loop', async () => {
      const code = `
        import torch
        model.eval()
        with torch.no_grad():
            for k in range(num_samples):
                y = model.generate(x, max_new_tokens, temperature=temperature)
                print(decode(y[0].tolist()))
            for step, batch in enumerate(eval_dataloader):
                outputs = model(**batch)
                preds = model.generate(**batch, max_new_tokens=10)
                preds = preds[:, max_length:].detach().cpu().numpy()
                texts = tokenizer.batch_decode(model.generate(**batch).cpu())
                n = model.generate(**batch).shape[1].item() if False else 0
                logits = outputs.logits.cpu()
                gen = accelerator.unwrap_model(model).generate(**batch, max_new_tokens=10)
                gen = accelerator.pad_across_processes(gen, dim=1, pad_index=0)
                gathered = accelerator.gather_for_metrics(gen)
                gathered = gathered[:, max_length:].detach().cpu().numpy()
                y = model.generate(**batch)
                y = model(**batch).logits
                last = y.cpu()
      `;
      assert.deepEqual(await findingsOf('NRN352', code), []);
      // the copies of the model's logits (no generation; \`y\` was last bound to logits) stay reported
      assert.deepEqual(at(await findingsOf('NRN353', code)), [[13, 33], [20, 18]]);
    });
  });

  describe('a value copied to the host before (NRN352/354)', () => {
    it('does not report the second read of a name bound to a host copy (torchaudio wav2letter)', async () => {
      const code = `
        import torch
        for step, (x, y) in enumerate(train_loader):
            out = model(x.to(device))
            loss = criterion(out, y.to(device))
            loss.backward()
            optimizer.step()
            host = out.argmax(-1).to("cpu")
            host = decoder(host)
            ids = host.tolist()
            again = out.argmax(-1)
            more = again.tolist()
            logits = model(x.cpu().to(device))
            ids2 = logits.tolist()
      `;
      // \`again\` is still on the device, and so are logits computed from a copy moved back
      assert.deepEqual(at(await findingsOf('NRN352', code)), [[11, 18], [13, 19]]);
    });
  });

  describe('NRN353 .cpu() / .to("cpu") in a loop', () => {
    it('fires on .cpu() and .to("cpu") of tensors', async () => {
      const f = await findingsOf('NRN353', loop('a = out.detach().cpu()\n        b = loss.to("cpu")'));
      assert.deepEqual(at(f), [[8, 22], [9, 14]]);
      assert.match(f[0].message, /^`\.cpu\(\)` in the step loop/);
      assert.match(f[1].message, /^`\.to\("cpu"\)` in the step loop/, 'the message names the call written');
    });
    it('does not fire in inference compiled with torch_neuronx.trace (CPU tensors in and out, no lazy graph)', async () => {
      const code = `
        import torch
        import torch_neuronx
        def evaluate(model, loader):
            device = "cpu"
            with torch.no_grad():
                for idx, (x, y) in enumerate(loader):
                    x = x.to(device)
                    if idx == 0:
                        model = torch_neuronx.trace(model, x)
                    pred = model(x).argmax(1).cpu()
                    acc = (pred == y).float().mean().item()
      `;
      assert.deepEqual(await findingsOf('NRN353', code), []);
      assert.deepEqual(await findingsOf('NRN351', code), []);
      // with torch_xla in the file, the lazy graph is back
      const xla = await findingsOf('NRN353', code.replace('import torch_neuronx', 'import torch_neuronx\n        import torch_xla'));
      assert.ok(xla.some((x) => /^`\.cpu\(\)`/.test(x.message)));
    });
    it('follows a "cpu" string through a name, and a call split across lines', async () => {
      const f = await findingsOf('NRN353', loop('host = "cpu"\n        b = loss.to(host)\n        c = loss.to(\n            device=host)'));
      assert.deepEqual(at(f), [[9, 14], [10, 14]]);
    });
    it('does not fire on user classes, model.to(device), or outside the loop', async () => {
      const f = await findingsOf('NRN353', `
        import torch
        class Pool:
            def cpu(self):
                return 1
        pool = Pool()
        model.to("cpu")
        for x in loader:
            model(x).backward()
            opt.step()
            pool.cpu()
            x = x.to(device)
        dev = "cuda" if torch.cuda.is_available() else "cpu"
        for obs in loader:
            model(torch.Tensor(obs).to(dev)).backward()
            opt.step()
      `);
      // \`dev\` is "cuda" or "cpu": on Neuron it is the device, so \`.to(dev)\` uploads (cleanrl's PPO/DQN).
      assert.deepEqual(f, []);
    });
  });

  describe('loader data never moved to the device is host data', () => {
    it('follows a comprehension variable to the loader data it iterates, per function (torchvision detection engine)', async () => {
      const code = `
        import torch
        def train_one_epoch(model, optimizer, data_loader, device):
            for images, targets in data_loader:
                images = list(image.to(device) for image in images)
                targets = [{k: v.to(device) for k, v in t.items()} for t in targets]
                loss = sum(model(images, targets).values())
                loss.backward()
                optimizer.step()
        @torch.inference_mode()
        def evaluate(model, data_loader, device):
            res = {}
            for images, targets in data_loader:
                images = list(img.to(device) for img in images)
                outputs = model(images)
                res.update({t["image_id"].item(): o for t, o in zip(targets, outputs)})
                scores = [o["scores"].mean().item() for o in outputs]
            return res
      `;
      // targets are only moved in the other function; the outputs are the model's, on the device
      assert.deepEqual(at(await findingsOf('NRN351', code)), [[16, 38]]);
    });
    const src = (extra = '') => `
      import torch
      ${extra}
      for x, y in train_loader:
          x = x.to(device)
          loss = model(x).sum()
          loss.backward()
          optimizer.step()
          correct = (y == 1).sum().item()
          labels = y.tolist()
          host = y.cpu()
    `;
    it('does not report .item() / .tolist() / .cpu() on it', async () => {
      const f = await analyze(src());
      assert.deepEqual(f.filter((x) => /^NRN35[1-3]$/.test(x.rule)), []);
    });
    it('still reports them when batches arrive on the device (accelerate prepare, MpDeviceLoader) or y is moved', async () => {
      const prepared = await analyze(src('train_loader = accelerator.prepare(train_loader)'));
      assert.deepEqual(prepared.filter((x) => /^NRN35[1-3]$/.test(x.rule)).map((x) => x.rule), ['NRN351', 'NRN352', 'NRN353']);
      const moved = await analyze(src().replace('x = x.to(device)', 'x, y = x.to(device), y.to(device)'));
      assert.deepEqual(moved.filter((x) => /^NRN35[1-3]$/.test(x.rule)).map((x) => x.rule), ['NRN351', 'NRN352', 'NRN353']);
    });
  });

  describe('NRN354 .numpy() / np.asarray(tensor) in a loop', () => {
    it('fires on .numpy() and np.asarray of a tensor', async () => {
      const f = await findingsOf('NRN354', loop('a = out.detach().numpy()\n        b = np.asarray(loss)'));
      assert.deepEqual(at(f), [[8, 22], [9, 9]]);
    });
    it('fires on a bare asarray imported from numpy', async () => {
      const bare = loop('b = asarray(loss)').replace('import numpy as np', 'import numpy as np\n    from numpy import asarray');
      assert.deepEqual(at(await findingsOf('NRN354', bare)), [[9, 9]]);
    });
    it('says .numpy() raises on a device tensor', async () => {
      const [f] = await findingsOf('NRN354', loop('a = out.detach().numpy()'));
      assert.match(f.message, /raises TypeError/);
    });
    it('does not fire on loader data never moved to the device (it is on the host), or on unknown values', async () => {
      assert.deepEqual(await findingsOf('NRN354', loop('a = y.numpy()\n        b = np.asarray(y)\n        c = thing.numpy()')), []);
      const split = 'import torch\nfor batch in loader:\n    images, labels = batch[0], batch[1]\n    images = images.to(device)\n    out = model(images)\n    out.sum().backward()\n    opt.step()\n    ys.append(labels.numpy())\n    zs.append(batch[1].numpy())\n';
      assert.deepEqual(await findingsOf('NRN354', split), []);
      // Batches of an MpDeviceLoader are on the device.
      const mp = loop('a = y.numpy()').replace('import numpy as np', 'import numpy as np\n    import torch_xla.distributed.parallel_loader as pl\n    train_loader = pl.MpDeviceLoader(loader, device)');
      assert.equal((await findingsOf('NRN354', mp)).length, 1);
    });
    it('does not fire on numpy arrays, pandas, strings or outside loops', async () => {
      assert.deepEqual(await findingsOf('NRN354', loop('c = np.asarray([1, 2])\n        d = df.values\n        s = "x.numpy()"')), []);
      assert.deepEqual(await findingsOf('NRN354', 'import torch\ny = model(x).detach().numpy()\n'), []);
      // The copy happens at .cpu(), which NRN353 reports; .numpy()/.tolist() after it are host-only.
      const chain = loop('preds.extend(out.argmax(-1).cpu().numpy().tolist())');
      assert.deepEqual(await findingsOf('NRN354', chain), []);
      assert.deepEqual(await findingsOf('NRN352', chain), []);
      assert.deepEqual(at(await findingsOf('NRN353', chain)), [[8, 33]]);
    });
  });

  describe('NRN355 printing tensors in a loop', () => {
    it('fires on print(tensor) and f-string interpolation of tensors, at the tensor', async () => {
      const f = await findingsOf('NRN355', loop('print(loss)\n        logger.info(f"step {step} loss {loss}")'));
      assert.deepEqual(at(f), [[8, 11], [9, 37]]);
      const fmt = await findingsOf('NRN355', loop('print("loss %.3f step %d" % (loss, step))\n        print("{} {}".format(step, out.mean()))'));
      assert.deepEqual(at(fmt), [[8, 34], [9, 32]]);
      const xm = await findingsOf('NRN355', loop('xm.master_print(loss)').replace('import numpy as np', 'import numpy as np\n    import torch_xla.core.xla_model as xm'));
      assert.deepEqual(at(xm), [[9, 21]]);
    });
    it('does not fire on Python numbers, .item() values, the step index, or outside loops', async () => {
      assert.deepEqual(await findingsOf('NRN355', loop('print(step, loss.item())\n        print(f"step {step}")\n        v = loss.item()\n        print(v)')), []);
      assert.deepEqual(await findingsOf('NRN355', 'import torch\nloss = model(x)\nloss.backward()\nprint(loss)\n'), []);
      // A module is not a tensor: printing it in the loop is a (strange) host-side call, not a sync.
      assert.deepEqual(await findingsOf('NRN355', 'import torch\nnet = torch.nn.Linear(2, 2)\nfor x in loader:\n    net(x).sum().backward()\n    opt.step()\n    print(net)\n'), []);
      assert.deepEqual(await findingsOf('NRN355', loop('print(loss)'), 'native'), []);
      // Periodic logging is the recommended remedy.
      assert.deepEqual(await findingsOf('NRN355', loop('if step % 50 == 0:\n            print(f"loss {loss}")')), []);
    });
  });

  describe('NRN356 float()/int() of a tensor in a loop', () => {
    it('fires on float(loss) and int(correct)', async () => {
      const f = await findingsOf('NRN356', loop('total += float(loss)\n        correct = int((out.argmax(-1) == y).sum())'));
      assert.deepEqual(at(f), [[8, 14], [9, 15]]);
    });
    it('does not fire on Python values, the enumerate index, or x.float()', async () => {
      assert.deepEqual(await findingsOf('NRN356', loop('lr = float(args.lr)\n        n = int(step)\n        h = out.float()\n        k = int(len(x))\n        m = float("-inf")\n        q = int(2)')), []);
    });
  });

  describe('NRN357 logging tensors to trackers in a loop', () => {
    it('fires on wandb.log and SummaryWriter.add_scalar with tensor values', async () => {
      const f = await findingsOf('NRN357', loop('wandb.log({"loss": loss, "step": step})\n        writer.add_scalar("loss", loss, step)').replace('import numpy as np', 'import numpy as np\n    import wandb'));
      assert.deepEqual(at(f), [[9, 24], [10, 31]]);
      const m = await findingsOf('NRN357', loop('metric.add_batch(predictions=out.argmax(-1), references=y)'));
      assert.deepEqual(at(m), [[8, 34], [8, 61]]);
      // A metric needs every batch: the advice is to collect on the device, not to log every N steps.
      assert.match(m[0].message, /add them once after the loop/);
      assert.doesNotMatch(m[0].message, /every N steps/);
    });
    it('does not fire on Python values, math.log, or outside loops', async () => {
      const code = loop('wandb.log({"loss": loss.item()})\n        y = math.log(2)\n        writer.add_scalar("lr", lr, step)').replace('import numpy as np', 'import numpy as np\n    import wandb, math');
      assert.deepEqual(await findingsOf('NRN357', code), []);
    });
  });

  describe('NRN358 host reads inside forward', () => {
    it('fires on .item() and .tolist() inside an nn.Module forward, on both stacks', async () => {
      const code = `
        import torch
        import torch.nn as nn
        class Net(nn.Module):
            def forward(self, x):
                n = int(x.sum().item())
                ids = x.argmax(-1).tolist()
                return x[:n]
      `;
      const f = await findingsOf('NRN358', code);
      assert.deepEqual(at(f), [[5, 25], [6, 28]]);
      const g = await findingsOf('NRN358', code, 'native');
      assert.equal(g.length, 2);
      assert.match(g[0].message, /graph break/);
    });
    it('does not fire in plain classes, outside forward, or on numpy values', async () => {
      const f = await findingsOf('NRN358', `
        import torch
        import numpy as np
        class Helper:
            def forward(self, x):
                return x.item()
        class Net(torch.nn.Module):
            def extra_repr(self):
                return str(self.w.tolist())
            def forward(self, x):
                k = np.arange(3).tolist()
                return x
      `);
      assert.deepEqual(f, []);
    });
  });
});
