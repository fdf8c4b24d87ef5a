import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('cuda-device', () => {
  describe('NRN101 .cuda()', () => {
    it('fires on tensor and module .cuda() calls, at the method name', async () => {
      const f = await findingsOf('NRN101', `
        import torch
        model = torch.nn.Linear(2, 2).cuda()
        x = torch.zeros(3)
        y = x.cuda(0)
      `);
      assert.deepEqual(at(f), [[2, 31], [4, 7]]);
      assert.equal(f[0].data?.receiver, 'torch.nn.Linear(2, 2)');
    });
    it('reports calls behind a CUDA check as info: they never run on Neuron', async () => {
      const f = await findingsOf('NRN101', `
        import torch
        use_cuda = torch.cuda.is_available()
        if torch.cuda.is_available():
            model.cuda()
        elif args.gpu is not None and torch.cuda.is_available():
            model = model.cuda(args.gpu)
        if not torch.cuda.is_available():
            model.cuda()
        images = images.cuda(non_blocking=True) if use_cuda else images
        model.cuda()
        if args.gpu is None:
            model = torch.nn.DataParallel(model).cuda()
        if opt.cuda:
            net.cuda()
      `);
      // opt.cuda is a flag the user sets (\`--cuda\`): that branch runs, and raises, whenever it is given.
      assert.deepEqual(f.map((x) => [x.range.start.line, x.severity]), [[3, 'info'], [5, 'info'], [7, 'error'], [8, 'info'], [9, 'error'], [11, 'error'], [13, 'error']]);
      assert.match(f[0].message, /behind a CUDA check/);
      assert.ok(f.every((x) => x.fixable));
    });
    it('reports calls in the elif/else after a test that always holds on Neuron as info (imagenet main.py)', async () => {
      const f = await findingsOf('NRN101', `
        import torch
        if not torch.cuda.is_available() and not torch.backends.mps.is_available():
            print("using CPU, this will be slow")
        elif args.distributed:
            model.cuda()
        else:
            model = torch.nn.DataParallel(model).cuda()
        if not args.no_cuda:
            model.cuda()
        else:
            model.cuda()
        if args.cpu or not torch.cuda.is_available():
            pass
        else:
            model.cuda()
        if not torch.cuda.is_available() and args.strict:
            raise SystemExit
        else:
            model.cuda()
      `);
      // args.no_cuda is the user's flag, and \`… and args.strict\` may be False: those branches run.
      assert.deepEqual(f.map((x) => [x.range.start.line, x.severity]), [[4, 'info'], [6, 'info'], [8, 'error'], [10, 'error'], [14, 'info'], [18, 'error']]);
    });
    it('names the native device on the native stack', async () => {
      const [f] = await findingsOf('NRN101', 'import torch\nx = torch.zeros(1).cuda()\n', 'native');
      assert.match(f.message, /"neuron"/);
    });
    it('ignores comments, strings, user classes and torch.cuda module attributes', async () => {
      const f = await findingsOf('NRN101', `
        import torch
        # model.cuda()
        s = "x.cuda()"
        class Gpu:
            def cuda(self):
                return self
        g = Gpu()
        g.cuda()
        Gpu().cuda()
        ok = torch.cuda.is_available()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN102 CUDA device strings', () => {
    it('reports the string where it is written, with its device uses as related information', async () => {
      const f = await findingsOf('NRN102', `
        import torch
        device = "cuda"
        model = torch.nn.Linear(2, 2)
        model.to(device)
        t = torch.zeros(2, device=device)
      `);
      assert.deepEqual(at(f), [[2, 10]]);
      assert.equal(f[0].related.length, 2);
      assert.deepEqual(f[0].related.map((r) => r.range.start.line + 1), [4, 5]);
    });
    it('attaches at most ten device uses as related information', async () => {
      const uses = Array.from({ length: 30 }, (_, i) => `t${i} = torch.zeros(2).to(device)`).join('\n');
      const [f] = await findingsOf('NRN102', `import torch\ndevice = "cuda"\n${uses}\n`);
      assert.equal(f.related.length, 10);
      assert.equal(f.related[0].range.start.line, 2);
    });
    it('follows f-strings, conditionals, torch.device and map_location', async () => {
      const f = await findingsOf('NRN102', `
        import torch as T
        rank = 0
        dev = T.device(f"cuda:{rank}")
        train_device = "cuda" if T.cuda.is_available() else "cpu"
        state = T.load("ckpt.pt", map_location="cuda:0")
        x = T.ones(1).to("cuda")
      `);
      assert.deepEqual(at(f), [[3, 16], [4, 16], [5, 40], [6, 18]]);
    });
    it('is info behind a CUDA check (the other branch runs on Neuron; NRN152 reports the check), an error otherwise', async () => {
      const f = await findingsOf('NRN102', `
        import torch
        device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
        if torch.cuda.is_available():
            dev2 = "cuda"
        else:
            dev2 = "cpu"
        x = torch.zeros(1).to(dev2)
        y = torch.zeros(1).to("cuda" if args.gpu else "cpu")
      `);
      assert.deepEqual(f.map((x) => [x.range.start.line + 1, x.severity]), [[2, 'info'], [4, 'info'], [8, 'error']]);
      assert.match(f[0].message, /sits behind a CUDA check/);
    });
    it('reads "cuda:{}".format(rank) and "cuda:%d" % rank like f-strings, reported at the template', async () => {
      const f = await findingsOf('NRN102', `
        import torch
        dev = 'cuda:{}'.format(args.local_rank)
        model.to(dev)
        x = torch.zeros(1).to("cuda:%d" % rank)
        torch.device("cuda:{}".format(args.gpu))
      `);
      assert.deepEqual(at(f), [[2, 7], [4, 23], [5, 14]]);
      assert.deepEqual(f[0].related.map((r) => r.range.start.line + 1), [3]);
    });
    it('reads "cuda:" + str(rank) like an f-string too (TorchServe handlers), with NRN152 on the check beside it', async () => {
      const src = `
        import torch
        device = torch.device("cuda:" + str(gpu_id) if torch.cuda.is_available() and gpu_id is not None else "cpu")
        dev2 = "cuda:" + str(0)
        x = torch.zeros(1).to(dev2)
        name = "run_" + str(3)
      `;
      const f = await findingsOf('NRN102', src);
      assert.deepEqual(f.map((x) => [x.range.start.line + 1, x.range.start.character + 1, x.severity]), [[2, 23, 'info'], [3, 8, 'error']]);
      assert.equal((await findingsOf('NRN152', src)).length, 1);
    });
    it('does not read other templates as devices: names, escaped marks, "cuda" as a format argument', async () => {
      const f = await findingsOf('NRN102', `
        import torch
        run = "run_{}".format(rank)
        msg = "cuda:%d%%" % 3
        d3 = "{}:{}".format("cuda", 0)
        y = torch.zeros(1).to("cpu:{}".format(0))
        log = "cuda {} ready".format(rank)
        key = "cuda" + "_mem"
        z = torch.zeros(1).to(key)
      `);
      assert.deepEqual(f, []);
    });
    it('does not fire on comparisons, log messages, other strings or non-device variables', async () => {
      const f = await findingsOf('NRN102', `
        import torch
        device = torch.device("cpu")
        if device.type == "cuda":
            pass
        print("cuda")
        msg = "cuda is not available"
        backend = "cudagraph"
        name = "cuda"
        other = "cuda" if torch.cuda.is_available() else "cpu"
        # device = "cuda"
        device_type = "cuda" if "cuda" in str(device) else "cpu"
        ctx = torch.amp.autocast(device_type=device_type, dtype=torch.bfloat16)
      `);
      assert.deepEqual(f, [], 'an autocast device type is NRN201\'s, not a placement');
      const amp = await findingsOf('NRN201', 'import torch\ndevice_type = "cuda"\nctx = torch.amp.autocast(device_type=device_type, dtype=torch.bfloat16)\n');
      assert.equal(amp.length, 1, 'NRN201 reports the autocast device type');
    });
  });

  describe('NRN103 integer device ordinals', () => {
    it('fires on torch.device(0), .to(0) and device=0 in torch factories, at the integer', async () => {
      const f = await findingsOf('NRN103', `
        import torch as T
        d = T.device(0)
        x = T.zeros(3).to(1)
        y = T.ones(2, device=0)
        z = x.to(device=0)
      `);
      assert.deepEqual(at(f), [[2, 14], [3, 19], [4, 22], [5, 17]]);
      assert.match(f[0].message, /cuda:0/);
      assert.equal(f[1].data?.ordinal, 1);
    });
    it('fires on ranks and GPU indices: .to(rank), .to(args.gpu), int(os.environ["LOCAL_RANK"]), torch.device(local_rank)', async () => {
      const f = await findingsOf('NRN103', `
        import os
        import torch
        import torch.distributed as dist
        def main(rank, args):
            model = torch.nn.Linear(2, 2).to(rank)
            x = torch.zeros(2).to(args.gpu)
            ddp_local_rank = int(os.environ["LOCAL_RANK"])
            y = x.to(ddp_local_rank)
            local_rank = dist.get_rank()
            d = torch.device(local_rank)
            w = torch.ones(2, device=local_rank)
      `);
      assert.deepEqual(at(f), [[5, 38], [6, 27], [8, 14], [10, 22], [11, 30]]);
      assert.match(f[0].message, /`rank` is a rank or GPU index/);
    });
    it('fires on a rank parameter that defaults to None (llama-recipes train_utils)', async () => {
      const f = await findingsOf('NRN103', `
        import torch
        def train(model, loader, optimizer, local_rank=None):
            for batch in loader:
                for key in batch.keys():
                    batch[key] = batch[key].to(local_rank)
        def other(x, gpu=None, fallback="xla"):
            gpu = gpu or fallback
            x.to(gpu)
      `);
      // \`gpu\` may also hold a device string
      assert.deepEqual(at(f), [[5, 40]]);
    });
    it('leaves names that also hold a device, a string or other values, and dtypes, alone', async () => {
      const f = await findingsOf('NRN103', `
        import torch
        def run(args, x, world):
            gpu = torch.device("cpu")
            x.to(gpu)
            device_id = "xla"
            x.to(device_id)
            n = int(args.n)
            x.to(n)
            x.to(args.dtype)
            rank = world.rank_name
            x.to(rank)
      `);
      assert.deepEqual(f, []);
    });
    it('does not fire on device strings, torch.device("cpu", 0), HF pipeline device=0, user classes or without torch', async () => {
      const f = await findingsOf('NRN103', `
        import torch
        from transformers import pipeline
        d = torch.device("cpu", 0)
        p = pipeline("text-classification", device=0)
        class Mover:
            def to(self, i):
                return i
        Mover().to(0)
        x = torch.zeros(2).to(torch.float32)
        # x.to(0)
      `);
      assert.deepEqual(f, []);
      assert.deepEqual(await findingsOf('NRN103', 'x = thing.to(0)\n'), []);
    });
  });

  describe('NRN104 torch.cuda.current_device / torch.cuda.device', () => {
    it('fires on current_device() and the device context manager', async () => {
      const f = await findingsOf('NRN104', `
        import torch
        x = torch.zeros(2).to(torch.cuda.current_device())
        with torch.cuda.device(1):
            pass
      `);
      assert.deepEqual(at(f), [[2, 23], [3, 6]]);
      assert.match(f[0].message, /torch_xla\.device\(\)/);
    });
    it('names torch.accelerator on native and ignores torch.device / xm', async () => {
      const [n] = await findingsOf('NRN104', 'import torch\ni = torch.cuda.current_device()\n', 'native');
      assert.match(n.message, /torch\.accelerator\.current_device_index/);
      const f = await findingsOf('NRN104', `
        import torch
        import torch_xla.core.xla_model as xm
        d = torch.device("cpu")
        d2 = xm.xla_device()
        # torch.cuda.current_device()
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN105 CUDA tensor types', () => {
    it('fires on torch.cuda.*Tensor names and type strings', async () => {
      const f = await findingsOf('NRN105', `
        import torch
        x = torch.cuda.FloatTensor(3)
        y = x.type("torch.cuda.LongTensor")
        torch.set_default_tensor_type(torch.cuda.HalfTensor)
        if isinstance(x, torch.cuda.FloatTensor):
            pass
      `);
      assert.deepEqual(at(f), [[2, 5], [3, 12], [4, 31], [5, 18]]);
      assert.deepEqual(f.map((x) => x.severity), ['error', 'error', 'error', 'warning']);
    });
    it('does not fire on CPU tensor types or on messages', async () => {
      const f = await findingsOf('NRN105', `
        import torch
        x = torch.FloatTensor(3)
        y = x.type(torch.LongTensor)
        print("expected torch.cuda.FloatTensor, got something else")
        # torch.cuda.FloatTensor
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN106 CUDA_VISIBLE_DEVICES', () => {
    it('fires when the variable is written', async () => {
      const f = await findingsOf('NRN106', `
        import os
        os.environ["CUDA_VISIBLE_DEVICES"] = "0,1"
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "0")
      `);
      assert.deepEqual(at(f), [[2, 12], [3, 23]]);
      assert.equal(f[0].severity, 'info');
      assert.match(f[0].message, /NEURON_RT_VISIBLE_CORES/);
    });
    it('does not fire when it is only read or mentioned', async () => {
      const f = await findingsOf('NRN106', `
        import os
        gpus = os.environ.get("CUDA_VISIBLE_DEVICES", "")
        print("set CUDA_VISIBLE_DEVICES to choose a GPU")
        # os.environ["CUDA_VISIBLE_DEVICES"] = "0"
        os.environ["NEURON_RT_VISIBLE_CORES"] = "0"
      `);
      assert.deepEqual(f, []);
    });
  });

  describe('NRN107 device_map on GPUs', () => {
    it('fires on CUDA and integer maps (error) and on auto maps (warning)', async () => {
      const f = await findingsOf('NRN107', `
        from transformers import AutoModelForCausalLM as AM
        m1 = AM.from_pretrained("gpt2", device_map="auto")
        m2 = AM.from_pretrained("gpt2", device_map="cuda:0")
        m3 = AM.from_pretrained("gpt2", device_map={"": 0})
      `);
      assert.deepEqual(at(f), [[2, 44], [3, 44], [4, 49]]);
      assert.deepEqual(f.map((x) => x.severity), ['warning', 'error', 'error']);
      // QLoRA / TRL: the process's GPU index; a plain name is left alone
      const g = await findingsOf('NRN107', `
        import os
        from transformers import AutoModelForCausalLM as AM
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        m = AM.from_pretrained("gpt2", device_map={"": local_rank})
        dm = build_map()
        n = AM.from_pretrained("gpt2", device_map=dm)
        device_map = "auto"
        if ddp:
            device_map = {"": local_rank}
        q = AM.from_pretrained("gpt2", device_map=device_map)
      `);
      assert.deepEqual(at(g), [[4, 48], [7, 14], [9, 23]]);
      assert.deepEqual(g.map((x) => x.severity), ['error', 'warning', 'error']);
      assert.match(f[0].message, /torch_xla\.device\(\)/);
    });
    it('does not fire on CPU maps, non-HF calls or comments, and leaves variables to NRN102', async () => {
      const f = await findingsOf('NRN107', `
        from transformers import AutoModel
        m = AutoModel.from_pretrained("bert", device_map="cpu")
        plot(device_map="auto")
        dm = "cuda"
        m2 = AutoModel.from_pretrained("bert", device_map=dm)
        # AutoModel.from_pretrained("bert", device_map="auto")
      `);
      assert.deepEqual(f, []);
    });
  });
  describe('NRN108 torch.load without map_location', () => {
    it('fires on torch.load / torch.jit.load without map_location in CUDA code, at the function', async () => {
      const f = await findingsOf('NRN108', `
        import torch
        from torch import load as tload
        model = Net().cuda()
        state = torch.load(args.resume)
        if args.gpu is None:
            checkpoint = tload(
                "ckpt.pt",
            )
        scripted = torch.jit.load("m.pt")
        if torch.cuda.is_available():
            state = torch.load("gpu.pt")
        model.load_state_dict(torch.load(path))
        sd = torch.load(path)
        model.load_state_dict(sd)
      `);
      assert.deepEqual(at(f), [[4, 9], [6, 18], [9, 12], [11, 13], [12, 23], [13, 6]]);
      assert.deepEqual(f.map((x) => x.severity), ['warning', 'warning', 'warning', 'info', 'warning', 'warning']);
      assert.match(f[0].message, /map_location="cpu"/);
      assert.match(f[3].message, /behind a CUDA check/);
      assert.ok(f.every((x) => x.fixable));
    });
    it('does not fire when the program saved the checkpoint itself earlier (PyTorch CIFAR-10 tutorial)', async () => {
      const f = await findingsOf('NRN108', `
        import torch
        device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
        PATH = "./cifar_net.pth"
        torch.save(net.state_dict(), PATH)
        net.load_state_dict(torch.load(PATH))
        other = torch.load("pretrained.pth")
      `);
      assert.deepEqual(at(f), [[6, 9]]);
    });
    it('does not fire with map_location (keyword or second argument), splats, on data (not checkpoints), in files without CUDA, or on other loads', async () => {
      const f = await findingsOf('NRN108', `
        import torch, json, pickle
        model = Net().cuda()
        ckpt_a = torch.load(ckpt_path, map_location="cpu")
        ckpt_b = torch.load(ckpt_path, "cpu")
        ckpt_c = torch.load(ckpt_path, **opts)
        dataset, _ = torch.load(cache_path)
        feats = torch.load("features.pt")
        blob = torch.load(path)
        d = json.load(open(p))
        e = pickle.load(fh)
        g = np.load(p)
        # torch.load(p)
        s = "torch.load(p)"
        class Store:
            def load(self, p): ...
        Store().load(p)
      `);
      assert.deepEqual(f, []);
      const cpuOnly = await findingsOf('NRN108', 'import torch\nstate = torch.load("model.pt")\n');
      assert.deepEqual(cpuOnly, [], 'a file with no CUDA in it: its checkpoints need not come from a GPU');
    });
  });
  describe('NRN109 torch.Generator on the training device', () => {
    it('fires on generators on the accelerator, XLA or CUDA device, at the device argument', async () => {
      const f = await findingsOf('NRN109', `
        import torch
        import torch_xla
        from accelerate import Accelerator
        accelerator = Accelerator()
        g1 = torch.Generator(device=accelerator.device).manual_seed(0)
        g2 = torch.Generator(torch_xla.device())
        g3 = torch.Generator(device="cuda")
        g4 = torch.Generator(device=x.device)
      `);
      assert.deepEqual(at(f), [[5, 29], [6, 22], [7, 29], [8, 29]]);
      assert.deepEqual(f.map((x) => x.severity), ['error', 'error', 'error', 'warning']);
      assert.ok(f.every((x) => x.fixable));
      assert.deepEqual(await findingsOf('NRN102', 'import torch\ng = torch.Generator(device="cuda")\n'), [], 'the "cuda" here is NRN109\'s (a CPU generator is the fix)');
    });
    it('does not fire on CPU generators, other Generator classes or comments', async () => {
      const f = await findingsOf('NRN109', `
        import torch
        g1 = torch.Generator()
        g2 = torch.Generator(device="cpu")
        g3 = torch.Generator(device=torch.device("cpu"))
        g4 = np.random.Generator(bitgen)
        class Generator: ...
        g5 = Generator(device="cuda")
        # torch.Generator(device="cuda")
      `);
      assert.deepEqual(f, []);
    });
  });
});
