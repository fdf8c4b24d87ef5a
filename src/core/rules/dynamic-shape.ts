// dynamic-shape: data-dependent output sizes, data-dependent control flow and per-batch padding.
// Neuron compiles static-shape graphs: every new shape is a new compilation.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { calledAcrossLinesAt, defNameAt } from './util/nodes';
import { escapeRe } from '../text';
import { RA_DOCS, cached, regionNodes, enclosingFunction, fileHasCall, someNode, inModelCode, isForeignArray, isPerBatchFunction, isTensorish, same, unparen, usesXla } from './util/ra';

const WHY_DYN =
  'Neuron compiles static-shape graphs. An op whose output size depends on the data produces a new shape (so a new compilation, minutes each) for new inputs; `torch_neuronx.trace` rejects it ("operations which produce data-dependent sized tensors are not supported"), and the compiler reports NCC_EMOD025 "Dynamic shape is not supported".';
const FIX_DYN =
  'Keep shapes fixed: build a boolean mask and use `torch.where(cond, input, other)`, `masked_fill`, or multiply by the mask; pad to a fixed maximum count when you really need the indices.';
const NOTE = 'Reported only inside training/eval loops and model `forward`-like methods. Native: eager mode tolerates it at a cost; under `torch.compile` it is a graph break or an error.';

/** A torch op by qualified name (`torch.nonzero(x)`) or as a tensor method (`x.nonzero()`), in model code. */
function torchOp(ctx: RuleContext, node: Node, names: readonly string[]): CallInfo | null {
  const call = ctx.sem.callOf(node);
  if (!call) return null;
  if (call.qname) {
    if (!names.some((n) => call.qname === `torch.${n}`)) return null;
  } else {
    if (!call.method || !names.includes(call.method) || !call.receiver) return null;
    if (!ctx.sem.imports_('torch') || ctx.sem.isUserObject(call.receiver) || isForeignArray(ctx, call.receiver)) return null;
    // pandas/numpy may be in play: insist on a tensor receiver when they are imported.
    if ((ctx.sem.imports_('pandas') || ctx.sem.imports_('numpy')) && !isTensorish(ctx, call.receiver)) return null;
  }
  return inModelCode(ctx, node) ? call : null;
}

function opRule(id: string, name: string, ops: readonly string[], title: string, message: string, extra?: (call: CallInfo, ctx: RuleContext) => boolean): Rule {
  return {
    id,
    name,
    category: 'dynamic-shape',
    severity: { xla: 'warning', native: 'warning' },
    title,
    message,
    why: WHY_DYN,
    fix: FIX_DYN,
    docs: RA_DOCS.trace,
    source: 'NRN-PT-050',
    stackNote: NOTE,
    triggers: ops,
    visit(hit, ctx) {
      if (hit.inString) return;
      const call = torchOp(ctx, hit.node, ops);
      if (!call || (extra && !extra(call, ctx))) return;
      ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
    },
  };
}

const nonzero = opRule(
  'NRN401',
  'nonzero',
  ['nonzero', 'argwhere', 'nonzero_static'],
  '`torch.nonzero` / `torch.argwhere` (data-dependent output size) in model code',
  '`nonzero` returns as many rows as there are non-zeros, so the shape depends on the data and Neuron recompiles (or rejects it under trace). Use a fixed-shape mask with `torch.where(cond, a, b)`, or `torch.nonzero_static(x, size=N)`.',
  (call) => call.qname !== 'torch.nonzero_static' && call.method !== 'nonzero_static',
);

const maskedSelect = opRule(
  'NRN402',
  'masked-select',
  ['masked_select'],
  '`masked_select` (data-dependent output size) in model code',
  '`masked_select` returns a 1-D tensor sized by the number of True entries, a data-dependent shape that Neuron recompiles for (or rejects). Keep the shape: `x.masked_fill(~mask, 0)` or `torch.where(mask, x, 0)` and reduce with the mask.',
);

const unique = opRule(
  'NRN403',
  'unique',
  ['unique', 'unique_consecutive'],
  '`torch.unique` / `unique_consecutive` (data-dependent output size) in model code',
  '`unique` returns one entry per distinct value, a data-dependent shape that Neuron recompiles for (or rejects). Use a fixed-size alternative (e.g. `torch.bincount(x, minlength=N)` or a one-hot mask).',
);

