import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('distributed', () => {
  describe('NRN251 NCCL backend', () => {
    it('is info when NCCL is chosen only if is_nccl_available() (ultralytics trainer)', async () => {
      const [f] = await findingsOf('NRN251', `
        import torch.distributed as dist
        dist.init_process_group(backend="nccl" if dist.is_nccl_available() else "gloo", rank=rank, world_size=ws)
      `);
      assert.equal(f.severity, 'info');
      assert.match(f.message, /is_nccl_available\(\)/);
    });
    it('fires at the backend string, directly, positionally and through a variable', async () => {
      const f = await findingsOf('NRN251', `
        import torch.distributed as dist
        dist.init_process_group(backend="nccl")
        dist.init_process_group("nccl", rank=0)
        backend = "nccl"
        dist.init_process_group(backend=backend)
        dist.init_process_group(backend="cpu:gloo,cuda:nccl")
      `);
      assert.deepEqual(at(f), [[2, 33], [3, 25], [4, 11], [6, 33]]);
      assert.equal(f[0].data?.replacement, 'xla');
      assert.equal(f[0].data?.import, 'torch_xla.distributed.xla_backend');
      assert.equal(f[0].fixable, true);
    });
    it('fires on an argparse default for a backend option, not for other options', async () => {
      const f = await findingsOf('NRN251', `
        import argparse
        import torch.distributed as dist
        p = argparse.ArgumentParser()
        p.add_argument("--dist-backend", default="nccl", type=str)
        p.add_argument("--comm", default="nccl")
        p.add_argument("--backend", help="nccl or gloo")
      `);
      assert.deepEqual(at(f), [[4, 42]]);
    });
    it('names the neuron backend on native', async () => {
      const [f] = await findingsOf('NRN251', 'import torch.distributed as dist\ndist.init_process_group(backend="nccl")\n', 'native');
      assert.equal(f.data?.replacement, 'neuron');
      assert.match(f.message, /backend="neuron"/);
    });
    it('does not fire on messages, comments, other keywords or the xla backend', async () => {
      const f = await findingsOf('NRN251', `
        import torch.distributed as dist
        import torch_xla.distributed.xla_backend
        dist.init_process_group("xla")
        print("nccl is not available")
        # dist.init_process_group(backend="nccl")
        os.environ["NCCL_DEBUG"] = "INFO"
        name = "nccl"
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN252 gloo backend with XLA tensors', () => {
    it('fires on an XLA script that initialises gloo', async () => {
      const f = await findingsOf('NRN252', `
        import torch.distributed as dist
        import torch_xla
        dist.init_process_group("gloo")
      `);
      assert.deepEqual(at(f), [[3, 25]]);
    });
    it('does not fire without torch_xla, on native, or for a CPU side group', async () => {
      assert.deepEqual(await findingsOf('NRN252', 'import torch.distributed as dist\ndist.init_process_group("gloo")\n'), []);
      assert.deepEqual(await findingsOf('NRN252', 'import torch.distributed as dist\nimport torch_xla\ndist.init_process_group("gloo")\n', 'native'), []);
      const f = await findingsOf('NRN252', `
        import torch.distributed as dist
        import torch_xla.distributed.xla_backend
        dist.init_process_group("xla")
        cpu_group = dist.new_group(backend="gloo")
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN253 DDP on XLA', () => {
    it('fires on DistributedDataParallel, also through the DDP alias', async () => {
      const f = await findingsOf('NRN253', `
        import torch
        from torch.nn.parallel import DistributedDataParallel as DDP
        model = DDP(model, device_ids=[rank])
        m2 = torch.nn.parallel.DistributedDataParallel(model)
      `);
      assert.deepEqual(at(f), [[3, 9], [4, 6]]);
      assert.equal(f[0].severity, 'warning');
      assert.match(f[0].message, /device_ids` are CUDA device indices/);
      assert.equal(f[1].severity, 'info', 'without device_ids DDP runs over the xla backend (experimental): a hint');
      assert.match(f[1].message, /experimental/);
    });
    it('reports DDP and an NCCL group behind a CUDA check as info (they never run on Neuron)', async () => {
      const code = `
        import torch
        import torch.distributed as dist
        if device.type != "cpu" and torch.cuda.device_count() > 1:
            dist.init_process_group(backend="nccl", init_method="tcp://127.0.0.1:9999", world_size=1, rank=0)
            model = torch.nn.parallel.DistributedDataParallel(model)
        if args.distributed:
            dist.init_process_group(backend="nccl")
      `;
      const ddp = await findingsOf('NRN253', code);
      assert.deepEqual(ddp.map((x) => [x.range.start.line, x.severity]), [[4, 'info']]);
      assert.match(ddp[0].message, /behind a CUDA check/);
      const nccl = await findingsOf('NRN251', code);
      assert.deepEqual(nccl.map((x) => [x.range.start.line, x.severity]), [[3, 'info'], [6, 'error']], 'a user flag (args.distributed) is not a CUDA check');
    });
    it('is off on native and ignores user classes named DDP', async () => {
      assert.deepEqual(await findingsOf('NRN253', 'from torch.nn.parallel import DistributedDataParallel as DDP\nm = DDP(model)\n', 'native'), []);
      const f = await findingsOf('NRN253', `
        class DistributedDataParallel:
            pass
        m = DistributedDataParallel()
        # DDP(model)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN254 FSDP on XLA', () => {
    it('fires on FullyShardedDataParallel and fully_shard', async () => {
      const f = await findingsOf('NRN254', `
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        from torch.distributed.fsdp import fully_shard
        model = FSDP(model)
        fully_shard(model)
      `);
      assert.deepEqual(at(f), [[3, 9], [4, 1]]);
      assert.equal(f[0].severity, 'error');
    });
    it('does not fire on torch_xla FSDP or on native', async () => {
      const f = await findingsOf('NRN254', `
        from torch_xla.distributed.fsdp import XlaFullyShardedDataParallel as FSDP
        model = FSDP(model)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN254', 'from torch.distributed.fsdp import FullyShardedDataParallel as FSDP\nm = FSDP(model)\n', 'native'), []);
    });
  });

  describe('NRN255 missing gradient all-reduce', () => {
    const script = (step: string) => `
      import torch
      import torch.distributed as dist
      import torch_xla
      import torch_xla.distributed.xla_backend
      dist.init_process_group("xla")
      optimizer = torch.optim.AdamW(model.parameters())
      for batch in loader:
          loss = model(batch)
          loss.backward()
          ${step}
          torch_xla.sync()
    `;
    it('fires at optimizer.step() in a multi-worker XLA training loop', async () => {
      const f = await findingsOf('NRN255', script('optimizer.step()'));
      assert.deepEqual(at(f), [[10, 5]]);
      assert.equal(f[0].data?.replacement, 'xm.optimizer_step(optimizer)');
    });
    it('does not fire with xm.optimizer_step, with DDP, single-worker, on native, or on schedulers', async () => {
      const ok = script('xm.optimizer_step(optimizer)').replace('import torch_xla\n', 'import torch_xla\n      import torch_xla.core.xla_model as xm\n');
      assert.deepEqual(await findingsOf('NRN255', ok), []);
      const ddp = script('optimizer.step()').replace('optimizer = ', 'model = torch.nn.parallel.DistributedDataParallel(model)\n      optimizer = ');
      assert.deepEqual(await findingsOf('NRN255', ddp), []);
      assert.deepEqual(await findingsOf('NRN255', script('optimizer.step()').replace('dist.init_process_group("xla")', '')), []);
      assert.deepEqual(await findingsOf('NRN255', script('optimizer.step()'), 'native'), []);
      assert.deepEqual(await findingsOf('NRN255', script('optimizer.step()\n          scheduler.step()')).then((f) => f.length), 1);
    });
  });

  describe('NRN256 removed xm world-size APIs', () => {
    it('fires on xrt_world_size, get_ordinal and get_local_ordinal', async () => {
      const f = await findingsOf('NRN256', `
        import torch_xla.core.xla_model as xm
        world = xm.xrt_world_size()
        rank = xm.get_ordinal()
        local = xm.get_local_ordinal()
      `);
      assert.deepEqual(at(f), [[2, 9], [3, 8], [4, 9]]);
      assert.equal(f[0].data?.replacement, 'torch_xla.runtime.world_size');
      assert.match(f[1].message, /xr\.global_ordinal\(\)/);
    });
    it('does not fire on the runtime replacements or other get_ordinal functions', async () => {
      const f = await findingsOf('NRN256', `
        import torch_xla.runtime as xr
        import mylib
        world = xr.world_size()
        rank = mylib.get_ordinal()
        # xm.xrt_world_size()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN257 nn.DataParallel', () => {
    it('fires on torch.nn.DataParallel', async () => {
      const f = await findingsOf('NRN257', `
        import torch.nn as nn
        model = nn.DataParallel(model)
      `);
      assert.deepEqual(at(f), [[2, 9]]);
    });
    it('is info behind a CUDA check (that branch never runs on Neuron)', async () => {
      const f = await findingsOf('NRN257', `
        import torch
        if not torch.cuda.is_available():
            print("cpu")
        else:
            model = torch.nn.DataParallel(model)
        if torch.cuda.device_count() > 1:
            model = torch.nn.DataParallel(model)
        model = torch.nn.DataParallel(model)
      `);
      assert.deepEqual(f.map((x) => [x.range.start.line, x.severity]), [[4, 'info'], [6, 'info'], [7, 'warning']]);
      assert.match(f[0].message, /behind a CUDA check/);
    });
    it('does not fire on DistributedDataParallel or user classes', async () => {
      const f = await findingsOf('NRN257', `
        import torch
        class DataParallel:
            pass
        m = DataParallel()
        # nn.DataParallel(model)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN258 per-rank seed before the model', () => {
    it('fires when the seed depends on the rank and a model is built afterwards', async () => {
      const f = await findingsOf('NRN258', `
        import torch
        import torch_xla.runtime as xr
        torch.manual_seed(42 + xr.global_ordinal())
        model = torch.nn.Linear(4, 4)
      `);
      assert.deepEqual(at(f), [[3, 19]]);
    });
    it('does not fire for a common seed, seeding after the model, or on native', async () => {
      const f = await findingsOf('NRN258', `
        import torch
        torch.manual_seed(42)
        model = torch.nn.Linear(4, 4)
        torch.manual_seed(42 + rank)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN258', 'import torch\ntorch.manual_seed(rank)\nm = torch.nn.Linear(2, 2)\n', 'native'), []);
    });
    it('counts from_pretrained only when it initialises a new task head (sd_training_neuron.py seeds noise per rank)', async () => {
      const code = (load: string) => `
        import torch
        import torch_xla.runtime as xr
        from diffusers import UNet2DConditionModel
        from transformers import AutoModelForSequenceClassification, AutoModelForCausalLM
        torch.manual_seed(9999 + xr.global_ordinal())
        model = ${load}
      `;
      assert.deepEqual(await findingsOf('NRN258', code('UNet2DConditionModel.from_pretrained("sd", subfolder="unet")')), []);
      assert.deepEqual(await findingsOf('NRN258', code('AutoModelForCausalLM.from_pretrained("gpt2")')), []);
      assert.equal((await findingsOf('NRN258', code('AutoModelForSequenceClassification.from_pretrained("bert-base-cased")'))).length, 1);
      assert.equal((await findingsOf('NRN258', code('AutoModelForCausalLM.from_pretrained("gpt2", num_labels=3)'))).length, 1);
    });
  });
});
