// Unit tests of the fix engine's parts: text edits and diffs, import management, plan conflicts,
// per-stack quick fixes, unsafe plans, and the CLI's --diff / --fix.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, computeFixes, diffToEdits, unifiedDiff, FIXERS } from '../../../src/core/fixes';
import { FIXABLE_RULES } from '../../../src/core/fixes/catalog';
import { fixNotebook, joinCells, splitCellEdits } from '../../../src/core/fixes/notebook';
import { ruleById } from '../../../src/core/rules';
import { applyOffsetEdits } from '../../../src/core/fixes/text';
import { optimumApi } from '../../../src/core/fixes/fixers/hf';
import { readOptimumNeuronPin } from '../../../src/core/fixes/pins';
import { applyFixesCommand } from '../../../src/cli/fix';
import { parseArgs } from '../../../src/cli/args';
import { analyzeFile } from '../../../src/core/workspace/analyzeFile';
import { dedent, tempDir } from '../helpers';
import { fixText, getTools } from './helpers';

describe('fix engine: text', () => {
  it('diffToEdits gives minimal edits that reproduce the target', () => {
    const a = 'import torch\nx = 1\ny = x.cuda()\nz = 3\n';
    const b = 'import torch\nimport torch_xla\nx = 1\ny = x.to(torch_xla.device())\nz = 3\n';
    const edits = diffToEdits(a, b);
    assert.equal(applyOffsetEdits(a, edits), b);
    assert.ok(edits.every((e) => e.end - e.start < 10), 'edits are trimmed to the changed characters');
  });
  it('applyEdits rejects overlapping edits', () => {
    const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
    assert.throws(() => applyEdits('abcdef', [{ range: r, newText: 'x' }, { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 4 } }, newText: 'y' }]));
  });
  it('unifiedDiff has headers and hunks', () => {
    const d = unifiedDiff('t.py', 'a\nb\nc\n', 'a\nB\nc\n');
    assert.match(d, /^--- a\/t\.py\n\+\+\+ b\/t\.py\n@@ -1,3 \+1,3 @@\n a\n-b\n\+B\n c\n$/);
    assert.equal(unifiedDiff('t.py', 'same\n', 'same\n'), '');
  });
});

describe('fix engine: imports', () => {
  it('adds `import torch_xla` once, after the torch imports, for several fixes', async () => {
    const src = dedent(`
      import os
      import torch
      import numpy as np

      a = torch.zeros(1).cuda()
      b = torch.ones(1).cuda()
    `);
    const r = await fixText(src, 'xla');
    assert.equal(r.text.match(/^import torch_xla$/gm)?.length, 1);
    assert.match(r.text, /^import torch\nimport torch_xla\nimport numpy as np$/m);
  });
  it('reuses an existing import and alias instead of adding one', async () => {
    const src = dedent(`
      import torch
      import torch_xla.core.xla_model as xmod
      from torch.cuda.amp import GradScaler

      def step(model, loss, opt, loader):
          scaler = GradScaler()
          for x in loader:
              scaler.scale(loss).backward()
              scaler.step(opt)
              scaler.update()
              xmod.mark_step()
    `);
    const r = await fixText(src, 'xla');
    assert.match(r.text, /xmod\.optimizer_step\(opt\)/);
    assert.doesNotMatch(r.text, /import torch_xla\.core\.xla_model as xm\b/);
    assert.doesNotMatch(r.text, /GradScaler/, 'the import the fix made unused is dropped');
  });
  it('merges into an existing `from optimum.neuron import …`', async () => {
    const src = dedent(`
      from transformers import Trainer, TrainingArguments
      from optimum.neuron import NeuronModelForCausalLM

      args = TrainingArguments(output_dir="o")
      trainer = Trainer(model=None, args=args)
    `);
    const r = await fixText(src, 'xla');
    assert.match(r.text, /^from optimum\.neuron import NeuronModelForCausalLM, NeuronTrainer, NeuronTrainingArguments$/m);
    assert.doesNotMatch(r.text, /from transformers import/);
  });
  it('keeps an import that is still used elsewhere', async () => {
    const src = dedent(`
      import torch
      from torch.cuda.amp import autocast

      def f(model, x):
          with autocast():
              return model(x)

      print(autocast)
    `);
    const r = await fixText(src, 'xla');
    assert.match(r.text, /^from torch\.cuda\.amp import autocast$/m);
  });
  it('writes `import torch` when torch is only imported through `from`', async () => {
    const src = dedent(`
      from torch.cuda.amp import autocast

      def f(model, x):
          with autocast():
              return model(x)
    `);
    const r = await fixText(src, 'native');
    assert.match(r.text, /^import torch$/m);
    assert.match(r.text, /with torch\.autocast\("neuron", dtype=torch\.bfloat16\):/);
  });
  it('uses the alias torch is imported under', async () => {
    const r = await fixText('import torch as T\n\ndef f(model, x):\n    with T.autocast("cuda", dtype=T.float16):\n        return model(x)\n', 'xla');
    assert.match(r.text, /with T\.autocast\("xla", dtype=T\.bfloat16\):/);
  });
});

