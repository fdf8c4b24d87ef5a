// CUDA device placement → the Neuron device: `.cuda()`, "cuda" device strings, `torch.device("cuda")`,
// and `"cuda" if torch.cuda.is_available() else "cpu"` device choices.
import type { Node } from 'web-tree-sitter';
import type { Finding, Target } from '../../types';
import type { Fixer, FixOutcome, ImportReq } from '../api';
import type { FixContext } from '../context';
import type { OffsetEdit } from '../text';
import { isDeviceSlot, templateExpr } from '../../rules/util/device';

const STACK: Record<Target, string> = { xla: 'PyTorch/XLA', native: 'native TorchNeuron' };

/** The conditional `a if cond else b` choosing between a CUDA value and a fallback on `torch.cuda.is_available()`. */
export function availabilityChoice(node: Node): Node | null {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type !== 'conditional_expression') return null;
  const kids = p.namedChildren.filter((c) => c.type !== 'comment');
  if (kids.length < 3) return null;
  if (!/\bis_available\s*\(/.test(kids[1].text) || !/\bcuda\b/.test(kids[1].text)) return null;
  return p;
}

function outer(node: Node): Node {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** `device` when a device variable is visibly in scope before `at`, else null. */
function deviceVariable(cx: FixContext, at: Node): string | null {
  const fn = cx.sem.scopeOf(at);
  if (fn?.type === 'function_definition') {
    const params = fn.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      const name = p.type === 'identifier' ? p : p.childForFieldName('name');
      if (name?.text === 'device') return 'device';
    }
  }
  const rhs = cx.sem.assignmentsOf('device', at);
  if (rhs.length === 0) return null;
  if (!rhs.some((r) => r.endIndex <= at.startIndex)) return null;
  if (!rhs.every((r) => /device|cuda|xla|neuron/i.test(r.text))) return null;
  return 'device';
}

/** Top-level statement of `node` within `scope` (function body or module). */
function statementIn(scope: Node | null, node: Node): Node | null {
  const container = scope ? scope.childForFieldName('body') : null;
  for (let n: Node | null = node; n; n = n.parent) {
    if (container ? n.parent?.id === container.id : n.parent?.type === 'module') return n;
  }
  return null;
}

/**
 * For `.cuda()` on the XLA stack: reuse `device` when it exists; when several `.cuda()` calls share a
 * scope that has no `device` name at all, introduce `device = torch_xla.device()` once, just before the
 * statement of the first one (which dominates the later ones in that scope).
 */
function xlaDevice(cx: FixContext, call: Node, need: ImportReq[], f: Finding): { expr: string; edits: OffsetEdit[] } {
  const v = deviceVariable(cx, call);
  if (v) return { expr: v, edits: [] };
  const expr = cx.deviceExpr(need, 'xla');
  const scope = cx.sem.scopeOf(call);
  const siblings = cx.findings
    .filter((g) => g.rule === f.rule)
    .map((g) => cx.nodeAt(g.range))
    .filter((n): n is Node => !!n && (cx.sem.scopeOf(n)?.id ?? -1) === (scope?.id ?? -1))
    .sort((a, b) => a.startIndex - b.startIndex);
  const from = scope ? scope.startIndex : 0;
  const to = scope ? scope.endIndex : cx.text.length;
  if (siblings.length < 2 || scope?.type === 'lambda' || cx.sem.identifiersIn('device', from, to).length > 0) return { expr, edits: [] };
  const first = statementIn(scope?.type === 'function_definition' ? scope : null, siblings[0]);
  if (!first || !cx.startsLine(first)) return { expr, edits: [] };
  return { expr: 'device', edits: [cx.insertAbove(first, `device = ${expr}`)] };
}

export const cudaMethod: Fixer = {
  name: 'cuda-method',
  rules: ['NRN101'],
  categories: ['cuda-device'],
  plan(f, cx): FixOutcome {
    const node = cx.callAround(cx.nodeAt(f.range));
    if (!node) return null;
    const call = cx.sem.call(node);
    if (call.method !== 'cuda' || !call.receiver) return null;
    if (call.hasSplat) return { skip: '`.cuda(*args)`: cannot tell which argument is the device' };
    const need: ImportReq[] = [];
    const { expr, edits } = cx.target === 'native' ? { expr: '"neuron"', edits: [] } : xlaDevice(cx, node, need, f);
    const kept = [...call.kwargNodes.entries()].filter(([k]) => k !== 'device').map(([, n]) => n.text);
    const attr = call.func.childForFieldName('attribute')!;
    return {
      title: `Replace \`.cuda()\` with \`.to(${expr})\` (${STACK[cx.target]})`,
      edits: [...edits, { start: attr.startIndex, end: node.endIndex, text: `to(${[expr, ...kept].join(', ')})` }],
      imports: need,
      safe: true,
    };
  },
};

