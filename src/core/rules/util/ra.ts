// Shared helpers for the cuda-device, cuda-api, mixed-precision, distributed, lazy-execution,
// host-sync and dynamic-shape rule modules. Pure syntax-tree and Semantic queries; no engine changes.
import type { Node } from 'web-tree-sitter';
import type { CallInfo } from '../../semantic/semantic';
import type { RuleContext } from '../api';

export const NEURON = 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest';
export const RA_DOCS = {
  programmingGuide: `${NEURON}/archive/nxd-training/pytorch-neuron-programming-guide.html`,
  nativeOverview: `${NEURON}/frameworks/torch/pytorch-native-overview.html`,
  pytorch29: `${NEURON}/archive/appnotes/torch-neuronx/introducing-pytorch-2-9.html`,
  pytorch2x: `${NEURON}/archive/appnotes/torch-neuronx/introducing-pytorch-2-x.html`,
  debug: `${NEURON}/archive/nxd-training/pytorch-neuron-debug.html`,
  troubleshooting: `${NEURON}/archive/nxd-training/training-troubleshooting.html`,
  dataTypes: `${NEURON}/about-neuron/arch/neuron-features/data-types.html`,
  trace: `${NEURON}/frameworks/torch/torch-neuronx/api-reference-guide/inference/api-torch-neuronx-trace.html`,
  emod025: `${NEURON}/compiler/error-codes/EMOD025.html`,
  nativeIndex: `${NEURON}/torch/index.html`,
  compileReference: `${NEURON}/torch/compile/reference-torch-compile.html`,
  compileHowTo: `${NEURON}/torch/compile/how-to-optimize-with-torch-compile.html`,
  runtimeConfig: `${NEURON}/neuron-runtime/nrt-configurable-parameters.html`,
  ptxlaTroubleshoot: 'https://github.com/pytorch/xla/blob/master/docs/source/learn/troubleshoot.md',
  ptxlaMigration: 'https://github.com/pytorch/xla/blob/master/docs/source/learn/gpu-to-tpu-migration.md',
  ptxlaAmp: 'https://github.com/pytorch/xla/blob/master/docs/source/perf/amp.md',
} as const;

export { same, chainOf, qnameAt, unparen, walk, findAll, someNode } from './nodes';
import { same, unparen, findAll, someNode } from './nodes';
import { perText, perTextKey } from '../../text';

/**
 * Whether the subscript opened by the `[` at `open` can have a boolean mask as its index: one index that is
 * not a slice and not a number. Model code is full of `x[:, :t]`, `x[0]`, `logits[:, -1, :]`; ruling them out
 * on the text saves the tree lookups. Conservative: an unbalanced or very long index is kept.
 */
export function maskableIndex(text: string, open: number): boolean {
  let depth = 0;
  let comma = -1;
  const limit = Math.min(text.length, open + 400);
  for (let i = open + 1; i < limit; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x28 || ch === 0x5b || ch === 0x7b) depth++; // ( [ {
    else if (ch === 0x29 || ch === 0x7d) depth--; // ) }
    else if (ch === 0x5d) {
      // ]
      if (depth > 0) {
        depth--;
        continue;
      }
      // `x[a, b]` has two indices; `x[a,]` (a trailing comma) still has one.
      if (comma >= 0 && text.slice(comma + 1, i).trim() !== '') return false;
      return !/^\s*-?\d[\d_]*\s*$/.test(text.slice(open + 1, comma >= 0 ? comma : i));
    } else if (ch === 0x27 || ch === 0x22 || ch === 0x23) return true; // a string or a comment: let the tree decide
    else if (depth === 0 && ch === 0x3a) return false; // : a slice (or a walrus or lambda: not masks either)
    else if (depth === 0 && ch === 0x2c) {
      if (comma >= 0) return false;
      comma = i;
    }
    if (depth < 0) return true;
  }
  return true;
}

