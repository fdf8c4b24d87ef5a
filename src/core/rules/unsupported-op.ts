// unsupported-op: operators with no Neuron lowering or with documented failures, and custom CUDA
// kernels loaded at run time.
import type { Node } from 'web-tree-sitter';
import type { Rule } from './api';
import { NEURON, chainOf, isTorchTensorExpr, qnameAt, stringsOf, truthy } from './util/catb';

const TRACE_API = `${NEURON}frameworks/torch/torch-neuronx/api-reference-guide/inference/api-torch-neuronx-trace.html`;
const errCode = (code: string) => `${NEURON}compiler/error-codes/${code}.html`;
const NATIVE_FALLBACK = 'On native TorchNeuron unsupported ops fall back to the CPU by default: it runs, but slowly (and fails under `torch.compile(backend="neuron", fullgraph=True)`).';

const SORT_FUNCS = new Set(['torch.sort', 'torch.argsort', 'torch.msort']);

const sortOp: Rule = {
  id: 'NRN501',
  name: 'sort-op',
  category: 'unsupported-op',
  severity: { xla: 'warning', native: 'off' },
  title: '`torch.sort` / `argsort` (`aten::sort`)',
  message:
    '`torch.sort` (`aten::sort`) is documented as not supported by neuronx-cc. Use `torch.topk` where you need the k largest values, or trace with `partitioner_config=torch_neuronx.PartitionerConfig()` to run the sort on the CPU.',
  why: 'The torch-neuronx trace API reference: "The sort operator, torch.sort() or aten::sort, is not supported by neuronx-cc at this time" (the example may be dated; verify with `torch_neuronx.analyze`).',
  fix: 'Use `torch.topk(x, k)` on floats where applicable, or let the graph partitioner place the sort on the CPU.',
  docs: TRACE_API,
  source: 'NRN-PT-062',
  stackNote: 'Documented for neuronx-cc on the XLA / trace stack; the TorchNeuron op table could not be checked, so the rule is off on native.',
  triggers: ['sort', 'argsort', 'msort'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    if (call.qname) {
      if (SORT_FUNCS.has(call.qname)) ctx.report(hit.node);
      return;
    }
    if (!call.receiver || !ctx.sem.imports_('torch') || ctx.sem.isUserObject(call.receiver)) return;
    if (call.method !== 'sort' && call.method !== 'argsort') return;
    // list.sort(key=…, reverse=…) and numpy's argsort(axis=…, kind=…) are not tensor sorts.
    if (['key', 'reverse', 'axis', 'kind', 'order'].some((k) => call.kwargs.has(k))) return;
    const tensorKw = ['dim', 'descending', 'stable'].some((k) => call.kwargs.has(k));
    if (tensorKw || isTorchTensorExpr(ctx.sem, call.receiver)) ctx.report(hit.node);
  },
};

const triangularSolve: Rule = {
  id: 'NRN502',
  name: 'triangular-solve',
  category: 'unsupported-op',
  severity: { xla: 'error', native: 'warning' },
  title: '`torch.triangular_solve` / `torch.linalg.solve_triangular`',
  message: 'Triangular solve has no Neuron lowering ("An unsupported operator was used", NCC_EUOC002 / NCC_EVRF001). Use `torch.inverse(A) @ b` (slower but equivalent) or solve on the CPU.',
  why: 'NCC_EUOC002 / NCC_EVRF001 report operators the compiler cannot lower; `neuronx-cc list-operators --framework XLA` lists what it supports.',
  fix: '`torch.linalg.inv(A) @ b`, or move the solve to the CPU.',
  docs: errCode('EUOC002'),
  source: 'NRN-PT-068',
  stackNote: NATIVE_FALLBACK,
  triggers: ['triangular_solve', 'solve_triangular'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    if (call.qname === 'torch.triangular_solve' || call.qname === 'torch.linalg.solve_triangular') {
      ctx.report(hit.node);
      return;
    }
    if (!call.qname && call.method === 'triangular_solve' && call.receiver && ctx.sem.imports_('torch') && !ctx.sem.isUserObject(call.receiver)) {
      const rq = ctx.sem.qualifiedName(call.receiver);
      if (!rq || rq.startsWith('torch')) ctx.report(hit.node);
    }
  },
};

const DECOMPOSITIONS = new Set([
  'cholesky', 'cholesky_ex', 'qr', 'svd', 'svdvals', 'eig', 'eigh', 'eigvals', 'eigvalsh', 'lu', 'lu_factor', 'lu_factor_ex', 'ldl_factor', 'lstsq', 'pinv', 'matrix_rank',
]);

