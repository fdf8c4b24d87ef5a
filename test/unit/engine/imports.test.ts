// Import collection (semantic/model.ts): found from the text (`import` at the start of a statement),
// confirmed in the tree, so imports in strings, comments and docstrings never count.
import * as assert from 'node:assert/strict';
import { SemanticModel } from '../../../src/core/semantic/model';
import { analyzer } from '../helpers';

async function bindings(text: string): Promise<string[]> {
  const a = await analyzer();
  const tree = a.parser.parse(text);
  try {
    return new SemanticModel(tree, text, 'xla').imports.map((b) => `${b.local}=${b.qname}`);
  } finally {
    tree.delete();
  }
}

describe('semantic: imports', () => {
  it('reads every form of import statement, indented ones too', async () => {
    const text = [
      'import torch as T, numpy',
      'import a.b.c',
      'from torch.cuda.amp import (GradScaler as GS,',
      '    autocast)',
      'from importlib import reload',
      'from . import local',
      'def f():',
      '    import torch_xla',
      '    from jax import numpy as jnp; import optax',
      '',
    ].join('\n');
    assert.deepEqual(await bindings(text), ['T=torch', 'numpy=numpy', 'a=a', 'GS=torch.cuda.amp.GradScaler', 'autocast=torch.cuda.amp.autocast', 'reload=importlib.reload', 'torch_xla=torch_xla', 'jnp=jax.numpy', 'optax=optax']);
  });
  it('ignores imports in strings, docstrings and comments', async () => {
    const text = ['"""Usage:', 'import jax', 'from torch import cuda', '"""', 'x = "import os"', 'y = "a; import flax"', '# import deepspeed', 'import torch', ''].join('\n');
    assert.deepEqual(await bindings(text), ['torch=torch']);
  });
  it('handles CRLF and CR line endings', async () => {
    assert.deepEqual(await bindings('import os\r\nimport torch as T\r\n'), ['os=os', 'T=torch']);
    assert.deepEqual(await bindings('x = 1\rimport torch\r'), ['torch=torch']);
  });
});