const REGION_PATTERNS = {
  // `x[…]` but not a list literal: the `[` follows a name, a call, a subscript or a string; and only
  // subscripts whose index can be a mask (see `maskableIndex`).
  subscript: { re: /[\w)\]'"]\s*\[/g, token: '[', parents: new Set(['subscript']), keep: maskableIndex },
  condition: { re: /\b(?:if|elif|while|assert)\b/g, token: null, parents: new Set(['if_statement', 'elif_clause', 'while_statement', 'conditional_expression', 'assert_statement']), keep: null },
} as const;

/**
 * The subscripts or conditions (`if`/`elif`/`while`/`assert` statements and `a if c else b`) inside `region`,
 * in source order. Found through the text and confirmed in the tree: walking every node of a loop body
 * through the wasm boundary is what made region-scanning rules slow. Cached per region.
 */
export function regionNodes(ctx: RuleContext, region: Node, kind: keyof typeof REGION_PATTERNS): Node[] {
  return cached(ctx, `region:${kind}:${region.id}`, () => {
    const { re, token, parents, keep } = REGION_PATTERNS[kind];
    const seg = ctx.text.slice(region.startIndex, region.endIndex);
    const out: Node[] = [];
    const seen = new Set<number>();
    re.lastIndex = 0;
    for (let m = re.exec(seg); m; m = re.exec(seg)) {
      const at = region.startIndex + (token ? m.index + m[0].length - 1 : m.index);
      if (keep && !keep(ctx.text, at)) continue;
      const tok = region.descendantForIndex(at, at + (token ? 1 : m[0].length));
      if (!tok || tok.type !== (token ?? m[0])) continue; // inside a string or a comment
      const p = tok.parent;
      if (!p || !parents.has(p.type) || seen.has(p.id) || p.startIndex < region.startIndex || p.endIndex > region.endIndex) continue;
      seen.add(p.id);
      out.push(p);
    }
    return out.sort((a, b) => a.startIndex - b.startIndex);
  });
}

export function rootOf(node: Node): Node {
  let n = node;
  while (n.parent) n = n.parent;
  return n;
}

/** Per-analysis cache keyed by the Semantic instance (one per analysed file). */
const caches = new WeakMap<object, Map<string, unknown>>();
export function cached<T>(ctx: RuleContext, key: string, compute: () => T): T {
  let m = caches.get(ctx.sem);
  if (!m) caches.set(ctx.sem, (m = new Map()));
  if (!m.has(key)) m.set(key, compute());
  return m.get(key) as T;
}

/** Every call in the file whose qualified name or method passes `pred` (computed once per file and key). */
export function fileCalls(ctx: RuleContext, node: Node): CallInfo[] {
  return cached(ctx, 'calls', () => findAll(rootOf(node), (n) => n.type === 'call').map((c) => ctx.sem.call(c)));
}

export function fileHasCall(ctx: RuleContext, node: Node, key: string, pred: (c: CallInfo) => boolean): boolean {
  return cached(ctx, 'has:' + key, () => fileCalls(ctx, node).some(pred));
}

/** The file runs a backward pass (`x.backward()`), i.e. it trains. */
export function fileTrains(ctx: RuleContext, _node: Node): boolean {
  return backwardCalls(ctx).length > 0;
}

/** Every `x.backward(…)` call in the file, found through the text (a whole-tree walk is too slow while typing). */
function backwardCalls(ctx: RuleContext): CallInfo[] {
  return cached(ctx, 'backwardCalls', () =>
    ctx.sem
      .identifiersIn('backward')
      .map((id) => ctx.sem.callOf(id))
      .filter((c): c is CallInfo => !!c && c.method === 'backward'),
  );
}

export function usesXla(ctx: RuleContext): boolean {
  return ctx.sem.imports_('torch_xla');
}

/** The enclosing node of one of `types`, stopping at function/class boundaries unless `crossScopes`. */
export function enclosing(node: Node, types: readonly string[], crossScopes = false): Node | null {
  for (let p = node.parent; p; p = p.parent) {
    if (types.includes(p.type)) return p;
    if (!crossScopes && (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda')) return null;
  }
  return null;
}

export function enclosingFunction(ctx: RuleContext, node: Node): Node | null {
  // The semantic layer's block index answers this with range checks (a parent walk is a trip into the tree per level).
  return ctx.sem.scopeOf(node);
}

/** Methods whose body is compiled model code (traced, compiled or run once per step). */
const MODEL_METHODS = new Set(['forward', 'training_step', 'validation_step', 'test_step', 'predict_step', 'train_step', 'eval_step', 'compute_loss', 'step_fn']);

/** Inside a training/eval loop (possibly through a helper) or inside a model's `forward`-like method. */
export function inModelCode(ctx: RuleContext, node: Node): boolean {
  if (ctx.sem.inHotLoop(node)) return true;
  const fn = enclosingFunction(ctx, node);
  const name = fn?.childForFieldName('name')?.text;
  return !!name && MODEL_METHODS.has(name);
}

/** Where a function named `name` is passed as `collate_fn=` or to `.map(…)` / `.with_transform(…)`. */
/** The class a method is defined in (directly in its body, decorated or not), or null. */
export function methodClass(fn: Node): Node | null {
  if (fn.parent?.parent?.type === 'class_definition') return fn.parent.parent;
  return fn.parent?.parent?.parent?.type === 'class_definition' ? fn.parent.parent.parent : null;
}

export function isPerBatchFunction(ctx: RuleContext, fn: Node): boolean {
  const name = fn.childForFieldName('name')?.text;
  if (!name) return false;
  // A collator class's `__call__` (HF examples hand `DataCollatorCTCWithPadding(processor)` to the Trainer).
  if (name === '__call__') {
    const cname = methodClass(fn)?.childForFieldName('name')?.text;
    if (!cname) return false;
    if (/collat/i.test(cname)) return true; // `DataCollatorCTCWithPadding`, `MyCollator`: called once per batch
    return ctx.sem.usesOf(cname).some((u) => {
      const arg = ctx.sem.argumentOf(u.parent?.type === 'call' ? u.parent : u);
      return !!arg && (arg.keyword === 'data_collator' || arg.keyword === 'collate_fn');
    });
  }
  return ctx.sem.usesOf(name).some((u) => {
    const arg = ctx.sem.argumentOf(u);
    if (!arg) return false;
    if (arg.keyword === 'collate_fn') return true;
    return arg.call.method === 'map' || arg.call.method === 'set_transform' || arg.call.method === 'with_transform';
  });
}

const NUMPY_LIKE = /^(?:numpy|pandas|jax|tensorflow|cupy|scipy|polars)\b/;

/** The expression is known to come from numpy/pandas/jax/… (so a torch-specific rule must not fire). */
export function isForeignArray(ctx: RuleContext, expr: Node, depth = 0): boolean {
  const e = unparen(expr);
  if (depth > 3) return false;
  if (e.type === 'call') {
    const c = ctx.sem.call(e);
    if (c.qname && NUMPY_LIKE.test(c.qname)) return true;
    if (c.receiver && !c.qname) return isForeignArray(ctx, c.receiver, depth + 1);
    return false;
  }
  if (e.type === 'identifier' || e.type === 'attribute') {
    const q = ctx.sem.qualifiedName(e);
    if (q && NUMPY_LIKE.test(q)) return true;
    const key = ctx.sem.dottedName(e);
    if (!key) return false;
    const rhs = ctx.sem.assignmentsOf(key, e);
    return rhs.length > 0 && rhs.every((r) => isForeignArray(ctx, r, depth + 1));
  }
  if (e.type === 'subscript') {
    const v = e.childForFieldName('value');
    return !!v && isForeignArray(ctx, v, depth + 1);
  }
  return false;
}

/** Tensor methods that return a tensor. */
const TENSOR_METHODS = new Set([
  'sum', 'mean', 'max', 'min', 'abs', 'detach', 'clone', 'float', 'half', 'bfloat16', 'double', 'long', 'int', 'bool', 'to', 'view',
  'reshape', 'squeeze', 'unsqueeze', 'argmax', 'argmin', 'softmax', 'log_softmax', 'exp', 'log', 'sqrt', 'pow', 'norm', 'any', 'all',
  'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'mul', 'add', 'sub', 'div', 'matmul', 'transpose', 'permute', 'flatten', 'contiguous', 'masked_fill',
  'isnan', 'isinf', 'isfinite', 'logical_and', 'logical_or', 'logical_not', 'count_nonzero', 'prod', 'std', 'var', 'sigmoid', 'tanh', 'relu',
  'clamp', 'round', 'floor', 'ceil', 'type_as', 'expand', 'repeat', 'gather', 'index_select', 'nonzero', 'unique', 'cumsum', 'topk', 'sort',
]);
/** Methods / attributes whose result is a host (Python or numpy) value: reading it already synchronised. */
const HOST_METHODS = new Set(['item', 'tolist', 'numpy', 'cpu', 'size', 'dim', 'numel', 'ndimension', 'nelement', 'get_device', 'stride', 'data_ptr', 'element_size', 'keys', 'items', 'values', 'format', 'join', 'split', 'strip']);
const TORCH_HOST_FUNCS = /^torch\.(?:cuda|backends|distributed|device|Size|is_tensor|is_floating_point|numel|get_default_dtype|manual_seed|save|load|set_|use_|no_grad|inference_mode|enable_grad|autocast|amp|utils|optim|jit|compile|hub|onnx|random\.|equal$|allclose$|is_)/;
const TENSOR_ATTRS = new Set(['loss', 'logits', 'grad', 'data', 'last_hidden_state', 'pooler_output', 'hidden_states']);
const MODEL_NAMES = /^(?:model|net|network|module|criterion|loss_fn|loss_fct|lossfn|loss_func|loss_function|ddp_model|encoder|decoder|classifier)$/i;
const LOADER_NAMES = /loader$|^loader|dataloader/i;

/**
 * Heuristic: the expression evaluates to a torch tensor that lives on the device. True for calls of
 * `torch.*` functions and of modules (`model(x)`, `criterion(out, y)`), tensor methods on such values,
 * arithmetic and comparisons involving them, `outputs.loss`/`.logits`/`.grad`, names whose
 * `.backward()` is called, names bound to such expressions, and batches drawn from a DataLoader.
 */
export function isTensorish(ctx: RuleContext, expr: Node, depth = 0): boolean {
  if (depth > 0) return tensorish(ctx, expr, depth);
  const memo = cached(ctx, 'tensorish', () => new Map<number, boolean>());
  let r = memo.get(expr.id);
  if (r === undefined) memo.set(expr.id, (r = tensorish(ctx, expr, 0)));
  return r;
}

function tensorish(ctx: RuleContext, expr: Node, depth: number): boolean {
  if (depth > 8) return false;
  const e = unparen(expr);
  switch (e.type) {
    case 'call': {
      const c = ctx.sem.call(e);
      if (c.qname) {
        if (TORCH_HOST_FUNCS.test(c.qname)) return false;
        // Classes (`torch.nn.Linear(…)`, `torch.Generator()`) build modules and objects, not tensors.
        const last = c.qname.slice(c.qname.lastIndexOf('.') + 1);
        if (/^[A-Z]/.test(last) && !/Tensor$/.test(last)) return false;
        if (c.qname.startsWith('torch.')) return true;
        if (c.qname.startsWith('torch_xla')) return false;
        if (c.method && c.receiver && c.qname.split('.').length > 1 && !ctx.sem.qualifiedName(c.receiver)?.startsWith('torch')) return false;
      }
      if (c.method && c.receiver && c.receiver.text !== 'self') {
        if (HOST_METHODS.has(c.method)) return false;
        if (TENSOR_METHODS.has(c.method)) return !isForeignArray(ctx, c.receiver) && isTensorish(ctx, c.receiver, depth + 1);
        return false;
      }
      if (c.func.type === 'identifier') {
        const name = c.func.text;
        if (MODEL_NAMES.test(name)) return true;
        const rhs = ctx.sem.assignmentsOf(name, e);
        return rhs.some((r) => {
          if (r.type !== 'call') return false;
          const rc = ctx.sem.call(r);
          return !!rc.qname && (/^torch\.nn\./.test(rc.qname) || /^transformers\..*(?:Model|ForCausalLM|For\w+)/.test(rc.qname) || /\.from_pretrained$/.test(rc.qname));
        });
      }
      if (c.func.type === 'attribute') {
        const d = ctx.sem.dottedName(c.func) ?? '';
        if (/^self\.(?:model|net|criterion|loss_fn|module)$/.test(d)) return true;
        // `self.proj(x)` with a tensor argument: a submodule call.
        return /^self\.\w+$/.test(d) && c.args.some((a) => isTensorish(ctx, a, depth + 1));
      }
      return false;
    }
    case 'attribute': {
      const q = ctx.sem.qualifiedName(e);
      if (q) return false; // module attribute (torch.float32, np.pi)
      const attr = e.childForFieldName('attribute')?.text ?? '';
      if (attr === 'shape' || attr === 'dtype' || attr === 'device' || attr === 'ndim') return false;
      if (TENSOR_ATTRS.has(attr)) return true;
      return hasBackward(ctx, e) || boundToTensor(ctx, e, depth);
    }
    case 'identifier': {
      if (ctx.sem.qualifiedName(e)) return false;
      if (hasBackward(ctx, e)) return true;
      if (boundToTensor(ctx, e, depth)) return true;
      return isLoaderBatch(ctx, e) || isModelParam(ctx, e);
    }
    case 'binary_operator': {
      const l = e.childForFieldName('left');
      const r = e.childForFieldName('right');
      return (!!l && isTensorish(ctx, l, depth + 1)) || (!!r && isTensorish(ctx, r, depth + 1));
    }
    case 'comparison_operator':
      return e.namedChildren.some((k) => isTensorish(ctx, k, depth + 1));
    case 'unary_operator': {
      const a = e.childForFieldName('argument');
      return !!a && isTensorish(ctx, a, depth + 1);
    }
    case 'subscript': {
      const v = e.childForFieldName('value');
      return !!v && isTensorish(ctx, v, depth + 1);
    }
    default:
      return false;
  }
}

/** A parameter (other than `self`) of a `forward`-like method: the model's input tensors. */
function isModelParam(ctx: RuleContext, id: Node): boolean {
  const fn = enclosingFunction(ctx, id);
  const name = fn?.childForFieldName('name')?.text;
  if (!fn || !name || !MODEL_METHODS.has(name) || id.text === 'self') return false;
  const params = fn.childForFieldName('parameters');
  return !!params && params.namedChildren.some((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.namedChildren[0]?.text) === id.text);
}

function hasBackward(ctx: RuleContext, e: Node): boolean {
  const key = ctx.sem.dottedName(e);
  if (!key) return false;
  const set = cached(ctx, 'backwardReceivers', () => {
    const s = new Set<string>();
    for (const c of backwardCalls(ctx)) if (c.receiver) {
      const d = ctx.sem.dottedName(unparen(c.receiver));
      if (d) s.add(d);
      // scaler.scale(loss).backward()
      if (c.receiver.type === 'call') for (const a of ctx.sem.call(c.receiver).args) {
        const ad = ctx.sem.dottedName(a);
        if (ad) s.add(ad);
      }
    }
    return s;
  });
  return set.has(key);
}

function boundToTensor(ctx: RuleContext, e: Node, depth: number): boolean {
  const key = ctx.sem.dottedName(e);
  if (!key) return false;
  const rhs = ctx.sem.assignmentsOf(key, e).filter((r) => !(r.startIndex <= e.startIndex && e.endIndex <= r.endIndex));
  // `input_pos = input_pos.item()` just before `while input_pos < n:`: the last binding before the use is a
  // host value, so the name holds a Python number there (textual order: precision over recall in loops).
  if (!rhs.some((r) => isTensorish(ctx, r, depth + 1))) return false;
  const last = lastBinding(ctx, key, e);
  return !last || !isHostValue(ctx, last);
}

/** `t.item()`, `t.tolist()`, `int(t)`, `float(t)`, `len(x)`: a Python value. */
function isHostValue(ctx: RuleContext, expr: Node): boolean {
  const e = unparen(expr);
  if (e.type !== 'call') return false;
  const c = ctx.sem.call(e);
  if (c.method && (c.method === 'item' || c.method === 'tolist') && !c.qname) return true;
  return c.func.type === 'identifier' && /^(?:int|float|len|bool)$/.test(c.func.text) && !ctx.sem.qualifiedName(c.func);
}

/**
 * Data drawn from a plain loader and never moved: `y.numpy()` in `for x, y in loader:`, `batch[1]`. It is on
 * the host (a file with an `MpDeviceLoader`/`ParallelLoader`, or whose loaders accelerate/Fabric prepare, gets
 * device batches).
 */
export function loaderDataOnHost(ctx: RuleContext, expr: Node): boolean {
  // Device loaders, and frameworks that move batches for you (accelerate's `prepare`, Fabric's `setup_dataloaders`).
  if (devicesBatches(ctx.text)) return false;
  return hostLoaderValue(ctx, expr, 0);
}

const devicesBatches = perText((t) => /\b(?:MpDeviceLoader|ParallelLoader)\b|\b(?:prepare|prepare_data_loader|setup_dataloaders)\s*\(/.test(t));
/** The name appears left of an `=` somewhere (tuple targets included). */
const rebound = perTextKey((text, name) => new RegExp(`(?:^|[^\\w.])${name}\\b[^\\n=]*=(?!=)`, 'm').test(text));

/** Names bound by `for … in` targets in the text (the only names a loader batch can have), per text. */
const forTargets = perText((t) => {
  const names = new Set<string>();
  for (const m of t.matchAll(/\bfor\s+([\w\s,()[\]]+?)\s+in\b/g)) for (const n of m[1].match(/[A-Za-z_]\w*/g) ?? []) names.add(n);
  return names;
});

/** Computed from host loader data alone: `y`, `batch[1]`, `(y == 1).sum()`, `y.float().mean()` (literals aside). */
function hostLoaderValue(ctx: RuleContext, expr: Node, depth: number): boolean {
  if (depth > 6) return false;
  // Text first: without a `for` target in it, the value is not loader data (`loss.item()`): no tree reads.
  if (depth === 0) {
    const targets = forTargets(ctx.text);
    if (!(expr.text.match(/[A-Za-z_]\w*/g) ?? []).some((n) => targets.has(n))) return false;
  }
  const e = unparen(expr);
  switch (e.type) {
    case 'identifier': {
      // `t` in `{t["image_id"].item(): o for t, o in zip(targets, outputs)}`: the element of what it iterates.
      const source = comprehensionSource(e);
      if (source) return hostLoaderValue(ctx, source, depth + 1);
      // Never rebound: no assignment, and no line with the name left of an `=` in its function (tuple targets such
      // as `x, y = x.to(device), y.to(device)` are not in the assignment index; another function's `targets = …`
      // is another variable).
      const scope = ctx.sem.scopeOf(e);
      const region = scope ? ctx.text.slice(scope.startIndex, scope.endIndex) : ctx.text;
      return ctx.sem.assignmentsOf(e.text, e).length === 0 && !rebound(region, e.text) && isLoaderBatch(ctx, e);
    }
    case 'subscript':
      return hostLoaderValue(ctx, e.childForFieldName('value') ?? e, depth + 1);
    case 'call': {
      const c = ctx.sem.call(e);
      // Tensor methods keep the data where it is; `.to(…)` / `.cuda()` may move it.
      return !c.qname && !!c.method && TENSOR_METHODS.has(c.method) && c.method !== 'to' && !!c.receiver && hostLoaderValue(ctx, c.receiver, depth + 1);
    }
    case 'comparison_operator':
    case 'binary_operator': {
      const parts = e.namedChildren.filter((k) => k.type !== 'comment');
      const leaves = parts.filter((k) => !/^(?:integer|float|true|false|none|string)$/.test(k.type));
      return leaves.length > 0 && leaves.every((k) => hostLoaderValue(ctx, k, depth + 1));
    }
    default:
      return false;
  }
}

const COMPREHENSIONS = new Set(['list_comprehension', 'dictionary_comprehension', 'set_comprehension', 'generator_expression']);
/**
 * The iterable a comprehension variable is drawn from: `targets` for `t` in `… for t in targets` or in
 * `… for t, o in zip(targets, outputs)`; null when `id` is not a comprehension variable.
 */
function comprehensionSource(id: Node): Node | null {
  for (let p = id.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    if (!COMPREHENSIONS.has(p.type)) continue;
    for (const clause of p.namedChildren) {
      if (clause.type !== 'for_in_clause') continue;
      const left = clause.childForFieldName('left');
      const right = clause.childForFieldName('right');
      if (!left || !right) continue;
      if (left.type === 'identifier') {
        if (left.text === id.text) return right;
        continue;
      }
      const i = left.namedChildren.findIndex((k) => k.type === 'identifier' && k.text === id.text);
      if (i < 0) continue;
      const r = unparen(right);
      const zipped = r.type === 'call' && r.childForFieldName('function')?.text === 'zip' ? r.childForFieldName('arguments')?.namedChildren[i] : null;
      return zipped ?? null;
    }
  }
  return null;
}

/** `x` in `for x, y in train_loader:` (a batch drawn from a DataLoader). */
function isLoaderBatch(ctx: RuleContext, id: Node): boolean {
  for (const p of ctx.sem.forLoopsAround(id)) {
    const left = p.childForFieldName('left');
    if (!left || !someNode(left, (n) => n.type === 'identifier' && n.text === id.text)) continue;
    let right = p.childForFieldName('right');
    if (!right) return false;
    right = unparen(right);
    // enumerate(loader) / tqdm(loader)
    if (right.type === 'call') {
      const c = ctx.sem.call(right);
      // `i` in `for i, batch in enumerate(loader)` is the step index.
      if (c.func.type === 'identifier' && c.func.text === 'enumerate' && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
        const firstEl = left.namedChildren[0];
        if (firstEl && firstEl.type === 'identifier' && firstEl.text === id.text) return false;
      }
      if (c.qname && /DataLoader$|MpDeviceLoader$|ParallelLoader$/.test(c.qname)) return true;
      // `for data, iteration in zip(data_loader, range(start, end))`: each name comes from its own iterable.
      if (c.func.type === 'identifier' && c.func.text === 'zip' && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
        const i = left.namedChildren.findIndex((k) => k.type === 'identifier' && k.text === id.text);
        if (i < 0 || !c.args[i]) return false;
        right = unparen(c.args[i]);
      } else if (c.args[0]) right = unparen(c.args[0]);
    }
    if (right.type === 'identifier' || right.type === 'attribute') {
      const name = ctx.sem.dottedName(right) ?? '';
      const last = name.slice(name.lastIndexOf('.') + 1);
      if (LOADER_NAMES.test(last)) return true;
      return ctx.sem.assignmentsOf(name, right).some((r) => r.type === 'call' && /DataLoader$|MpDeviceLoader$|ParallelLoader$/.test(ctx.sem.call(r).qname ?? ''));
    }
    return false;
  }
  return false;
}

/** The string node for a hit inside a string. */
export function stringOf(hitNode: Node): Node | null {
  for (let n: Node | null = hitNode; n; n = n.parent) if (n.type === 'string') return n;
  return null;
}

/** `os.environ[K] = v`, `os.environ.setdefault(K, v)`, `os.putenv(K, v)`, `os.environ.update({K: v})`: the key string is written. */
export function isEnvWrite(ctx: RuleContext, str: Node): boolean {
  const p = str.parent;
  if (!p) return false;
  if (p.type === 'subscript' && same(p.childForFieldName('subscript'), str)) {
    const v = p.childForFieldName('value');
    if (!v || ctx.sem.qualifiedName(v) !== 'os.environ') return false;
    const a = p.parent;
    return !!a && (a.type === 'assignment' || a.type === 'augmented_assignment') && same(a.childForFieldName('left'), p);
  }
  const arg = ctx.sem.argumentOf(str);
  if (arg && arg.index === 0 && (arg.call.qname === 'os.environ.setdefault' || arg.call.qname === 'os.putenv')) return true;
  if (p.type === 'pair' && same(p.childForFieldName('key'), str)) {
    const dict = p.parent;
    const darg = dict && ctx.sem.argumentOf(dict);
    if (darg && darg.call.qname === 'os.environ.update') return true;
  }
  if (p.type === 'keyword_argument') return false;
  return false;
}

/** Climb through `( … )`, `not`, `and`/`or` to the expression used as a truth value. */
export function conditionRoot(node: Node): Node {
  let n = node;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'not_operator' || n.parent.type === 'boolean_operator')) n = n.parent;
  return n;
}

/** True if `expr` is the condition of an if/elif/while/conditional expression/assert. */
export function isConditionOf(expr: Node): boolean {
  const p = expr.parent;
  if (!p) return false;
  if ((p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'while_statement') && same(p.childForFieldName('condition'), expr)) return true;
  if (p.type === 'conditional_expression') return same(p.namedChildren[1], expr);
  if (p.type === 'assert_statement') return same(p.namedChildren[0], expr);
  return false;
}

/** The node to report for a call to a qualified API: its callee (`torch.cuda.synchronize`). */
export function calleeOf(call: CallInfo): Node {
  return call.func;
}

/** The name a call's result is assigned to (`scaler` in `scaler = GradScaler()`), or null. */
export function assignedName(ctx: RuleContext, node: Node): string | null {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'assignment' && same(p.childForFieldName('right'), n)) {
    const l = p.childForFieldName('left');
    return l ? ctx.sem.dottedName(l) : null;
  }
  return null;
}

/** Function-call targets of a region that are functions defined in the same file (one level). */
export function localFunctionsCalledIn(ctx: RuleContext, region: Node): Node[] {
  const defs = cached(ctx, 'defs', () => {
    const m = new Map<string, Node>();
    for (const d of findAll(rootOf(region), (n) => n.type === 'function_definition')) {
      const name = d.childForFieldName('name')?.text;
      if (name && !m.has(name)) m.set(name, d);
    }
    return m;
  });
  const out: Node[] = [];
  for (const c of findAll(region, (n) => n.type === 'call')) {
    const f = c.childForFieldName('function');
    if (!f) continue;
    const name = f.type === 'identifier' ? f.text : f.type === 'attribute' && f.childForFieldName('object')?.text === 'self' ? f.childForFieldName('attribute')?.text : undefined;
    const d = name ? defs.get(name) : undefined;
    if (d && !(d.startIndex <= region.startIndex && region.endIndex <= d.endIndex)) out.push(d);
  }
  return out;
}

/** Inside the body of `if step % N == 0:` in the loop: periodic logging, the recommended remedy. */
export function inPeriodicBlock(ctx: RuleContext, node: Node): boolean {
  // Up to the step loop: a loop inside it (`for k, v in logs.items():` under `if step % 100 == 0:`) runs
  // only when its own guard lets it.
  let step: Node | null | undefined; // asked only when a loop or a counter test needs it
  const stepLoop = () => (step === undefined ? (step = ctx.sem.loopOf(node)?.node ?? null) : step);
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'lambda') return false;
    if (p.type === 'for_statement' || p.type === 'while_statement') {
      const s = stepLoop();
      if (!s || p.id === s.id) return false;
      continue;
    }
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const body = p.childForFieldName('consequence');
    const cond = p.childForFieldName('condition');
    if (!body || !cond || node.startIndex < body.startIndex || node.endIndex > body.endIndex) continue;
    if (someNode(cond, (n) => n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '%' && !everyStep(ctx, n.childForFieldName('right')))) return true;
    if (firstIterationOnly(cond, stepLoop)) return true;
  }
  return false;
}

