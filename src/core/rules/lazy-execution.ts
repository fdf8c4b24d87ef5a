// lazy-execution: the PyTorch/XLA lazy-tensor model (torch-neuronx ≤ 2.9) — graph cuts, device
// loaders, saving XLA tensors, deprecated and removed `xm` APIs, and XLA-era code on the native stack.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { RA_DOCS, findAll, isEnvWrite, someNode, isTensorish, localFunctionsCalledIn, same, stringOf, unparen, usesXla } from './util/ra';
import { perText } from '../text';

const SYNC_CALL = /^torch_xla\.(?:sync|core\.xla_model\.(?:mark_step|optimizer_step)|step)$/;
const DEVICE_LOADER = /^torch_xla\.distributed\.parallel_loader\.(?:MpDeviceLoader|ParallelLoader)$/;

function callsIn(ctx: RuleContext, region: Node): CallInfo[] {
  return findAll(region, (n) => n.type === 'call').map((c) => ctx.sem.call(c));
}

/** The region (or a same-file function it calls) cuts the lazy graph. */
function regionSyncs(ctx: RuleContext, region: Node): boolean {
  const syncs = (r: Node) =>
    callsIn(ctx, r).some((c) => (c.qname && SYNC_CALL.test(c.qname)) || c.method === 'mark_step' || (c.qname === null && c.method === 'sync' && c.receiver?.text === 'torch_xla'));
  if (syncs(region)) return true;
  if (localFunctionsCalledIn(ctx, region).some((fn) => syncs(fn))) return true;
  return callsInheritedMethod(ctx, region);
}

/**
 * `self.run_optimizer()` in a method of a class whose base comes from another file (pytorch/xla's
 * `TrainResNetXLAAMP(TrainResNetBase)`): the method is defined there and may well sync. Unknown is not missing.
 */
function callsInheritedMethod(ctx: RuleContext, region: Node): boolean {
  let cls: Node | null = region.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const bases = cls?.childForFieldName('superclasses');
  const imported = (b: Node) => {
    const q = ctx.sem.qualifiedName(b);
    return !!q && !q.startsWith('torch');
  };
  if (!bases || !bases.namedChildren.some(imported)) return false;
  return callsIn(ctx, region).some((c) => c.receiver?.text === 'self' && !!c.method && !ctx.sem.definesMethod(c.method));
}

/** The loop iterates a device loader (which marks a step per batch). */
function iteratesDeviceLoader(ctx: RuleContext, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  let right = loop.childForFieldName('right');
  if (!right) return false;
  right = unparen(right);
  const check = (n: Node, depth: number): boolean => {
    const e = unparen(n);
    if (depth > 3) return false;
    if (e.type === 'call') {
      const c = ctx.sem.call(e);
      if (c.qname && DEVICE_LOADER.test(c.qname)) return true;
      if (c.method === 'per_device_loader') return true;
      if (c.receiver && c.method && !c.qname) return check(c.receiver, depth + 1);
      return c.args.length > 0 && check(c.args[0], depth + 1); // enumerate(loader), tqdm(loader), itertools.islice(loader, n)
    }
    if (e.type === 'identifier' || e.type === 'attribute') {
      const key = ctx.sem.dottedName(e);
      if (!key) return false;
      // `loader = itertools.islice(loader, n)`: the `loader` inside is the one from before.
      const rhs = ctx.sem.assignmentsOf(key, e).filter((r) => !(r.startIndex <= e.startIndex && e.endIndex <= r.endIndex));
      if (!rhs.length) return e.type === 'identifier' && isParameter(ctx, e) && mentionsDeviceLoader(ctx.text);
      return rhs.some((r) => check(r, depth + 1));
    }
    return false;
  };
  return check(right, 0);
}

const mentionsDeviceLoader = perText((t) => /\b(?:MpDeviceLoader|ParallelLoader|parallel_loader)\b/.test(t));

