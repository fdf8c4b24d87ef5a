import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('unsupported-op', () => {
  describe('NRN501 sort', () => {
    it('fires on torch.sort/argsort and on tensor .sort(dim=…)', async () => {
      const f = await findingsOf('NRN501', `
        import torch as T
        v, i = T.sort(x, dim=-1)
        j = T.argsort(scores, descending=True)
        s, _ = logits.sort(dim=-1, descending=True)
        r = T.randn(5).argsort()
      `);
      assert.deepEqual(at(f), [[2, 10], [3, 7], [4, 15], [5, 16]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('ignores list.sort, numpy argsort, user classes, comments and the native stack', async () => {
      const code = `
        import torch
        import numpy as np
        names.sort(key=len, reverse=True)
        items.sort()
        k = np.argsort(a)
        m = np.array(a).argsort()
        class Q:
            def sort(self, dim=0):
                pass
        Q().sort(dim=1)
        ckpt = torch.load("names.pt")
        ckpt.sort()
        # torch.sort(x)
      `;
      assert.deepEqual(await findingsOf('NRN501', code), []);
      assert.deepEqual(await findingsOf('NRN501', 'import torch\nv = torch.sort(x)\n', 'native'), []);
    });
  });

  describe('NRN502 triangular solve', () => {
    it('fires on torch.triangular_solve and torch.linalg.solve_triangular', async () => {
      const f = await findingsOf('NRN502', `
        import torch
        from torch.linalg import solve_triangular as st
        x = torch.triangular_solve(b, A)
        y = torch.linalg.solve_triangular(A, b, upper=False)
        z = st(A, b, upper=True)
      `);
      assert.deepEqual(at(f), [[3, 11], [4, 18], [5, 5]]);
      assert.equal(f[0].severity, 'error');
    });
    it('is a warning on native and ignores scipy', async () => {
      const [f] = await findingsOf('NRN502', 'import torch\nx = torch.linalg.solve_triangular(A, b, upper=True)\n', 'native');
      assert.equal(f.severity, 'warning');
      assert.deepEqual(await findingsOf('NRN502', 'import scipy.linalg\nx = scipy.linalg.solve_triangular(A, b)\n# torch.triangular_solve(b, A)\n'), []);
    });
  });

  describe('NRN503 linalg decompositions', () => {
    it('fires on torch.linalg decompositions and legacy torch.svd', async () => {
      const f = await findingsOf('NRN503', `
        import torch
        U, S, Vh = torch.linalg.svd(W)
        L = torch.linalg.cholesky(K)
        u, s, v = torch.svd(W)
      `);
      assert.deepEqual(at(f), [[2, 25], [3, 18], [4, 17]]);
    });
    it('ignores numpy/scipy decompositions, supported linalg ops and user methods', async () => {
      const f = await findingsOf('NRN503', `
        import torch
        import numpy as np
        u, s, v = np.linalg.svd(a)
        n = torch.linalg.norm(x)
        q = model.qr()
        # torch.linalg.svd(W)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN504 CUDA extensions', () => {
    it('fires on CUDAExtension and on load/load_inline with CUDA sources', async () => {
      const f = await findingsOf('NRN504', `
        from torch.utils.cpp_extension import CUDAExtension, load, load_inline
        ext = CUDAExtension("k", ["k.cpp", "k_kernel.cu"])
        mod = load(name="k", sources=["k.cpp", "k_kernel.cu"])
        mod2 = load_inline(name="i", cpp_sources=cpp, cuda_sources=cu)
      `);
      assert.deepEqual(at(f), [[2, 7], [3, 7], [4, 8]]);
    });
    it('ignores CPU-only extensions and other load functions', async () => {
      const f = await findingsOf('NRN504', `
        import json
        import torch
        from torch.utils.cpp_extension import CppExtension, load, load_inline
        ext = CppExtension("k", ["k.cpp"])
        mod = load(name="k", sources=["k.cpp"])
        mod2 = load_inline(name="i", cpp_sources=cpp)
        cfg = json.load(f)
        sd = torch.load("m.pt")
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN505 CUDA op libraries', () => {
    it('fires on torch.ops.load_library of a CUDA library', async () => {
      const f = await findingsOf('NRN505', `
        import torch
        torch.ops.load_library("build/libfused_cuda.so")
      `);
      assert.deepEqual(at(f), [[2, 11]]);
    });
    it('ignores non-CUDA libraries', async () => {
      const f = await findingsOf('NRN505', `
        import torch
        torch.ops.load_library("build/libmy_neuron_ops.so")
        # torch.ops.load_library("libx_cuda.so")
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN506 custom torch.ops', () => {
    it('fires on an extension operator namespace', async () => {
      const f = await findingsOf('NRN506', `
        import torch
        y = torch.ops.fused_kernels.rms_norm(x, w, 1e-6)
      `);
      assert.deepEqual(at(f), [[2, 15]]);
      assert.equal(f[0].data?.namespace, 'fused_kernels');
    });
    it('ignores aten/xla ops, ops registered in the file, and load_library', async () => {
      const f = await findingsOf('NRN506', `
        import torch
        a = torch.ops.aten.add.Tensor(x, y)
        b = torch.ops.xla.mark_tensor(x)
        @torch.library.custom_op("mylib::scale", mutates_args=())
        def scale(x: torch.Tensor) -> torch.Tensor:
            return x * 2
        c = torch.ops.mylib.scale(x)
        torch.ops.load_library("libx.so")
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN507 conv lhs+rhs dilation', () => {
    it('fires when lhs dilation is combined with rhs dilation or strides', async () => {
      const f = await findingsOf('NRN507', `
        from jax import lax
        y = lax.conv_general_dilated(x, k, (1, 1), "SAME", lhs_dilation=(2, 2), rhs_dilation=(2, 2))
        z = lax.conv_general_dilated(x, k, (2, 2), "SAME", (2, 2))
      `);
      assert.deepEqual(at(f), [[2, 9], [3, 9]]);
    });
    it('ignores a single kind of dilation', async () => {
      const f = await findingsOf('NRN507', `
        from jax import lax
        y = lax.conv_general_dilated(x, k, (1, 1), "SAME", lhs_dilation=(2, 2))
        z = lax.conv_general_dilated(x, k, (2, 2), "SAME", rhs_dilation=(2, 2))
        w = lax.conv_general_dilated(x, k, (1, 1), "SAME", (1, 1), (2, 2))
      `);
      assert.deepEqual(at(f), []);
    });
  });
});
