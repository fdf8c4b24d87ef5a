// dtype: data types NeuronCores do not have (FP64, complex, some FP8/FP4) and integer operands the
// compiler rejects (topk, matmul, scatter-reduce, collectives).
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { NEURON, TORCH_OR_JAX, chainOf, importStatementOf, intTensorKind, isDtypeQuery, qnameAt, same } from './util/catb';
import type { IntKind } from './util/catb';
import { attributeAt } from './util/nodes';
import { perText } from '../text';

const DATA_TYPES = `${NEURON}about-neuron/arch/neuron-features/data-types.html`;
const errCode = (code: string) => `${NEURON}compiler/error-codes/${code}.html`;
const NO_FP64 =
  'NeuronCores have no FP64 (their types are FP32, TF32, FP16, BF16, FP8, UINT8, INT32, UINT32); float64 on the device fails to compile (NCC_ESPP004).';
/** PyTorch/XLA's `MaybeDowncastToXlaDeviceType` turns F64 into F32 when the device is a Neuron device. */
const XLA_F64 =
  'PyTorch/XLA stores float64 as float32 on a Neuron device (NeuronCores have no FP64), so this computes in fp32 and silently loses the precision float64 was asked for.';
const F64_STACKS = 'On the XLA stack PyTorch/XLA downcasts float64 to float32 for Neuron devices (silent precision loss); other paths to the compiler fail with NCC_ESPP004.';

function argCallQname(ctx: RuleContext, expr: Node): string | null {
  return ctx.sem.argumentOf(expr)?.call.qname ?? null;
}

const FP64_QNAMES = new Set(['torch.float64', 'torch.double', 'torch.DoubleTensor', 'torch.cuda.DoubleTensor', 'jax.numpy.float64']);

const float64: Rule = {
  id: 'NRN451',
  name: 'float64-dtype',
  category: 'dtype',
  // Info on xla: PyTorch/XLA downcasts to fp32 there (pytorch/xla dtype.cpp), so it runs, with less precision.
  severity: { xla: 'info', native: 'warning' },
  stackNote: F64_STACKS,
  title: 'float64 / double tensors (`torch.float64`, `torch.double`, `.double()`, `jnp.float64`)',
  message: `${NO_FP64} Use \`torch.float32\` (or \`bfloat16\`) for tensors that reach the device, e.g. \`.float()\` instead of \`.double()\`.`,
  why: `${NO_FP64} Host-side (CPU) float64 is fine; the rule warns because the dtype usually follows the tensor to the device. NxD Inference casts fp64 to fp32 automatically, plain torch-neuronx does not.`,
  fix: 'Create or cast to `torch.float32` / `torch.bfloat16` before the tensor reaches the device (`torch.from_numpy(a).float()`).',
  docs: DATA_TYPES,
  source: 'NRN-PT-060',
  requires: TORCH_OR_JAX,
  triggers: ['float64', 'double', 'DoubleTensor'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    const call = ctx.sem.callOf(hit.node);
    if (hit.word === 'double' && call && call.method === 'double' && call.receiver && !call.qname) {
      if (!ctx.sem.imports_('torch') || ctx.sem.isUserObject(call.receiver)) return;
      if (call.args.length || call.kwargs.size) return;
      ctx.report(hit.node, { message: ctx.target === 'xla' ? `${XLA_F64} Use \`.float()\` instead of \`.double()\`.` : undefined, data: { replacement: 'float' } });
      return;
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !FP64_QNAMES.has(q)) return;
    const expr = chainOf(hit.node);
    if (isDtypeQuery(expr)) return;
    const owner = argCallQname(ctx, expr);
    if (owner === 'torch.set_default_dtype' || owner === 'torch.set_default_tensor_type') return; // NRN452
    if (owner === 'torch.finfo' || owner === 'torch.iinfo' || owner === 'jax.numpy.finfo' || owner === 'isinstance') return; // type queries
    const replacement = q.endsWith('Tensor') ? 'torch.FloatTensor' : q.startsWith('jax.') ? 'jnp.float32' : 'torch.float32';
    // JAX does not depend on the PyTorch stack: its findings keep one severity.
    if (q.startsWith('jax.')) {
      ctx.report(hit.node, { severity: 'warning', message: `${NO_FP64} With \`jax_enable_x64\` this is a real FP64 array; without it JAX silently uses float32. Use \`jnp.float32\` (or \`jnp.bfloat16\`).`, data: { replacement } });
      return;
    }
    ctx.report(hit.node, { message: ctx.target === 'xla' ? `${XLA_F64} Use \`torch.float32\` (or \`bfloat16\`) for tensors that reach the device.` : undefined, data: { replacement } });
  },
};