/**
 * `if i == 0:` (or `and`-ed with other tests) where `i` counts the iterations of `loop` (`for i, b in
 * enumerate(…)`, `for i in range(…)`): the body runs once (a snapshot of the first batch), not every step.
 */
function firstIterationOnly(cond: Node, loopOf: () => Node | null): boolean {
  const e = unparen(cond);
  if (e.type === 'boolean_operator') {
    if (e.childForFieldName('operator')?.type !== 'and') return false;
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    return (!!l && firstIterationOnly(l, loopOf)) || (!!r && firstIterationOnly(r, loopOf));
  }
  if (e.type !== 'comparison_operator' || e.namedChildren.length !== 2 || !/^\S+\s*==\s*\S+$/.test(e.text)) return false;
  const [a, b] = e.namedChildren;
  const name = a.type === 'identifier' && b.type === 'integer' ? a.text : b.type === 'identifier' && a.type === 'integer' ? b.text : null;
  const loop = name ? loopOf() : null;
  if (!name || loop?.type !== 'for_statement') return false;
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  if (!left || right?.type !== 'call') return false;
  const fn = right.childForFieldName('function')?.text;
  if (fn === 'range') return left.type === 'identifier' && left.text === name;
  // `for i, batch in enumerate(loader)`: the first element of the target is the counter.
  const first = (left.type === 'pattern_list' || left.type === 'tuple_pattern') ? left.namedChildren[0] : null;
  return fn === 'enumerate' && first?.type === 'identifier' && first.text === name;
}

