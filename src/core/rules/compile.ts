// compile: torch.compile backends and modes per stack, TorchScript instead of torch_neuronx.trace,
// trace options, and the archived Inf1 torch-neuron.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { TORCH_FAMILY } from '../engine';
import { fileTrains } from './util/ra';
import { NEURON, importSites, importStatementOf, isDecorator, isGuardedImport, qnameAt, stringsOf, truthy } from './util/catb';

const PT29 = `${NEURON}archive/appnotes/torch-neuronx/introducing-pytorch-2-9.html`;
const COMPILE_REF = `${NEURON}torch/compile/reference-torch-compile.html`;
const TRACE_API = `${NEURON}frameworks/torch/torch-neuronx/api-reference-guide/inference/api-torch-neuronx-trace.html`;

/** `torch.compile(...)` call or `@torch.compile` decorator at this `compile` identifier. */
function torchCompileAt(ctx: RuleContext, node: Node): { call: CallInfo | null } | null {
  if (qnameAt(ctx.sem, node) !== 'torch.compile') return null;
  if (importStatementOf(node)) return null;
  const call = ctx.sem.callOf(node);
  if (call) return { call };
  if (isDecorator(node)) return { call: null };
  return null;
}

const compileOnXla: Rule = {
  id: 'NRN601',
  name: 'torch-compile-on-xla',
  category: 'compile',
  severity: { xla: 'error', native: 'off' },
  title: '`torch.compile` on the XLA-based torch-neuronx (≤ 2.9)',
  message:
    'torch.compile (TorchDynamo) is not supported by the XLA-based torch-neuronx ("support in Neuron will be available in a future release"). Remove it: train in lazy mode with `torch_xla.sync()`, and use `torch_neuronx.trace` for inference.',
  why: 'The torch-neuronx 2.x release notes (through 2.9): "Torch Dynamo (torch.compile) support in Neuron will be available in a future release." It arrives only with TorchNeuron (torch-neuronx ≥ 2.14), as `backend="neuron"`.',
  fix: 'Drop `torch.compile`; the lazy XLA graph is compiled by neuronx-cc anyway. For inference, `torch_neuronx.trace(model, example_inputs)`. On TorchNeuron use `torch.compile(model, backend="neuron")`.',
  docs: PT29,
  source: 'NRN-PT-031',
  stackNote: 'Native TorchNeuron supports `torch.compile(backend="neuron")`; see NRN602/NRN603 for its backends and modes.',
  triggers: ['compile'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (!torchCompileAt(ctx, hit.node)) return;
    ctx.report(hit.node);
  },
};

const NON_NEURON_BACKENDS = new Set(['inductor', 'cudagraphs', 'openxla', 'openxla_eval', 'aot_eager', 'eager', 'tvm', 'onnxrt', 'tensorrt', 'torch_tensorrt', 'ipex']);

const compileBackendNative: Rule = {
  id: 'NRN602',
  name: 'torch-compile-backend',
  category: 'compile',
  severity: { xla: 'off', native: 'error' },
  title: '`torch.compile` with a non-Neuron backend on TorchNeuron',
  message: 'On TorchNeuron, torch.compile lowers through FX → StableHLO → neuronx-cc with `backend="neuron"`; Inductor, CUDA graphs and OpenXLA backends do not target the Neuron device. Use `torch.compile(model, backend="neuron", fullgraph=True)`.',
  why: 'The Neuron backend does not use Inductor (which generates Triton/C++ kernels); `openxla` belongs to PyTorch/XLA, which TorchNeuron replaced.',
  fix: '`torch.compile(model, backend="neuron", fullgraph=True)` (the neuron backend is also auto-selected on a Neuron device when no backend is given).',
  docs: COMPILE_REF,
  source: 'NRN-PT-070',
  stackNote: 'On the XLA stack any torch.compile is reported by NRN601.',
  triggers: ['compile'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const c = torchCompileAt(ctx, hit.node);
    if (!c?.call) return;
    for (const s of stringsOf(ctx.sem, c.call.kwargs.get('backend'))) {
      if (NON_NEURON_BACKENDS.has(s.value)) ctx.report(s.node, { message: `\`backend="${s.value}"\` does not target the Neuron device; use \`torch.compile(model, backend="neuron", fullgraph=True)\`.`, data: { replacement: 'neuron' } });
    }
  },
};