/**
 * Replacement for a CUDA device string. `str` is the string (or a `torch.device("cuda")` call, from the
 * is_available() fixer). A string inside `torch.device(...)` stands for that device object; a choice
 * `X if torch.cuda.is_available() else Y` around it is replaced as a whole (on Neuron it picks Y).
 */
function stringPlan(cx: FixContext, str: Node): FixOutcome {
  const v = cx.sem.constValue(str);
  const value = v?.kind === 'str' ? v.value : v?.kind === 'fstr' ? v.prefix : null;
  if (value === null || !/^cuda(?::|$)/.test(value)) return null;
  const need: ImportReq[] = [];
  // The literal the device name is written in: the string itself, or a format template's string.
  const template = str.type === 'call' ? cx.sem.call(str).receiver : str.type === 'binary_operator' ? str.childForFieldName('left') : null;
  let lit: Node | null = str.type === 'string' ? str : template?.type === 'string' ? template : null;
  let device: Node = str;
  if (str.type === 'call' && cx.sem.call(str).qname === 'torch.device') {
    const a = cx.sem.call(str).args[0] ?? cx.sem.call(str).kwargs.get('type');
    lit = a && a.type === 'string' ? a : null;
  } else {
    // `torch.device("cuda")`, or `torch.device("cuda" if torch.cuda.is_available() else "cpu")`.
    const inner = availabilityChoice(str);
    const a0 = cx.sem.argumentOf(outer(inner ?? str));
    if (a0?.call.qname === 'torch.device' && (a0.index === 0 || a0.keyword === 'type')) device = a0.call.node;
    else if (inner) device = str;
  }
  const isDeviceObject = device.type === 'call';
  const q = cx.quoteOf(lit);
  const outerChoice = isDeviceObject ? availabilityChoice(device) : null;
  const innerChoice = lit ? availabilityChoice(lit) : str.type === 'string' ? null : availabilityChoice(str);
  const choice = outerChoice ?? (isDeviceObject ? null : innerChoice);
  const subject = outer(choice ?? device);
  const arg = cx.sem.argumentOf(subject);
  if (cx.target === 'native') {
    const c = outerChoice ?? innerChoice;
    if (c) {
      const text = c === outerChoice ? `${cx.torch(need)}.device(${q}neuron${q})` : `${q}neuron${q}`;
      return { title: 'Use the "neuron" device (native TorchNeuron)', edits: [{ start: c.startIndex, end: c.endIndex, text }], imports: need, safe: true };
    }
    const at = lit ? lit.text.indexOf('cuda') : -1;
    if (!lit || at < 0) return null;
    return { title: `Replace "cuda" with "neuron" (native TorchNeuron)`, edits: [{ start: lit.startIndex + at, end: lit.startIndex + at + 4, text: 'neuron' }], safe: true };
  }
  if (isDeviceObject) {
    const expr = cx.deviceExpr(need, 'xla');
    return { title: `Replace \`${cx.short(subject)}\` with \`${expr}\` (PyTorch/XLA)`, edits: [{ start: subject.startIndex, end: subject.endIndex, text: expr }], imports: need, safe: true };
  }
  if (arg?.keyword === 'map_location') {
    return { title: 'Load the checkpoint on the CPU (`map_location="cpu"`)', edits: [{ start: subject.startIndex, end: subject.endIndex, text: `${q}cpu${q}` }], safe: true };
  }
  if (arg && isDeviceSlot(arg.call, arg.index, arg.keyword)) {
    const expr = deviceVariable(cx, subject) ?? cx.deviceExpr(need, 'xla');
    return { title: `Use \`${expr}\` instead of the CUDA device (PyTorch/XLA)`, edits: [{ start: subject.startIndex, end: subject.endIndex, text: expr }], imports: need, safe: true };
  }
  // A value kept in a variable, a default or a config: keep it a string. "xla" names the XLA device
  // once torch_xla is imported.
  cx.ref('torch_xla', need);
  return { title: 'Use the "xla" device (PyTorch/XLA)', edits: [{ start: subject.startIndex, end: subject.endIndex, text: `${q}xla${q}` }], imports: need, safe: true };
}

const IS_CPU = /^cpu$/;