/** `step % 1`: a modulus that can only be 1 (`log_interval = 1`, nanoGPT's default) is true at every step. */
function everyStep(ctx: RuleContext, modulus: Node | null): boolean {
  if (!modulus) return false;
  const v = ctx.sem.constValue(modulus);
  if (!v) return false;
  const options = v.kind === 'union' ? v.options : [v];
  return options.every((o) => o.kind === 'num' && o.value === 1);
}

// `includes` first: a regex starting at every `.` of the file costs more than the whole question.
const writesGenerate = perText((text) => text.includes('generate') && /\.\s*generate\s*\(/.test(text));

/**
 * The value comes out of a `.generate(…)` call (`out[:, n:].cpu()`, `y[0].tolist()` with `y = model.generate(…)`):
 * a finished generation, copied once per sample to decode it. Generation itself synchronises per token (HF
 * `generate` checks its stopping criteria on the host), and the copy is the result, not a step's side read.
 */
export function fromGeneration(ctx: RuleContext, expr: Node, depth = 0): boolean {
  if (!writesGenerate(ctx.text)) return false;
  const isGenerate = (n: Node) => n.type === 'call' && ctx.sem.call(n).method === 'generate';
  if (someNode(expr, isGenerate)) return true;
  if (depth > 3) return false;
  // The name the value is read from (`y[0]`, `out.sequences`, `preds.detach()`), then its last binding before
  // the use: a generation, or a pass-through of one (`accelerator.gather_for_metrics(outputs)`, `out[:, n:]`).
  const e = valueRoot(expr);
  const last = e.type === 'identifier' ? lastBinding(ctx, e.text, expr) : null;
  if (!last) return false;
  if (someNode(last, isGenerate)) return true;
  const v = unparen(last);
  const from = v.type === 'call' ? [valueRoot(v), ...ctx.sem.call(v).args.map(valueRoot)] : [valueRoot(v)];
  return from.some((x) => x.type === 'identifier' && x.id !== e.id && fromGeneration(ctx, x, depth + 1));
}

/** A value and what it is read from, outwards in: `preds.detach().cpu()`, `preds.detach()`, `preds`. */
function* valueChain(x: Node): Generator<Node> {
  for (let e = unparen(x); ; ) {
    yield e;
    if (e.type === 'subscript' || e.type === 'attribute') e = unparen(e.namedChildren[0]);
    else if (e.type === 'call' && e.childForFieldName('function')?.type === 'attribute') e = unparen(e.childForFieldName('function')!.namedChildren[0]);
    else return;
  }
}

/** The object a value is read from: `y` of `y[0]`, `out.sequences`, `preds.detach().cpu()`. */
function valueRoot(x: Node): Node {
  let root = x;
  for (const e of valueChain(x)) root = e;
  return root;
}

/** The right-hand side of the last assignment to `name` written before `use` (textual order), if any. */
function lastBinding(ctx: RuleContext, name: string, use: Node): Node | null {
  let last: Node | null = null;
  for (const r of ctx.sem.assignmentsOf(name, use)) if (r.endIndex <= use.startIndex && (!last || r.startIndex > last.startIndex)) last = r;
  return last;
}

/**
 * The expression already went through a host copy (`x.cpu()`, `.numpy()`, `.item()`, `.to("cpu")`), itself or
 * in the last binding of the name it reads (`host = out.to("cpu")` … `host.tolist()`: the copy was there).
 */
export function alreadyOnHost(ctx: RuleContext, expr: Node, depth = 0): boolean {
  const isCopy = (n: Node) => {
    if (n.type !== 'call') return false;
    const c = ctx.sem.call(n);
    if (c.method === 'cpu' || c.method === 'numpy' || c.method === 'item' || c.method === 'tolist') return true;
    return c.method === 'to' && !!c.args[0] && ctx.sem.possibleStrings(c.args[0]).some((s) => s.value === 'cpu');
  };
  if (someNode(expr, isCopy)) return true;
  const e = valueRoot(expr);
  const last = e.type === 'identifier' ? lastBinding(ctx, e.text, expr) : null;
  if (!last) return false;
  // Along the value's own chain only (`out.argmax(-1).to("cpu").float()`): `model(x.cpu().to(device))` is not a copy.
  for (const n of valueChain(last)) if (isCopy(n)) return true;
  // `output = decoder(output)` after the copy: a function of a host tensor computes on the host.
  const v = unparen(last);
  const first = v.type === 'call' && v.childForFieldName('function')?.type === 'identifier' ? ctx.sem.call(v).args[0] : undefined;
  return depth < 2 && !!first && first.type === 'identifier' && alreadyOnHost(ctx, first, depth + 1);
}

/**
 * Inside the branch of a CUDA check (`if torch.cuda.is_available():`, `if device.type == "cuda":`,
 * `if use_cuda:` with `use_cuda = torch.cuda.is_available()`, `… if use_cuda else …`): the code never runs
 * on Neuron. A user's flag (`if args.cuda:`) is not one: that branch runs whenever the flag is given.
 */
export function guardedByCudaCheck(ctx: RuleContext, node: Node): boolean {
  for (const cond of guardingConditions(node)) if (isCudaCheck(ctx, cond, 0)) return true;
  return afterNoCudaBranch(ctx, node);
}

/**
 * In an `elif`/`else` of a chain with an earlier test that always holds on Neuron (`if not
 * torch.cuda.is_available() and not torch.backends.mps.is_available(): print("using CPU")`): the chain
 * stops there, and this branch never runs (pytorch/examples imagenet).
 */
function afterNoCudaBranch(ctx: RuleContext, node: Node): boolean {
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'module' || p.type === 'class_definition') return false;
    if (p.type !== 'if_statement') continue;
    const conds: Node[] = [];
    const main = p.childForFieldName('condition');
    if (main) conds.push(main);
    for (const k of p.namedChildren) {
      if (same(k, child)) {
        if (k.type === 'else_clause' || k.type === 'elif_clause') {
          if (conds.some((c) => alwaysOnNeuron(ctx, c))) return true;
        }
        break;
      }
      if (k.type === 'elif_clause') {
        const c = k.childForFieldName('condition');
        if (c) conds.push(c);
      }
    }
  }
  return false;
}