/** A boolean-valued index: `x > 0`, `~mask`, `mask` bound to such an expression, `.bool()`, `torch.isnan(…)`. */
/** The node kinds `isBoolMask` can say yes to. */
const MASK_KINDS = new Set(['comparison_operator', 'unary_operator', 'binary_operator', 'call', 'identifier', 'attribute']);

function isBoolMask(ctx: RuleContext, idx: Node, depth = 0): boolean {
  const e = unparen(idx);
  if (depth > 3) return false;
  if (e.type === 'comparison_operator') {
    // `x[a == b]` with tensors only; `x[i < 3]` on ints is a Python bool (TypeError anyway), ignore.
    return e.namedChildren.some((k) => isTensorish(ctx, k));
  }
  if (e.type === 'unary_operator' && e.text.startsWith('~')) {
    const a = e.childForFieldName('argument');
    return !!a && (isBoolMask(ctx, a, depth + 1) || isTensorish(ctx, a));
  }
  if (e.type === 'binary_operator' && /^[&|^]$/.test(e.childForFieldName('operator')?.text ?? '')) {
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    return (!!l && isBoolMask(ctx, l, depth + 1)) || (!!r && isBoolMask(ctx, r, depth + 1));
  }
  if (e.type === 'call') {
    const c = ctx.sem.call(e);
    if (c.qname && /^torch\.(?:isnan|isinf|isfinite|logical_(?:and|or|not|xor)|eq|ne|gt|lt|ge|le|isin)$/.test(c.qname)) return true;
    if (!c.qname && c.method && /^(?:bool|isnan|isinf|isfinite|eq|ne|gt|lt|ge|le|logical_not|logical_and|logical_or)$/.test(c.method) && c.receiver && isTensorish(ctx, c.receiver)) return true;
    return false;
  }
  if (e.type === 'identifier' || e.type === 'attribute') {
    const key = ctx.sem.dottedName(e);
    if (!key || ctx.sem.qualifiedName(e)) return false;
    return ctx.sem.assignmentsOf(key, e).some((r) => !(r.startIndex <= e.startIndex && e.endIndex <= r.endIndex) && isBoolMask(ctx, r, depth + 1));
  }
  return false;
}

const boolIndex: Rule = {
  id: 'NRN404',
  name: 'boolean-mask-indexing',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Boolean-mask indexing `x[mask]` (data-dependent output size) in model code',
  message:
    'Reading `x[mask]` with a boolean mask returns as many elements as the mask has True values, a data-dependent shape: Neuron recompiles for every new count. Keep the shape with `torch.where(mask, x, 0)` / `x.masked_fill(~mask, 0)`.',
  why: `${WHY_DYN} PyTorch/XLA: "masked indexing base[index] ... introduce dynamic shapes".`,
  fix: FIX_DYN,
  docs: RA_DOCS.ptxlaTroubleshoot,
  source: 'NRN-PT-050',
  stackNote: NOTE,
  // Scans the step loop / forward body (the index of a subscript is not a fixed word).
  triggers: ['backward', 'forward', 'no_grad', 'inference_mode'],
  // `forward` only as a method being defined (`def forward`): calls and mentions need no tree lookup.
  gate: (text, start, _end, word) => word !== 'forward' || defNameAt(text, start),
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    const region = regionOf(ctx, hit);
    if (!region || !firstVisit(ctx, 'NRN404', region)) return;
    for (const sub of regionNodes(ctx, region, 'subscript')) {
      // Cheapest first: one index whose kind can be a mask at all (most are slices and integers).
      const idx = sub.childrenForFieldName('subscript');
      if (idx.length !== 1 || !MASK_KINDS.has(unparen(idx[0]).type)) continue;
      // Assignments through a mask (`x[mask] = 0`) keep the shape: they lower to a masked fill.
      const p = sub.parent;
      if (p && (p.type === 'assignment' || p.type === 'augmented_assignment') && same(p.childForFieldName('left'), sub)) continue;
      const value = sub.childForFieldName('value');
      if (!value || !isTensorish(ctx, value) || isForeignArray(ctx, value)) continue;
      if (!isBoolMask(ctx, idx[0])) continue;
      ctx.report(idx[0]);
    }
  },
};

/** Several hits lead to the same region (a `backward` and a `no_grad` in one loop): scan it once per rule. */
function firstVisit(ctx: RuleContext, rule: string, region: Node): boolean {
  const seen = cached(ctx, `regions:${rule}`, () => new Set<number>());
  if (seen.has(region.id)) return false;
  seen.add(region.id);
  return true;
}

