import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('lazy-execution', () => {
  describe('NRN301 training loop without a mark-step', () => {
    it('does not guess about a method inherited from a class in another file (pytorch/xla train_resnet_amp.py)', async () => {
      const code = (base: string) => `
        import torch
        import torch_xla
        from train_resnet_base import TrainResNetBase
        class Trainer(${base}):
            def train_loop_fn(self, loader, epoch):
                for step, (data, target) in enumerate(loader):
                    self.optimizer.zero_grad()
                    loss = self.loss_fn(self.model(data), target)
                    loss.backward()
                    self.run_optimizer()
      `;
      assert.deepEqual(await findingsOf('NRN301', code('TrainResNetBase')), []);
      // a torch base class has no run_optimizer: the loop still never syncs
      assert.equal((await findingsOf('NRN301', code('torch.nn.Module'))).length, 1);
    });
    it('trusts a loader parameter in a file that builds device loaders (pytorch/xla train_resnet examples), not elsewhere', async () => {
      const loop = (imports: string) => `
        import itertools
        import torch_xla
        import torch_xla.core.xla_model as xm
        ${imports}
        def train_loop_fn(model, optimizer, loss_fn, loader):
            loader = itertools.islice(loader, 100)
            for step, (data, target) in enumerate(loader):
                optimizer.zero_grad()
                loss = loss_fn(model(data), target)
                loss.backward()
                optimizer.step()
      `;
      assert.deepEqual(await findingsOf('NRN301', loop('import torch_xla.distributed.parallel_loader as pl')), []);
      assert.equal((await findingsOf('NRN301', loop('import torch'))).length, 1);
    });
    it('fires at the first backward of an XLA training loop that never syncs', async () => {
      const f = await findingsOf('NRN301', `
        import torch
        import torch_xla
        device = torch_xla.device()
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            loss = crit(model(x), y)
            loss.backward()
            aux.backward()
            optimizer.step()
      `);
      assert.deepEqual(at(f), [[7, 10]]);
      assert.equal(f[0].severity, 'error');
      // A sync only at the end of each epoch is too late: the graph grows over the whole epoch.
      const g = await findingsOf('NRN301', `
        import torch_xla
        for epoch in range(3):
            for x in train_loader:
                model(x).backward()
                opt.step()
            torch_xla.sync()
      `);
      assert.deepEqual(at(g), [[4, 18]]);
    });
    it('does not fire with a sync (also in a helper or an outer loop), with MpDeviceLoader, without torch_xla, or on native', async () => {
      const ok = [
        `
        import torch_xla
        for x in loader:
            model(x).backward()
            opt.step()
            torch_xla.sync()
        `,
        `
        import torch_xla.core.xla_model as xm
        def finish():
            xm.mark_step()
        for x in loader:
            model(x).backward()
            opt.step()
            finish()
        `,
        `
        import torch_xla.core.xla_model as xm
        for batch in loader:
            for micro in batch.chunk(4):
                model(micro).backward()
            opt.step()
            xm.mark_step()
        `,
        `
        import torch_xla
        import torch_xla.distributed.parallel_loader as pl
        train = pl.MpDeviceLoader(loader, torch_xla.device())
        for x in train:
            model(x).backward()
            opt.step()
        `,
        `
        import torch
        for x in loader:
            model(x).backward()
            opt.step()
        `,
      ];
      for (const code of ok) assert.deepEqual(await findingsOf('NRN301', code), [], code);
      assert.deepEqual(await findingsOf('NRN301', 'import torch_xla\nfor x in l:\n    m(x).backward()\n    opt.step()\n', 'native'), []);
    });
  });

  describe('NRN302 plain DataLoader in an XLA loop', () => {
    it('fires at the loader where the training loop iterates it', async () => {
      const f = await findingsOf('NRN302', `
        import torch
        import torch_xla
        from torch.utils.data import DataLoader
        train_loader = DataLoader(ds, batch_size=8)
        for step, batch in enumerate(train_loader):
            loss = model(batch)
            loss.backward()
            opt.step()
            torch_xla.sync()
      `);
      assert.deepEqual(at(f), [[5, 30]]);
    });
    it('does not fire when wrapped in MpDeviceLoader, iterated outside a step loop, or without torch_xla', async () => {
      const f = await findingsOf('NRN302', `
        import torch
        import torch_xla
        import torch_xla.distributed.parallel_loader as pl
        from torch.utils.data import DataLoader
        train_loader = DataLoader(ds, batch_size=8)
        device_loader = pl.MpDeviceLoader(train_loader, torch_xla.device())
        for batch in device_loader:
            model(batch).backward()
            opt.step()
        stats_loader = DataLoader(ds)
        for b in stats_loader:
            count += len(b)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN302', 'import torch\nfrom torch.utils.data import DataLoader\nl = DataLoader(d)\nfor b in l:\n    m(b).backward()\n    opt.step()\n'), []);
    });
  });

  describe('NRN303 torch.save of XLA tensors', () => {
    it('fires on torch.save of a state dict in an XLA script', async () => {
      const f = await findingsOf('NRN303', `
        import torch
        import torch_xla
        torch.save(model.state_dict(), "model.pt")
        torch.save({"model": model.state_dict(), "step": step}, path)
      `);
      assert.deepEqual(at(f), [[3, 1], [4, 1]]);
      assert.equal(f[0].data?.replacement, 'xm.save');
    });
    it('does not fire on CPU copies, non-XLA scripts, config objects or xm.save', async () => {
      const f = await findingsOf('NRN303', `
        import torch
        import torch_xla
        import torch_xla.core.xla_model as xm
        torch.save({k: v.cpu() for k, v in model.state_dict().items()}, "m.pt")
        torch.save(vocab, "vocab.pt")
        xm.save(model.state_dict(), "m.pt")
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN303', 'import torch\ntorch.save(model.state_dict(), "m.pt")\n'), []);
    });
  });

  describe('NRN304/NRN305 deprecated xm APIs', () => {
    it('fires on xm.mark_step() and xm.xla_device()', async () => {
      const f = (await findingsOf('NRN304', `
        import torch_xla.core.xla_model as xm
        device = xm.xla_device()
        xm.mark_step()
      `)).concat(await findingsOf('NRN305', `
        import torch_xla.core.xla_model as xm
        device = xm.xla_device()
      `));
      assert.deepEqual(at(f), [[3, 1], [2, 10]]);
      assert.equal(f[0].data?.replacement, 'torch_xla.sync');
      assert.equal(f[1].data?.replacement, 'torch_xla.device');
      assert.equal(f[0].severity, 'info');
    });
    it('does not fire on the replacements, user functions or native', async () => {
      const code = `
        import torch_xla
        def mark_step():
            pass
        mark_step()
        torch_xla.sync()
        d = torch_xla.device()
      `;
      assert.deepEqual(await findingsOf('NRN304', code), []);
      assert.deepEqual(await findingsOf('NRN305', code), []);
      assert.deepEqual(await findingsOf('NRN304', 'import torch_xla.core.xla_model as xm\nxm.mark_step()\n', 'native'), []);
    });
  });

  describe('NRN306 torch_xla on native', () => {
    it('fires on every torch_xla import on the native stack', async () => {
      const f = await findingsOf('NRN306', `
        import torch
        import torch_xla
        import torch_xla.core.xla_model as xm
        from torch_xla.distributed import parallel_loader as pl
      `, 'native');
      assert.deepEqual(at(f), [[2, 8], [3, 8], [4, 6]]);
    });
    it('does not fire on xla, on strings or on other modules', async () => {
      assert.deepEqual(await findingsOf('NRN306', 'import torch_xla\n', 'xla'), []);
      assert.deepEqual(await findingsOf('NRN306', 'import torch\nprint("torch_xla is gone")\nimport torch_neuronx\n', 'native'), []);
    });
  });

  describe('NRN307 torch.utils.checkpoint on XLA', () => {
    it('fires on torch.utils.checkpoint.checkpoint', async () => {
      const f = await findingsOf('NRN307', `
        import torch
        from torch.utils.checkpoint import checkpoint
        def forward(self, x):
            x = checkpoint(self.block, x, use_reentrant=False)
            return torch.utils.checkpoint.checkpoint(self.head, x)
      `);
      assert.deepEqual(at(f), [[4, 9], [5, 12]]);
    });
    it('does not fire on the torch_xla checkpoint, HF checkpoint args, or native', async () => {
      const f = await findingsOf('NRN307', `
        from torch_xla.utils.checkpoint import checkpoint
        x = checkpoint(block, x, use_reentrant=True)
        trainer.train(resume_from_checkpoint=checkpoint)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN307', 'from torch.utils.checkpoint import checkpoint\ncheckpoint(f, x)\n', 'native'), []);
    });
  });

  describe('NRN308 NEURON_USE_EAGER_DEBUG_MODE', () => {
    it('fires when debug mode is switched on', async () => {
      const f = await findingsOf('NRN308', `
        import os
        os.environ["NEURON_USE_EAGER_DEBUG_MODE"] = "1"
      `);
      assert.deepEqual(at(f), [[2, 12]]);
    });
    it('does not fire when switched off or read', async () => {
      const f = await findingsOf('NRN308', `
        import os
        os.environ["NEURON_USE_EAGER_DEBUG_MODE"] = "0"
        debug = os.environ.get("NEURON_USE_EAGER_DEBUG_MODE")
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN309 XLA tensor internals', () => {
    it('fires on data_ptr/stride and on is_contiguous branches in an XLA script', async () => {
      const f = await findingsOf('NRN309', `
        import torch
        import torch_xla
        p = x.data_ptr()
        if not x.is_contiguous():
            x = x.contiguous()
        s = x.stride()
      `);
      assert.deepEqual(at(f), [[3, 7], [4, 10], [6, 7]]);
    });
    it('does not fire without torch_xla, on user classes, or on a stride keyword', async () => {
      assert.deepEqual(await findingsOf('NRN309', 'import torch\np = x.data_ptr()\n'), []);
      const f = await findingsOf('NRN309', `
        import torch
        import torch_xla
        class Buf:
            def stride(self):
                return 1
        Buf().stride()
        conv = torch.nn.Conv2d(3, 8, 3, stride=2)
        ok = x.is_contiguous()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN310 split on the second dimension', () => {
    it('fires on torch.split(..., dim=1) and tensor.split(n, 1)', async () => {
      const f = await findingsOf('NRN310', `
        import torch as T
        a, b = T.split(x, 4, dim=1)
        q, k = T.randn(2, 8).split(4, 1)
      `);
      assert.deepEqual(at(f), [[2, 10], [3, 22]]);
    });
    it('does not fire on dim 0, str.split, or native', async () => {
      const f = await findingsOf('NRN310', `
        import torch
        a, b = torch.split(x, 4)
        c = torch.split(x, 4, dim=0)
        key, value = line.split("=", 1)
        # torch.split(x, 4, dim=1)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN310', 'import torch\na = torch.split(x, 4, dim=1)\n', 'native'), []);
    });
  });
});
