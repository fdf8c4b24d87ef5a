import { strict as assert } from 'node:assert';
import { at, findingsOf } from '../helpers';

describe('host-sync', () => {
  describe('NRN351 .item() in a loop', () => {
    it('fires inside a training loop, at the method name', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        for batch in loader:
            loss = model(batch).sum()
            loss.backward()
            optimizer.step()
            total += loss.item()
      `);
      assert.deepEqual(at(f), [[6, 19]]);
    });
    it('fires in an eval loop under no_grad and in a train-step helper called from a loop', async () => {
      const f = await findingsOf('NRN351', `
        import torch
        def train_step(batch):
            loss = model(batch)
            loss.backward()
            opt.step()
            return loss.item()
        for b in train:
            train_step(b)
        with torch.no_grad():
            for b in val:
                acc = model(b).mean().item()
      `);
      assert.deepEqual(at(f), [[6, 17], [11, 31]]);
    });
    it('does not fire outside loops, in plain loops, on user classes, numpy, or on the native stack', async () => {
      const code = `
        import torch
        import numpy as np
        class Meter:
            def item(self):
                return 0
        m = Meter()
        x = torch.zeros(1).item()
        for i in range(3):
            y = torch.ones(1).item()
        for b in loader:
            loss = model(b)
            loss.backward()
            opt.step()
            m.item()
            np.float32(1).item()
            # loss.item()
      `;
      assert.deepEqual(await findingsOf('NRN351', code), []);
      assert.deepEqual(await findingsOf('NRN351', 'import torch\nfor b in l:\n    loss.backward()\n    opt.step()\n    loss.item()\n', 'native'), []);
    });
  });
});