/** The code a region-scanning rule looks at for this hit: the train loop around a backward, a forward body, a no_grad block. */
function regionOf(ctx: RuleContext, hit: { word: string; node: Node }): Node | null {
  // NRN404 and NRN406 ask for the same hits: found once.
  const memo = cached(ctx, 'regionOf', () => new Map<number, Node | null>());
  let r = memo.get(hit.node.startIndex);
  if (r === undefined) memo.set(hit.node.startIndex, (r = findRegion(ctx, hit)));
  return r;
}

function findRegion(ctx: RuleContext, hit: { word: string; node: Node }): Node | null {
  const n = hit.node;
  if (hit.word === 'backward') {
    const call = ctx.sem.callOf(n);
    if (!call || call.method !== 'backward') return null;
    const loop = ctx.sem.loopOf(call.node);
    return loop && loop.kind === 'train' ? loop.node.childForFieldName('body') : null;
  }
  if (hit.word === 'forward') {
    const fn = n.parent;
    if (fn?.type !== 'function_definition' || !same(fn.childForFieldName('name'), n)) return null;
    if (!enclosingClass(fn)) return null;
    return fn.childForFieldName('body');
  }
  // no_grad / inference_mode: the with-block or the decorated function.
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'with_statement') {
      const body = p.childForFieldName('body');
      if (!body || !containsLoop(ctx, body)) {
        const loop = ctx.sem.loopOf(p);
        return loop ? loop.node.childForFieldName('body') : null;
      }
      return body;
    }
    if (p.type === 'decorator') {
      const def = p.parent?.namedChildren.find((k) => k.type === 'function_definition');
      return def?.childForFieldName('body') ?? null;
    }
    if (p.type === 'function_definition' || p.type === 'module') return null;
  }
  return null;
}

/** A `for`/`while` statement inside `region`: found through the text, confirmed in the tree. */
function containsLoop(ctx: RuleContext, region: Node): boolean {
  const re = /^[ \t]*(?:async[ \t]+)?(for|while)\b/gm;
  const seg = ctx.text.slice(region.startIndex, region.endIndex);
  for (let m = re.exec(seg); m; m = re.exec(seg)) {
    const at = region.startIndex + m.index + m[0].length - m[1].length;
    const kw = region.descendantForIndex(at, at + m[1].length);
    if (kw?.type === m[1] && (kw.parent?.type === 'for_statement' || kw.parent?.type === 'while_statement')) return true;
  }
  return false;
}

function enclosingClass(fn: Node): Node | null {
  for (let p = fn.parent; p; p = p.parent) {
    if (p.type === 'class_definition') return p;
    if (p.type === 'function_definition') return null;
  }
  return null;
}

const whereOneArg: Rule = {
  id: 'NRN405',
  name: 'where-single-argument',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'warning' },
  title: 'One-argument `torch.where(cond)` (same as `nonzero(as_tuple=True)`) in model code',
  message:
    '`torch.where(cond)` with one argument returns the indices of the True entries, a data-dependent shape. Use the three-argument form `torch.where(cond, input, other)`, which keeps the shape.',
  why: WHY_DYN,
  fix: '`torch.where(condition, input, other)` (the workaround Neuron maintainers give), `masked_fill`, or multiply by the mask.',
  docs: RA_DOCS.trace,
  source: 'NRN-PT-050',
  stackNote: NOTE,
  triggers: ['where'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.hasSplat || call.args.length !== 1 || call.kwargs.size) return;
    const method = !call.qname && call.method === 'where' && call.receiver && ctx.sem.imports_('torch') && !ctx.sem.isUserObject(call.receiver) && isTensorish(ctx, call.receiver);
    if (call.qname !== 'torch.where' && !method) return;
    if (!inModelCode(ctx, hit.node)) return;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
  },
};

/**
 * How a condition reads tensor values: `implicit` (a tensor used as a truth value or compared:
 * `.any()`, `loss > x`, `torch.isnan(…)`), `item` (only through explicit `.item()` calls), or null.
 */
