import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('dtype', () => {
  describe('NRN451 float64', () => {
    it('fires on torch.float64 / torch.double / .double(), also through aliases', async () => {
      const f = await findingsOf('NRN451', `
        import torch as T
        from torch import float64 as f64
        x = T.zeros(3, dtype=T.float64)
        y = x.double()
        z = T.ones(2).to(f64)
        w = x.type(T.DoubleTensor)
      `);
      assert.deepEqual(at(f), [[3, 24], [4, 7], [5, 18], [6, 14]]);
      // PyTorch/XLA downcasts F64 to F32 on Neuron devices (dtype.cpp MaybeDowncastToXlaDeviceType): it runs, less precisely.
      assert.equal(f[0].severity, 'info');
      assert.match(f[0].message, /stores float64 as float32/);
      const native = await findingsOf('NRN451', 'import torch\nx = torch.zeros(3, dtype=torch.float64)\n', 'native');
      assert.equal(native[0].severity, 'warning');
      assert.match(native[0].message, /NCC_ESPP004/);
      const jax = await findingsOf('NRN451', 'import jax.numpy as jnp\nx = jnp.zeros(3, dtype=jnp.float64)\n');
      assert.equal(jax[0].severity, 'warning', 'JAX findings do not depend on the PyTorch stack');
    });
    it('ignores comments, strings, dtype checks, dtype maps, numpy and user classes', async () => {
      const f = await findingsOf('NRN451', `
        import torch
        import numpy as np
        # x = torch.zeros(3, dtype=torch.float64)
        s = "torch.float64"
        if x.dtype == torch.float64:
            pass
        ok = x.dtype in (torch.float64, torch.float32)
        M = {"fp64": torch.float64}
        eps = torch.finfo(torch.float64).eps
        a = np.zeros(3, dtype=np.float64)
        class Num:
            def double(self):
                return 2
        Num().double()
        torch.set_default_dtype(torch.float64)
      `);
      assert.deepEqual(at(f), []);
    });
    it('fires on jnp.float64 with a JAX-specific message', async () => {
      const f = await findingsOf('NRN451', 'import jax.numpy as jnp\nw = jnp.zeros((3,), dtype=jnp.float64)\n');
      assert.deepEqual(at(f), [[2, 31]]);
      assert.match(f[0].message, /jax_enable_x64/);
      assert.equal(f[0].data?.replacement, 'jnp.float32');
    });
    it('ignores enumerations of dtypes (promotion tables, supported-type sets)', async () => {
      const f = await findingsOf('NRN451', `
        import torch
        FLOATS = {torch.float16, torch.float32, torch.float64}
        pairs = [(torch.float32, torch.float64)]
      `);
      assert.deepEqual(at(f), []);
    });
    it('does not fire on .double() without torch', async () => {
      assert.deepEqual(await findingsOf('NRN451', 'import pandas as pd\nv = s.double()\n'), []);
    });
  });

  describe('NRN452 set_default_dtype(float64)', () => {
    it('fires at the dtype argument', async () => {
      const f = await findingsOf('NRN452', `
        import torch
        torch.set_default_dtype(torch.float64)
        torch.set_default_tensor_type(torch.DoubleTensor)
        torch.set_default_tensor_type("torch.DoubleTensor")
      `);
      assert.deepEqual(at(f), [[2, 25], [3, 31], [4, 31]]);
      assert.equal(f[0].severity, 'warning', 'xla: every float tensor silently becomes fp32 on the device');
      assert.equal((await findingsOf('NRN452', 'import torch\ntorch.set_default_dtype(torch.float64)\n', 'native'))[0].severity, 'error');
    });
    it('does not fire for float32 or an unrelated set_default_dtype', async () => {
      const f = await findingsOf('NRN452', `
        import torch
        import mylib
        torch.set_default_dtype(torch.float32)
        mylib.set_default_dtype(torch.float64)
        # torch.set_default_dtype(torch.float64)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN453 complex dtypes', () => {
    it('fires on complex dtypes, view_as_complex and polar', async () => {
      const f = await findingsOf('NRN453', `
        import torch
        freqs_cis = torch.polar(torch.ones_like(freqs), freqs)
        xq_ = torch.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
        c = torch.zeros(4, dtype=torch.complex64)
      `);
      assert.deepEqual(at(f), [[2, 19], [3, 13], [4, 32]]);
    });
    it('ignores Python complex(), numpy complex, dtype checks and comments', async () => {
      const f = await findingsOf('NRN453', `
        import torch
        import numpy as np
        z = complex(1, 2)
        a = np.zeros(3, dtype=np.complex64)
        if t.dtype == torch.complex64:
            pass
        # torch.view_as_complex(x)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN454 FFT', () => {
    it('fires on torch.fft.* calls and torch.stft, through aliases', async () => {
      const f = await findingsOf('NRN454', `
        import torch
        import torch.fft as tfft
        from torch.fft import rfft
        a = torch.fft.fft(x)
        b = tfft.irfft(a)
        c = rfft(x)
        d = torch.stft(wave, n_fft=400, return_complex=True)
        e = wave.stft(400)
      `);
      assert.deepEqual(at(f), [[4, 15], [5, 10], [6, 5], [7, 11], [8, 10]]);
    });
    it('ignores numpy / scipy FFTs, fftshift, strings and comments', async () => {
      const f = await findingsOf('NRN454', `
        import torch
        import numpy as np
        import librosa
        a = np.fft.fft(x)
        s = librosa.stft(y)
        b = torch.fft.fftshift(x)
        m = "torch.fft.fft"
        # torch.fft.fft(x)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN455 integer topk', () => {
    it('fires when the input is statically int32/int64', async () => {
      const f = await findingsOf('NRN455', `
        import torch
        ids = torch.randint(0, 100, (4, 8))
        v, i = torch.topk(ids, 3)
        w = counts.long().topk(2)
        u = torch.topk(torch.arange(10), k=2)
      `);
      assert.deepEqual(at(f), [[3, 14], [4, 19], [5, 11]]);
    });
    it('does not fire on float or unknown tensors', async () => {
      const f = await findingsOf('NRN455', `
        import torch
        logits = model(x)
        v, i = torch.topk(logits, 3)
        w = torch.randn(4).topk(2)
        z = torch.topk(ids.float(), 2)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN456 integer matmul', () => {
    it('fires on torch.matmul/mm with integer operands and on @ with an integer operand', async () => {
      const f = await findingsOf('NRN456', `
        import torch
        a = torch.randint(0, 5, (3, 3))
        b = torch.matmul(a, a)
        c = x.long() @ w
        idx = torch.arange(6)
        d = idx @ m
      `);
      assert.deepEqual(at(f), [[3, 11], [4, 5], [6, 5]]);
    });
    it('does not fire on float matmuls, numpy, or casts that are not matmul operands', async () => {
      const f = await findingsOf('NRN456', `
        import torch
        import numpy as np
        a = torch.randn(3, 3)
        b = torch.matmul(a, a.float())
        c = x.float() @ w
        n = np.arange(6) @ np.ones(6)
        i = x.long() + 1
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN457 integer scatter_reduce', () => {
    it('fires on integer input or src', async () => {
      const f = await findingsOf('NRN457', `
        import torch
        out = torch.zeros(5, dtype=torch.long)
        out.scatter_reduce_(0, idx, src, reduce="sum")
        r = torch.scatter_reduce(x, 0, idx, counts.int(), "amax")
      `);
      assert.deepEqual(at(f), [[3, 5], [4, 11]]);
    });
    it('does not fire on float tensors or user classes', async () => {
      const f = await findingsOf('NRN457', `
        import torch
        out = torch.zeros(5)
        out.scatter_reduce_(0, idx, src.float(), reduce="sum")
        class S:
            def scatter_reduce(self, *a):
                pass
        S().scatter_reduce(torch.zeros(1, dtype=torch.long))
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN458 integer collectives', () => {
    it('fires on all_reduce of an integer tensor', async () => {
      const f = await findingsOf('NRN458', `
        import torch
        import torch.distributed as dist
        n = torch.tensor(len(dataset), device=device)
        dist.all_reduce(n)
        dist.all_reduce(torch.tensor([1, 2]))
        tokens = torch.tensor(batch["input_ids"].shape[0], device=device)
        dist.all_reduce(tokens)
        m = torch.tensor(mask.numel())
        dist.all_reduce(m, op=dist.ReduceOp.SUM)
      `);
      assert.deepEqual(at(f), [[4, 6], [5, 6], [7, 6], [9, 6]]);
    });
    it('does not fire on float tensors or non-torch all_reduce', async () => {
      const f = await findingsOf('NRN458', `
        import torch
        import torch.distributed as dist
        import horovod.torch as hvd
        n = torch.tensor(len(dataset), dtype=torch.float32)
        dist.all_reduce(n)
        dist.all_reduce(loss)
        hvd.all_reduce(torch.tensor([1]))
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN459 unsupported FP8/FP4', () => {
    it('fires on fnuz FP8 and FP4 dtypes in torch and jax', async () => {
      const f = await findingsOf('NRN459', `
        import torch
        import jax.numpy as jnp
        a = x.to(torch.float8_e4m3fnuz)
        b = y.astype(jnp.float8_e5m2fnuz)
      `);
      assert.deepEqual(at(f), [[3, 16], [4, 18]]);
    });
    it('does not fire on supported FP8 types or strings', async () => {
      const f = await findingsOf('NRN459', `
        import torch
        a = x.to(torch.float8_e4m3fn)
        b = x.to(torch.float8_e5m2)
        s = "float8_e4m3fnuz"
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN460 right shift of non-32-bit integers', () => {
    it('fires on >> and bitwise_right_shift of int8/int16/int64 tensors', async () => {
      const f = await findingsOf('NRN460', `
        import torch
        codes = torch.randint(0, 255, (8,))
        hi = codes >> 4
        lo = torch.bitwise_right_shift(q.to(torch.int16), 2)
        b = x.long() >> 1
      `);
      assert.deepEqual(at(f), [[3, 6], [4, 12], [5, 5]]);
    });
    it('ignores int32 tensors, Python ints and the right-hand operand', async () => {
      const f = await findingsOf('NRN460', `
        import torch
        a = x.int() >> 4
        n = 256 >> 2
        s = torch.arange(8)
        y = x.int() >> s
        z = torch.bitwise_right_shift(x.int(), 1)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('aliases', () => {
    it('resolves `import torch as T` and `from torch import x as y` for the dtype rules', async () => {
      const code = `
        import torch as T
        from torch import topk as tk, view_as_complex as vac
        T.set_default_dtype(T.double)
        c = vac(x)
        v, i = tk(T.arange(10), 3)
        out = T.zeros(4, dtype=T.int64).scatter_reduce(0, idx, src, "sum")
      `;
      assert.deepEqual(at(await findingsOf('NRN452', code)), [[3, 21]]);
      assert.deepEqual(at(await findingsOf('NRN453', code)), [[4, 5]]);
      assert.deepEqual(at(await findingsOf('NRN455', code)), [[5, 8]]);
      assert.deepEqual(at(await findingsOf('NRN457', code)), [[6, 33]]);
    });
  });

  describe('NRN461 float8_e4m3fn before Trn3', () => {
    it('is an error on xla, a warning on native, and an error for JAX on both', async () => {
      const code = 'import torch\nw8 = w.to(torch.float8_e4m3fn)\n';
      const x = await findingsOf('NRN461', code);
      assert.deepEqual(at(x), [[2, 17]]);
      assert.equal(x[0].severity, 'error');
      const [n] = await findingsOf('NRN461', code, 'native');
      assert.equal(n.severity, 'warning');
      const [j] = await findingsOf('NRN461', 'import jax.numpy as jnp\ny = x.astype(jnp.float8_e4m3fn)\n', 'native');
      assert.equal(j.severity, 'error');
      assert.match(j.message, /float8_e4m3/);
    });
    it('ignores float8_e5m2, jnp.float8_e4m3 and dtype checks', async () => {
      const f = await findingsOf('NRN461', `
        import torch
        import jax.numpy as jnp
        a = w.to(torch.float8_e5m2)
        b = x.astype(jnp.float8_e4m3)
        ok = w.dtype == torch.float8_e4m3fn
      `);
      assert.deepEqual(at(f), []);
    });
  });
});