/**
 * `loader` is a parameter of the function around it. In a file that builds device loaders, a loader handed to
 * the training function is most likely one (pytorch/xla's examples pass `pl.MpDeviceLoader` to `train_loop_fn`).
 */
function isParameter(ctx: RuleContext, id: Node): boolean {
  const fn = ctx.sem.scopeOf(id);
  const params = fn?.childForFieldName('parameters');
  return !!params && someNode(params, (n) => n.type === 'identifier' && n.text === id.text);
}

const LOADER_NAME = /loader$|^loader|dataloader|^batches$/i;
/** The loop iterates a DataLoader (or a name that says it is one), directly or through enumerate/tqdm. */
function iteratesLoader(ctx: RuleContext, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  let right = loop.childForFieldName('right');
  if (!right) return false;
  right = unparen(right);
  if (right.type === 'call') {
    const c = ctx.sem.call(right);
    if (c.qname && /DataLoader$/.test(c.qname)) return true;
    if (c.func.type !== 'identifier' || !/^(?:enumerate|tqdm|iter|zip)$/.test(c.func.text) || !c.args[0]) return false;
    right = unparen(c.args[0]);
  }
  const name = ctx.sem.dottedName(right);
  if (!name) return false;
  if (LOADER_NAME.test(name.slice(name.lastIndexOf('.') + 1))) return true;
  return ctx.sem.assignmentsOf(name, right).some((r) => r.type === 'call' && /DataLoader$/.test(ctx.sem.call(r).qname ?? ''));
}

/** Frameworks that own the step loop and mark steps themselves. */
function managedLoop(ctx: RuleContext): boolean {
  return ctx.sem.imports_('accelerate') || ctx.sem.imports_('optimum.neuron') || ctx.sem.imports_('neuronx_distributed') || ctx.sem.imports_('lightning') || ctx.sem.imports_('pytorch_lightning');
}

const missingSync: Rule = {
  id: 'NRN301',
  name: 'missing-mark-step',
  category: 'lazy-execution',
  severity: { xla: 'error', native: 'off' },
  title: 'XLA training loop without `torch_xla.sync()` / `xm.mark_step()`',
  message:
    'This XLA training loop never cuts the lazy graph, so it grows across iterations and compile time and memory blow up. Call `torch_xla.sync()` (older `xm.mark_step()`) at the end of each step, or iterate a `pl.MpDeviceLoader`.',
  why: 'In lazy mode operations are only recorded; nothing runs until a mark-step or a value access. Without a sync per step the graph accumulates every iteration.',
  fix: 'Add `torch_xla.sync()` (torch-xla 2.9; older `xm.mark_step()`) after `optimizer.step()`, use `xm.optimizer_step(optimizer, barrier=True)`, or iterate `pl.MpDeviceLoader(loader, device)` which marks a step per batch.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-020',
  stackNote: 'Native TorchNeuron executes eagerly: there is no lazy graph to cut, so the rule is off there.',
  triggers: ['backward'],
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx) || managedLoop(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'backward' || !call.receiver || ctx.sem.isUserObject(call.receiver)) return;
    const loop = ctx.sem.loopOf(call.node);
    if (!loop || loop.kind !== 'train') return;
    // One finding per loop: at its first backward call.
    const first = findAll(loop.node, (n) => n.type === 'call' && ctx.sem.call(n).method === 'backward')[0];
    if (!first || !same(first, call.node)) return;
    // The loop, a helper it calls, or — when the loop is an inner micro-batch loop rather than the
    // loop over the data loader — an enclosing loop may cut the graph.
    for (let l: Node | null = loop.node; l; ) {
      if (regionSyncs(ctx, l) || iteratesDeviceLoader(ctx, l)) return;
      if (iteratesLoader(ctx, l)) break; // the step loop itself: a sync only at epoch end is too late
      const outer = ctx.sem.loopOf(l);
      l = outer ? outer.node : null;
    }
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, { data: { loopLine: loop.node.startPosition.row } });
  },
};

const DATALOADER = /^torch\.utils\.data(?:\.dataloader)?\.DataLoader$/;