/** What a tensor condition must contain: a comparison, or a call below. Checked on the text first. */
const MAYBE_TENSOR_CONDITION = /[<>]|[=!]=|\b(?:any|all|equal|allclose|isnan|isinf|isfinite|is_nonzero|item)\s*\(/;

function tensorCondition(ctx: RuleContext, cond: Node): 'implicit' | 'item' | null {
  if (!MAYBE_TENSOR_CONDITION.test(cond.text)) return null; // `if mask is not None:`, `if self.training:`
  let item = false;
  // Stops at the first implicit sync; `item` only matters when there is none (then every node was seen).
  const implicit = someNode(cond, (n) => {
      if (n.type === 'call') {
        const c = ctx.sem.call(n);
        if (c.qname && /^torch\.(?:any|all|equal|allclose|isnan|isinf|isfinite|is_nonzero)$/.test(c.qname)) return true;
        // The builtins iterate the tensor on the host: `if all(eos_reached):`.
        if (!c.qname && c.func.type === 'identifier' && /^(?:any|all)$/.test(c.func.text) && c.args.length === 1 && !isForeignArray(ctx, c.args[0]) && isTensorish(ctx, c.args[0])) return true;
        if (!c.qname && c.method && /^(?:any|all)$/.test(c.method) && c.receiver && !isForeignArray(ctx, c.receiver)) return isTensorish(ctx, c.receiver);
        if (!c.qname && c.method === 'item' && c.receiver && !isForeignArray(ctx, c.receiver) && !ctx.sem.isUserObject(c.receiver)) item = true;
        return false;
      }
      if (n.type === 'comparison_operator') {
        if (/\b(?:is|in)\b/.test(n.children.filter((k) => !k.isNamed).map((k) => k.type).join(' '))) return false;
        return n.namedChildren.some((k) => isTensorish(ctx, k));
      }
      return false;
    });
  return implicit ? 'implicit' : item ? 'item' : null;
}

/** The statements a condition governs run tensor work (so each branch records a different graph). */
function branchRunsTensorOps(ctx: RuleContext, stmt: Node, cond: Node): boolean {
  return someNode(stmt, (n) => {
    if (n.startIndex >= cond.startIndex && n.endIndex <= cond.endIndex) return false;
    if (n.type !== 'call' && n.type !== 'augmented_assignment' && n.type !== 'assignment') return false;
    if (n.type !== 'call') {
      const r = n.childForFieldName('right');
      return !!r && isTensorish(ctx, r);
    }
    const c = ctx.sem.call(n);
    return (c.method !== null && /^(?:backward|step|zero_grad)$/.test(c.method)) || isTensorish(ctx, n);
  });
}

const controlFlow: Rule = {
  id: 'NRN406',
  name: 'data-dependent-control-flow',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Python control flow on tensor values (`if loss > x:`, `if (t > 0).any():`) in the step loop or `forward`',
  message:
    'Branching on a tensor value forces the lazy graph to run (an implicit `.item()`) and records a different graph per branch, so Neuron compiles more graphs. Use `torch.where(cond, a, b)` to keep one graph, or decide every N steps after `torch_xla.sync()`.',
  why: 'In lazy mode a Python `if` on a tensor is an implicit `.item()` plus a separate graph per branch. Under `torch_neuronx.trace` the branch is frozen at trace time ("the traced function may produce inaccurate results").',
  fix: 'Replace the branch with `torch.where(cond, a, b)` (as PyTorch/XLA does in `clip_grad_norm_`), or move the decision out of the step.',
  docs: RA_DOCS.ptxlaTroubleshoot,
  source: 'NRN-PT-022',
  stackNote: 'Native TorchNeuron is eager: only conditions inside `forward` (compiled code, where they are graph breaks) are reported there.',
  triggers: ['backward', 'forward', 'no_grad', 'inference_mode'],
  // `forward` only as a method being defined (`def forward`): calls and mentions need no tree lookup.
  gate: (text, start, _end, word) => word !== 'forward' || defNameAt(text, start),
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    if (ctx.target === 'native' && hit.word !== 'forward') return;
    const region = regionOf(ctx, hit);
    if (!region || !firstVisit(ctx, 'NRN406', region)) return;
    for (const stmt of regionNodes(ctx, region, 'condition')) {
      const cond = stmt.type === 'conditional_expression' ? stmt.namedChildren[1] : stmt.type === 'assert_statement' ? stmt.namedChildren[0] : stmt.childForFieldName('condition');
      const kind = cond ? tensorCondition(ctx, cond) : null;
      if (!cond || !kind) continue;
      // `assert torch.isfinite(loss).all()`: an implicit sync every step (no branch; an explicit `.item()` is NRN351's).
      if (stmt.type === 'assert_statement' && kind === 'item') continue;
      // With an explicit `.item()` the sync is NRN351's finding; here only a graph that differs per branch counts.
      if (kind === 'item' && !branchRunsTensorOps(ctx, stmt, cond)) continue;
      // Skip nested functions (e.g. closures given to add_step_closure): they run after the step.
      const fn = enclosingFunction(ctx, stmt);
      if (fn && fn.startIndex > region.startIndex && fn.endIndex <= region.endIndex) continue;
      ctx.report(cond);
    }
  },
};