const linalgDecomposition: Rule = {
  id: 'NRN503',
  name: 'linalg-decomposition',
  category: 'unsupported-op',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Matrix decompositions (`torch.linalg.svd/qr/cholesky/eig…`)',
  message: 'Matrix decompositions may have no Neuron lowering (NCC_EUOC002 "An unsupported operator was used"). Check with `torch_neuronx.analyze` / `neuronx-cc list-operators --framework XLA`, or compute the decomposition on the CPU.',
  why: 'Linear-algebra decompositions are iterative algorithms that the XLA-to-Neuron path often cannot lower. On the XLA stack an op without a lowering fails to compile or runs as an `aten::` CPU fallback that fragments the graph; on TorchNeuron it falls back to the CPU.',
  fix: 'Run the decomposition on the CPU (`torch.linalg.svd(x.cpu())`) outside the step, or verify support with `torch_neuronx.analyze`.',
  docs: errCode('EUOC002'),
  source: 'NRN-PT-068',
  stackNote: NATIVE_FALLBACK,
  triggers: [...DECOMPOSITIONS],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call?.qname) return;
    const m = /^torch\.(?:linalg\.)?(\w+)$/.exec(call.qname);
    if (!m || !DECOMPOSITIONS.has(m[1])) return;
    // torch.lu / torch.pinverse etc. exist at top level; torch.eig/lstsq were removed but still flag.
    ctx.report(hit.node);
  },
};

function listStrings(ctx: Parameters<Rule['visit']>[1], v: Node | undefined): string[] {
  if (!v) return [];
  if (v.type === 'list' || v.type === 'tuple') return v.namedChildren.flatMap((c) => (c ? stringsOf(ctx.sem, c).map((s) => s.value) : []));
  return stringsOf(ctx.sem, v).map((s) => s.value);
}

const cudaExtension: Rule = {
  id: 'NRN504',
  name: 'cuda-extension',
  category: 'unsupported-op',
  severity: { xla: 'error', native: 'error' },
  title: 'Custom CUDA extensions (`CUDAExtension`, `cpp_extension.load` with `.cu` sources)',
  message: 'CUDA kernels cannot run on NeuronCores. Port the kernel to NKI (`@nki.jit`, registered with `@nki_op` on TorchNeuron) or to a Neuron custom C++ operator, or use plain PyTorch ops.',
  why: 'A CUDA extension compiles `.cu` sources with nvcc for NVIDIA GPUs; there is no CUDA on Trainium/Inferentia.',
  fix: 'Rewrite the kernel in NKI (Neuron Kernel Interface), or as a Neuron custom C++ operator; or fall back to PyTorch ops.',
  docs: `${NEURON}frameworks/torch/pytorch-native-overview.html`,
  source: 'NRN-PT-06C',
  triggers: ['CUDAExtension', 'load', 'load_inline'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !q.startsWith('torch.utils.cpp_extension.')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    if (q === 'torch.utils.cpp_extension.CUDAExtension') {
      ctx.report(hit.node);
      return;
    }
    if (q === 'torch.utils.cpp_extension.load') {
      const sources = listStrings(ctx, call.kwargs.get('sources') ?? call.args[1]);
      if (sources.some((s) => /\.cuh?$/.test(s)) || truthy(ctx.sem, call.kwargs.get('with_cuda')) === 'true') ctx.report(hit.node);
      return;
    }
    if (q === 'torch.utils.cpp_extension.load_inline') {
      const cuda = call.kwargs.get('cuda_sources') ?? call.args[2];
      const hasCuda = cuda && cuda.type !== 'none' && !(cuda.type === 'list' && cuda.namedChildCount === 0);
      if (hasCuda || truthy(ctx.sem, call.kwargs.get('with_cuda')) === 'true') ctx.report(hit.node);
    }
  },
};

const cudaLibraryLoad: Rule = {
  id: 'NRN505',
  name: 'cuda-op-library',
  category: 'unsupported-op',
  severity: { xla: 'error', native: 'error' },
  title: '`torch.ops.load_library` of a CUDA kernel library',
  message: 'This loads a CUDA kernel library; CUDA kernels cannot run on NeuronCores. Port the operator to NKI or a Neuron custom C++ operator.',
  why: 'Shared libraries built with CUDA need an NVIDIA GPU and the CUDA runtime.',
  fix: 'Port the kernels to NKI (`@nki.jit` + `@nki_op` on TorchNeuron) or a Neuron custom C++ operator.',
  docs: `${NEURON}neuron-customops/programming-guide/custom-c++-operators-devguide.html`,
  source: 'NRN-PT-06C',
  triggers: ['load_library'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'torch.ops.load_library') return;
    const path = call.args[0] ?? call.kwargs.get('path');
    if (!path) return;
    if (ctx.sem.possibleStrings(path).some((s) => /cuda|\.cu\b|gpu|nvidia/i.test(s.value))) ctx.report(hit.node);
  },
};

