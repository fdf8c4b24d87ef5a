// host-sync: device-to-host transfers inside training or evaluation loops.
import type { Rule } from './api';
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { DOCS } from './util/docs';
import { attributeAt, calledAcrossLinesAt, calledAt, isAttributeText, isCalledText, isMethodCallText, methodCallAt } from './util/nodes';
import { perText } from '../text';
import { RA_DOCS, alreadyOnHost, fromGeneration, inPeriodicBlock, isForeignArray, isTensorish, loaderDataOnHost, methodClass, unparen } from './util/ra';

/**
 * Code that places tensors on a device: `.to(`, `.cuda(`, a device, XLA. A file with none of them runs on
 * the CPU by design (Hogwild workers, preprocessing): its loops read host values, not device ones.
 */
const placesOnDevice = perText((text) => /\.\s*(?:to|cuda)\s*\(|device|xla|mark_step|\bsync\s*\(/.test(text));

/**
 * Inference compiled with `torch_neuronx.trace` and no torch_xla: the traced model takes and returns CPU
 * tensors, there is no lazy graph to cut, and host copies of its results cost what they cost on the CPU.
 */
function tracedInferenceOnly(ctx: RuleContext): boolean {
  return ctx.sem.imports_('torch_neuronx') && !ctx.sem.imports_('torch_xla') && /\btrace\s*\(/.test(ctx.text);
}

/** Runs once per training/eval step, on a device, and not only every N steps. */
function inDeviceStep(ctx: RuleContext, node: Node): boolean {
  return placesOnDevice(ctx.text) && !tracedInferenceOnly(ctx) && ctx.sem.inHotLoop(node) && !inPeriodicBlock(ctx, node);
}

const itemInLoop: Rule = {
  id: 'NRN351',
  name: 'item-in-loop',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'off' },
  title: '`.item()` inside a training or evaluation loop',
  message:
    '`.item()` in the step loop forces the lazy XLA graph to compile and run, then copies the value to the host, every iteration. Keep the value as a tensor and log every N steps after `torch_xla.sync()`, or use `xm.add_step_closure`.',
  why: 'In lazy mode every value access cuts the graph, compiles it and triggers a device-to-host transfer. Inside the step loop that happens every iteration.',
  fix: 'Accumulate on device (`total += loss.detach()`), read it every N steps after `torch_xla.sync()`, or use `xm.add_step_closure(fn, args)`.',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-021',
  stackNote: 'Native TorchNeuron runs eagerly: `.item()` costs what it costs on a GPU, so the rule is off there.',
  triggers: ['item'],
  gate: (text, start, end) => methodCallAt(text, start, end),
  visit(hit, ctx) {
    if (hit.inString || !isMethodCallText(ctx.text, hit.node)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'item' || !call.receiver || call.args.length || call.kwargs.size) return;
    if (!ctx.sem.imports_('torch')) return;
    const rq = ctx.sem.qualifiedName(call.receiver);
    if (rq && !rq.startsWith('torch')) return; // numpy scalars and the like
    if (call.receiver.type === 'call') {
      const inner = ctx.sem.call(call.receiver);
      if (inner.qname && !inner.qname.startsWith('torch')) return;
    }
    if (ctx.sem.isUserObject(call.receiver)) return;
    // Logging every N steps (`if step % 50 == 0:`) is what the message recommends.
    if (!inDeviceStep(ctx, hit.node)) return;
    // `(labels == 1).sum().item()` with labels from the loader, never moved to the device: host data.
    if (loaderDataOnHost(ctx, call.receiver) || fromGeneration(ctx, call.receiver)) return;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
  },
};

const SYNC_WHY = 'In lazy mode every value access cuts the graph, compiles it and triggers a device-to-host transfer. Inside the step loop that happens every iteration.';
const SYNC_FIX = 'Keep values on the device during the step; read them every N steps after `torch_xla.sync()`, or use `xm.add_step_closure(fn, args)`.';
const OFF_NATIVE = 'Native TorchNeuron runs eagerly: the copy costs what it costs on a GPU, so the rule is off there.';

/** Common guard for `x.method()` host copies: torch file, not a user object, not numpy/pandas, in a hot loop. */
function hostMethod(ctx: RuleContext, node: Node, method: string, requireTensor: boolean): CallInfo | null {
  const call = ctx.sem.callOf(node);
  if (!call || call.method !== method || !call.receiver || call.qname) return null;
  if (!ctx.sem.imports_('torch')) return null;
  // The loop first: it is answered from the block index, while the receiver checks follow assignments.
  if (!inDeviceStep(ctx, node)) return null;
  if (ctx.sem.isUserObject(call.receiver) || isForeignArray(ctx, call.receiver)) return null;
  // `x.cpu().numpy()`: the copy happened at `.cpu()`, which is reported there.
  if (alreadyOnHost(ctx, call.receiver)) return null;
  // `(y == 1).sum().item()` with `y` from the loader, never moved: host data, no graph to run.
  if (loaderDataOnHost(ctx, call.receiver)) return null;
  // Decoding a finished generation: the copy is the result.
  if (fromGeneration(ctx, call.receiver)) return null;
  if (requireTensor && !isTensorish(ctx, call.receiver)) {
    // Without numpy/pandas in the file, a `.tolist()` receiver is almost surely a tensor.
    if (ctx.sem.imports_('numpy') || ctx.sem.imports_('pandas') || ctx.sem.imports_('jax') || ctx.sem.imports_('tensorflow')) return null;
  }
  return call;
}

function methodRule(id: string, name: string, method: string, title: string, message: string, requireTensor: boolean, extra?: (call: CallInfo, ctx: RuleContext) => boolean): Rule {
  return {
    id,
    name,
    category: 'host-sync',
    severity: { xla: 'warning', native: 'off' },
    title,
    message,
    why: SYNC_WHY,
    fix: SYNC_FIX,
    docs: DOCS.programmingGuide,
    source: 'NRN-PT-021',
    stackNote: OFF_NATIVE,
    triggers: [method],
    gate: (text, start, end) => methodCallAt(text, start, end),
    visit(hit, ctx) {
      if (hit.inString || !isMethodCallText(ctx.text, hit.node)) return;
      const call = hostMethod(ctx, hit.node, method, requireTensor);
      if (!call || (extra && !extra(call, ctx))) return;
      ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
    },
  };
}

const tolistInLoop = methodRule(
  'NRN352',
  'tolist-in-loop',
  'tolist',
  '`.tolist()` inside a training or evaluation loop',
  '`.tolist()` in the step loop compiles and runs the pending XLA graph and copies the tensor to the host every iteration. Accumulate on the device and convert every N steps after `torch_xla.sync()`.',
  true,
  (call) => call.args.length === 0,
);

const mentionsCpu = perText((text) => text.includes('cpu'));
const cpuInLoop: Rule = {
  ...methodRule(
    'NRN353',
    'cpu-in-loop',
    'cpu',
    '`.cpu()` / `.to("cpu")` inside a training or evaluation loop',
    '`.cpu()` in the step loop forces the lazy XLA graph to run and copies the tensor to the host every iteration. Keep it on the device, or gather every N steps after `torch_xla.sync()` (or in `xm.add_step_closure`).',
    false,
  ),
  triggers: ['cpu', 'to'],
  // `.to(…)` reaches the host only through a "cpu" string, which constant resolution reads from this file.
  gate: (text, start, end, word) => methodCallAt(text, start, end) && (word !== 'to' || mentionsCpu(text)),
  visit(hit, ctx) {
    if (hit.inString || !isMethodCallText(ctx.text, hit.node)) return;
    if (hit.word === 'to') {
      // The argument first: most `.to(…)` calls move to the device, not to the host.
      const c = ctx.sem.callOf(hit.node);
      const d = c && (c.args[0] ?? c.kwargs.get('device'));
      // Only a definite move to the host: `device = "cuda" if … else "cpu"` is the device on Neuron.
      const values = d ? ctx.sem.possibleStrings(d) : [];
      if (!values.length || !values.every((s) => s.value === 'cpu')) return;
    }
    const call = hostMethod(ctx, hit.node, hit.word, false);
    if (!call) return;
    if (hit.word === 'to') {
      if (!isTensorish(ctx, call.receiver!)) return; // model.to("cpu") is rare in a loop, but keep it precise
    } else if (call.args.length || call.kwargs.size) return;
    const message = hit.word === 'to' ? `\`.to${call.node.text.slice(call.func.endIndex - call.node.startIndex)}\` in the step loop forces the lazy XLA graph to run and copies the tensor to the host every iteration. Keep it on the device, or gather every N steps after \`torch_xla.sync()\` (or in \`xm.add_step_closure\`).` : undefined;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, message ? { message } : undefined);
  },
};

const numpyInLoop: Rule = {
  ...methodRule(
    'NRN354',
    'numpy-in-loop',
    'numpy',
    '`.numpy()` / `np.asarray(tensor)` inside a training or evaluation loop',
    '`.numpy()` works only on host tensors: on a Neuron device tensor it raises TypeError ("can\'t convert xla:0 device type tensor to numpy"), and copying with `.cpu()` first forces the lazy graph to run every step. Keep metrics on the device and convert every N steps after `torch_xla.sync()`.',
    false,
  ),
  triggers: ['numpy', 'asarray', 'array'],
  // `.numpy(` as a method call; `asarray(` / `array(` called, bare too (`from numpy import asarray`). The
  // `np` of `import numpy as np` arrives as `numpy` on every `np.…`: none of those is a `.numpy()` call.
  gate: (text, start, end, word) => (word === 'numpy' ? methodCallAt(text, start, end) : calledAcrossLinesAt(text, end)),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'numpy') {
      const call = hostMethod(ctx, hit.node, 'numpy', false);
      if (!call || call.args.length) return;
      // `.numpy()` raises for CUDA and XLA tensors alike, so working code calls it on host data: only a value
      // that is on the device (a model output, a loss) is a finding (`hostMethod` already left loader data out).
      if (!isTensorish(ctx, call.receiver!)) return;
      ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
      return;
    }
    const call = ctx.sem.callOf(hit.node);
    if (!call || (call.qname !== 'numpy.asarray' && call.qname !== 'numpy.array') || !call.args[0]) return;
    if (!ctx.sem.imports_('torch') || !inDeviceStep(ctx, hit.node) || !isTensorish(ctx, call.args[0]) || loaderDataOnHost(ctx, call.args[0])) return;
    ctx.report(call.node);
  },
};

