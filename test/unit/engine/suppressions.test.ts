import { strict as assert } from 'node:assert';
import { analyze } from '../helpers';

describe('suppressions (CONTRACTS.md §3)', () => {
  const code = (tail: string) => `import torch\nx = torch.zeros(1).cuda()${tail}\ny = torch.zeros(1).cuda()\n`;
  it('`# neuron: ignore` suppresses every finding starting on its line only', async () => {
    const f = await analyze(code('  # neuron: ignore'));
    assert.deepEqual(f.filter((x) => x.rule === 'NRN101').map((x) => x.range.start.line), [2]);
  });
  it('`# neuron: ignore[ids,categories]` suppresses only those', async () => {
    assert.equal((await analyze(code('  # neuron: ignore[NRN101]'))).filter((x) => x.rule === 'NRN101').length, 1);
    assert.equal((await analyze(code('  # neuron: ignore[cuda-device]'))).filter((x) => x.rule === 'NRN101').length, 1);
    assert.equal((await analyze(code('  # neuron: ignore[NRN999, host-sync]'))).filter((x) => x.rule === 'NRN101').length, 2);
  });
  it('a suppression inside a string is not a suppression', async () => {
    const f = await analyze('import torch\nx = torch.zeros(1).cuda(); s = "# neuron: ignore"\n');
    assert.equal(f.filter((x) => x.rule === 'NRN101').length, 1);
  });
  it('`# neuron: ignore-file` in the first 20 lines suppresses the file; later it does not', async () => {
    assert.deepEqual(await analyze(`# neuron: ignore-file\n${code('')}`), []);
    const late = '\n'.repeat(25) + '# neuron: ignore-file\n' + code('');
    assert.equal((await analyze(late)).filter((x) => x.rule === 'NRN101').length, 2);
  });
});