/** `"cuda…"` / `torch.device("cuda…")` (value: 'cuda'), `"cpu"` / `torch.device("cpu")` (value: 'cpu'), else null. */
function deviceValue(cx: FixContext, expr: Node): { kind: 'string' | 'object'; value: string } | null {
  const e = outer(expr);
  if (e.type === 'string') {
    const v = cx.str(e);
    return v !== null ? { kind: 'string', value: v } : null;
  }
  if (e.type === 'call' && cx.sem.call(e).qname === 'torch.device') {
    const c = cx.sem.call(e);
    const a = c.args[0] ?? c.kwargs.get('type');
    const v = a && a.type === 'string' ? cx.str(a) : null;
    return v !== null && (c.args.length === 1 || (c.args.length === 0 && c.kwargs.size === 1)) ? { kind: 'object', value: v } : null;
  }
  return null;
}

/** The one assignment a branch holds (`name = value`), ignoring nothing else: comments make it not simple. */
function soleAssignment(block: Node | null): { left: Node; right: Node } | null {
  const stmts = block?.namedChildren ?? [];
  if (stmts.length !== 1 || stmts[0].type !== 'expression_statement') return null;
  const a = stmts[0].namedChildren[0];
  if (a?.type !== 'assignment' || stmts[0].namedChildCount !== 1) return null;
  const left = a.childForFieldName('left');
  const right = a.childForFieldName('right');
  if (!left || !right || (left.type !== 'identifier' && left.type !== 'attribute')) return null;
  return { left, right };
}

/**
 * The statement form of the device choice:
 *     if torch.cuda.is_available():
 *         device = "cuda"            (or torch.device("cuda"))
 *     else:
 *         device = "cpu"
 * On Neuron the condition is always False, so the code silently takes the CPU branch. On PyTorch/XLA the
 * whole statement becomes one assignment of the XLA device, of the same kind (a string stays a string, a
 * device object stays an object). Only this exact shape is rewritten: other statements in a branch, an `elif`, a comment,
 * or a non-CPU fallback keep the finding for a person to decide.
 */