/** A tensor-valued argument (or f-string interpolation) of a print/log call. */
function tensorArgs(ctx: RuleContext, call: CallInfo): Node[] {
  const out: Node[] = [];
  const consider = (a: Node) => {
    const e = unparen(a);
    if (e.type === 'string') {
      for (const i of e.namedChildren) if (i.type === 'interpolation') {
        const x = i.childForFieldName('expression') ?? i.namedChildren[0];
        if (x && isTensorish(ctx, x)) out.push(x);
      }
      return;
    }
    // '…' % (a, b) and '…'.format(a, b)
    if (e.type === 'binary_operator' && e.childForFieldName('operator')?.text === '%' && e.childForFieldName('left')?.type === 'string') {
      const r = unparen(e.childForFieldName('right')!);
      for (const x of r.type === 'tuple' ? r.namedChildren : [r]) consider(x);
      return;
    }
    if (e.type === 'call') {
      const c = ctx.sem.call(e);
      if (c.method === 'format' && c.receiver?.type === 'string') {
        for (const x of [...c.args, ...c.kwargs.values()]) consider(x);
        return;
      }
    }
    if (isTensorish(ctx, e)) out.push(e);
  };
  for (const a of call.args) consider(a);
  for (const v of call.kwargs.values()) consider(v);
  return out;
}