const CUDA_MODES = new Set(['reduce-overhead', 'max-autotune', 'max-autotune-no-cudagraphs']);

const compileModeNative: Rule = {
  id: 'NRN603',
  name: 'torch-compile-mode',
  category: 'compile',
  severity: { xla: 'off', native: 'info' },
  title: '`torch.compile(mode="reduce-overhead" / "max-autotune")` on TorchNeuron',
  message: 'TorchNeuron applies only `mode="default"`; other modes log a warning and fall back to default (there are no CUDA graphs or Inductor autotuning). Remove the `mode` argument.',
  why: 'The TorchNeuron torch.compile reference: "Only \'default\' applies. Other modes log a warning and fall back to default".',
  fix: 'Drop `mode=...` (and Inductor `options={...}`).',
  docs: COMPILE_REF,
  source: 'NRN-PT-071',
  stackNote: 'On the XLA stack any torch.compile is reported by NRN601.',
  triggers: ['compile'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const c = torchCompileAt(ctx, hit.node);
    if (!c?.call) return;
    for (const s of stringsOf(ctx.sem, c.call.kwargs.get('mode'))) if (CUDA_MODES.has(s.value)) ctx.report(s.node, { data: { remove: true } });
  },
};

function definesFunction(ctx: RuleContext, name: string): boolean {
  return new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${name}[ \\t]*\\(`, 'm').test(ctx.text);
}

const jitForDeployment: Rule = {
  id: 'NRN604',
  name: 'torchscript-instead-of-neuron-trace',
  category: 'compile',
  severity: { xla: 'warning', native: 'off' },
  title: '`torch.jit.trace` / `torch.jit.script` of a model instead of `torch_neuronx.trace`',
  message: 'TorchScript tracing does not compile for Neuron. For deployment use `torch_neuronx.trace(model, example_inputs)`, which compiles an ahead-of-time NEFF; save and load it with `torch.jit.save` / `torch.jit.load`.',
  why: '"Traced inference should be used for nearly all deployment purposes": `torch_neuronx.trace` produces a TorchScript module holding a compiled NEFF, avoiding per-call graph building.',
  fix: '`traced = torch_neuronx.trace(model, example_inputs)`, then `torch.jit.save(traced, "model.pt")`; `torch.jit.load` places it on a NeuronCore automatically.',
  docs: `${NEURON}frameworks/torch/torch-neuronx/programming-guide/inference/trace-vs-xla-lazytensor.html`,
  source: 'NRN-PT-090',
  stackNote: 'torch_neuronx.trace is the XLA-stack inference path; on TorchNeuron the rule is off.',
  triggers: ['trace', 'script', 'trace_module'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !['torch.jit.trace', 'torch.jit.script', 'torch.jit.trace_module'].includes(call.qname ?? '')) return;
    const target = call.args[0] ?? call.kwargs.get('func') ?? call.kwargs.get('obj') ?? call.kwargs.get('mod');
    if (!target) return;
    // Scripting a small helper function is not a deployment path.
    if (target.type === 'identifier' && definesFunction(ctx, target.text)) return;
    if (target.type === 'lambda') return;
    // A training script (timm, torchaudio examples) scripts the model it trains: the deployment advice is beside
    // the point there, and on XLA the scripted module only replays the same ops into the lazy graph.
    if (fileTrains(ctx, hit.node)) {
      ctx.report(hit.node, {
        severity: 'info',
        message: 'TorchScript brings nothing to training on Neuron: on the XLA stack the graph is traced lazily from the ops the module runs, scripted or not, and compiled by the Neuron compiler. Train the plain `nn.Module`; to deploy, compile it with `torch_neuronx.trace(model, example_inputs)`.',
        data: { replacement: 'torch_neuronx.trace' },
      });
      return;
    }
    ctx.report(hit.node, { data: { replacement: 'torch_neuronx.trace' } });
  },
};

const weightsNotInlined: Rule = {
  id: 'NRN605',
  name: 'trace-weights-not-moved',
  category: 'compile',
  severity: { xla: 'warning', native: 'off' },
  title: '`torch_neuronx.trace(..., inline_weights_to_neff=False)` without `move_trace_to_device`',
  message: 'With `inline_weights_to_neff=False` the weights stay on the CPU and move to the NeuronCore on every inference. Call `torch_neuronx.move_trace_to_device(traced, core_id)` after tracing (or after loading).',
  why: 'The trace API reference warns that "a performance penalty is incurred per inference" when non-inlined weights are not moved to the device.',
  fix: '`torch_neuronx.move_trace_to_device(traced, 0)`.',
  docs: TRACE_API,
  source: 'NRN-PT-091',
  stackNote: 'torch_neuronx.trace is the XLA-stack inference path; the rule is off on TorchNeuron.',
  triggers: ['trace'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'torch_neuronx.trace') return;
    const kw = call.kwargNodes.get('inline_weights_to_neff');
    if (!kw || truthy(ctx.sem, call.kwargs.get('inline_weights_to_neff')) !== 'false') return;
    if (/\bmove_trace_to_device\s*\(/.test(ctx.text.replace(/#.*$/gm, ''))) return;
    ctx.report(kw);
  },
};

const torchNeuronInf1: Rule = {
  id: 'NRN606',
  name: 'torch-neuron-inf1',
  category: 'compile',
  severity: { xla: 'info', native: 'off' },
  title: '`torch.neuron` / `torch_neuron` (Inf1 torch-neuron, archived)',
  message: 'torch-neuron (`torch.neuron.trace`) targets Inf1 (NeuronCore v1) and is archived. On Inf2/Trn use torch-neuronx: `torch_neuronx.trace(model, example_inputs)`.',
  why: 'PyTorch Neuron (torch-neuron) for NeuronCore v1 is archived and no longer developed.',
  fix: '`import torch_neuronx`; `torch_neuronx.trace(model, example_inputs)`.',
  docs: `${NEURON}frameworks/torch/index.html`,
  source: 'NRN-PT-094',
  requires: [...TORCH_FAMILY, 'torch_neuron'],
  stackNote: 'On TorchNeuron `torch.neuron` is the native device module (like `torch.cuda`), so the rule is off there.',
  triggers: ['neuron', 'torch_neuron'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const stmt = importStatementOf(hit.node);
    if (stmt) {
      if (isGuardedImport(stmt)) return;
      const sites = importSites(stmt, ['torch.neuron', 'torch_neuron']);
      if (sites.length) ctx.report(sites[0], { data: { replacement: 'torch_neuronx' } });
      return;
    }
    const call = ctx.sem.callOf(hit.node);
    if (call && hit.word === 'neuron') return; // `x.neuron()` or similar
    const q = qnameAt(ctx.sem, hit.node);
    if (q !== 'torch.neuron') return;
    const outer = hit.node.parent?.parent;
    if (outer?.type === 'attribute' && outer.childForFieldName('attribute')?.text === 'trace' && ctx.sem.callOf(outer.childForFieldName('attribute')!)) {
      ctx.report(outer, { data: { replacement: 'torch_neuronx.trace' } });
    }
  },
};

const onnxExport: Rule = {
  id: 'NRN607',
  name: 'onnx-export',
  category: 'compile',
  severity: { xla: 'info', native: 'off' },
  title: '`torch.onnx.export` for deployment',
  message: 'Neuron runs compiled NEFF artifacts, not ONNX. For Inferentia/Trainium deployment compile with `torch_neuronx.trace(model, example_inputs)`, or `optimum-cli export neuron --model <id> --batch_size 1 --sequence_length 128 <dir>` for Hugging Face models.',
  why: 'There is no ONNX runtime for NeuronCores; the Neuron compiler consumes the traced PyTorch (XLA/HLO) graph directly.',
  fix: '`torch_neuronx.trace(model, example_inputs)` then `torch.jit.save`; for HF models `optimum-cli export neuron ...`.',
  docs: 'https://huggingface.co/docs/optimum-neuron/guides/export_model',
  source: 'NRN-HF-016',
  stackNote: 'Traced NEFF deployment is the XLA-stack inference path; the rule is off on TorchNeuron.',
  triggers: ['export'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname === 'torch.onnx.export' || call?.qname === 'torch.onnx.dynamo_export') ctx.report(hit.node, { data: { replacement: 'torch_neuronx.trace' } });
  },
};

export const rules: Rule[] = [compileOnXla, compileBackendNative, compileModeNative, jitForDeployment, weightsNotInlined, torchNeuronInf1, onnxExport];