const defaultFloat64: Rule = {
  id: 'NRN452',
  name: 'default-dtype-float64',
  category: 'dtype',
  severity: { xla: 'warning', native: 'error' },
  stackNote: F64_STACKS,
  title: '`torch.set_default_dtype(torch.float64)` makes every new float tensor FP64',
  message: `Setting the default dtype to float64 makes every floating-point tensor FP64. ${NO_FP64} Keep the default \`torch.float32\`.`,
  why: `${NO_FP64} With a float64 default every parameter and activation is created in FP64.`,
  fix: 'Remove the call (or pass `torch.float32`); cast the few tensors that need double precision on the CPU.',
  docs: DATA_TYPES,
  source: 'NRN-PT-060',
  triggers: ['set_default_dtype', 'set_default_tensor_type'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || (call.qname !== 'torch.set_default_dtype' && call.qname !== 'torch.set_default_tensor_type')) return;
    const arg = call.args[0] ?? call.kwargs.get('d') ?? call.kwargs.get('t');
    if (!arg) return;
    const q = arg.type === 'identifier' || arg.type === 'attribute' ? ctx.sem.qualifiedName(arg) : null;
    const strs = ctx.sem.possibleStrings(arg).map((s) => s.value);
    if ((q && FP64_QNAMES.has(q)) || strs.some((s) => /^torch\.(cuda\.)?DoubleTensor$/.test(s))) {
      ctx.report(arg, { message: ctx.target === 'xla' ? `A float64 default makes every floating-point tensor FP64 on the host. ${XLA_F64} Keep the default \`torch.float32\`.` : undefined, data: { replacement: 'torch.float32' } });
    }
  },
};

const COMPLEX_DTYPES = new Set(['torch.complex64', 'torch.complex128', 'torch.complex32', 'torch.cfloat', 'torch.cdouble', 'torch.chalf']);
const COMPLEX_FUNCS = new Set(['torch.view_as_complex', 'torch.polar', 'torch.complex']);

const complexDtype: Rule = {
  id: 'NRN453',
  name: 'complex-dtype',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: 'Complex tensors (`torch.complex64`, `torch.view_as_complex`, `torch.polar`)',
  message:
    'Complex data types are not supported on the Neuron device (NCC_EVRF004). Keep real and imaginary parts as separate real tensors (e.g. cos/sin rotary embeddings as in HF transformers).',
  why: 'NCC_EVRF004: "Complex data types are not supported on the Neuron device". `torch_neuronx.analyze` reports complex `aten::mul` as unsupported. The Meta-Llama reference RoPE (`torch.polar` + `view_as_complex`) is the usual culprit.',
  fix: 'Emulate complex arithmetic with separate real and imaginary tensors (the cos/sin RoPE formulation), or run the rare complex op on the CPU.',
  docs: errCode('EVRF004'),
  source: 'NRN-PT-061',
  triggers: ['complex64', 'complex128', 'complex32', 'cfloat', 'cdouble', 'chalf', 'view_as_complex', 'polar', 'complex'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q) return;
    if (COMPLEX_DTYPES.has(q)) {
      if (isDtypeQuery(chainOf(hit.node))) return;
      ctx.report(hit.node);
      return;
    }
    if (COMPLEX_FUNCS.has(q) && ctx.sem.callOf(hit.node)) ctx.report(hit.node);
  },
};

const FFT_FUNCS = /^torch\.fft\.(i?r?fft[2n]?|i?hfft[2n]?)$/;

