import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectTargetFromPins } from '../../../src/core/config/target';
import { loadProjectConfig } from '../../../src/core/config/project';
import { analyzer, dedent, tempDir } from '../helpers';

describe('target stack detection', () => {
  it('reads torch-neuronx pins: ≤ 2.9 is xla, ≥ 2.14 is native', () => {
    assert.equal(detectTargetFromPins(['torch-neuronx==2.9.0.2.11.0\n']), 'xla');
    assert.equal(detectTargetFromPins(['torch_neuronx>=2.14\n']), 'native');
    assert.equal(detectTargetFromPins(['torch-neuronx~=2.14.1  # native backend\n']), 'native');
    assert.equal(detectTargetFromPins(['torch-neuronx<2.10\n']), 'xla');
    assert.equal(detectTargetFromPins(['optimum-neuron[neuronx]==0.4.5\n']), 'xla');
    assert.equal(detectTargetFromPins(['# torch-neuronx>=2.14 (commented out)\ntorch==2.8\n']), null);
    assert.equal(detectTargetFromPins(['torch==2.8\nnumpy\n']), null);
  });

  it('uses the file first: torch_xla / optimum.neuron imports mean xla, a "neuron" device means native', async () => {
    const a = await analyzer();
    const t = (code: string, projectTarget: 'xla' | 'native' | null = null) => a.analyzeText(dedent(code), { target: 'auto', projectTarget }).target;
    assert.equal(t('import torch_xla\n'), 'xla');
    assert.equal(t('from optimum.neuron import NeuronTrainer\n', 'native'), 'xla');
    assert.equal(t('import torch\nx = torch.zeros(1).to("neuron")\n'), 'native');
    assert.equal(t('import torch\n', 'native'), 'native');
    assert.equal(t('import torch\n'), 'xla');
  });

  it('reads [tool.neuron-lens] and pins from the project root, and reports bad values', () => {
    const dir = tempDir('nl-proj-');
    writeFileSync(
      join(dir, 'pyproject.toml'),
      '[project]\nname = "x"\ndependencies = ["torch-neuronx>=2.14"]\n\n[tool.neuron-lens]\ntarget = "native"\nselect = ["cuda-device", "NRN351"]\nignore = ["NRN102"]\nexclude = ["legacy/**"]\n',
    );
    const c = loadProjectConfig(dir, false);
    assert.equal(c.target, 'native');
    assert.deepEqual(c.select, ['cuda-device', 'NRN351']);
    assert.deepEqual(c.ignore, ['NRN102']);
    assert.deepEqual(c.exclude, ['legacy/**']);
    assert.equal(c.pinnedTarget, 'native');
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.neuron-lens]\ntarget = "gpu"\n');
    assert.match(loadProjectConfig(dir, false).errors[0], /target must be/);
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.neuron-lens\n');
    assert.match(loadProjectConfig(dir, false).errors[0], /could not be parsed/);
  });
});