/** Where the DataLoader value is iterated by a train/eval loop: the iterable node and the loop. */
function loopsOver(ctx: RuleContext, loaderCall: Node): { at: Node; loop: Node }[] {
  const out: { at: Node; loop: Node }[] = [];
  const asIterable = (expr: Node): Node | null => {
    let n = expr;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    // enumerate(x) / tqdm(x) / zip(x, …)
    const arg = ctx.sem.argumentOf(n);
    const container = arg && arg.call.func.type === 'identifier' && /^(?:enumerate|tqdm|zip|iter)$/.test(arg.call.func.text) ? arg.call.node : n;
    const p = container.parent;
    if (p?.type === 'for_statement' && same(p.childForFieldName('right'), container)) return p;
    return null;
  };
  const direct = asIterable(loaderCall);
  if (direct) return [{ at: loaderCall, loop: direct }];
  let n = loaderCall;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const a = n.parent;
  if (a?.type !== 'assignment' || !same(a.childForFieldName('right'), n)) return out;
  const left = a.childForFieldName('left');
  const name = left ? ctx.sem.dottedName(left) : null;
  if (!name) return out;
  for (const u of ctx.sem.usesOf(name, name.includes('.') ? undefined : a)) {
    const arg = ctx.sem.argumentOf(u);
    if (arg && ((arg.call.qname && (DEVICE_LOADER.test(arg.call.qname) || /^(?:accelerate|optimum)\./.test(arg.call.qname))) || arg.call.method === 'prepare' || arg.call.method === 'prepare_data_loader')) return [];
    const loop = asIterable(u);
    if (loop) out.push({ at: u, loop });
  }
  return out;
}

function isHotLoop(ctx: RuleContext, loop: Node): boolean {
  const body = loop.childForFieldName('body');
  const first = body?.namedChildren[0];
  if (!first) return false;
  const info = ctx.sem.loopOf(first);
  return !!info && same(info.node, loop) && info.kind !== 'other';
}

const plainDataLoader: Rule = {
  id: 'NRN302',
  name: 'dataloader-without-mpdeviceloader',
  category: 'lazy-execution',
  severity: { xla: 'warning', native: 'off' },
  title: 'Plain `DataLoader` iterated by an XLA step loop (no `MpDeviceLoader`)',
  message:
    'Iterating a plain DataLoader on XLA gives no host-to-device prefetch and no implicit mark-step. Wrap it: `pl.MpDeviceLoader(loader, device)` (`import torch_xla.distributed.parallel_loader as pl`).',
  why: '`MpDeviceLoader` overlaps host-to-device transfers with compute and marks a step after each batch; without it every `.to(device)` is a synchronous copy.',
  fix: '`import torch_xla.distributed.parallel_loader as pl`; `for batch in pl.MpDeviceLoader(train_loader, device):` (tune `batches_per_execution`).',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-023',
  stackNote: 'Native TorchNeuron uses the standard DataLoader, so the rule is off there.',
  triggers: ['DataLoader'],
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx) || managedLoop(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !DATALOADER.test(call.qname)) return;
    for (const { at, loop } of loopsOver(ctx, call.node)) {
      if (!isHotLoop(ctx, loop)) continue;
      ctx.report(at === call.node ? call.func : at, { data: { wrapper: 'torch_xla.distributed.parallel_loader.MpDeviceLoader' } });
    }
  },
};

/** `x.cpu()`, `.to("cpu")`, `xm._maybe_convert_to_cpu(x)`: already on the host. */
function movedToCpu(ctx: RuleContext, expr: Node): boolean {
  return someNode(expr, (n) => {
    if (n.type !== 'call') return false;
    const c = ctx.sem.call(n);
    if (c.method === 'cpu') return true;
    if (c.method === 'to' && c.args[0] && ctx.sem.possibleStrings(c.args[0]).some((s) => s.value === 'cpu')) return true;
    return !!c.qname && /convert_to_cpu|^torch_xla\.utils\.serialization/.test(c.qname);
  });
}