const fftOp: Rule = {
  id: 'NRN454',
  name: 'fft-op',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: 'FFTs (`torch.fft.*`, `torch.stft`) produce complex tensors',
  message:
    'FFTs produce complex tensors, which the Neuron compiler does not support (`aten::fft_fft` fails in neuronx-cc, NCC_EVRF004). Compute the transform on the CPU or express it as a real matmul with a precomputed DFT basis.',
  why: '`torch_neuronx.analyze` reports `aten::fft_fft` failing at neuronx-cc; complex types are rejected by NCC_EVRF004.',
  fix: 'Move the FFT to the CPU (`x.cpu()` before it), or replace it with real-valued ops (a DFT as two matmuls with cos/sin bases).',
  docs: `${NEURON}frameworks/torch/torch-neuronx/api-reference-guide/inference/api-torch-neuronx-analyze.html`,
  source: 'NRN-PT-061',
  triggers: ['fft', 'ifft', 'rfft', 'irfft', 'fft2', 'ifft2', 'rfft2', 'irfft2', 'fftn', 'ifftn', 'rfftn', 'irfftn', 'hfft', 'ihfft', 'stft', 'istft'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    if (call.qname) {
      if (FFT_FUNCS.test(call.qname) || call.qname === 'torch.stft' || call.qname === 'torch.istft') ctx.report(hit.node);
      return;
    }
    if ((call.method === 'stft' || call.method === 'istft') && call.receiver && ctx.sem.imports_('torch') && !ctx.sem.isUserObject(call.receiver)) {
      const rq = ctx.sem.qualifiedName(call.receiver);
      if (rq && !rq.startsWith('torch')) return;
      ctx.report(hit.node);
    }
  },
};

/** The tensor operands of a torch call or tensor method (receiver first for methods). */
function tensorOperands(call: CallInfo, fnQnames: readonly string[], positions: number[], kw: string[]): Node[] {
  const out: Node[] = [];
  if (call.qname && fnQnames.includes(call.qname)) {
    for (const i of positions) if (call.args[i]) out.push(call.args[i]);
    for (const k of kw) {
      const v = call.kwargs.get(k);
      if (v) out.push(v);
    }
  }
  return out;
}

function methodReceiver(ctx: RuleContext, call: CallInfo, methods: readonly string[]): Node | null {
  if (!call.method || !methods.includes(call.method) || !call.receiver || call.qname) return null;
  if (!ctx.sem.imports_('torch') || ctx.sem.isUserObject(call.receiver)) return null;
  return call.receiver;
}

const usesCache = new WeakMap<object, Map<string, Node[]>>();
/** `sem.usesOf` memoised per file, name and scope (several rules ask for the same name). */
function usesCached(ctx: RuleContext, name: string, at: Node): Node[] {
  let m = usesCache.get(ctx.sem);
  if (!m) usesCache.set(ctx.sem, (m = new Map()));
  const key = `${name}@${ctx.sem.scopeOf(at)?.id ?? -1}`;
  let v = m.get(key);
  if (!v) m.set(key, (v = ctx.sem.usesOf(name, at)));
  return v;
}

/**
 * Integer tensors, found from a trigger word inside them (`x.long()`, `torch.arange(n)`,
 * `dtype=torch.int64`), that are operands of the binary operator `op`: either directly
 * (`x.long() @ w`) or through a name bound to them (`idx = torch.arange(n)` … `idx @ w`).
 */
/** `int`/`long` are integer sources only as `torch.int` / `x.long()`: the builtin and annotations are not. */
function isIntSourceText(ctx: RuleContext, hit: { word: string; node: Node }): boolean {
  return isIntSourceAt(ctx.text, hit.node.startIndex, hit.word);
}

function isIntSourceAt(text: string, start: number, word: string): boolean {
  return (word !== 'int' && word !== 'long') || attributeAt(text, start);
}

/**
 * Text-only pre-check for `intOperandsOf`: the operator is on the occurrence's line (or the lines
 * around it, for wrapped expressions), or the line assigns a name that appears next to the operator
 * somewhere. Integer sources (`int`, `tensor`, `arange`, …) are common words; most are nowhere near
 * a `@` or `>>`.
 */
