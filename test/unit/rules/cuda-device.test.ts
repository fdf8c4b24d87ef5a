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
      `);
      assert.deepEqual(f, []);
    });
  });
});
