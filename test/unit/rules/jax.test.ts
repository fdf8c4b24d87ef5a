import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('jax', () => {
  describe('NRN701 GPU platform lookups', () => {
    it('fires at the platform string, through variables and jit(backend=)', async () => {
      const f = await findingsOf('NRN701', `
        import jax
        gpus = jax.devices("gpu")
        x = jax.device_put(a, jax.devices("cuda")[0])
        plat = "gpu"
        n = jax.device_count(plat)
        f = jax.jit(g, backend="gpu")
      `);
      assert.deepEqual(at(f), [[2, 20], [3, 35], [4, 8], [6, 24]]);
      assert.equal(f[0].severity, 'error');
      assert.equal(f[0].fixable, true);
      assert.equal(f[0].data?.replacement, 'neuron');
    });
    it('warns on default_backend() == "gpu" (same severity on both stacks)', async () => {
      const f = await findingsOf('NRN701', 'import jax\nif jax.default_backend() == "gpu":\n    pass\n', 'native');
      assert.deepEqual(at(f), [[2, 29]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('ignores neuron/cpu lookups, torch, strings and comments', async () => {
      const f = await findingsOf('NRN701', `
        import jax
        import torch
        a = jax.devices()
        b = jax.devices("neuron")
        c = jax.devices("cpu")[0]
        d = torch.cuda.device_count()
        # jax.devices("gpu")
        s = 'jax.devices("gpu")'
      `);
      assert.deepEqual(at(f), []);
    });
    it('ignores lookups that only run when the backend is a GPU, not negated tests', async () => {
      const f = await findingsOf('NRN701', `
        import jax
        backend = jax.default_backend()
        n = len(jax.devices("gpu")) if backend == "gpu" else 1
        if backend in ("gpu", "cuda"):
            g = jax.devices("gpu")[0]
        if backend != "gpu":
            h = jax.devices("gpu")
      `);
      // The lookups on lines 3 and 5 are skipped; the comparisons themselves are reported (never true on Neuron).
      assert.deepEqual(f.map((x) => [x.range.start.line + 1, x.range.start.character + 1, x.severity]), [[3, 43, 'warning'], [4, 16, 'warning'], [7, 21, 'error']]);
    });
    it('follows the backend through a name or a walrus; a negated test is an error only when its branch raises', async () => {
      const f = await findingsOf('NRN701', `
        import jax
        if (backend := jax.default_backend()) not in {"gpu", "cpu"}:
            raise NotImplementedError(backend)
        b2 = jax.default_backend()
        if b2 == "gpu":
            pass
        if jax.default_backend() != "cuda":
            x = 1
        if jax.default_backend() in ("tpu", "neuron", "gpu"):
            pass
        if jax.default_backend() != "gpu":
            raise RuntimeError("needs a GPU")
      `);
      assert.deepEqual(f.map((x) => [x.range.start.line + 1, x.range.start.character + 1, x.severity]), [[2, 47, 'error'], [5, 10, 'warning'], [11, 29, 'error']]);
      assert.match(f[0].message, /is true there and the code raises/);
    });
  });

  describe('NRN702 JAX_PLATFORMS=cuda', () => {
    it('fires at the value for env vars and jax_platforms config', async () => {
      const f = await findingsOf('NRN702', `
        import os
        import jax
        os.environ["JAX_PLATFORMS"] = "cuda"
        os.environ.setdefault("JAX_PLATFORMS", "gpu,cpu")
        jax.config.update("jax_platforms", "cuda")
      `);
      assert.deepEqual(at(f), [[3, 31], [4, 40], [5, 36]]);
    });
    it('fires in a launcher that sets the variable before any jax import', async () => {
      const f = await findingsOf('NRN702', 'import os\nos.environ["JAX_PLATFORMS"] = "cuda"\n');
      assert.deepEqual(at(f), [[2, 31]]);
    });
    it('ignores neuron and cpu platform settings, and reads', async () => {
      const f = await findingsOf('NRN702', `
        import os
        os.environ["JAX_PLATFORMS"] = "neuron,cpu"
        os.environ["JAX_PLATFORMS"] = "cpu"
        p = os.environ.get("JAX_PLATFORMS", "cuda")
        # os.environ["JAX_PLATFORMS"] = "cuda"
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN703 jax_enable_x64', () => {
    it('fires on config.update, the env var and enable_x64()', async () => {
      const f = await findingsOf('NRN703', `
        import os
        import jax
        from jax import config
        jax.config.update("jax_enable_x64", True)
        config.update('jax_enable_x64', True)
        os.environ["JAX_ENABLE_X64"] = "1"
        with jax.experimental.enable_x64():
            pass
      `);
      assert.deepEqual(at(f), [[4, 19], [5, 15], [6, 12], [7, 23]]);
      assert.equal(f[0].fixable, true);
    });
    it('ignores x64 disabled, other options and strings', async () => {
      const f = await findingsOf('NRN703', `
        import os
        import jax
        jax.config.update("jax_enable_x64", False)
        os.environ["JAX_ENABLE_X64"] = "0"
        jax.config.update("jax_default_matmul_precision", "bfloat16")
        print("set jax_enable_x64 to True for float64")
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN704 host callbacks', () => {
    it('fires on pure_callback/io_callback anywhere and on jax.debug.print in jitted code', async () => {
      const f = await findingsOf('NRN704', `
        import jax
        from jax.experimental import io_callback, checkify
        @jax.jit
        def f(x):
            jax.debug.print("x={x}", x=x)
            y = jax.pure_callback(np_fn, x, x)
            return io_callback(log, None, y)
        def g(x):
            jax.debug.callback(show, x)
            return x
        gj = jax.jit(g)
      `);
      assert.deepEqual(at(f), [[2, 43], [5, 15], [6, 13], [7, 12], [9, 15]]);
    });
    it('fires on a jax.debug callback in a lambda handed to lax.cond / jax.jit, not in a lambda handed elsewhere', async () => {
      const f = await findingsOf('NRN704', `
        import jax
        def step(p, d):
            return jax.lax.cond(p, lambda d: jax.debug.callback(show, d), lambda d: None, d)
        f = jax.jit(lambda x: jax.debug.print("{}", x))
        later = sorted(xs, key=lambda x: jax.debug.print("{}", x))
      `);
      assert.deepEqual(at(f), [[3, 48], [4, 33]]);
    });
    it('ignores jax.debug.print outside traced code, builtin print, and user callbacks', async () => {
      const f = await findingsOf('NRN704', `
        import jax
        def report(x):
            jax.debug.print("x={x}", x=x)
            print(x)
        report(1)
        cb.callback(x)
        # jax.pure_callback(f, x, x)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN705 lax.cond / switch', () => {
    it('fires on lax.cond and lax.switch through aliases', async () => {
      const f = await findingsOf('NRN705', `
        from jax import lax
        import jax
        y = lax.cond(p, f, g, x)
        z = jax.lax.switch(i, [f, g], x)
      `);
      assert.deepEqual(at(f), [[3, 9], [4, 13]]);
      assert.match(f[1].message, /switch/);
    });
    it('ignores jnp.where, threading conditions and comments', async () => {
      const f = await findingsOf('NRN705', `
        import threading
        import jax.numpy as jnp
        y = jnp.where(p, a, b)
        c = threading.Condition()
        # lax.cond(p, f, g, x)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN706 while_loop', () => {
    it('warns on lax.while_loop', async () => {
      const f = await findingsOf('NRN706', 'import jax\nout = jax.lax.while_loop(cond, body, init)\n');
      assert.deepEqual(at(f), [[2, 15]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('ignores scan, fori_loop and tf.while_loop', async () => {
      const f = await findingsOf('NRN706', 'import jax\nimport tensorflow as tf\nc, y = jax.lax.scan(body, c0, xs)\nz = jax.lax.fori_loop(0, 10, body, c0)\nw = tf.while_loop(cond, body, v)\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN707 Pallas', () => {
    it('fires on pallas and jax_triton imports', async () => {
      const f = await findingsOf('NRN707', `
        from jax.experimental import pallas as pl
        from jax.experimental.pallas import tpu as pltpu
        import jax_triton as jt
      `);
      assert.deepEqual(at(f), [[1, 30], [2, 6], [3, 8]]);
    });
    it('ignores other jax.experimental imports', async () => {
      const f = await findingsOf('NRN707', 'from jax.experimental import mesh_utils\nimport jax\n# from jax.experimental import pallas\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN708 jax_neuronx.nki_call', () => {
    it('fires on nki_call', async () => {
      const f = await findingsOf('NRN708', 'import jax_neuronx\nout = jax_neuronx.nki_call(kernel, a, b, out_shape=s)\n');
      assert.deepEqual(at(f), [[2, 19]]);
    });
    it('ignores direct @nki.jit kernel calls', async () => {
      const f = await findingsOf('NRN708', 'import neuronxcc.nki as nki\n@nki.jit\ndef kernel(a):\n    return a\nout = kernel(a)\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN709 threefry PRNG', () => {
    it('warns once per file, at the first PRNGKey/key, without an rbg default', async () => {
      const f = await findingsOf('NRN709', `
        import jax
        from jax import random
        k = random.key(1)
        k2 = jax.random.PRNGKey(0)
      `);
      assert.deepEqual(at(f), [[3, 12]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('does not fire when the default PRNG is rbg or impl is given', async () => {
      assert.deepEqual(await findingsOf('NRN709', 'import jax\njax.config.update("jax_default_prng_impl", "rbg")\nk = jax.random.PRNGKey(0)\n'), []);
      assert.deepEqual(await findingsOf('NRN709', 'import jax\nk = jax.random.key(0, impl="rbg")\nd = {"key": 1}\n'), []);
      assert.deepEqual(await findingsOf('NRN709', 'import os\nos.environ["JAX_DEFAULT_PRNG_IMPL"] = "rbg"\nimport jax\nk = jax.random.PRNGKey(0)\n'), []);
    });
    it('does not fire in a file pinned to the CPU (jax_default_device, JAX_PLATFORMS=cpu); a comment does not pin', async () => {
      const pinned = 'import jax\ncpu = jax.devices("cpu")[0]\njax.config.update("jax_default_device", cpu)\nk = jax.random.PRNGKey(0)\n';
      assert.deepEqual(await findingsOf('NRN709', pinned), []);
      assert.deepEqual(await findingsOf('NRN709', 'import os\nos.environ["JAX_PLATFORMS"] = "cpu"\nimport jax\nk = jax.random.key(0)\n'), []);
      assert.deepEqual(await findingsOf('NRN709', 'import jax\njax.config.update("jax_default_device", jax.devices("cpu")[0])\nk = jax.random.key(0)\n'), []);
      assert.equal((await findingsOf('NRN709', 'import jax\n# jax.config.update("jax_platforms", "cpu")\nk = jax.random.key(0)\n')).length, 1);
      assert.deepEqual(await findingsOf('NRN711', pinned + 'i = jax.random.randint(k, (8,), 0, 9)\n'), []);
    });
  });

  describe('NRN710 rng_bit_generator algorithm', () => {
    it('fires on an explicit non-default algorithm', async () => {
      const f = await findingsOf('NRN710', 'from jax import lax\nk, b = lax.rng_bit_generator(key, (4,), algorithm=lax.RandomAlgorithm.RNG_THREE_FRY)\n');
      assert.deepEqual(at(f), [[2, 41]]);
    });
    it('ignores the default algorithm', async () => {
      const f = await findingsOf('NRN710', 'from jax import lax\nk, b = lax.rng_bit_generator(key, (4,))\nk, c = lax.rng_bit_generator(key, (4,), algorithm=lax.RandomAlgorithm.RNG_DEFAULT)\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN711 jax.random.randint', () => {
    it('warns on randint', async () => {
      const f = await findingsOf('NRN711', 'import jax\nidx = jax.random.randint(k, (8,), 0, 100)\n');
      assert.deepEqual(at(f), [[2, 18]]);
    });
    it('ignores randint pinned to the CPU and torch/numpy randint', async () => {
      const f = await findingsOf('NRN711', `
        import jax
        import torch
        import numpy as np
        with jax.default_device(jax.devices("cpu")[0]):
            idx = jax.random.randint(k, (8,), 0, 100)
        a = torch.randint(0, 5, (3,))
        b = np.random.randint(0, 5)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN712 jax.dlpack', () => {
    it('fires on jax dlpack conversions', async () => {
      const f = await findingsOf('NRN712', 'import jax\nimport jax.dlpack\ny = jax.dlpack.from_dlpack(t)\n');
      assert.deepEqual(at(f), [[3, 16]]);
    });
    it('ignores torch dlpack', async () => {
      const f = await findingsOf('NRN712', 'import torch.utils.dlpack\nt = torch.utils.dlpack.from_dlpack(cap)\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN713 jax.experimental.sparse', () => {
    it('fires on the import', async () => {
      const f = await findingsOf('NRN713', 'from jax.experimental import sparse\nimport jax.experimental.sparse as jsp\n');
      assert.deepEqual(at(f), [[1, 30], [2, 8]]);
    });
    it('ignores scipy.sparse', async () => {
      const f = await findingsOf('NRN713', 'import scipy.sparse as sp\nfrom scipy import sparse\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN714 reduce_precision', () => {
    it('fires on lax.reduce_precision', async () => {
      const f = await findingsOf('NRN714', 'from jax import lax\ny = lax.reduce_precision(x, exponent_bits=8, mantissa_bits=7)\n');
      assert.deepEqual(at(f), [[2, 9]]);
    });
    it('ignores a user function of the same name', async () => {
      const f = await findingsOf('NRN714', 'def reduce_precision(x):\n    return x\ny = reduce_precision(x)\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN715 complex and FFT in JAX', () => {
    it('fires on complex dtypes, lax.complex and jnp.fft calls', async () => {
      const f = await findingsOf('NRN715', `
        import jax.numpy as jnp
        from jax import lax
        z = jnp.zeros(4, dtype=jnp.complex64)
        c = lax.complex(re, im)
        s = jnp.fft.rfft(x)
      `);
      assert.deepEqual(at(f), [[3, 28], [4, 9], [5, 13]]);
    });
    it('ignores numpy FFTs, dtype checks and fftshift', async () => {
      const f = await findingsOf('NRN715', `
        import numpy as np
        import jax.numpy as jnp
        a = np.fft.fft(x)
        ok = x.dtype == jnp.complex64
        b = jnp.fft.fftshift(x)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN716 variadic reductions', () => {
    it('fires when several operands are reduced together', async () => {
      const f = await findingsOf('NRN716', 'from jax import lax\nm, i = lax.reduce((x, idx), (-1.0, 0), fn, (0,))\n');
      assert.deepEqual(at(f), [[2, 12]]);
    });
    it('ignores single-operand reductions and functools.reduce', async () => {
      const f = await findingsOf('NRN716', 'from jax import lax\nimport functools\ns = lax.reduce(x, 0.0, lax.add, (0,))\nt = functools.reduce(f, (a, b))\n');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN717 integer dot in JAX', () => {
    it('fires on an integer preferred_element_type or integer operands', async () => {
      const f = await findingsOf('NRN717', `
        import jax.numpy as jnp
        from jax import lax
        y = lax.dot(a, b, preferred_element_type=jnp.int32)
        z = jnp.matmul(a.astype(jnp.int32), b)
      `);
      assert.deepEqual(at(f), [[3, 19], [4, 9]]);
    });
    it('ignores float dots and numpy', async () => {
      const f = await findingsOf('NRN717', `
        import jax.numpy as jnp
        import numpy as np
        y = jnp.dot(a, b, preferred_element_type=jnp.float32)
        z = np.dot(a.astype(np.int32), b)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN718 dot precision', () => {
    it('notes precision=HIGHEST and DotAlgorithmPreset', async () => {
      const f = await findingsOf('NRN718', `
        import jax
        import jax.numpy as jnp
        y = jnp.dot(a, b, precision=jax.lax.Precision.HIGHEST)
        z = jax.lax.dot(a, b, precision=jax.lax.DotAlgorithmPreset.F32_F32_F32)
      `);
      assert.deepEqual(at(f), [[3, 19], [4, 33]]);
      assert.equal(f[0].severity, 'info');
    });
    it('ignores default precision and other precision kwargs', async () => {
      const f = await findingsOf('NRN718', `
        import jax.numpy as jnp
        y = jnp.dot(a, b, precision=None)
        r = round_to(x, precision="highest")
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN719 promise_in_bounds', () => {
    it('fires on mode="promise_in_bounds"', async () => {
      const f = await findingsOf('NRN719', 'import jax.numpy as jnp\ny = x.at[idx].get(mode="promise_in_bounds")\nz = jnp.take(x, idx, mode="promise_in_bounds")\n');
      assert.deepEqual(at(f), [[2, 24], [3, 27]]);
    });
    it('ignores clip/fill modes and non-JAX files', async () => {
      assert.deepEqual(await findingsOf('NRN719', 'import jax.numpy as jnp\ny = x.at[idx].get(mode="clip")\n'), []);
      assert.deepEqual(await findingsOf('NRN719', 'y = take(x, mode="promise_in_bounds")\n'), []);
    });
  });
});