function mayFeedOperator(ctx: RuleContext, node: Node, op: string): boolean {
  return mayFeedOperatorAt(ctx.text, node.startIndex, op);
}

function mayFeedOperatorAt(t: string, start: number, op: string): boolean {
  const lineStart = t.lastIndexOf('\n', start - 1) + 1;
  const prevStart = lineStart > 0 ? t.lastIndexOf('\n', lineStart - 2) + 1 : 0;
  let lineEnd = t.indexOf('\n', start);
  if (lineEnd < 0) lineEnd = t.length;
  let nextEnd = t.indexOf('\n', lineEnd + 1);
  if (nextEnd < 0) nextEnd = t.length;
  if (t.slice(prevStart, nextEnd).includes(op)) return true;
  const m = /^[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=(?!=)/.exec(t.slice(lineStart, lineEnd));
  if (!m) return false;
  const e = op.replace(/[>]/g, '\\$&');
  return new RegExp(`\\b${m[1]}\\s*${e}|${e}\\s*${m[1]}\\b`).test(t);
}

function intOperandsOf(ctx: RuleContext, node: Node, call: CallInfo | null, op: string, side: 'left' | 'any', kinds: readonly IntKind[]): { node: Node; kind: IntKind }[] {
  if (!mayFeedOperator(ctx, node, op)) return [];
  let expr: Node = chainOf(node);
  if (call) expr = call.node;
  else if (expr.parent?.type === 'keyword_argument' || expr.parent?.type === 'argument_list') {
    const a = ctx.sem.argumentOf(expr);
    if (!a) return [];
    expr = a.call.node; // dtype=torch.int64 inside a factory call
  }
  const kind = intTensorKind(ctx.sem, expr);
  if (!kind || !kinds.includes(kind)) return [];
  const isOperand = (n: Node): boolean => {
    let m = n;
    while (m.parent?.type === 'parenthesized_expression') m = m.parent;
    const p = m.parent;
    if (!p || p.type !== 'binary_operator' || p.childForFieldName('operator')?.type !== op) return false;
    return side === 'any' || same(p.childForFieldName('left'), m);
  };
  if (isOperand(expr)) return [{ node: expr, kind }];
  const out: { node: Node; kind: IntKind }[] = [];
  const asg = expr.parent;
  if (asg?.type === 'assignment' && same(asg.childForFieldName('right'), expr)) {
    const left = asg.childForFieldName('left');
    if (left?.type !== 'identifier') return [];
    for (const use of usesCached(ctx, left.text, asg)) if (isOperand(use) && intTensorKind(ctx.sem, use) === kind) out.push({ node: use, kind });
  }
  return out;
}

const INT32_64: readonly IntKind[] = ['int32', 'int64', 'uint32', 'uint64'];

const intTopk: Rule = {
  id: 'NRN455',
  name: 'integer-topk',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: '`topk` on an int32/int64 tensor',
  message: 'TopK does not support int32 or int64 input tensors on Neuron (NCC_EVRF013). Cast to float first: `torch.topk(x.float(), k)`.',
  why: 'NCC_EVRF013: "TopK does not support int32 or int64 input tensors".',
  fix: '`torch.topk(x.float(), k)` (exact for integers below 2^24), then cast the values back if needed; the indices are unaffected.',
  docs: errCode('EVRF013'),
  source: 'NRN-PT-063',
  triggers: ['topk'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    const operands = tensorOperands(call, ['torch.topk'], [0], ['input']);
    const recv = methodReceiver(ctx, call, ['topk']);
    if (recv) operands.push(recv);
    const kind = operands.map((o) => intTensorKind(ctx.sem, o)).find((k) => k && INT32_64.includes(k));
    if (kind) ctx.report(hit.node, { data: { dtype: kind } });
  },
};

const MATMUL_FUNCS = ['torch.matmul', 'torch.mm', 'torch.bmm', 'torch.mv', 'torch.einsum'];
/** A binary `@` (not a decorator): an operand, optional spaces, `@`, spaces or an operand. */
const MATMUL_OP = /[\w)\]][ \t]*@[ \t]*[\w(]/;
// Asked for every integer source of a file: answered once per text.
const hasMatmulOp = perText((text) => MATMUL_OP.test(text));
const hasShiftOp = perText((text) => text.includes('>>'));
const MATMUL_NAMED = new Set(['matmul', 'mm', 'bmm', 'mv', 'einsum']);

const INT_SOURCES = ['long', 'int', 'int32', 'int64', 'arange', 'randint', 'randperm', 'LongTensor', 'IntTensor', 'tensor'];

const intMatmul: Rule = {
  id: 'NRN456',
  name: 'integer-matmul',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: 'Matrix multiplication with int32/int64 operands',
  message: 'Dot products do not support 32- or 64-bit integer operands on Neuron (NCC_EVRF035): the PE array computes in float. Cast the operands to float (`a.float() @ b.float()`).',
  why: 'NCC_EVRF035: "dot does not support 32-bit or 64-bit integer operands". `--implicit-integer-downcast=dot` makes the compiler cast, lossily above 2^24.',
  fix: 'Cast to `float32`/`bfloat16` before `matmul`/`mm`/`bmm`/`einsum`/`@`, or compile with `--implicit-integer-downcast=dot`.',
  docs: errCode('EVRF035'),
  source: 'NRN-PT-065',
  triggers: ['matmul', 'mm', 'bmm', 'mv', 'einsum', ...INT_SOURCES],
  gate: (text, start, _end, word) => MATMUL_NAMED.has(word) || (isIntSourceAt(text, start, word) && hasMatmulOp(text) && mayFeedOperatorAt(text, start, '@')),
  visit(hit, ctx) {
    if (hit.inString) return;
    const named = MATMUL_NAMED.has(hit.word);
    if (!named && !isIntSourceText(ctx, hit)) return;
    if (!named && (!hasMatmulOp(ctx.text) || !mayFeedOperator(ctx, hit.node, '@'))) return; // no `@` near: nothing to look for
    if (importStatementOf(hit.node) || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (call && named) {
      const isEinsum = call.qname === 'torch.einsum';
      const operands = isEinsum ? call.args.slice(1) : tensorOperands(call, MATMUL_FUNCS, [0, 1], ['input', 'other', 'mat2', 'vec']);
      const recv = methodReceiver(ctx, call, ['matmul', 'mm', 'bmm', 'mv']);
      if (recv) operands.push(recv, ...call.args.slice(0, 1));
      const kind = operands.map((o) => intTensorKind(ctx.sem, o)).find((k) => k && INT32_64.includes(k));
      if (kind) ctx.report(hit.node, { data: { dtype: kind } });
      return;
    }
    // `a.long() @ b`, or `idx = torch.arange(n)` … `idx @ w`: the integer operand of `@`.
    for (const site of intOperandsOf(ctx, hit.node, call, '@', 'any', INT32_64)) ctx.report(site.node, { data: { dtype: site.kind } });
  },
};

const intScatterReduce: Rule = {
  id: 'NRN457',
  name: 'integer-scatter-reduce',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: '`scatter_reduce` on integer or bool tensors',
  message: 'Scatter-reduce is supported only for floating-point tensors on Neuron (NCC_EVRF016). Cast the input and `src` to `float32`/`bfloat16`.',
  why: 'NCC_EVRF016: the scatter-reduce hardware supports floating point only.',
  fix: 'Cast `input` and `src` to `float32` (exact for integers below 2^24) and cast the result back.',
  docs: errCode('EVRF016'),
  source: 'NRN-PT-064',
  triggers: ['scatter_reduce', 'scatter_reduce_'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    const operands = tensorOperands(call, ['torch.scatter_reduce'], [0, 3], ['input', 'src']);
    const recv = methodReceiver(ctx, call, ['scatter_reduce', 'scatter_reduce_']);
    if (recv) {
      operands.push(recv);
      const src = call.kwargs.get('src') ?? call.args[2];
      if (src) operands.push(src);
    }
    const kind = operands.map((o) => intTensorKind(ctx.sem, o)).find((k) => k !== null);
    if (kind) ctx.report(hit.node, { data: { dtype: kind } });
  },
};

const COLLECTIVES: Record<string, number> = {
  'torch.distributed.all_reduce': 0,
  'torch.distributed.reduce': 0,
  'torch.distributed.reduce_scatter_tensor': 1,
  'torch_xla.core.xla_model.all_reduce': 1,
  'torch_xla.core.xla_model.reduce_scatter': 1,
};

const intCollective: Rule = {
  id: 'NRN458',
  name: 'integer-collective',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: '`all_reduce` / `reduce_scatter` of an integer tensor',
  message: 'Neuron collectives reduce in float and reject integer operands by default (NCC_EVRF061 / NCC_EVRF063). Cast to float before the collective (e.g. token counts: `count.float()`).',
  why: 'NCC_EVRF061 (all-reduce) and NCC_EVRF063 (reduce-scatter): integer operands are rejected unless `--implicit-integer-downcast=all_reduce` / `=reduce_scatter` is given.',
  fix: 'Reduce a float tensor (`torch.tensor(n, dtype=torch.float32)`), or compile with `--implicit-integer-downcast=all_reduce`.',
  docs: errCode('EVRF061'),
  source: 'NRN-PT-066',
  triggers: ['all_reduce', 'reduce', 'reduce_scatter_tensor', 'reduce_scatter'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call?.qname || !(call.qname in COLLECTIVES)) return;
    const pos = COLLECTIVES[call.qname];
    const t = call.args[pos] ?? call.kwargs.get('tensor') ?? call.kwargs.get('input') ?? call.kwargs.get('inputs');
    const kind = intTensorKind(ctx.sem, t);
    if (kind && kind !== 'bool') ctx.report(hit.node, { data: { dtype: kind } });
  },
};

const NOT_32BIT: readonly IntKind[] = ['int8', 'int16', 'int64'];

const intRightShift: Rule = {
  id: 'NRN460',
  name: 'right-shift-non-32bit',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: 'Arithmetic right shift of int8/int16/int64 tensors',
  message: 'Neuron supports arithmetic right shift only on 32-bit inputs (NCC_EVRF022). Cast the shifted tensor to `torch.int32` first.',
  why: 'NCC_EVRF022: arithmetic right shift is only supported for 32-bit operands.',
  fix: '`(x.to(torch.int32) >> n)`, or use `torch.div(x, 2**n, rounding_mode="floor")` on int32/float.',
  docs: errCode('EVRF022'),
  source: 'NRN-PT-067',
  triggers: ['bitwise_right_shift', ...INT_SOURCES, 'int8', 'int16', 'short', 'char'],
  gate: (text, start, _end, word) => word === 'bitwise_right_shift' || (isIntSourceAt(text, start, word) && hasShiftOp(text) && mayFeedOperatorAt(text, start, '>>')),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word !== 'bitwise_right_shift' && (!isIntSourceText(ctx, hit) || !hasShiftOp(ctx.text) || !mayFeedOperator(ctx, hit.node, '>>'))) return; // cheapest tests first
    if (importStatementOf(hit.node) || !ctx.sem.imports_('torch')) return;
    const call = ctx.sem.callOf(hit.node);
    if (hit.word === 'bitwise_right_shift') {
      if (!call) return;
      const operands = tensorOperands(call, ['torch.bitwise_right_shift'], [0], ['input']);
      const recv = methodReceiver(ctx, call, ['bitwise_right_shift', 'bitwise_right_shift_']);
      if (recv) operands.push(recv);
      const kind = operands.map((o) => intTensorKind(ctx.sem, o)).find((k) => k && NOT_32BIT.includes(k));
      if (kind) ctx.report(hit.node, { data: { dtype: kind } });
      return;
    }
    for (const site of intOperandsOf(ctx, hit.node, call, '>>', 'left', NOT_32BIT)) ctx.report(site.node, { data: { dtype: site.kind } });
  },
};

