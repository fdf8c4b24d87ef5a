import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('mixed-precision', () => {
  describe('NRN201 CUDA autocast', () => {
    it('fires where CUDA autocast is named for later use (timm, llama-recipes), not on unused or non-CUDA references', async () => {
      const f = await findingsOf('NRN201', `
        import functools
        import torch
        from contextlib import nullcontext
        amp_autocast = torch.cuda.amp.autocast
        autocast = torch.cuda.amp.autocast if use_fp16 else nullcontext
        self.ctx = functools.partial(torch.cuda.amp.autocast, dtype=torch.float16)
        unused = torch.cuda.amp.autocast
        cpu_ctx = torch.autocast
        with amp_autocast():
            y = model(x)
        with autocast():
            y = model(x)
        with self.ctx():
            y = model(x)
        with cpu_ctx("cpu"):
            y = model(x)
      `);
      assert.deepEqual(at(f), [[4, 16], [5, 12], [6, 30]]);
      assert.ok(f.every((x) => !x.fixable && /silently runs in fp32/.test(x.message)));
    });
    it('fires on torch.cuda.amp.autocast at the callee and on "cuda" device types at the string', async () => {
      const f = await findingsOf('NRN201', `
        import torch
        from torch.cuda.amp import autocast as ac
        with torch.cuda.amp.autocast():
            y = model(x)
        with ac(dtype=torch.float16):
            y = model(x)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            y = model(x)
        with torch.amp.autocast(device_type="cuda"):
            y = model(x)
      `);
      assert.deepEqual(at(f), [[3, 6], [5, 6], [7, 21], [9, 37]]);
      assert.equal(f[0].data?.device_type, 'xla');
      assert.equal(f[0].fixable, true);
      assert.match(f[0].message, /device_type="xla"/);
    });
    it('names the neuron device type on the native stack', async () => {
      const [f] = await findingsOf('NRN201', 'import torch\nwith torch.autocast(device_type="cuda"):\n    pass\n', 'native');
      assert.match(f.message, /device_type="neuron"/);
      assert.equal(f.data?.replacement, 'neuron');
    });
    it('does not fire on xla/neuron/cpu autocast, disabled autocast, strings or comments', async () => {
      const f = await findingsOf('NRN201', `
        import torch
        with torch.autocast(device_type="xla", dtype=torch.bfloat16):
            pass
        with torch.autocast("cpu"):
            pass
        with torch.cuda.amp.autocast(enabled=False):
            pass
        # with torch.cuda.amp.autocast():
        doc = "use torch.cuda.amp.autocast() on GPUs"
        from torch.cuda.amp import autocast
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN202 GradScaler', () => {
    it('fires on the CUDA GradScaler and on torch.amp.GradScaler with a CUDA or default device', async () => {
      const f = await findingsOf('NRN202', `
        import torch
        from torch.cuda.amp import GradScaler as GS
        scaler = torch.cuda.amp.GradScaler()
        s2 = GS()
        s3 = torch.amp.GradScaler("cuda")
        s4 = torch.amp.GradScaler()
      `);
      assert.deepEqual(at(f), [[3, 10], [4, 6], [5, 6], [6, 6]]);
      assert.equal(f[0].data?.variable, 'scaler');
      assert.equal(f[0].severity, 'warning');
    });
    it('does not fire on non-CUDA scalers, disabled scalers, user classes or comments', async () => {
      const f = await findingsOf('NRN202', `
        import torch
        class GradScaler:
            pass
        a = GradScaler()
        b = torch.amp.GradScaler("cpu")
        c = torch.cuda.amp.GradScaler(enabled=False)
        # scaler = torch.cuda.amp.GradScaler()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN203 fp16 training', () => {
    it('does not fire on a deep copy halved for a checkpoint (ultralytics EMA)', async () => {
      const f = await findingsOf('NRN203', `
        import torch
        from copy import deepcopy
        for x, y in loader:
            torch.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
        torch.save({"ema": deepcopy(ema).half(), "model": model.half()}, "last.pt")
      `);
      // the model itself halved still counts
      assert.deepEqual(at(f), [[6, 57]]);
    });
    it('fires on .half() and float16 casts in a training script', async () => {
      const f = await findingsOf('NRN203', `
        import torch
        model = Net().half()
        torch.set_default_dtype(torch.float16)
        for x, y in loader:
            out = model(x.to(torch.float16))
            loss = crit(out, y)
            loss.backward()
            opt.step()
      `);
      assert.deepEqual(at(f), [[2, 15], [3, 25], [5, 22]]);
      assert.equal(f[0].data?.replacement, 'bfloat16');
    });
    it('does not fire for inference-only scripts, bf16, numpy float16 or dtype checks', async () => {
      const f = await findingsOf('NRN203', `
        import torch
        import numpy as np
        model = Net().half()
        with torch.no_grad():
            y = model(x.to(torch.float16))
        a = np.zeros(3, dtype=np.float16)
      `);
      assert.deepEqual(f, []);
      const g = await findingsOf('NRN203', `
        import torch
        model = Net().to(torch.bfloat16)
        if x.dtype == torch.float16:
            pass
        loss.backward()
      `);
      assert.deepEqual(g, []);
    });
  });

  describe('NRN204 XLA_USE_BF16 / XLA_DOWNCAST_BF16', () => {
    it('fires when the variables are set', async () => {
      const f = await findingsOf('NRN204', `
        import os
        os.environ["XLA_USE_BF16"] = "1"
        os.environ.update({"XLA_DOWNCAST_BF16": "1"})
      `);
      assert.deepEqual(at(f), [[2, 12], [3, 20]]);
      assert.equal(f[0].severity, 'info');
    });
    it('says "no effect" on native and ignores reads and mentions', async () => {
      const [n] = await findingsOf('NRN204', 'import os\nos.environ["XLA_USE_BF16"] = "1"\n', 'native');
      assert.match(n.message, /no effect/);
      const f = await findingsOf('NRN204', `
        import os
        if os.environ.get("XLA_USE_BF16"):
            print("XLA_USE_BF16 is set")
        # os.environ["XLA_USE_BF16"] = "1"
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN205 torch.cuda.is_bf16_supported', () => {
    it('fires on the probe', async () => {
      const f = await findingsOf('NRN205', `
        import torch
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
      `);
      assert.deepEqual(at(f), [[2, 27]]);
    });
    it('does not fire on other probes or comments', async () => {
      const f = await findingsOf('NRN205', `
        import torch
        def is_bf16_supported():
            return True
        ok = is_bf16_supported()
        # torch.cuda.is_bf16_supported()
      `);
      assert.deepEqual(f, []);
    });
  });
});