const KNOWN_OP_NAMESPACES = new Set([
  'aten', 'prims', 'prim', 'quantized', 'quantized_decomposed', '_quantized', 'xla', 'neuron', 'nki', 'torch_neuronx', 'neuronx',
  '_c10d_functional', 'c10d_functional', 'c10d', '_dtensor', 'higher_order', 'profiler', 'torchvision', 'torchaudio', 'load_library',
  '_C', 'debugprims', 'inductor', 'mkldnn', 'onednn',
]);

const customTorchOp: Rule = {
  id: 'NRN506',
  name: 'custom-torch-op',
  category: 'unsupported-op',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Custom operator from an extension (`torch.ops.<namespace>.<op>`)',
  message: 'A custom operator from an extension library has no Neuron implementation unless it was written for Neuron. Re-implement it with NKI (`@nki_op`) or a Neuron custom C++ operator, or with plain PyTorch ops.',
  why: 'Extension operators usually ship CPU and CUDA kernels only. On the XLA stack there is no lowering; on TorchNeuron the op has no `neuron` kernel.',
  fix: 'Register a Neuron implementation (NKI kernel via `@nki_op` plus `register_autograd` on TorchNeuron) or replace the op with PyTorch ops.',
  docs: `${NEURON}frameworks/torch/pytorch-native-overview.html`,
  source: 'NRN-PT-06C',
  triggers: ['ops'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const chain = chainOf(hit.node);
    if (ctx.sem.qualifiedName(chain) !== 'torch.ops') return;
    const nsAttr = chain.parent;
    if (nsAttr?.type !== 'attribute') return;
    const ns = nsAttr.childForFieldName('attribute');
    if (!ns || KNOWN_OP_NAMESPACES.has(ns.text)) return;
    // Only actual op uses: torch.ops.ns.op(...) / torch.ops.ns.op.default(...)
    const opAttr = nsAttr.parent;
    if (opAttr?.type !== 'attribute') return;
    // Registered in this file (torch.library.custom_op("ns::op") / Library("ns", …)): someone wrote it here.
    const re = new RegExp(`["']${ns.text}(::|["'])`);
    if (re.test(ctx.text)) return;
    ctx.report(ns, { data: { namespace: ns.text } });
  },
};

function nonTrivialDilation(v: Node | undefined): boolean {
  if (!v || v.type === 'none') return false;
  if (v.type === 'tuple' || v.type === 'list') {
    const kids = v.namedChildren.filter((c): c is Node => !!c);
    return kids.some((c) => c.type === 'integer' && c.text !== '1') && kids.every((c) => c.type === 'integer');
  }
  return v.type === 'integer' && v.text !== '1';
}

const convDilation: Rule = {
  id: 'NRN507',
  name: 'conv-lhs-and-rhs-dilation',
  category: 'unsupported-op',
  severity: { xla: 'error', native: 'error' },
  title: 'Convolution with both input (lhs) dilation and kernel or stride dilation',
  message: 'The Neuron compiler rejects convolutions that combine input (lhs) dilation with kernel (rhs) dilation or with strides (NCC_EVRF010 / NCC_EVRF011). Use only one kind of dilation, or upsample and convolve in separate steps.',
  why: 'NCC_EVRF010 (lhs and rhs dilation together) and NCC_EVRF011 (strided convolution with dilated input).',
  fix: 'Split the operation: dilate (upsample) the input explicitly, then run a convolution with a single kind of dilation.',
  docs: errCode('EVRF010'),
  source: 'NRN-PT-06A',
  requires: ['jax'],
  triggers: ['conv_general_dilated'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'jax.lax.conv_general_dilated') return;
    const strides = call.kwargs.get('window_strides') ?? call.args[2];
    const lhs = call.kwargs.get('lhs_dilation') ?? call.args[4];
    const rhs = call.kwargs.get('rhs_dilation') ?? call.args[5];
    if (nonTrivialDilation(lhs) && (nonTrivialDilation(rhs) || nonTrivialDilation(strides))) ctx.report(hit.node);
  },
};

export const rules: Rule[] = [sortOp, triangularSolve, linalgDecomposition, cudaExtension, cudaLibraryLoad, customTorchOp, convDilation];