/** A tokenizer / processor call: `tokenizer(...)`, `tok.pad(...)`, `processor(...)`, `tokenizer.batch_encode_plus(...)`. */
function isTokenizerCall(ctx: RuleContext, call: CallInfo): boolean {
  // `tokenizer(…)`, `tok.pad(…)`, `self.processor.pad(…)`, and a tokenizer attribute called: `self.tokenizer(…)`.
  const name = ctx.sem.dottedName(call.receiver ?? call.func) ?? '';
  if (/tokeni[sz]er|(?:^|\.)tok$|processor/i.test(name) || (call.receiver && /(?:^|\.)(?:tokeni[sz]er|processor)$/i.test(ctx.sem.dottedName(call.func) ?? ''))) return true;
  const key = call.receiver ? ctx.sem.dottedName(call.receiver) : call.func.type === 'identifier' ? call.func.text : null;
  if (!key) return false;
  return ctx.sem.assignmentsOf(key, call.node).some((r) => r.type === 'call' && /Tokeni[sz]er|Processor/.test(ctx.sem.call(r).qname ?? ctx.sem.call(r).func.text));
}

/** A test that holds on XLA (so on Neuron): accelerate's `DistributedType.XLA`/`TPU`, `is_torch_xla_available()`. */
const XLA_TEST = /DistributedType\s*\.\s*(?:XLA|TPU)\b|is_torch_(?:xla|tpu)_available\s*\(|\bxla\b/i;
const positiveXlaTest = (cond: Node): boolean => XLA_TEST.test(cond.text) && !/\bnot\b|!=/.test(cond.text);

/**
 * Code that runs only off XLA: the `else` of an XLA test, or statements after `if <XLA test>: … return`
 * in the same block (accelerate's collate functions pad to a fixed length on XLA and to the longest otherwise).
 */
function offXlaOnly(node: Node): boolean {
  for (let child: Node = node, p = node.parent; p && p.type !== 'function_definition' && p.type !== 'module'; child = p, p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && !same(p.childForFieldName('consequence'), child)) {
      const cond = p.childForFieldName('condition');
      if (cond && !same(cond, child) && positiveXlaTest(cond)) return true;
    }
    if (p.type === 'block' || p.type === 'module') {
      for (const st of p.namedChildren) {
        if (st.startIndex >= child.startIndex) break;
        if (st.type !== 'if_statement') continue;
        const cond = st.childForFieldName('condition');
        const body = st.childForFieldName('consequence');
        const last = body?.namedChildren.at(-1);
        if (cond && positiveXlaTest(cond) && (last?.type === 'return_statement' || last?.type === 'raise_statement')) return true;
      }
    }
  }
  return false;
}

/** The class-body default of `self.<name>` (`padding: Union[bool, str] = "longest"` in a dataclass), or null. */
function fieldDefault(expr: Node): Node | null {
  if (expr.type !== 'attribute' || expr.childForFieldName('object')?.text !== 'self') return null;
  const name = expr.childForFieldName('attribute')?.text;
  let cls: Node | null = expr.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  if (!name || !body) return null;
  for (const st of body.namedChildren) {
    const a = st.type === 'expression_statement' ? st.namedChildren[0] : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) return a.childForFieldName('right');
  }
  return null;
}

