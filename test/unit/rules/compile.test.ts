import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';
import { ALL_RULES } from '../../../src/core/rules/index';

describe('compile', () => {
  describe('NRN601 torch.compile on xla', () => {
    it('fires on calls and decorators, through aliases', async () => {
      const f = await findingsOf('NRN601', `
        import torch
        from torch import compile as tc
        model = torch.compile(model)
        @torch.compile
        def step(x):
            return x
        @torch.compile(fullgraph=True)
        def step2(x):
            return x
        m2 = tc(m)
      `);
      assert.deepEqual(at(f), [[3, 15], [4, 8], [7, 8], [10, 6]]);
      assert.equal(f[0].severity, 'error');
    });
    it('ignores re.compile, builtin compile, keras model.compile, comments and the native stack', async () => {
      const code = `
        import re
        import torch
        pat = re.compile(r"\\d+")
        code = compile("1+1", "<s>", "eval")
        model.compile(optimizer="adam")
        # torch.compile(model)
        s = "torch.compile"
      `;
      assert.deepEqual(await findingsOf('NRN601', code), []);
      assert.deepEqual(await findingsOf('NRN601', 'import torch\nm = torch.compile(m, backend="neuron")\n', 'native'), []);
    });
  });

  describe('NRN602 non-neuron backend on native', () => {
    it('fires at the backend string', async () => {
      const f = await findingsOf('NRN602', `
        import torch
        a = torch.compile(m, backend="inductor")
        BACKEND = "openxla"
        b = torch.compile(m, backend=BACKEND)
      `, 'native');
      assert.deepEqual(at(f), [[2, 30], [3, 11]]);
      assert.equal(f[0].severity, 'error');
    });
    it('does not fire for backend="neuron", no backend, or on xla', async () => {
      const code = `
        import torch
        a = torch.compile(m, backend="neuron", fullgraph=True)
        b = torch.compile(m)
      `;
      assert.deepEqual(await findingsOf('NRN602', code, 'native'), []);
      assert.deepEqual(await findingsOf('NRN602', 'import torch\na = torch.compile(m, backend="inductor")\n', 'xla'), []);
    });
  });

  describe('NRN603 CUDA-only compile modes on native', () => {
    it('fires at the mode string', async () => {
      const f = await findingsOf('NRN603', `
        import torch
        a = torch.compile(m, backend="neuron", mode="max-autotune")
        b = torch.compile(m, mode="reduce-overhead")
      `, 'native');
      assert.deepEqual(at(f), [[2, 45], [3, 27]]);
      assert.equal(f[0].severity, 'info');
    });
    it('does not fire for mode="default" or unrelated mode kwargs', async () => {
      const f = await findingsOf('NRN603', `
        import torch
        a = torch.compile(m, mode="default")
        f = open("x", mode="max-autotune")
      `, 'native');
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN604 TorchScript instead of torch_neuronx.trace', () => {
    it('fires on torch.jit.trace / script of a model', async () => {
      const f = await findingsOf('NRN604', `
        import torch
        traced = torch.jit.trace(model, example)
        scripted = torch.jit.script(model)
      `);
      assert.deepEqual(at(f), [[2, 20], [3, 22]]);
      assert.equal(f[0].severity, 'warning');
    });
    it('ignores torch_neuronx.trace, scripted helper functions, jit.save/load and native', async () => {
      const code = `
        import torch
        import torch_neuronx
        def gelu(x):
            return x
        g = torch.jit.script(gelu)
        traced = torch_neuronx.trace(model, example)
        torch.jit.save(traced, "m.pt")
        m = torch.jit.load("m.pt")
      `;
      assert.deepEqual(await findingsOf('NRN604', code), []);
      assert.deepEqual(await findingsOf('NRN604', 'import torch\nt = torch.jit.trace(model, ex)\n', 'native'), []);
    });
  });

  describe('NRN605 non-inlined weights not moved to device', () => {
    it('fires at inline_weights_to_neff=False when move_trace_to_device is never called', async () => {
      const f = await findingsOf('NRN605', `
        import torch_neuronx
        traced = torch_neuronx.trace(
            model,
            example,
            inline_weights_to_neff=False,
        )
      `);
      assert.deepEqual(at(f), [[5, 5]]);
    });
    it('does not fire when the trace is moved to the device or weights are inlined', async () => {
      const f = await findingsOf('NRN605', `
        import torch_neuronx
        traced = torch_neuronx.trace(model, example, inline_weights_to_neff=False)
        torch_neuronx.move_trace_to_device(traced, 0)
        t2 = torch_neuronx.trace(model, example)
      `);
      assert.deepEqual(at(f), []);
    });
  });

  describe('NRN606 torch-neuron (Inf1)', () => {
    it('fires on torch.neuron imports and torch.neuron.trace on xla', async () => {
      const f = await findingsOf('NRN606', `
        import torch
        import torch_neuron
        traced = torch.neuron.trace(model, example_inputs=[x])
      `);
      assert.deepEqual(at(f), [[2, 8], [3, 10]]);
      assert.equal(f[0].severity, 'info');
    });
    it('is off on native (torch.neuron is the device module) and ignores torch_neuronx', async () => {
      assert.deepEqual(await findingsOf('NRN606', 'import torch\nn = torch.neuron.device_count()\nt = torch.neuron.trace(m, x)\n', 'native'), []);
      assert.deepEqual(await findingsOf('NRN606', 'import torch_neuronx\nimport torch\nx = t.to("neuron")\nn = torch.neuron.device_count()\n'), []);
    });
  });

  describe('NRN607 ONNX export', () => {
    it('notes torch.onnx.export on xla', async () => {
      const f = await findingsOf('NRN607', 'import torch\ntorch.onnx.export(model, (x,), "m.onnx", opset_version=17)\n');
      assert.deepEqual(at(f), [[2, 12]]);
      assert.equal(f[0].severity, 'info');
    });
    it('ignores other exports and the native stack', async () => {
      assert.deepEqual(await findingsOf('NRN607', 'import torch\nep = torch.export.export(model, (x,))\nm.export("x")\n'), []);
      assert.deepEqual(await findingsOf('NRN607', 'import torch\ntorch.onnx.export(model, (x,), "m.onnx")\n', 'native'), []);
    });
  });
});

describe('catalog metadata of the dtype … optimum-neuron rules', () => {
  const RANGES: Record<string, [number, number]> = {
    dtype: [451, 499],
    'unsupported-op': [501, 549],
    'gpu-library': [551, 599],
    compile: [601, 649],
    jax: [701, 749],
    'optimum-neuron': [801, 849],
  };
  const mine = ALL_RULES.filter((r) => r.category in RANGES);
  it('has at least 32 rules with ids in their category range and unique kebab-case names', () => {
    assert.ok(mine.length >= 32, `${mine.length} rules`);
    const names = new Set<string>();
    for (const r of mine) {
      const n = Number(r.id.slice(3));
      const [lo, hi] = RANGES[r.category];
      assert.match(r.id, /^NRN\d{3}$/);
      assert.ok(n >= lo && n <= hi, `${r.id} outside ${r.category}`);
      assert.match(r.name, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, r.id);
      assert.ok(!names.has(r.name), `duplicate name ${r.name}`);
      names.add(r.name);
    }
    for (const id of ['NRN801', 'NRN802', 'NRN803']) assert.ok(mine.some((r) => r.id === id), `pinned ${id}`);
  });
  it('gives every rule a message, why, fix, a Neuron/Optimum docs link, a research source and a severity per stack', () => {
    for (const r of mine) {
      assert.ok(r.title && r.message && r.why && r.fix, r.id);
      assert.match(r.docs, /^https:\/\/(?:awsdocs-neuron\.readthedocs-hosted\.com\/en\/latest\/|huggingface\.co\/docs\/optimum-neuron\/|github\.com\/pytorch\/xla\/)/, r.id);
      assert.ok(!/\.(rst|mdx)$/.test(r.docs), `${r.id} links a source file`);
      assert.ok(r.message.length < 400, `${r.id} message too long`);
      if (r.id !== 'NRN559') assert.match(r.source ?? '', /^NRN-(PT|JAX|HF)-0[0-9A-C]{2}$/, r.id); // cupy has no research row
      for (const t of ['xla', 'native'] as const) assert.ok(['error', 'warning', 'info', 'off'].includes(r.severity[t]), r.id);
      if (r.severity.xla !== r.severity.native) assert.ok(r.stackNote, `${r.id} differs per stack without a stackNote`);
      if (r.category === 'jax') assert.equal(r.severity.xla, r.severity.native, `${r.id}: JAX rules apply under both stacks`);
      assert.ok(r.triggers.length > 0, r.id);
    }
  });
});