const BAD_FP8 = new Set(['float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e4m3b11fnuz', 'float4_e2m1fn_x2', 'float4_e2m1fn']);

const unsupportedFp8: Rule = {
  id: 'NRN459',
  name: 'unsupported-fp8-dtype',
  category: 'dtype',
  severity: { xla: 'error', native: 'error' },
  title: 'FP8 `*fnuz` variants and FP4 dtypes',
  message: 'This FP8/FP4 variant is not supported by the Neuron compiler (NCC_EVRF005 / NCC_ESPP047 / NCC_ESPP004). Use a supported FP8 format (`float8_e4m3` / `float8_e5m2`) or bf16.',
  why: 'NCC_EVRF005 and NCC_ESPP047 reject the `fnuz` FP8 formats; NCC_ESPP004 rejects `float4_e2m1fn`. jax-neuronx: "Neuron only supports float8_e4m3 and float8_e5m2 for FP8 dtypes".',
  fix: 'Use a supported FP8 format or bf16/fp16.',
  docs: errCode('EVRF005'),
  source: 'NRN-PT-069',
  stackNote: 'JAX: see also NRN-JAX-018 (same formats).',
  requires: TORCH_OR_JAX,
  triggers: [...BAD_FP8],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !/^(torch|jax\.numpy|ml_dtypes|jax\.dtypes)\./.test(q) || !BAD_FP8.has(q.slice(q.lastIndexOf('.') + 1))) return;
    if (isDtypeQuery(chainOf(hit.node))) return;
    ctx.report(hit.node);
  },
};