const torchSave: Rule = {
  id: 'NRN303',
  name: 'torch-save-xla-tensors',
  category: 'lazy-execution',
  severity: { xla: 'warning', native: 'off' },
  title: '`torch.save` of XLA tensors (instead of `xm.save`)',
  message:
    '`torch.save` of XLA tensors saves device tensors that reload onto the XLA device and fail where it is missing. Use `xm.save(...)` after `torch_xla.sync()`, or move the tensors to CPU first.',
  why: 'Saved XLA tensors remember their device. `xm.save` moves them to CPU and writes from the master ordinal only. Since torch-xla 2.5 there is a parameter-aliasing issue, so sync before saving.',
  fix: '`torch_xla.sync(); xm.save(model.state_dict(), path)`; for large multi-device checkpoints `torch_xla.utils.serialization.save`.',
  docs: RA_DOCS.programmingGuide,
  source: 'NRN-PT-026',
  stackNote: 'Native TorchNeuron tensors save like any other device tensors, so the rule is off there.',
  triggers: ['save'],
  requires: ['torch_xla'], // only files that import torch_xla: the engine does not even look up the other hits
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== 'torch.save' || !call.args[0]) return;
    const obj = call.args[0];
    if (movedToCpu(ctx, obj)) return;
    const saysState = someNode(obj, (n) => n.type === 'call' && ctx.sem.call(n).method === 'state_dict');
    const stateVar = (obj.type === 'identifier' && /state|ckpt|checkpoint/i.test(obj.text)) || (obj.type === 'dictionary' && /state_dict|model|optimizer/.test(obj.text));
    if (!saysState && !stateVar && !isTensorish(ctx, obj)) return;
    ctx.report(call.func, { data: { replacement: 'xm.save' } });
  },
};

const DEPRECATED: Record<string, { repl: string; title: string }> = {
  mark_step: { repl: 'torch_xla.sync', title: 'xm.mark_step()' },
  xla_device: { repl: 'torch_xla.device', title: 'xm.xla_device()' },
};

function deprecatedRule(id: string, word: 'mark_step' | 'xla_device'): Rule {
  const d = DEPRECATED[word];
  return {
    id,
    name: word === 'mark_step' ? 'deprecated-mark-step' : 'deprecated-xla-device',
    category: 'lazy-execution',
    severity: { xla: 'info', native: 'off' },
    title: `Deprecated \`${d.title}\``,
    message: `\`${d.title}\` is deprecated in torch-xla 2.9 ("Use ${d.repl} instead"). Use \`${d.repl}()\`.`,
    why: `torch-neuronx 2.9 (torch-xla 2.9) deprecates \`${d.title}\` in favour of \`${d.repl}()\`.`,
    fix: `Replace \`${d.title}\` with \`${d.repl}()\` (\`import torch_xla\`).`,
    docs: RA_DOCS.pytorch29,
    fixable: true,
    source: 'NRN-PT-028',
    stackNote: 'On native the whole torch_xla API is gone (see NRN306).',
    triggers: [word],
    visit(hit, ctx) {
      if (hit.inString) return;
      const call = ctx.sem.callOf(hit.node);
      if (!call || call.qname !== `torch_xla.core.xla_model.${word}`) return;
      ctx.report(call.func, { data: { replacement: d.repl } });
    },
  };
}

