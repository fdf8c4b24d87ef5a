import { strict as assert } from 'node:assert';
import { parseIpynb } from '../../../src/core/notebook';
import { analyzer } from '../helpers';

describe('notebooks', () => {
  const nb = JSON.stringify({
    cells: [
      { cell_type: 'code', source: ['import torch as T\n', '%matplotlib inline\n'] },
      { cell_type: 'markdown', source: ['model.cuda() in markdown is prose'] },
      { cell_type: 'code', source: '!pip install torch-neuronx\nmodel = T.nn.Linear(2, 2)\n' },
      { cell_type: 'code', source: 'model = model.cuda()\nx = T.device("cuda")' },
    ],
    metadata: { language_info: { name: 'python' } },
  });

  it('analyses code cells as one program and maps findings to (cell, line in cell)', async () => {
    const a = await analyzer();
    const { cells } = parseIpynb(nb);
    const r = a.analyzeNotebook(cells.filter((c) => c.kind === 'code'), { target: 'xla' });
    const got = r.findings.map((f) => [f.rule, f.cell, f.range.start.line, f.range.start.character]);
    // The alias `T` is imported in cell 0 and resolved in cell 3; magics and shell escapes are ignored.
    assert.deepEqual(got, [
      ['NRN101', 3, 0, 14],
      ['NRN102', 3, 1, 13],
    ]);
  });

  it('analyses the body of %%time / %%capture cells, not of %%bash or %%writefile cells', async () => {
    const a = await analyzer();
    const cells = [
      { index: 0, source: 'import torch\n' },
      { index: 1, source: '%%time\ny = torch.zeros(1).cuda()\n' },
      { index: 2, source: '%%capture out\nz = torch.ones(1).cuda()\n' },
      { index: 3, source: '%%bash\npython -c "import torch; torch.zeros(1).cuda()"\n' },
      { index: 4, source: '%%writefile train.py\nmodel.cuda()\n' },
    ];
    const r = a.analyzeNotebook(cells, { target: 'xla' });
    assert.deepEqual(r.findings.map((f) => [f.rule, f.cell, f.range.start.line]), [
      ['NRN101', 1, 1],
      ['NRN101', 2, 1],
    ]);
  });

  it('rejects files that are not notebooks with a readable message', () => {
    assert.throws(() => parseIpynb('{"cells": ['), /not a valid notebook/);
    assert.throws(() => parseIpynb('{"nbformat": 4}'), /no "cells" list/);
  });
});
