import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('lightning', () => {
  describe('NRN110 Lightning GPU accelerator', () => {
    it('fires at the accelerator string (direct, through a variable), on gpus=N and on a CUDAAccelerator object', async () => {
      const f = await findingsOf('NRN110', `
        import lightning as L
        from pytorch_lightning import Trainer
        from lightning.pytorch.accelerators import CUDAAccelerator
        trainer = L.Trainer(accelerator="gpu", devices=8)
        acc = "cuda" if True else "cpu"
        fabric = L.Fabric(accelerator=acc)
        old = Trainer(gpus=4)
        t3 = Trainer(accelerator=CUDAAccelerator())
      `);
      assert.deepEqual(at(f), [[4, 33], [5, 7], [7, 15], [8, 26]]);
      assert.equal(f[0].severity, 'error');
      assert.match(f[0].message, /NeuronXLAStrategy/);
      assert.deepEqual(f[0].related, []);
      assert.deepEqual(f[1].related.map((r) => [r.range.start.line + 1, r.range.start.character + 1, r.message]), [[6, 19, "passed to Lightning's Fabric here"]]);
    });
    it('says "trains on the CPU" (warning) when the GPU choice sits behind a CUDA check', async () => {
      const f = await findingsOf('NRN110', `
        import torch
        import lightning as L
        L.Trainer(accelerator="gpu" if torch.cuda.is_available() else "cpu")
      `);
      assert.deepEqual(at(f), [[3, 23]]);
      assert.equal(f[0].severity, 'warning');
      assert.match(f[0].message, /host CPU/);
    });
    it('reads keywords of a dict(…) spread into the Trainer (Trainer(**kwargs)), not of other dicts', async () => {
      const f = await findingsOf('NRN110', `
        import lightning as L
        trainer_kwargs = dict(accelerator="gpu", devices=2, max_epochs=3)
        trainer = L.Trainer(**trainer_kwargs)
        other = dict(accelerator="gpu")
        run(**other)
      `);
      assert.deepEqual(at(f), [[2, 35]]);
    });
    it('is a warning when the request hangs on CUDA: gpus=torch.cuda.device_count(), or a Trainer built under a CUDA check', async () => {
      const f = await findingsOf('NRN110', `
        import torch
        import pytorch_lightning as pl
        from lightning.pytorch.accelerators import CUDAAccelerator
        t1 = pl.Trainer(gpus=torch.cuda.device_count())
        if torch.cuda.is_available():
            t2 = pl.Trainer(gpus=1, accelerator="gpu")
            t3 = pl.Trainer(accelerator=CUDAAccelerator())
        else:
            t2 = pl.Trainer()
      `);
      assert.deepEqual(f.map((x) => [x.range.start.line + 1, x.range.start.character + 1, x.severity]), [[4, 17, 'warning'], [6, 21, 'warning'], [6, 41, 'warning'], [7, 33, 'warning']]);
      assert.match(f[0].message, /device_count/);
    });
    it('fires on the native stack too (no CUDA there either)', async () => {
      const f = await findingsOf('NRN110', 'import pytorch_lightning as pl\npl.Trainer(accelerator="cuda")\n', 'native');
      assert.deepEqual(at(f), [[2, 24]]);
    });
    it('does not fire on cpu/auto/tpu accelerators, gpus=0 or None, other libraries\' Trainer, or a same-named user class', async () => {
      const f = await findingsOf('NRN110', `
        import lightning as L
        from transformers import Trainer
        import torch
        L.Trainer(accelerator="cpu")
        L.Trainer(accelerator="auto", gpus=0)
        L.Trainer(gpus=None)
        Trainer(accelerator="gpu")
        print("accelerator='gpu'")  # accelerator="gpu"
        def build(accelerator="gpu"):
            return accelerator
      `);
      assert.deepEqual(f, []);
      const shadow = await findingsOf('NRN110', `
        import lightning as L
        class Fabric:
            def __init__(self, accelerator): ...
        Fabric(accelerator="gpu")
      `);
      assert.deepEqual(shadow, []);
    });
  });

  describe('NRN206 Lightning fp16 precision', () => {
    it('fires at 16, "16-mixed" and "16" (also through a variable)', async () => {
      const f = await findingsOf('NRN206', `
        import lightning as L
        L.Trainer(precision=16)
        L.Fabric(precision="16-mixed")
        p = "16"
        L.Trainer(precision=p)
      `);
      assert.deepEqual(at(f), [[2, 21], [3, 20], [4, 5]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('does not fire on bf16 or 32-bit precision, or on precision= of other calls', async () => {
      const f = await findingsOf('NRN206', `
        import lightning as L
        import torch
        import torchmetrics
        L.Trainer(precision="bf16-mixed")
        L.Trainer(precision="bf16-true")
        L.Trainer(precision=32)
        torchmetrics.Precision(precision=16)
        L.Trainer(precision=args.precision)
        L.Trainer(precision=16 if torch.cuda.is_available() else 32)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN259 Lightning CUDA strategy', () => {
    it('fires at ddp / fsdp / deepspeed strategy names and strategy objects', async () => {
      const f = await findingsOf('NRN259', `
        import pytorch_lightning as pl
        from pytorch_lightning.strategies import DDPStrategy
        pl.Trainer(strategy="ddp")
        pl.Trainer(strategy="deepspeed_stage_2")
        pl.Trainer(strategy="fsdp")
        pl.Trainer(strategy=DDPStrategy(find_unused_parameters=True))
        from lightning.pytorch.strategies.ddp import MultiModelDDPStrategy
        pl.Trainer(strategy=MultiModelDDPStrategy())
      `);
      assert.deepEqual(at(f), [[3, 21], [4, 21], [5, 21], [6, 21], [8, 21]]);
      assert.equal(f[0].severity, 'error');
    });
    it('fires on a class of the file built on a Lightning DDP strategy, not on other user strategies', async () => {
      const f = await findingsOf('NRN259', `
        import lightning as L
        from lightning.pytorch.strategies import DDPStrategy, Strategy
        class MultiModelDDPStrategy(DDPStrategy):
            pass
        class MyStrategy(Strategy):
            pass
        L.Trainer(strategy=MultiModelDDPStrategy())
        L.Trainer(strategy=MyStrategy())
      `);
      assert.deepEqual(at(f), [[7, 20]]);
    });
    it('fires on Lightning 1.x accelerator="ddp" / "ddp_spawn"', async () => {
      const f = await findingsOf('NRN259', `
        import pytorch_lightning as pl
        pl.Trainer(gpus=2, accelerator="ddp")
        pl.Trainer(accelerator="ddp_spawn")
        pl.Trainer(accelerator="gpu")
      `);
      assert.deepEqual(at(f), [[2, 32], [3, 24]]);
    });
    it('does not fire on strategies built under a CUDA check (never built on Neuron)', async () => {
      const f = await findingsOf('NRN259', `
        import torch
        import pytorch_lightning as pl
        from pytorch_lightning.strategies import DDPStrategy
        def pick(devices):
            if torch.cuda.is_available():
                strategy = DDPStrategy(find_unused_parameters=False) if devices > 1 else "auto"
                return pl.Trainer(strategy="ddp")
            return pl.Trainer()
      `);
      assert.deepEqual(f, []);
    });
    it('does not fire on the Neuron strategy, xla/auto strategies, a user DDPStrategy class or on native', async () => {
      const f = await findingsOf('NRN259', `
        import torch
        import pytorch_lightning as pl
        from neuronx_distributed.lightning import NeuronXLAStrategy
        pl.Trainer(strategy=NeuronXLAStrategy(nxd_config=cfg))
        pl.Trainer(strategy="xla")
        pl.Trainer(strategy="auto")
        pl.Trainer(strategy="ddp" if torch.cuda.device_count() > 1 else "auto")
        class DDPStrategy: ...
        DDPStrategy()
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN259', 'import pytorch_lightning as pl\npl.Trainer(strategy="ddp")\n', 'native'), []);
    });
  });
});