const xlaOnNative: Rule = {
  id: 'NRN306',
  name: 'torch-xla-on-native',
  category: 'lazy-execution',
  severity: { xla: 'off', native: 'error' },
  title: 'XLA-era code (`import torch_xla`) on the native TorchNeuron stack',
  message:
    'PyTorch/XLA was replaced by TorchNeuron in PyTorch 2.10: `torch_xla` is not part of torch-neuronx 2.14. Use device "neuron", the standard DataLoader and torch.distributed, and drop mark-steps.',
  why: '"PyTorch 2.9 is the last version using PyTorch/XLA. Users will need to update their scripts when upgrading to PyTorch 2.10 or later." TorchNeuron is an eager PrivateUse1 backend with device `neuron`.',
  fix: 'Replace `torch_xla.device()` / `xm.xla_device()` with `"neuron"`, `pl.MpDeviceLoader` with the plain DataLoader, `xm.optimizer_step` with DDP plus `optimizer.step()`, remove `xm.mark_step()` / `torch_xla.sync()`.',
  docs: RA_DOCS.nativeIndex,
  source: 'NRN-PT-076',
  stackNote: 'Only on native: on the xla stack torch_xla is the runtime.',
  triggers: ['torch_xla'],
  visit(hit, ctx) {
    if (hit.inString || hit.written !== 'torch_xla') return;
    const dotted = hit.node.parent;
    if (dotted?.type !== 'dotted_name' || !same(dotted.namedChildren[0], hit.node)) return;
    const p = dotted.parent?.type === 'aliased_import' ? dotted.parent.parent : dotted.parent;
    if (p?.type === 'import_statement' || (p?.type === 'import_from_statement' && same(p.childForFieldName('module_name'), dotted))) ctx.report(dotted);
  },
};

const checkpoint: Rule = {
  id: 'NRN307',
  name: 'torch-checkpoint-on-xla',
  category: 'lazy-execution',
  severity: { xla: 'error', native: 'off' },
  title: '`torch.utils.checkpoint.checkpoint` (activation checkpointing) on the XLA stack',
  message:
    '`torch.utils.checkpoint` fails on torch-neuronx 2.9 ("module \'torch\' has no attribute \'xla\'"). Use `torch_xla.utils.checkpoint.checkpoint(fn, ..., use_reentrant=True)`.',
  why: 'On torch-xla 2.9 the PyTorch checkpoint raises AttributeError "module \'torch\' has no attribute \'xla\'"; with `use_reentrant=False` it raises "XLA currently does not support use_reentrant==False".',
  fix: '`from torch_xla.utils.checkpoint import checkpoint`; `checkpoint(fn, *args, use_reentrant=True)`.',
  docs: RA_DOCS.pytorch29,
  source: 'NRN-PT-030',
  stackNote: 'XLA-specific; native TorchNeuron runs the standard checkpoint.',
  triggers: ['checkpoint', 'checkpoint_sequential'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || (call.qname !== 'torch.utils.checkpoint.checkpoint' && call.qname !== 'torch.utils.checkpoint.checkpoint_sequential')) return;
    ctx.report(call.func, { data: { replacement: 'torch_xla.utils.checkpoint.checkpoint', use_reentrant: true } });
  },
};

const eagerDebug: Rule = {
  id: 'NRN308',
  requires: [], // environment variables and tool imports matter in any file
  name: 'eager-debug-mode-left-on',
  category: 'lazy-execution',
  severity: { xla: 'info', native: 'off' },
  title: '`NEURON_USE_EAGER_DEBUG_MODE` set in the script',
  message: '`NEURON_USE_EAGER_DEBUG_MODE` compiles op by op and is meant only for debugging; remove it for real runs.',
  why: '"It is designed only for debugging purposes": eager debug mode runs every operation as its own graph, which is very slow.',
  fix: 'Delete the environment assignment (or guard it behind a debug flag).',
  docs: RA_DOCS.debug,
  fixable: true,
  source: 'NRN-PT-036',
  stackNote: 'A PyTorch/XLA-stack debug switch; native TorchNeuron is eager anyway.',
  triggers: ['NEURON_USE_EAGER_DEBUG_MODE'],
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = stringOf(hit.node);
    const v = str && ctx.sem.constValue(str);
    if (!str || !v || v.kind !== 'str' || v.value !== 'NEURON_USE_EAGER_DEBUG_MODE' || !isEnvWrite(ctx, str)) return;
    // `= "0"` turns it off.
    const a = str.parent?.parent;
    const rhs = a?.type === 'assignment' ? a.childForFieldName('right') : null;
    const rv = rhs ? ctx.sem.constValue(rhs) : null;
    if (rv && rv.kind === 'str' && /^(?:0|false|)$/i.test(rv.value)) return;
    ctx.report(str);
  },
};