const tokenizerPadding: Rule = {
  id: 'NRN407',
  name: 'per-batch-padding',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Tokenizer padding to the longest sequence of each batch (`padding=True` / `"longest"`) per step',
  message:
    '`padding=True` pads each batch to its own longest sequence, so the input shape changes from batch to batch and Neuron recompiles for each new length. Pad to a fixed length: `padding="max_length", max_length=L`.',
  why: 'XLA "recompiles the graph every time new shapes are encountered". Padding to the longest sequence of each batch produces a new sequence length almost every step.',
  fix: '`tokenizer(..., padding="max_length", max_length=L, truncation=True)`, or bucket lengths (a few fixed sizes).',
  docs: RA_DOCS.ptxlaTroubleshoot,
  source: 'NRN-PT-051',
  stackNote: 'Applies to both stacks (native compiles per shape too). Reported inside step loops, collate functions and `.map()` preprocessors.',
  triggers: ['padding'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const kw = hit.node.parent;
    if (kw?.type !== 'keyword_argument' || !same(kw.childForFieldName('name'), hit.node)) return;
    const written = kw.childForFieldName('value');
    const callNode = kw.parent?.parent;
    if (!written || callNode?.type !== 'call') return;
    // `padding=self.padding` in a collator class: the value is the field's default (`padding: … = "longest"`).
    const field = fieldDefault(written);
    const value = field ?? written;
    const v = ctx.sem.constValue(value);
    const dynamic = (v?.kind === 'bool' && v.value) || ctx.sem.possibleStrings(value).some((s) => s.value === 'longest');
    if (!dynamic) return;
    const call = ctx.sem.call(callNode);
    if (!isTokenizerCall(ctx, call)) return;
    const fn = enclosingFunction(ctx, callNode);
    if (!ctx.sem.inHotLoop(callNode) && !(fn && isPerBatchFunction(ctx, fn))) return;
    if (offXlaOnly(callNode)) return;
    const shown = field ? `${written.text} = ${field.text}` : `${kw.text.replace(/\s+/g, ' ')}`;
    ctx.report(field ?? kw, {
      message: `\`${shown}\` pads each batch to its own longest sequence, so the input shape changes from batch to batch and Neuron recompiles for each new length. Pad to a fixed length: \`padding="max_length", max_length=L\`.`,
      data: { replacement: 'max_length' },
    });
  },
};

const COLLATORS = /^transformers\.(?:data\.data_collator\.)?(?:DataCollatorWithPadding|DataCollatorForSeq2Seq|DataCollatorForTokenClassification)$/;
const paddingCollator: Rule = {
  id: 'NRN408',
  name: 'dynamic-padding-collator',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'warning' },
  title: '`DataCollatorWithPadding` (pads each batch to its longest sequence) without a fixed length',
  message:
    'This collator pads each batch to its own longest sequence, so every new length is a new Neuron compilation. Pass `padding="max_length", max_length=L` (or at least `pad_to_multiple_of=N` to bound the shapes).',
  why: 'Padding to the longest sequence of each batch changes shapes every batch, so it recompiles. Optimum Neuron forces `padding_free=False` "to avoid recompilation" for the same reason.',
  fix: '`DataCollatorWithPadding(tokenizer, padding="max_length", max_length=L)`, or tokenize with `padding="max_length"` and use `default_data_collator`.',
  docs: RA_DOCS.ptxlaTroubleshoot,
  source: 'NRN-PT-051',
  stackNote: 'Applies to both stacks (native compiles per shape too).',
  triggers: ['DataCollatorWithPadding', 'DataCollatorForSeq2Seq', 'DataCollatorForTokenClassification'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !COLLATORS.test(call.qname) || call.hasSplat) return;
    // A multiple buckets the lengths; `8 if use_fp16 else None` does not on Neuron (bf16: the None branch).
    const p2m = call.kwargs.get('pad_to_multiple_of');
    const m = p2m ? ctx.sem.constValue(p2m) : null;
    if (p2m && m?.kind !== 'none' && !(m?.kind === 'union' && m.options.some((o) => o.kind === 'none'))) return;
    const pad = call.kwargs.get('padding') ?? (call.qname.endsWith('DataCollatorWithPadding') ? call.args[1] : undefined);
    if (pad && ctx.sem.possibleStrings(pad).some((s) => s.value === 'max_length')) return;
    const pv = pad ? ctx.sem.constValue(pad) : null;
    if (pv?.kind === 'bool' && !pv.value) return;
    // Inputs already tokenized to a fixed length (`padding="max_length"`): the collator pads nothing.
    const prePadded = fileHasCall(ctx, call.node, 'maxLengthPadding', (c) => {
      const p = c.kwargs.get('padding');
      return !!p && ctx.sem.possibleStrings(p).some((x) => x.value === 'max_length');
    });
    if (prePadded) return;
    ctx.report(call.func, { data: { replacement: 'max_length' } });
  },
};

