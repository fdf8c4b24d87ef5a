import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

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
    it('is info with a training message when the file trains the scripted model (timm train.py)', async () => {
      const [f] = await findingsOf('NRN604', `
        import torch
        model = torch.jit.script(model)
        for x, y in loader:
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
      `);
      assert.equal(f.severity, 'info');
      assert.match(f.message, /brings nothing to training/);
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