const INTERNALS = new Set(['data_ptr', 'storage', 'untyped_storage', 'stride', 'is_contiguous']);
const tensorInternals: Rule = {
  id: 'NRN309',
  name: 'xla-tensor-internals',
  category: 'lazy-execution',
  severity: { xla: 'info', native: 'off' },
  title: 'Reading tensor internals (`.data_ptr()`, `.storage()`, `.stride()`, `.is_contiguous()`) of XLA tensors',
  message: 'XLA tensor internals are opaque: `.data_ptr()`, `.storage()` and `.stride()` do not describe device memory. Remove the stride/storage dependency.',
  why: '"XLA tensor internals are opaque ... Networks should not try to check the strides." Code that branches on them behaves differently on the XLA device.',
  fix: 'Remove the checks (call `.contiguous()` unconditionally if needed).',
  docs: RA_DOCS.ptxlaTroubleshoot,
  source: 'NRN-PT-038',
  stackNote: 'Only on xla, in files that import torch_xla.',
  triggers: [...INTERNALS],
  requires: ['torch_xla'], // only files that import torch_xla: the engine does not even look up the other hits
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== hit.word || !call.receiver || call.qname) return;
    if (ctx.sem.isUserObject(call.receiver)) return;
    // `is_contiguous()` matters only when it decides something.
    if (hit.word === 'is_contiguous') {
      let n = call.node;
      while (n.parent && (n.parent.type === 'not_operator' || n.parent.type === 'boolean_operator' || n.parent.type === 'parenthesized_expression')) n = n.parent;
      const p = n.parent;
      if (!p || !['if_statement', 'elif_clause', 'while_statement', 'conditional_expression'].includes(p.type)) return;
    }
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
  },
};

const splitDim1: Rule = {
  id: 'NRN310',
  name: 'split-second-dim-xla',
  category: 'lazy-execution',
  severity: { xla: 'warning', native: 'off' },
  title: '`torch.split(x, n, dim=1)` on XLA (wrong data on 2-D tensors, torch-xla 2.5–2.9)',
  message:
    'On torch-neuronx 2.5–2.9, splitting a 2-D tensor along dim 1 returns tensors that "do not contain the expected data" (pytorch/xla#8640). Use `torch.tensor_split`, or set `XLA_DISABLE_FUNCTIONALIZATION=0`.',
  why: 'A functionalization bug in PyTorch/XLA 2.5–2.9 makes `split` on the second dimension of a 2-D tensor silently return wrong values.',
  fix: '`torch.tensor_split(x, sections, dim=1)` (or index with slices), or run with `XLA_DISABLE_FUNCTIONALIZATION=0`.',
  docs: RA_DOCS.pytorch29,
  source: 'NRN-PT-034',
  stackNote: 'A PyTorch/XLA bug; native TorchNeuron is not affected.',
  triggers: ['split'],
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.hasSplat) return;
    const isFunc = call.qname === 'torch.split';
    if (!isFunc && (call.qname || call.method !== 'split' || !call.receiver)) return;
    // The dimension first (cheap); whether the receiver is a tensor only when it is 1.
    const dim: Node | undefined = call.kwargs.get('dim') ?? call.args[isFunc ? 2 : 1];
    const v = dim ? ctx.sem.constValue(dim) : null;
    if (!v || v.kind !== 'num' || v.value !== 1) return;
    if (!isFunc && (!isTensorish(ctx, call.receiver!) || ctx.sem.isUserObject(call.receiver!))) return;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, { data: { replacement: 'torch.tensor_split' } });
  },
};

export const rules: Rule[] = [missingSync, plainDataLoader, torchSave, deprecatedRule('NRN304', 'mark_step'), deprecatedRule('NRN305', 'xla_device'), xlaOnNative, checkpoint, eagerDebug, tensorInternals, splitDim1];