const DATALOADER = /^torch\.utils\.data(?:\.dataloader)?\.DataLoader$/;
const partialBatch: Rule = {
  id: 'NRN409',
  name: 'partial-last-batch',
  category: 'dynamic-shape',
  severity: { xla: 'info', native: 'off' },
  title: 'Training `DataLoader` without `drop_last=True` (last partial batch has a new shape) on XLA',
  message:
    'Without `drop_last=True` the last batch of each epoch is smaller, a new shape that XLA compiles again. Pass `drop_last=True` to the training DataLoader (or pad the last batch).',
  why: 'XLA "recompiles the graph every time new shapes are encountered"; a partial last batch is one more graph (and one more compilation) per distinct size.',
  fix: '`DataLoader(dataset, batch_size=B, drop_last=True, ...)`.',
  docs: RA_DOCS.ptxlaTroubleshoot,
  fixable: true,
  source: 'NRN-PT-051',
  stackNote: 'XLA only (files importing torch_xla); native eager mode runs the partial batch without a new compilation.',
  triggers: ['DataLoader'],
  requires: ['torch_xla'], // only files that import torch_xla: the engine does not even look up the other hits
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !DATALOADER.test(call.qname) || call.hasSplat) return;
    const bs = call.kwargs.get('batch_size') ?? call.args[1];
    if (!bs) return; // default batch size 1: no partial batch
    const bv = ctx.sem.constValue(bs);
    if (bv && ((bv.kind === 'num' && bv.value === 1) || bv.kind === 'none')) return;
    if (call.kwargs.has('batch_sampler') || (call.kwargs.has('sampler') && /Batch/.test(call.kwargs.get('sampler')!.text))) return;
    const dl = call.kwargs.get('drop_last');
    if (dl) {
      const v = ctx.sem.constValue(dl);
      if (!v || v.kind !== 'bool' || v.value) return; // unknown or True
    }
    // Only the training loader: its name or a use in a training loop says so.
    let n: Node = call.node;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const a = n.parent;
    const name = a?.type === 'assignment' && same(a.childForFieldName('right'), n) ? ctx.sem.dottedName(a.childForFieldName('left')!) : null;
    const trainUse =
      !!name &&
      ctx.sem.usesOf(name, name.includes('.') ? undefined : a!).some((u) => {
        for (let p = u.parent; p; p = p.parent) {
          if (p.type === 'for_statement') {
            const right = p.childForFieldName('right');
            if (!right || u.startIndex < right.startIndex || u.endIndex > right.endIndex) return false;
            const first = p.childForFieldName('body')?.namedChildren[0];
            const info = first ? ctx.sem.loopOf(first) : null;
            return !!info && same(info.node, p) && info.kind === 'train';
          }
          if (p.type === 'function_definition' || p.type === 'module') return false;
        }
        return false;
      });
    if (!trainUse && !(name && /train/i.test(name))) return;
    ctx.report(call.func, { data: { keyword: 'drop_last' } });
  },
};

const dynamicCompile: Rule = {
  id: 'NRN410',
  name: 'dynamic-shape-compile',
  category: 'dynamic-shape',
  severity: { xla: 'off', native: 'error' },
  title: '`torch.compile(dynamic=True)` / `torch._dynamo.mark_dynamic` on TorchNeuron',
  message:
    'The Neuron `torch.compile` backend rejects dynamic shapes ("dynamic=True is rejected during compilation"; NCC_EMOD025). Leave `dynamic` unset or `False`, and pad or bucket inputs.',
  why: 'TorchNeuron compiles static shapes only: `dynamic=True` is rejected and dynamic dimensions end in NCC_EMOD025 "Dynamic shape is not supported".',
  fix: 'Remove `dynamic=True` / `mark_dynamic(...)`; pad or bucket the inputs to a few fixed shapes.',
  docs: RA_DOCS.compileReference,
  source: 'NRN-PT-053',
  stackNote: 'Native only (torch.compile is not used on the xla stack; the compile rules cover it there).',
  triggers: ['dynamic', 'mark_dynamic', 'maybe_mark_dynamic'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'dynamic') {
      const kw = hit.node.parent;
      if (kw?.type !== 'keyword_argument' || !same(kw.childForFieldName('name'), hit.node)) return;
      const callNode = kw.parent?.parent;
      if (callNode?.type !== 'call' || ctx.sem.call(callNode).qname !== 'torch.compile') return;
      const v = ctx.sem.constValue(kw.childForFieldName('value')!);
      if (!v || v.kind !== 'bool' || !v.value) return;
      ctx.report(kw);
      return;
    }
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !/^torch\._dynamo\.(?:decorators\.)?(?:maybe_)?mark_dynamic$/.test(call.qname)) return;
    ctx.report(call.func);
  },
};