function availabilityStatementPlan(cx: FixContext, from: Node): FixOutcome {
  // Native TorchNeuron has a true availability check: NRN152 swaps in `torch.accelerator.is_available()` and
  // NRN102 makes the branch "neuron", which keeps the CPU fallback. PyTorch/XLA has no such check to swap in.
  if (cx.target !== 'xla') return null;
  const stmt = cx.up(from, 'if_statement', 8);
  if (!stmt) return null;
  const cond = stmt.childForFieldName('condition');
  const test = cond ? outer(cond) : null;
  if (!test || test.type !== 'call' || cx.sem.call(test).qname !== 'torch.cuda.is_available') return null;
  const alternatives = stmt.childrenForFieldName('alternative');
  if (alternatives.length !== 1 || alternatives[0].type !== 'else_clause') return { skip: 'the CUDA check has `elif` branches: choose the Neuron device explicitly' };
  if (/#/.test(stmt.text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, ''))) return { skip: 'the device choice has comments: choose the Neuron device explicitly' };
  const gpu = soleAssignment(stmt.childForFieldName('consequence'));
  const cpu = soleAssignment(alternatives[0].childForFieldName('body'));
  if (!gpu || !cpu || gpu.left.text !== cpu.left.text) return { skip: 'the device choice is not one assignment per branch: choose the Neuron device explicitly' };
  const g = deviceValue(cx, gpu.right);
  const c = deviceValue(cx, cpu.right);
  if (!g || !c || !/^cuda(?::\d+)?$/.test(g.value) || !IS_CPU.test(c.value)) return { skip: 'the branches do not choose between CUDA and the CPU: choose the Neuron device explicitly' };
  // Only a finding inside the CUDA branch or the condition shares this plan (a "cuda" elsewhere is its own fix).
  if (!(from.startIndex >= test.startIndex && from.endIndex <= test.endIndex) && !(from.startIndex >= gpu.right.startIndex && from.endIndex <= gpu.right.endIndex)) return null;
  if (!cx.startsLine(stmt)) return null;
  const need: ImportReq[] = [];
  const q = cx.quoteOf(outer(gpu.right).type === 'string' ? outer(gpu.right) : null);
  let value: string;
  if (g.kind === 'object') value = cx.deviceExpr(need, 'xla');
  else {
    cx.ref('torch_xla', need); // "xla" names the XLA device once torch_xla is imported
    value = `${q}xla${q}`;
  }
  return {
    title: `Assign the Neuron device directly (\`torch.cuda.is_available()\` is always False on Neuron)`,
    edits: [{ start: stmt.startIndex, end: stmt.endIndex, text: `${gpu.left.text} = ${value}` }],
    imports: need,
    safe: true,
  };
}

export const cudaString: Fixer = {
  name: 'cuda-device-string',
  rules: ['NRN102'],
  categories: ['cuda-device'],
  plan(f, cx): FixOutcome {
    const str = cx.up(cx.nodeAt(f.range), 'string', 3);
    if (!str) return null;
    // The CUDA branch of `if torch.cuda.is_available(): … else: …`: the same plan as NRN152's (they merge).
    const viaStatement = availabilityStatementPlan(cx, str);
    if (viaStatement && !('skip' in viaStatement)) return viaStatement;
    // `"cuda:{}".format(rank)` / `"cuda:%d" % rank`: the whole expression is the device.
    return stringPlan(cx, templateExpr(str) ?? str);
  },
};

/** `torch.cuda.is_available()` choosing the device in a conditional expression next to a CUDA string. */
export const availability: Fixer = {
  name: 'cuda-is-available-choice',
  rules: ['NRN152'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    let cond: Node | null = null;
    for (let n: Node | null = call; n && !cond && n.type !== 'expression_statement' && n.type !== 'block'; n = n.parent) {
      const p = n.parent;
      if (p?.type === 'conditional_expression' && p.namedChildren.filter((c) => c.type !== 'comment')[1]?.id === n.id) cond = p;
    }
    if (!cond || ![cond.namedChildren[0], cond.namedChildren[2]].some((k) => k && /^cuda/.test(cx.str(k) ?? ''))) {
      // `if torch.cuda.is_available(): device = "cuda" else: device = "cpu"` (the statement form).
      const statement = cond ? null : availabilityStatementPlan(cx, call);
      if (statement && !('skip' in statement)) return statement;
      const info = cx.sem.call(call);
      if (cx.target === 'native' && info.qname === 'torch.cuda.is_available') {
        const need: ImportReq[] = [];
        return { title: 'Use `torch.accelerator.is_available()` (true on Neuron)', edits: [{ start: info.func.startIndex, end: info.func.endIndex, text: `${cx.torch(need)}.accelerator.is_available` }], imports: need, safe: true };
      }
      if (!cond) return statement ?? { skip: 'the CUDA check does not choose a device here: choose the Neuron device explicitly' };
    }
    const kids = cond.namedChildren.filter((c) => c.type !== 'comment');
    const cudaStr = [kids[0], kids[2]].find((k) => k && /^cuda/.test(cx.str(k) ?? ''));
    if (!cudaStr) return { skip: 'no CUDA device string in the choice' };
    return stringPlan(cx, cudaStr);
  },
};

/** `torch.load(path)` → `torch.load(path, map_location="cpu")`: tensors saved from CUDA land on the CPU. */
export const loadMapLocation: Fixer = {
  name: 'load-map-location',
  rules: ['NRN108'],
  plan(f, cx): FixOutcome {
    const hit = cx.callOf(f.range, ['torch.load', 'torch.jit.load']);
    if (!hit || hit.info.kwargs.has('map_location') || hit.info.args.length !== 1) return null;
    const { node: call, info } = hit;
    const last = call.childForFieldName('arguments')!.namedChildren.filter((n) => n.type !== 'comment').at(-1);
    if (!last) return null;
    const q = cx.quoteOf(info.args[0].type === 'string' ? info.args[0] : null);
    return { title: `Load on the CPU (\`map_location=${q}cpu${q}\`)`, edits: [{ start: last.endIndex, end: last.endIndex, text: `, map_location=${q}cpu${q}` }], safe: true };
  },
};

/** `torch.Generator(device=d)` → `torch.Generator()`: a CPU generator (XLA has none; samplers accept CPU ones). */
export const cpuGenerator: Fixer = {
  name: 'cpu-generator',
  rules: ['NRN109'],
  plan(f, cx): FixOutcome {
    const info = cx.callOf(f.range, ['torch.Generator'])?.info;
    if (!info) return null;
    const kw = info.kwargs.get('device')?.parent;
    const item = kw?.type === 'keyword_argument' ? kw : info.args[0];
    if (!item) return null;
    return { title: 'Create the generator on the CPU (`torch.Generator()`)', edits: [cx.removeListItem(item)], safe: true };
  },
};

export const deviceFixers: Fixer[] = [cudaMethod, cudaString, availability, loadMapLocation, cpuGenerator];