const MPS_CHECK = /^torch\.backends\.mps\.is_(?:available|built)\(\)$/;
/** A test that always holds on Neuron: `not <CUDA check>` (and `not` MPS checks: Neuron hosts run Linux), `and`/`or` of them. */
function alwaysOnNeuron(ctx: RuleContext, cond: Node): boolean {
  const e = unparen(cond);
  if (e.type === 'boolean_operator') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (!l || !r) return false;
    return e.childForFieldName('operator')?.type === 'and' ? alwaysOnNeuron(ctx, l) && alwaysOnNeuron(ctx, r) : alwaysOnNeuron(ctx, l) || alwaysOnNeuron(ctx, r);
  }
  if (e.type !== 'not_operator') return false;
  const arg = e.childForFieldName('argument');
  return !!arg && (MPS_CHECK.test(unparen(arg).text.replace(/\s+/g, '')) || isCudaCheck(ctx, arg, 0));
}

/**
 * The conditions `node` runs under, innermost first: those of the `if` / `elif` bodies around it and, with
 * `ternaries`, of the `a if c else b` whose `a` it is in; up to the enclosing function (and class, unless
 * `throughClasses`) or the module.
 */
export function* guardingConditions(node: Node, o: { ternaries?: boolean; throughClasses?: boolean } = {}): Generator<Node> {
  const { ternaries = true, throughClasses = false } = o;
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'module' || (p.type === 'class_definition' && !throughClasses)) return;
    if (p.type === 'if_statement' || p.type === 'elif_clause') {
      const cond = p.childForFieldName('condition');
      if (cond && same(p.childForFieldName('consequence'), child)) yield cond;
    } else if (ternaries && p.type === 'conditional_expression' && same(p.namedChildren[0], child) && p.namedChildren[1]) {
      yield p.namedChildren[1];
    }
  }
}