const GROWS =
  'grows on every iteration: each has a new shape, so Neuron compiles a new graph each time (once per generated token). Collect the pieces in a list and concatenate once after the loop; to decode, preallocate the full length and write at a tensor position (`index_copy_`), or use `NeuronModelForCausalLM.generate`.';
const CONCAT = new Set(['torch.cat', 'torch.concat', 'torch.concatenate', 'torch.hstack', 'torch.vstack', 'torch.dstack', 'torch.column_stack']);
/** Functions that decode step by step (their loops run a model once per token). */
const DECODE_FN = /generat|sampl|decod|greedy|beam|rollout/i;

/**
 * Text-only: `name = [mod.]cat(` on the line of the hit, and `name` again within the call's first few
 * hundred characters (a superset of what the rule reports: the pieces are checked in the tree).
 */
function selfConcatText(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const m = /([A-Za-z_][\w.]*)[ \t]*=[ \t]*(?:[A-Za-z_][\w.]*\.)?$/.exec(text.slice(lineStart, start));
  if (!m || !calledAcrossLinesAt(text, end)) return false;
  return new RegExp(`(?<![\\w.])${escapeRe(m[1])}(?![\\w])`).test(text.slice(end, end + 400));
}

const growingTensor: Rule = {
  id: 'NRN411',
  name: 'tensor-grown-in-loop',
  category: 'dynamic-shape',
  severity: { xla: 'warning', native: 'info' },
  title: 'A tensor grown by concatenation in a loop (`idx = torch.cat((idx, nxt), dim=1)` per token or step)',
  message: `A tensor concatenated with itself in a loop ${GROWS}`,
  why: `${WHY_DYN} A loop that does \`x = torch.cat((x, y))\` changes \`x\`'s shape on every pass: an autoregressive \`generate()\` loop written this way compiles one graph per token.`,
  fix: 'Allocate `buf = torch.zeros(b, max_len, …)` once, keep the position as a device tensor and write with `buf.index_copy_(1, pos, y)`; mask the unused tail. For Hugging Face LLMs use `NeuronModelForCausalLM` (static batch and sequence length, on-device KV cache).',
  docs: RA_DOCS.trace,
  source: 'NRN-PT-050',
  stackNote: 'Native TorchNeuron runs eagerly, so a growing tensor costs no compilation outside `torch.compile` (info there); under PyTorch/XLA every new shape is a new graph.',
  triggers: ['cat', 'concat', 'concatenate', 'hstack', 'vstack', 'dstack', 'column_stack'],
  gate: selfConcatText,
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !CONCAT.has(call.qname) || !call.args[0]) return;
    // `x = torch.cat((x, y), …)`: the target is one of the pieces.
    const stmt = call.node.parent;
    if (stmt?.type !== 'assignment' || !same(stmt.childForFieldName('right'), call.node)) return;
    const target = ctx.sem.dottedName(stmt.childForFieldName('left')!);
    const pieces = unparen(call.args[0]);
    if (!target || (pieces.type !== 'tuple' && pieces.type !== 'list')) return;
    if (!pieces.namedChildren.some((k) => ctx.sem.dottedName(k) === target)) return;
    // Only in loops that run the model: a decoding function's loop, or a training / eval step.
    if (!ctx.sem.loopAround(call.node)) return;
    const fn = enclosingFunction(ctx, call.node);
    if (!DECODE_FN.test(fn?.childForFieldName('name')?.text ?? '') && (ctx.sem.loopOf(call.node)?.kind ?? 'other') === 'other') return;
    ctx.report(call.func, { message: `\`${target}\` ${GROWS}` });
  },
};

export const rules: Rule[] = [nonzero, maskedSelect, unique, boolIndex, whereOneArg, controlFlow, tokenizerPadding, paddingCollator, partialBatch, dynamicCompile, growingTensor];