const LOG_METHODS = new Set(['info', 'debug', 'warning', 'error', 'set_description', 'set_postfix', 'set_postfix_str', 'write']);
const printInLoop: Rule = {
  id: 'NRN355',
  name: 'print-tensor-in-loop',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'off' },
  title: 'Printing or formatting a tensor (`print(loss)`, `f"{loss}"`) inside a training or evaluation loop',
  message:
    'Printing a device tensor in the step loop cuts the lazy XLA graph, compiles it and copies the value to the host every iteration. Print every N steps after `torch_xla.sync()`, or from `xm.add_step_closure`.',
  why: `${SYNC_WHY} Printing an intermediate tensor "cuts a new graph".`,
  fix: SYNC_FIX,
  docs: DOCS.debug,
  source: 'NRN-PT-021',
  stackNote: OFF_NATIVE,
  triggers: ['print', 'master_print', ...LOG_METHODS],
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    if (hit.word === 'master_print') {
      if (call.qname !== 'torch_xla.core.xla_model.master_print') return;
    } else if (hit.word === 'print') {
      if (call.func.type !== 'identifier' || ctx.sem.qualifiedName(call.func)) return;
    } else if (!call.method || !call.receiver || ctx.sem.isUserObject(call.receiver)) return;
    if (!inDeviceStep(ctx, hit.node)) return;
    // One finding per call (the first tensor printed) is enough to point at the sync.
    const [first] = tensorArgs(ctx, call);
    if (first) ctx.report(first, { data: { callee: call.func.text } });
  },
};