/** What only holds with CUDA: the availability APIs, `.is_cuda`, a "cuda" string compared with a device, `torch.version.cuda`. */
const CUDA_ONLY = /\bcuda\s*\.\s*(?:is_available|device_count|is_initialized|current_device)\s*\(|\.is_cuda\b|["']cuda(?::\d*)?["']|\bversion\s*\.\s*cuda\b/;

/**
 * A condition that holds only with CUDA: a positive test (`torch.cuda.is_available()`, `device.type == "cuda"`,
 * a name assigned one, like `use_cuda = not args.no_cuda and torch.cuda.is_available()`), an `and` with one
 * (`args.gpu is not None and torch.cuda.is_available()`), or an `or` of them. A negated test (`not use_cuda`,
 * `args.gpu is None`) is not one, nor is a flag the user sets (`args.cuda`).
 */
function isCudaCheck(ctx: RuleContext, cond: Node, depth: number): boolean {
  const e = unparen(cond);
  if (e.type === 'boolean_operator') {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    if (!l || !r) return false;
    return e.childForFieldName('operator')?.type === 'and' ? isCudaCheck(ctx, l, depth) || isCudaCheck(ctx, r, depth) : isCudaCheck(ctx, l, depth) && isCudaCheck(ctx, r, depth);
  }
  // `args.gpu is None` means "no GPU chosen": that branch is the one that runs on Neuron.
  if (/\bnot\b|\bis\s+None\b|==\s*None\b/.test(e.text)) return false;
  if (CUDA_ONLY.test(e.text)) return true;
  if (depth > 1 || (e.type !== 'identifier' && e.type !== 'attribute')) return false;
  const name = ctx.sem.dottedName(e);
  return !!name && ctx.sem.assignmentsOf(name, e).some((r) => isCudaCheck(ctx, r, depth + 1));
}
