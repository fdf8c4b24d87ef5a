import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('cuda-api', () => {
  describe('NRN151 torch.cuda runtime APIs', () => {
    it('reads device-string guards (device.startswith("cuda:"), device_type == "cuda") as CUDA checks', async () => {
      const f = await findingsOf('NRN151', `
        import torch
        def init_device(device="xla"):
            if device.startswith("cuda:"):
                torch.cuda.set_device(device)
      `);
      assert.deepEqual(f.map((x) => x.severity), ['info']);
      // an assertion that CUDA exists, inside the CUDA branch, is not a device choice that fails on Neuron
      const g = await findingsOf('NRN152', `
        import torch
        def init_device(device="xla"):
            device_type, *_ = device.split(":", maxsplit=1)
            if device_type == "cuda":
                assert torch.cuda.is_available()
            if torch.cuda.is_available():  # i.e. device=None
                world_size = 1  # default to device 0
            else:
                world_size = 0
      `);
      assert.deepEqual(g, [], 'comments in a branch choose nothing');
    });
    it('finds cuda.<api> across a line break and names imported from torch.cuda (the text gate keeps them)', async () => {
      const f = await findingsOf('NRN151', 'import torch\nx = (torch.cuda\n     .synchronize())\nfrom torch.cuda import init as cuda_init\ncuda_init()\nimport torch.cuda as tc\ntc.temperature()\nevent = threading.Event()\n');
      assert.deepEqual(at(f), [[2, 6], [5, 1], [7, 1]]);
    });
    it('fires on synchronize, memory stats, set_device and streams, at the callee, with per-API severity', async () => {
      const f = await findingsOf('NRN151', `
        import torch
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        used = torch.cuda.max_memory_allocated()
        torch.cuda.set_device(0)
        n = torch.cuda.device_count()
        s = torch.cuda.Stream()
        st = torch.cuda.get_rng_state()
      `);
      assert.deepEqual(at(f), [[2, 1], [3, 1], [4, 8], [5, 1], [6, 5], [7, 5], [8, 6]]);
      assert.deepEqual(f.map((x) => x.severity), ['error', 'info', 'warning', 'error', 'warning', 'error', 'error']);
      assert.equal(f[0].data?.replacement, 'torch_xla.sync');
      assert.match(f[0].message, /torch_xla\.sync\(\)/);
      assert.equal(f[0].range.end.character, 22);
    });
    it('downgrades calls behind a CUDA check to info (they never run on Neuron)', async () => {
      const f = await findingsOf('NRN151', `
        import torch
        use_cuda = not args.no_cuda and torch.cuda.is_available()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        t = torch.cuda.max_memory_allocated() if use_cuda else 0
        if not torch.cuda.is_available():
            torch.cuda.synchronize()
        if args.cuda:
            torch.cuda.synchronize()
      `);
      assert.deepEqual(at(f), [[4, 5], [5, 5], [7, 5], [9, 5]]);
      assert.deepEqual(f.map((x) => x.severity), ['info', 'info', 'error', 'error'], 'a flag the user sets (args.cuda) is not a CUDA check');
      assert.match(f[0].message, /behind a CUDA check/);
    });
    it('sees the CUDA test inside an and (or in every part of an or), never a negated one or a user flag', async () => {
      const f = await findingsOf('NRN151', `
        import torch
        use_cuda = torch.cuda.is_available()
        if args.gpu is not None and torch.cuda.is_available():
            torch.cuda.set_device(args.gpu)
        if (use_cuda or device.type == "cuda") and rank == 0:
            torch.cuda.synchronize()
        if use_cuda or args.cpu:
            torch.cuda.synchronize()
        if args.gpu is not None and not torch.cuda.is_available():
            torch.cuda.synchronize()
        if use_cuda or args.gpu:
            torch.cuda.synchronize()
        if device.type == "cuda":
            torch.cuda.synchronize()
      `);
      assert.deepEqual(f.map((x) => [x.range.start.line, x.severity]), [[3, 'info'], [5, 'info'], [7, 'error'], [9, 'error'], [11, 'error'], [13, 'info']]);
    });
    it('resolves aliases and names the native replacement', async () => {
      const f = await findingsOf('NRN151', `
        import torch as T
        from torch.cuda import synchronize as sync
        T.cuda.synchronize()
        sync()
      `, 'native');
      assert.deepEqual(at(f), [[3, 1], [4, 1]]);
      assert.match(f[0].message, /torch\.accelerator\.synchronize/);
      assert.equal(f[1].data?.replacement, 'torch.accelerator.synchronize');
    });
    it('does not fire on comments, strings, other libraries, user objects or torch_xla', async () => {
      const f = await findingsOf('NRN151', `
        import torch
        import cupy
        import torch_xla
        # torch.cuda.synchronize()
        msg = "call torch.cuda.synchronize() first"
        cupy.cuda.Stream()
        class Runner:
            def synchronize(self):
                pass
        Runner().synchronize()
        torch_xla.sync()
        def f(s: torch.cuda.Stream):
            return s
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN152 torch.cuda.is_available() choosing the device', () => {
    it('fires in conditions, conditional expressions and flags used as conditions', async () => {
      const f = await findingsOf('NRN152', `
        import torch
        if torch.cuda.is_available():
            device = "cuda"
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        use_cuda = not no_cuda and torch.cuda.is_available()
        if use_cuda:
            model.cuda()
        assert torch.cuda.is_available()
      `);
      assert.deepEqual(at(f), [[2, 4], [4, 30], [5, 28], [8, 8]]);
      assert.equal(f[3].severity, 'error');
      assert.equal(f[0].severity, 'warning');
      assert.match(f[0].message, /has no `else`: the device it chooses is never set/, 'an if without else sets nothing on Neuron');
      assert.match(f[1].message, /silently takes the CPU path/);
    });
    it('does not fire when the branch only tunes backend knobs (torch.backends.cuda / cudnn)', async () => {
      const f = await findingsOf('NRN152', `
        import torch
        if torch.cuda.is_available():
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.benchmark = True
        device = torch.device(args.device)
      `);
      assert.deepEqual(f, []);
    });
    it('does not say "no else" when the if returns early (the code after it is the fallback)', async () => {
      const [f] = await findingsOf('NRN152', `
        import torch
        def pick():
            if torch.cuda.is_available():
                return "gpu"
            return "cpu"
      `);
      assert.match(f.message, /silently takes the CPU path/);
    });
    it('does not say "no else" when the name the branch sets already holds a default (llm.c train_gpt2.py)', async () => {
      const f = await findingsOf('NRN152', `
        import torch
        device = "cpu"
        if torch.cuda.is_available():
            device = "cuda"
        elif hasattr(torch.backends, "mps") and torch.backends.mps.is_available():
            device = "mps"
        def pick(args):
            if torch.cuda.is_available():
                args.device = "cuda"
            model.to(args.device)
      `);
      assert.equal(f.length, 2);
      assert.match(f[0].message, /silently takes the CPU path/, 'device = "cpu" before the if is its fallback');
      assert.match(f[1].message, /has no `else`: the device it chooses is never set/, 'args.device is set only in the branch');
    });
    it('names torch.accelerator on the native stack', async () => {
      const [f] = await findingsOf('NRN152', 'import torch\nif torch.cuda.is_available():\n    device = "cuda"\n', 'native');
      assert.match(f.message, /torch\.accelerator\.is_available/);
    });
    it('does not fire when the result does not choose anything, in strings or comments', async () => {
      const f = await findingsOf('NRN152', `
        import torch
        loader = DataLoader(ds, pin_memory=torch.cuda.is_available())
        print("torch.cuda.is_available()")
        # if torch.cuda.is_available():
        ok = torch.cuda.is_available()
        log(ok)
        if torch.accelerator.is_available():
            pass
        if torch.cuda.is_available():
            torch.cuda.manual_seed_all(0)
        if torch.cuda.is_available() and not args.cuda:
            print("WARNING: You have a CUDA device, so you should probably run with --cuda")
        if torch.cuda.is_available():
            if not args.cuda:
                print("WARNING: You have a CUDA device, so you should probably run with --cuda")
            else:
                torch.cuda.manual_seed(1111)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN153 cuDNN / TF32 knobs', () => {
    it('fires on assignments and SDP switches, at the setting', async () => {
      const f = await findingsOf('NRN153', `
        import torch
        from torch.backends import cudnn
        torch.backends.cudnn.benchmark = True
        cudnn.deterministic = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cuda.enable_flash_sdp(False)
      `);
      assert.deepEqual(at(f), [[3, 1], [4, 1], [5, 1], [6, 1]]);
      assert.equal(f[0].data?.setting, 'torch.backends.cudnn.benchmark');
      assert.equal(f[0].severity, 'info');
      assert.equal(f[0].fixable, true);
    });
    it('does not fire when the knob is only read, on other modules or in comments', async () => {
      const f = await findingsOf('NRN153', `
        import torch
        if torch.backends.cudnn.enabled:
            pass
        config.benchmark = True
        benchmark = True
        # torch.backends.cudnn.benchmark = True
        torch.backends.mkldnn.enabled = False
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN154 CUDA graphs', () => {
    it('fires on CUDAGraph, torch.cuda.graph and make_graphed_callables', async () => {
      const f = await findingsOf('NRN154', `
        import torch
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            y = model(x)
        from torch.cuda import make_graphed_callables as mgc
        m = mgc(model, (x,))
      `);
      assert.deepEqual(at(f), [[2, 5], [3, 6], [6, 5]]);
    });
    it('does not fire on other graph APIs', async () => {
      const f = await findingsOf('NRN154', `
        import torch
        import networkx as nx
        g = nx.graph()
        gm = torch.fx.symbolic_trace(model).graph
        # torch.cuda.graph(g)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN155 NVTX', () => {
    it('fires on torch.cuda.nvtx calls and the nvtx package import', async () => {
      const f = await findingsOf('NRN155', `
        import torch
        import nvtx
        torch.cuda.nvtx.range_push("fwd")
        torch.cuda.nvtx.range_pop()
        with torch.autograd.profiler.emit_nvtx():
            pass
      `);
      assert.deepEqual(at(f), [[2, 8], [3, 1], [4, 1], [5, 6]]);
    });
    it('does not fire on the builtin range or other mark functions', async () => {
      const f = await findingsOf('NRN155', `
        import torch
        import pytest
        for i in range(3):
            pass
        @pytest.mark.slow
        def test():
            pass
        # torch.cuda.nvtx.range_push("x")
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN156 NVIDIA monitoring tools', () => {
    it('fires on pynvml/GPUtil imports and nvidia-smi subprocesses', async () => {
      const f = await findingsOf('NRN156', `
        import pynvml
        from GPUtil import getGPUs
        import subprocess, os
        subprocess.run(["nvidia-smi", "-L"])
        os.system("nvidia-smi --query-gpu=memory.used --format=csv")
        pynvml.nvmlInit()
      `);
      assert.deepEqual(at(f), [[1, 8], [2, 6], [4, 17], [5, 11]]);
    });
    it('does not fire on text mentioning nvidia-smi or on other commands', async () => {
      const f = await findingsOf('NRN156', `
        import subprocess
        print("run nvidia-smi to check")
        subprocess.run(["neuron-ls"])
        # import pynvml
        help = "pynvml is not needed"
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN157 CUDA device queries', () => {
    it('fires on get_device_name and get_device_properties', async () => {
      const f = await findingsOf('NRN157', `
        import torch
        name = torch.cuda.get_device_name(0)
        props = torch.cuda.get_device_properties(0)
      `);
      assert.deepEqual(at(f), [[2, 8], [3, 9]]);
      assert.equal(f[0].severity, 'error');
    });
    it('does not fire on user functions with the same name or on comments', async () => {
      const f = await findingsOf('NRN157', `
        import torch
        def get_device_name(i):
            return "neuron"
        get_device_name(0)
        # torch.cuda.get_device_name(0)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN158 torch.cuda seeding', () => {
    it('fires on manual_seed_all and manual_seed under torch.cuda', async () => {
      const f = await findingsOf('NRN158', `
        import torch
        torch.manual_seed(0)
        torch.cuda.manual_seed_all(0)
        torch.cuda.manual_seed(0)
      `);
      assert.deepEqual(at(f), [[3, 1], [4, 1]]);
    });
    it('does not fire on torch.manual_seed, numpy or random', async () => {
      const f = await findingsOf('NRN158', `
        import torch, random
        import numpy as np
        torch.manual_seed(0)
        np.random.seed(0)
        random.seed(0)
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN159 deterministic algorithms on native', () => {
    it('fires when deterministic mode is switched on, on native only', async () => {
      const code = `
        import torch
        torch.use_deterministic_algorithms(True)
        torch.set_deterministic_debug_mode("warn")
      `;
      assert.deepEqual(at(await findingsOf('NRN159', code, 'native')), [[2, 1], [3, 1]]);
      assert.deepEqual(await findingsOf('NRN159', code, 'xla'), []);
    });
    it('does not fire when switched off or unknown', async () => {
      const f = await findingsOf('NRN159', `
        import torch
        torch.use_deterministic_algorithms(False)
        torch.set_deterministic_debug_mode("default")
        torch.use_deterministic_algorithms(args.det)
      `, 'native');
      assert.deepEqual(f, []);
    });
  });
});