const castInLoop: Rule = {
  id: 'NRN356',
  name: 'python-scalar-cast-in-loop',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'off' },
  title: '`float(t)` / `int(t)` / `bool(t)` of a tensor inside a training or evaluation loop',
  message:
    'Converting a device tensor to a Python number in the step loop is an implicit `.item()`: it compiles and runs the lazy graph and copies to the host every iteration. Keep it a tensor; read it every N steps after `torch_xla.sync()`.',
  why: SYNC_WHY,
  fix: SYNC_FIX,
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-021',
  stackNote: OFF_NATIVE,
  triggers: ['float', 'int', 'bool'],
  gate: (text, start, end) => calledAt(text, end) && !attributeAt(text, start),
  visit(hit, ctx) {
    // Text first: a builtin call `int(…)`, not an annotation (`dim: int`) or an attribute (`torch.float`).
    if (hit.inString || !isCalledText(ctx.text, hit.node) || isAttributeText(ctx.text, hit.node) || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.func.type !== 'identifier' || call.args.length !== 1 || ctx.sem.qualifiedName(call.func)) return;
    if (LITERALS.has(call.args[0].type)) return; // `float("-inf")`, `int(2)`: no tensor, no need to ask about loops
    if (!inDeviceStep(ctx, hit.node) || !isTensorish(ctx, call.args[0])) return;
    ctx.report(call.node);
  },
};

const LITERALS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none']);

const TRACKERS = /^(?:wandb\.log|mlflow\.log_metrics?|neptune\.\w+|clearml\.\w+|comet_ml\.\w+)$/;
const trackerInLoop: Rule = {
  id: 'NRN357',
  name: 'log-tensor-in-loop',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'off' },
  title: 'Logging device tensors to an experiment tracker or metric (`wandb.log`, `writer.add_scalar`, `metric.add_batch`) inside the step loop',
  message:
    'Logging a device tensor every step converts it on the host, which cuts the lazy XLA graph and copies to the host each iteration. Log every N steps after `torch_xla.sync()`, or from `xm.add_step_closure`.',
  why: `${SYNC_WHY} Trackers call \`.item()\` / \`float()\` on the tensors they receive.`,
  fix: 'Log every N steps, after `torch_xla.sync()`, or `xm.add_step_closure(log_fn, (loss,))` so the value is read once the step has run.',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-021',
  stackNote: OFF_NATIVE,
  triggers: ['log', 'log_metric', 'log_metrics', 'add_scalar', 'add_scalars', 'add_batch'],
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    const tracker =
      (call.qname && TRACKERS.test(call.qname)) ||
      ((hit.word === 'add_scalar' || hit.word === 'add_scalars') && !!call.receiver && !ctx.sem.isUserObject(call.receiver) && !call.qname) ||
      // HF `evaluate` metrics convert what they are given to numpy: `metric.add_batch(predictions=preds, …)`.
      (hit.word === 'add_batch' && !!call.receiver && /metric/i.test(call.receiver.text) && !ctx.sem.isUserObject(call.receiver));
    if (!tracker || !inDeviceStep(ctx, hit.node)) return;
    const values: Node[] = [];
    for (const a of [...call.args, ...call.kwargs.values()]) {
      const e = unparen(a);
      if (e.type === 'dictionary') {
        for (const pair of e.namedChildren) if (pair.type === 'pair') {
          const v = pair.childForFieldName('value');
          if (v && isTensorish(ctx, v)) values.push(v);
        }
      } else if (isTensorish(ctx, e)) values.push(e);
    }
    // A metric needs every batch, so "every N steps" is the wrong advice there: keep the batches on the device.
    const message =
      hit.word === 'add_batch'
        ? '`metric.add_batch` converts device tensors to numpy every step, which cuts the lazy XLA graph and copies to the host each iteration. Collect predictions and labels on the device (e.g. a list of tensors, `torch.cat` after the loop) and add them once after the loop, or hand each batch to `xm.add_step_closure`.'
        : undefined;
    for (const v of values) ctx.report(v, { message, data: { tracker: call.func.text } });
  },
};