const fp8E4m3fn: Rule = {
  id: 'NRN461',
  name: 'fp8-e4m3fn-before-trn3',
  category: 'dtype',
  severity: { xla: 'error', native: 'warning' },
  title: '`float8_e4m3fn` on Trn1/Trn2/Inf2',
  message:
    'F8E4M3FN is supported natively only on Trainium3 and later: on Trn1/Trn2 neuronx-cc rejects it (NCC_EVRF051) unless `--experimental-unsafe-fp8e4m3fn-as-fp8e4m3` is passed. Use `float8_e5m2` or bf16 there.',
  why: 'NCC_EVRF051: "Data type F8E4M3FN is not supported on TRN1/TRN2". The experimental flag converts F8E4M3FN operands to F8E4M3 (not for MX quantization). JAX on Neuron supports only `float8_e4m3` and `float8_e5m2`.',
  fix: 'On Trn1/Trn2 use `float8_e5m2` or bf16 (JAX: `jnp.float8_e4m3`); keep `float8_e4m3fn` for Trn3.',
  docs: errCode('EVRF051'),
  source: 'NRN-PT-069',
  stackNote: 'The XLA stack runs on Trn1/Trn2/Inf2, where the type is rejected; TorchNeuron also runs on Trn3, where it is native, so it is a warning there. JAX (`jnp.float8_e4m3fn`) is an error on both: jax-neuronx supports only float8_e4m3 and float8_e5m2.',
  requires: TORCH_OR_JAX,
  triggers: ['float8_e4m3fn'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || isDtypeQuery(chainOf(hit.node))) return;
    if (q === 'torch.float8_e4m3fn') ctx.report(hit.node, { data: { replacement: 'torch.float8_e5m2' } });
    else if (q === 'jax.numpy.float8_e4m3fn' || q === 'ml_dtypes.float8_e4m3fn') {
      ctx.report(hit.node, {
        severity: 'error',
        message: 'jax-neuronx supports only `float8_e4m3` and `float8_e5m2` for FP8 (and F8E4M3FN is rejected on Trn1/Trn2, NCC_EVRF051). Use `jnp.float8_e4m3` / `jnp.float8_e5m2` or bf16.',
        data: { replacement: 'jnp.float8_e4m3' },
      });
    }
  },
};

export const rules: Rule[] = [float64, defaultFloat64, complexDtype, fftOp, intTopk, intMatmul, intScatterReduce, intCollective, unsupportedFp8, intRightShift, fp8E4m3fn];