describe('fix engine: plans', () => {
  it('quick fixes: the detected stack first (preferred), the other stack as an alternative, then a TODO', async () => {
    const { a, fe } = await getTools();
    const src = 'import torch\n\nmodel = torch.nn.Linear(2, 2).cuda()\n';
    const f = a.analyzeText(src, { target: 'xla' }).findings.find((x) => x.rule === 'NRN101')!;
    const qs = fe.quickFixes(src, f, 'xla');
    assert.deepEqual(
      qs.map((q) => [q.kind, q.target, q.preferred]),
      [
        ['fix', 'xla', true],
        ['fix', 'native', false],
        ['todo', 'xla', false],
      ],
    );
    assert.match(applyEdits(src, qs[1].edits), /\.to\("neuron"\)/);
    assert.match(applyEdits(src, qs[2].edits), /# TODO\(neuron\): NRN101: /);
  });
  it('unsafe plans (dtype changes) are quick fixes only, never in fix-all', async () => {
    const { a, fe } = await getTools();
    const src = 'import torch\n\nx = torch.zeros(3, dtype=torch.float64)\n';
    const fs = a.analyzeText(src, { target: 'xla' }).findings.filter((x) => x.rule === 'NRN451');
    assert.ok(fs.length);
    const all = fe.computeFixes(src, fs, 'xla');
    assert.equal(all.edits.length, 0);
    assert.match(all.skipped[0].reason, /quick fix only/);
    const q = fe.quickFixes(src, fs[0], 'xla').find((x) => x.kind === 'fix');
    assert.ok(q && !q.preferred);
    assert.match(applyEdits(src, q.edits), /dtype=torch\.float32/);
  });
  it('skips what it cannot rewrite safely, with a reason', async () => {
    const src = dedent(`
      import torch
      from torch.cuda.amp import GradScaler

      def train(model, loss, opt):
          scaler = GradScaler()
          scaler.scale(loss).backward()
          scaler.step(opt)
          scaler.update()
          torch.save({"scaler": scaler.state_dict()}, "ckpt.pt")
    `);
    const r = await fixText(src, 'xla');
    assert.match(r.text, /scaler = GradScaler\(\)/);
    const s = r.skipped.find((x) => x.rule === 'NRN202');
    assert.ok(s && /state_dict/.test(s.reason), JSON.stringify(r.skipped));
  });
  it('HF rewrites are not applied for native TorchNeuron', async () => {
    const src = 'from transformers import Trainer\n\ntrainer = Trainer(model=None)\n';
    const r = await fixText(src, 'native');
    assert.equal(r.text, src);
  });
  it('reads the optimum-neuron version from pins', () => {
    const d = tempDir('nl-pin-');
    writeFileSync(join(d, 'requirements.txt'), 'torch==2.8\noptimum-neuron==0.3.0  # pinned\n');
    writeFileSync(join(d, 'train.py'), '');
    assert.equal(readOptimumNeuronPin(join(d, 'train.py')), '0.3.0');
    const poetry = tempDir('nl-pin-');
    writeFileSync(join(poetry, 'pyproject.toml'), '[tool.poetry.dependencies]\npython = "^3.10"\noptimum-neuron = "^0.4.5"\n');
    assert.equal(readOptimumNeuronPin(poetry), '0.4.5');
    const pep621 = tempDir('nl-pin-');
    writeFileSync(join(pep621, 'pyproject.toml'), '[project]\ndependencies = [\n  "optimum-neuron[training]>=0.3.0",\n]\n');
    assert.equal(readOptimumNeuronPin(pep621), null, 'a lower bound alone: assume the newest API');
    writeFileSync(join(pep621, 'pyproject.toml'), '[project]\ndependencies = ["optimum-neuron[training]~=0.3.0"]\n');
    assert.equal(readOptimumNeuronPin(pep621), '0.3.0');
    assert.equal(optimumApi('0.3.0'), '0.3');
    assert.equal(optimumApi('0.4.6.dev4'), '0.4');
    assert.equal(optimumApi(null), '0.4');
  });
});

describe('fix engine: `if torch.cuda.is_available():` device choice', () => {
  const ifElse = (gpu: string, cpu: string, indent = '') =>
    [`${indent}if torch.cuda.is_available():`, `${indent}    device = ${gpu}`, `${indent}else:`, `${indent}    device = ${cpu}`].join('\n');

  it('becomes one assignment of the XLA device, keeping a string a string', async () => {
    const src = `import torch\n\n${ifElse('"cuda"', '"cpu"')}\nx = torch.zeros(1).to(device)\n`;
    const r = await fixText(src, 'xla');
    assert.equal(r.text, 'import torch\nimport torch_xla\n\ndevice = "xla"\nx = torch.zeros(1).to(device)\n');
    assert.deepEqual(r.applied.filter((id) => id === 'NRN152' || id === 'NRN102').sort(), ['NRN102', 'NRN152'], 'one plan for both findings');
    assert.deepEqual(r.skipped, []);
  });
  it('rewrites a format template as a whole ("cuda:{}".format(r), "cuda:%d" % r), and only its name on native', async () => {
    const src = 'import torch\n\ndev = "cuda:{}".format(rank)\nx = torch.zeros(1).to(dev)\ny = torch.ones(1).to("cuda:%d" % rank)\n';
    const xla = await fixText(src, 'xla');
    assert.equal(xla.text, 'import torch\nimport torch_xla\n\ndev = torch_xla.device()\nx = torch.zeros(1).to(dev)\ny = torch.ones(1).to(torch_xla.device())\n');
    const native = await fixText(src, 'native');
    assert.equal(native.text, 'import torch\n\ndev = "neuron:{}".format(rank)\nx = torch.zeros(1).to(dev)\ny = torch.ones(1).to("neuron:%d" % rank)\n');
  });
  it('NRN701: a raising backend guard accepts "neuron" (added to a collection, named in a !=); an == test is a quick fix only', async () => {
    const src = 'import jax\nif jax.default_backend() not in ("gpu", "cuda"):\n    raise RuntimeError()\nif jax.default_backend() != "gpu":\n    raise RuntimeError()\nif jax.default_backend() == "gpu":\n    pass\n';
    const r = await fixText(src, 'xla');
    assert.equal(r.text, 'import jax\nif jax.default_backend() not in ("neuron", "gpu", "cuda"):\n    raise RuntimeError()\nif jax.default_backend() != "neuron":\n    raise RuntimeError()\nif jax.default_backend() == "gpu":\n    pass\n');
  });
  it('keeps a device object an object (torch_xla.device()), inside a function too', async () => {
    const src = `import torch\n\ndef setup():\n${ifElse('torch.device("cuda:0")', "torch.device('cpu')", '    ')}\n    return device\n`;
    const r = await fixText(src, 'xla');
    assert.match(r.text, /\ndef setup\(\):\n {4}device = torch_xla\.device\(\)\n {4}return device\n$/);
  });
  it('on native TorchNeuron keeps the CPU fallback behind torch.accelerator.is_available()', async () => {
    const src = `import torch\n\n${ifElse("'cuda'", "'cpu'")}\n`;
    const r = await fixText(src, 'native');
    assert.equal(r.text, `import torch\n\n${ifElse("'neuron'", "'cpu'").replace('torch.cuda', 'torch.accelerator')}\n`);
  });
  for (const [what, src] of [
    ['a branch does more than assign', `import torch\n\nif torch.cuda.is_available():\n    device = "cuda"\n    print("gpu")\nelse:\n    device = "cpu"\n`],
    ['an elif', `import torch\n\nif torch.cuda.is_available():\n    device = "cuda"\nelif flag:\n    device = "mps"\nelse:\n    device = "cpu"\n`],
    ['a comment', `import torch\n\nif torch.cuda.is_available():\n    device = "cuda"\nelse:\n    # no GPU here\n    device = "cpu"\n`],
    ['a fallback that is not the CPU', `import torch\n\n${ifElse('"cuda"', '"mps"')}\n`],
    ['different names per branch', `import torch\n\nif torch.cuda.is_available():\n    device = "cuda"\nelse:\n    dev = "cpu"\n`],
  ] as const) {
    it(`leaves the statement alone when it has ${what}, and says why`, async () => {
      const r = await fixText(src, 'xla');
      assert.match(r.text, /^if torch\.cuda\.is_available\(\):$/m, 'the if statement is kept');
      assert.ok(r.skipped.some((x) => x.rule === 'NRN152' && /choose the Neuron device explicitly/.test(x.reason)), JSON.stringify(r.skipped));
    });
  }
});

describe('fix engine: torch.load without map_location (NRN108)', () => {
  it('adds map_location="cpu" after the last argument, in the file\'s quote style, and keeps a trailing comma', async () => {
    const src = "import torch\n\nmodel = Net().cuda()\nstate = torch.load('ckpt.pt')\nother = torch.jit.load(\n    path,\n)\nok = torch.load(p, map_location='cpu')\n";
    const r = await fixText(src, 'xla');
    assert.match(r.text, /^state = torch\.load\('ckpt\.pt', map_location='cpu'\)$/m);
    assert.match(r.text, /^other = torch\.jit\.load\(\n {4}path, map_location="cpu",\n\)$/m);
    assert.match(r.text, /^ok = torch\.load\(p, map_location='cpu'\)$/m);
    assert.equal(r.applied.filter((id) => id === 'NRN108').length, 2);
  });
});

describe('fix engine: torch.Generator on the device (NRN109)', () => {
  it('creates the generator on the CPU, keyword or positional', async () => {
    const src = 'import torch\n\ng = torch.Generator(device=accelerator.device).manual_seed(0)\nh = torch.Generator("cuda")\n';
    const r = await fixText(src, 'xla');
    assert.equal(r.text, 'import torch\n\ng = torch.Generator().manual_seed(0)\nh = torch.Generator()\n');
  });
});

describe('fix engine: the dataclasses of an argument parser (NRN802)', () => {
  it('renames the TrainingArguments listed in the parser tuple; the stock parser reads NeuronTrainingArguments as it is', async () => {
    const src = 'from transformers import HfArgumentParser, TrainingArguments\n\nparser = HfArgumentParser((ModelArguments, TrainingArguments))\n';
    const r = await fixText(src, 'xla');
    assert.equal(r.text, 'from transformers import HfArgumentParser\nfrom optimum.neuron import NeuronTrainingArguments\n\nparser = HfArgumentParser((ModelArguments, NeuronTrainingArguments))\n');
    assert.deepEqual([...r.applied], ['NRN802']);
  });
});

describe('CLI: check --diff / --fix', function () {
  this.timeout(60_000);
  const src = 'import torch\n\nmodel = torch.nn.Linear(2, 2).cuda()\nx = torch.zeros(2, device="cuda")\n';
  // `check` hands the analysed files to applyFixesCommand (the dynamic import in check.ts is left
  // to the built CLI).
  async function run(argv: string[]) {
    let out = '';
    let err = '';
    const args = parseArgs(argv);
    const { a } = await getTools();
    const results = args.paths.map((p) => analyzeFile(a, p, { target: args.target as 'xla', select: null, ignore: [] }, true));
    const output = { target: 'xla' as const, filesAnalyzed: results.length, findings: [], notes: [] };
    const code = await applyFixesCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) }, results, output);
    return { code, out, err };
  }
  it('--diff prints a unified diff and writes nothing; exit 0 when no error would remain', async () => {
    const d = tempDir('nl-cli-');
    const p = join(d, 'train.py');
    writeFileSync(p, src);
    const r = await run(['check', p, '--diff', '--target', 'xla']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- a\/.*train\.py\n\+\+\+ b\/.*train\.py\n@@/);
    assert.match(r.out, /^\+model = torch\.nn\.Linear\(2, 2\)\.to\(torch_xla\.device\(\)\)$/m);
    assert.match(r.err, /would apply 2 fixes in 1 file/);
    assert.equal(readFileSync(p, 'utf8'), src);
  });
  it('--fix writes the file, reports what it could not fix, and exits 1 while errors remain', async () => {
    const d = tempDir('nl-cli-');
    const p = join(d, 'train.py');
    writeFileSync(p, src + 'import triton\n');
    const r = await run(['check', p, '--fix', '--target', 'xla']);
    assert.match(readFileSync(p, 'utf8'), /torch_xla\.device\(\)/);
    assert.match(r.out, /fixed .*train\.py: 2 fixes/);
    assert.match(r.out, /NRN551 not fixed/);
    assert.equal(r.code, 1);
    const again = await run(['check', p, '--fix', '--target', 'xla', '--format', 'json']);
    const doc = JSON.parse(again.out);
    assert.equal(doc.files[0].changed, false);
    assert.ok(doc.errorsLeft >= 1);
  });
});