/** The `forward` method of a class that derives from something not defined here (nn.Module and friends). */
const DEF_NAME = /(?:async[ \t]+)?def[ \t]+(\w+)/y;

function inModuleForward(ctx: RuleContext, node: Node): boolean {
  // The enclosing def from the block index and its name from the text: most hits are not in `forward`,
  // and walking up the tree to find out was most of this rule's cost.
  const fn = ctx.sem.scopeOf(node);
  if (!fn) return false;
  DEF_NAME.lastIndex = fn.startIndex;
  if (DEF_NAME.exec(ctx.text)?.[1] !== 'forward') return false;
  const cls = methodClass(fn);
  const bases = cls?.childForFieldName('superclasses');
  return !!bases && bases.namedChildren.some((b) => b.type !== 'keyword_argument' && (b.type === 'attribute' || !!ctx.sem.qualifiedName(b) || /Module|Model|Layer|Block/.test(b.text)));
}

const HOST_IN_FORWARD = ['item', 'tolist', 'cpu', 'numpy'];
const hostInForward: Rule = {
  id: 'NRN358',
  name: 'host-sync-in-forward',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'warning' },
  title: '`.item()` / `.tolist()` / `.cpu()` / `.numpy()` inside a model\'s `forward`',
  message:
    'A host read inside `forward` cuts the XLA graph in the middle of the model (and `torch_neuronx.trace` freezes the value at trace time). Keep `forward` on tensors: replace the value read with tensor ops.',
  why: 'Model code runs every step and is what gets traced or compiled. On XLA a value read cuts the graph mid-model; under `torch_neuronx.trace` the value is frozen; under TorchNeuron `torch.compile` it is a graph break ("Unsupported Tensor.item() call").',
  fix: 'Replace the host value with tensor operations (`torch.where`, masks, static sizes); compile with `fullgraph=True` on native so graph breaks are raised instead of silently splitting the model.',
  docs: RA_DOCS.compileHowTo,
  source: 'NRN-PT-072',
  stackNote: 'XLA: graph cut and device-to-host copy; native: graph break under torch.compile.',
  triggers: HOST_IN_FORWARD,
  gate: (text, start, end) => methodCallAt(text, start, end),
  visit(hit, ctx) {
    if (hit.inString || !isMethodCallText(ctx.text, hit.node) || !ctx.sem.imports_('torch')) return;
    if (!inModuleForward(ctx, hit.node)) return; // cheapest discriminating test first
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== hit.word || !call.receiver || call.qname || call.args.length) return;
    if (ctx.sem.isUserObject(call.receiver) || isForeignArray(ctx, call.receiver) || alreadyOnHost(ctx, call.receiver)) return;
    if (ctx.sem.inHotLoop(hit.node)) return;
    const message =
      ctx.target === 'native'
        ? `\`.${hit.word}()\` inside \`forward\` is a graph break under \`torch.compile\` ("Unsupported Tensor.item() call" for \`.item()\`). Keep \`forward\` on tensors and compile with \`fullgraph=True\` to catch breaks.`
        : undefined;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, { message });
  },
};

export const rules: Rule[] = [itemInLoop, tolistInLoop, cpuInLoop, numpyInLoop, printInLoop, castInLoop, trackerInLoop, hostInForward];