describe('fix engine: computeFixes', () => {
  it('returns non-overlapping edits, the rules applied and the skips with reasons', async () => {
    const { a } = await getTools();
    const src = 'import torch\nimport triton\n\nx = torch.zeros(2).cuda()\n';
    const r = computeFixes(src, a.analyzeText(src, { target: 'xla' }).findings, 'xla');
    assert.deepEqual(r.applied, ['NRN101']);
    assert.ok(r.skipped.some((s) => s.rule === 'NRN551' && s.reason));
    for (let i = 1; i < r.edits.length; i++) assert.ok(cmpPos(r.edits[i - 1].range.end, r.edits[i].range.start) <= 0);
    assert.equal(applyEdits(src, r.edits), r.text);
  });
});

function cmpPos(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

describe('fix engine: catalog', () => {
  it('every rule marked fixable by the fix engine exists and is claimed by a fixer', () => {
    const claimed = new Set(FIXERS.flatMap((f) => f.rules ?? []));
    for (const id of FIXABLE_RULES) {
      assert.ok(ruleById(id), `${id} is in the rule catalog`);
      assert.ok(claimed.has(id), `${id} is claimed by a fixer`);
      assert.equal(ruleById(id)!.fixable, true);
    }
  });
});

describe('fix engine: notebooks', () => {
  const nb = (cells: { t: 'code' | 'markdown'; s: string[] }[]) =>
    JSON.stringify({ cells: cells.map((c) => ({ cell_type: c.t, metadata: {}, source: c.s, ...(c.t === 'code' ? { outputs: [], execution_count: null } : {}) })), metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
  it('fixes code cells as one program: imports land in the import cell, magics and markdown untouched', async () => {
    const { a, fe } = await getTools();
    const json = nb([
      { t: 'markdown', s: ['# Uses cuda\n', 'model.cuda() in prose'] },
      { t: 'code', s: ['%matplotlib inline\n', 'import torch\n', 'import torch.nn as nn'] },
      { t: 'code', s: ['model = nn.Linear(2, 2).cuda()\n', 'torch.cuda.synchronize()'] },
    ]);
    const analyze = (t: string, target?: 'xla' | 'native') => a.analyzeText(t, { target: target ?? 'xla' });
    const r = fixNotebook(fe, json, analyze);
    const doc = JSON.parse(r.json);
    assert.deepEqual(r.cells, [1, 2]);
    assert.deepEqual(doc.cells[0].source, ['# Uses cuda\n', 'model.cuda() in prose']);
    assert.deepEqual(doc.cells[1].source, ['%matplotlib inline\n', 'import torch\n', 'import torch.nn as nn\n', 'import torch_xla']);
    assert.deepEqual(doc.cells[2].source, ['model = nn.Linear(2, 2).to(torch_xla.device())\n', 'torch_xla.sync()']);
    assert.equal(fixNotebook(fe, r.json, analyze).json, r.json, 'idempotent');
  });
  it('reports fixes it skips by cell and line in that cell', async () => {
    const { a, fe } = await getTools();
    const json = nb([
      { t: 'code', s: ['from transformers import pipeline'] },
      { t: 'markdown', s: ['Summaries'] },
      { t: 'code', s: ['text = "long"\n', 's = pipeline("summarization")'] },
    ]);
    const analyze = (t: string, target?: 'xla' | 'native') => a.analyzeText(t, { target: target ?? 'xla' });
    const r = fixNotebook(fe, json, analyze);
    const k = r.result.skipped.find((x) => x.rule === 'NRN816');
    assert.deepEqual(k && [k.cell, k.line], [2, 1]);
  });
});

describe('fix engine: notebook cells in the editor', () => {
  it('joinCells/splitCellEdits map a program fix back to cell-relative edits, keeping magics and cell endings', async () => {
    const { a, fe } = await getTools();
    const cells = ['%load_ext autoreload\nimport torch', 'x = torch.ones(2).cuda()\ntorch.cuda.synchronize()\n'];
    const p = joinCells(cells);
    const f = a.analyzeText(p.text, { target: 'xla' }).findings;
    const r = fe.computeFixes(p.text, f, 'xla');
    const split = splitCellEdits(p, r.text);
    assert.ok(split);
    const out = cells.map((c, i) => applyEdits(c, split[i]));
    assert.equal(out[0], '%load_ext autoreload\nimport torch\nimport torch_xla');
    assert.equal(out[1], 'x = torch.ones(2).to(torch_xla.device())\ntorch_xla.sync()\n');
  });
});

describe('fix engine: encodings and line endings', () => {
  it('keeps CRLF files CRLF and counts positions in UTF-16 code units (emoji before the fix)', async () => {
    const text = 'import torch\r\n# 🙂 héllo\r\nx = torch.zeros(2, names=("🙂",)).cuda()  # 🙂 cuda\r\ny = torch.ones(1).cuda()\r\n';
    const r = await fixText(text, 'xla');
    assert.equal(r.text, 'import torch\r\nimport torch_xla\r\n# 🙂 héllo\r\ndevice = torch_xla.device()\r\nx = torch.zeros(2, names=("🙂",)).to(device)  # 🙂 cuda\r\ny = torch.ones(1).to(device)\r\n');
    assert.equal(applyEdits(text, r.edits), r.text);
  });
});
