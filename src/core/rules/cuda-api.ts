// cuda-api: `torch.cuda.*` runtime APIs, cuDNN/TF32 knobs, CUDA graphs, NVTX, NVIDIA tooling, and
// `torch.cuda.is_available()` used to pick the device.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { Severity } from '../types';
import { calledAcrossLinesAt } from './util/nodes';
import { perText } from '../text';
import { RA_DOCS, chainOf, conditionRoot, findAll, guardedByCudaCheck, isConditionOf, qnameAt, same, stringOf } from './util/ra';

const CPU_BUILD = 'Neuron PyTorch wheels are CPU builds, so there is no CUDA runtime behind `torch.cuda`.';

/** torch.cuda runtime APIs: what happens on a CPU build, and the Neuron replacement per stack. */
interface CudaApi {
  severity: Severity;
  effect: string;
  xla: string;
  native: string;
  replacement?: { xla: string; native: string };
}
const RAISES = 'raises "Torch not compiled with CUDA enabled" on Neuron';
const MEMORY: CudaApi = {
  severity: 'warning',
  effect: 'reports 0 on Neuron (there is no CUDA memory to measure)',
  xla: 'watch device memory with `neuron-top` / `neuron-monitor`',
  native: 'watch device memory with `neuron-top` / `neuron-monitor`',
};
const STREAM: CudaApi = { severity: 'error', effect: RAISES, xla: 'remove it: XLA schedules work itself; synchronise with `torch_xla.sync()`', native: 'use the `torch.Stream`/`torch.Event` device-generic APIs or remove it' };
const RUNTIME: Record<string, CudaApi> = {
  synchronize: {
    severity: 'error',
    effect: RAISES,
    xla: 'use `torch_xla.sync()` (older `xm.mark_step()`)',
    native: 'use `torch.accelerator.synchronize()`',
    replacement: { xla: 'torch_xla.sync', native: 'torch.accelerator.synchronize' },
  },
  empty_cache: { severity: 'info', effect: 'does nothing on Neuron', xla: 'remove it', native: 'remove it' },
  memory_allocated: MEMORY,
  max_memory_allocated: MEMORY,
  memory_reserved: MEMORY,
  max_memory_reserved: MEMORY,
  memory_cached: MEMORY,
  max_memory_cached: MEMORY,
  memory_stats: MEMORY,
  memory_summary: MEMORY,
  reset_peak_memory_stats: { ...MEMORY, severity: 'error', effect: RAISES },
  reset_max_memory_allocated: { ...MEMORY, severity: 'error', effect: RAISES },
  reset_accumulated_memory_stats: { ...MEMORY, severity: 'error', effect: RAISES },
  mem_get_info: { ...MEMORY, severity: 'error', effect: RAISES },
  memory_snapshot: { ...MEMORY, severity: 'error', effect: RAISES },
  set_per_process_memory_fraction: { severity: 'error', effect: RAISES, xla: 'remove it', native: 'remove it' },
  set_device: {
    severity: 'error',
    effect: RAISES,
    xla: 'use one process per NeuronCore (`torchrun --nproc_per_node=<cores>`) and `torch_xla.device()`',
    native: 'use `torch.accelerator.set_device_index()`',
  },
  device_count: {
    severity: 'warning',
    effect: 'returns 0 on Neuron, so code sized by it silently runs on the CPU or spawns no workers',
    xla: 'count devices with `xr.global_runtime_device_count()` / `xm.get_xla_supported_devices()`, world size with `xr.world_size()`',
    native: 'use `torch.accelerator.device_count()`',
  },
  Stream: STREAM,
  Event: STREAM,
  stream: STREAM,
  current_stream: STREAM,
  default_stream: STREAM,
  set_stream: STREAM,
  ExternalStream: STREAM,
  ipc_collect: { severity: 'error', effect: RAISES, xla: 'remove it', native: 'remove it' },
  init: { severity: 'error', effect: RAISES, xla: 'remove it', native: 'remove it' },
  current_blas_handle: { severity: 'error', effect: RAISES, xla: 'remove it', native: 'remove it' },
  utilization: { severity: 'error', effect: 'needs NVML and a CUDA device', xla: 'use `neuron-top` / `neuron-monitor`', native: 'use `neuron-top` / `neuron-monitor`' },
  temperature: { severity: 'error', effect: 'needs NVML and a CUDA device', xla: 'use `neuron-monitor`', native: 'use `neuron-monitor`' },
  power_draw: { severity: 'error', effect: 'needs NVML and a CUDA device', xla: 'use `neuron-monitor`', native: 'use `neuron-monitor`' },
  clock_rate: { severity: 'error', effect: 'needs NVML and a CUDA device', xla: 'use `neuron-monitor`', native: 'use `neuron-monitor`' },
  get_rng_state: { severity: 'error', effect: RAISES, xla: 'use `xm.get_rng_state()`', native: 'use `torch.get_rng_state()` / the device generator' },
  get_rng_state_all: { severity: 'error', effect: RAISES, xla: 'use `xm.get_rng_state()`', native: 'use `torch.get_rng_state()` / the device generator' },
  set_rng_state: { severity: 'info', effect: 'does nothing on Neuron (it waits for a CUDA initialisation that never happens)', xla: 'use `xm.set_rng_state(seed)`', native: 'use `torch.set_rng_state()` / the device generator' },
  set_rng_state_all: { severity: 'info', effect: 'does nothing on Neuron (it waits for a CUDA initialisation that never happens)', xla: 'use `xm.set_rng_state(seed)`', native: 'use `torch.set_rng_state()` / the device generator' },
  list_gpu_processes: { severity: 'error', effect: 'needs NVML and a CUDA device', xla: 'use `neuron-top`', native: 'use `neuron-top`' },
};

/** The file imports from `torch.cuda` by name (`from torch.cuda import synchronize`, `import torch.cuda as tc`, `from torch import cuda`). */
const importsTorchCuda = perText((t) => /\bfrom[ \t]+torch\.cuda\b|\bimport[ \t]+torch\.cuda[ \t]+as\b|\bfrom[ \t]+torch[ \t]+import[^\n]*\bcuda\b/.test(t));

/** Text-only: `cuda.` precedes `start` (blanks, line breaks and `\` aside), as in `torch.cuda.init()`. */
function afterCudaDot(t: string, start: number): boolean {
  let i = start - 1;
  const blank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 92;
  while (i >= 0 && blank(t.charCodeAt(i))) i--;
  if (t.charCodeAt(i) !== 46) return false; // .
  i--;
  while (i >= 0 && blank(t.charCodeAt(i))) i--;
  return i >= 3 && t.startsWith('cuda', i - 3) && !/\w/.test(t[i - 4] ?? '');
}

const runtimeApis: Rule = {
  id: 'NRN151',
  name: 'cuda-runtime-api',
  category: 'cuda-api',
  severity: { xla: 'error', native: 'error' },
  title: '`torch.cuda.*` runtime API (synchronize, memory stats, set_device, device_count, streams, events)',
  message: `\`torch.cuda\` runtime APIs need a CUDA device; ${CPU_BUILD} Use \`torch_xla.sync()\` (XLA) or \`torch.accelerator.*\` (native).`,
  why: `${CPU_BUILD} Most of these raise "Torch not compiled with CUDA enabled"; the memory counters return 0 and \`device_count()\` returns 0, so code sized by them silently does the wrong thing. The severity is per API: error when it raises, warning when it silently misleads, info when it does nothing.`,
  fix: 'XLA: `torch_xla.sync()` instead of `synchronize()`, `xr.world_size()` / `xm.get_xla_supported_devices()` for counts, `neuron-top` / `neuron-monitor` for memory. Native: the `torch.accelerator.*` equivalents.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-003',
  stackNote: 'Replacements differ: `torch_xla.*` on xla, `torch.accelerator.*` on native.',
  triggers: Object.keys(RUNTIME),
  // Common words (`init`, `temperature`, `Event`, `stream`): only `cuda.<word>` or a name imported from torch.cuda can resolve there.
  gate: (text, start) => afterCudaDot(text, start) || importsTorchCuda(text),
  visit(hit, ctx) {
    if (hit.inString) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !q.startsWith('torch.cuda.')) return;
    const name = q.slice('torch.cuda.'.length);
    const api = RUNTIME[name];
    if (!api) return;
    const chain = chainOf(hit.node);
    const call = ctx.sem.callOf(hit.node);
    // `torch.cuda.Stream` as a type annotation or isinstance target is not a use of the runtime.
    if (!call && name !== 'stream') return;
    const at = call ? call.func : chain;
    const advice = ctx.target === 'native' ? api.native : api.xla;
    const guarded = guardedByCudaCheck(ctx, at);
    ctx.report(at, {
      message: guarded
        ? `\`${chain.text}()\` sits behind a CUDA check, so it never runs on Neuron. Instead, ${advice}.`
        : `\`${chain.text}()\` ${api.effect} (Neuron PyTorch wheels are CPU builds of torch). Instead, ${advice}.`,
      severity: guarded ? 'info' : api.severity,
      data: { api: name, replacement: api.replacement ? api.replacement[ctx.target] : null },
    });
  },
};

const DEVICE_PATH = /cuda|gpu|device|\.to\(|nccl|amp\b|autocast|GradScaler|half\(|DataParallel|pin_memory/i;

/** The branches governed by condition `cond` pick a device / CUDA code path (not just `torch.cuda.*` housekeeping). */
function branchesChooseDevice(cond: Node): boolean {
  const stmt = cond.parent;
  if (!stmt) return false;
  // The governed code without the condition (and nested ones), `torch.cuda.*` housekeeping calls, and
  // strings that are messages rather than device names ("WARNING: You have a CUDA device…").
  const cut: [number, number][] = [[cond.startIndex, cond.endIndex]];
  for (const n of findAll(stmt, (k) => k.type === 'string' || k.type === 'comment' || k.type === 'if_statement' || k.type === 'elif_clause' || k.type === 'while_statement')) {
    // Comments explain (`world_size = 1  # default to device 0`), they choose nothing (ultralytics trainer).
    if (n.type === 'comment') cut.push([n.startIndex, n.endIndex]);
    else if (n.type !== 'string') {
      // Nested conditions test, they do not choose (`if not args.cuda: print("WARNING…")`).
      const c = n.childForFieldName('condition');
      if (c) cut.push([c.startIndex, c.endIndex]);
    } else if (!/^[rbuf]*["'](?:cuda|cpu|gpu)(?::\d*)?["']$/i.test(n.text)) cut.push([n.startIndex, n.endIndex]);
  }
  cut.sort((a, b) => a[0] - b[0]);
  let text = '';
  let at = stmt.startIndex;
  for (const [a, b] of cut) {
    if (a < at) continue;
    text += stmt.text.slice(at - stmt.startIndex, a - stmt.startIndex);
    at = b;
  }
  text += stmt.text.slice(at - stmt.startIndex);
  // `torch.backends.cuda.matmul.allow_tf32 = True` / cudnn knobs tune the GPU path; they choose no device (NRN153's).
  return DEVICE_PATH.test(text.replace(/torch\.cuda\.\w+/g, '').replace(/torch\.backends\.[\w.]+/g, ''));
}

/**
 * The condition of an `if` (or `elif`) chain that ends without an `else`: when it is False nothing is chosen.
 * A name the branch assigns that already holds a value before the `if` (`device = "cpu"` then
 * `if torch.cuda.is_available(): device = "cuda"`) is the fallback, like an `else`.
 */
function withoutFallback(ctx: RuleContext, cond: Node): boolean {
  let st = cond.parent;
  if (st?.type === 'elif_clause') st = st.parent;
  if (st?.type !== 'if_statement' || (!same(st.childForFieldName('condition'), cond) && cond.parent?.type !== 'elif_clause')) return false;
  if (st.namedChildren.some((k) => k.type === 'else_clause')) return false;
  // `if torch.cuda.is_available(): … return "gpu"`: the code after the `if` is the fallback.
  const body = (cond.parent?.type === 'elif_clause' ? cond.parent : st).childForFieldName('consequence');
  const stmts = body?.namedChildren.filter((k) => k.type !== 'comment') ?? [];
  const last = stmts.at(-1);
  if (last?.type === 'return_statement' || last?.type === 'raise_statement') return false;
  const assigned = stmts.flatMap((k) => (k.type === 'expression_statement' && k.namedChildren[0]?.type === 'assignment' ? [k.namedChildren[0].childForFieldName('left')] : []));
  const preset = (left: Node | null) => {
    const name = left && (left.type === 'identifier' || left.type === 'attribute') ? ctx.sem.dottedName(left) : null;
    return !!name && ctx.sem.assignmentsOf(name, st).some((rhs) => rhs.endIndex <= st.startIndex);
  };
  return !(assigned.length > 0 && assigned.every(preset));
}

/** `torch.cuda.is_available()` whose result chooses the device (condition, or a flag used as one). */
function choosesDevice(ctx: RuleContext, call: Node): 'condition' | 'assert' | null {
  const root = conditionRoot(call);
  if (isConditionOf(root)) {
    if (root.parent?.type === 'assert_statement') return 'assert';
    return branchesChooseDevice(root) ? 'condition' : null;
  }
  const p = root.parent;
  if (p?.type === 'assignment' && same(p.childForFieldName('right'), root)) {
    const left = p.childForFieldName('left');
    const name = left ? ctx.sem.dottedName(left) : null;
    if (!name) return null;
    if (left!.type === 'attribute') return /cuda|gpu|device/i.test(name) ? 'condition' : null;
    const uses = ctx.sem.usesOf(name, p);
    if (uses.some((u) => isConditionOf(conditionRoot(u)) && branchesChooseDevice(conditionRoot(u)))) return 'condition';
  }
  return null;
}

const isAvailable: Rule = {
  id: 'NRN152',
  name: 'cuda-is-available-device-choice',
  category: 'cuda-api',
  severity: { xla: 'warning', native: 'warning' },
  title: '`torch.cuda.is_available()` chooses the device',
  message:
    '`torch.cuda.is_available()` is always False on Neuron, so this code silently takes the CPU path. Choose the Neuron device explicitly: `torch_xla.device()` (XLA).',
  why: `${CPU_BUILD} \`torch.cuda.is_available()\` returns False, so \`"cuda" if torch.cuda.is_available() else "cpu"\` trains on the host CPU without any error.`,
  fix: 'XLA: `device = torch_xla.device()` unconditionally, or gate on an environment variable (the Neuron guide uses `DISABLE_XLA`). Native: `torch.accelerator.is_available()` / `torch.accelerator.current_accelerator()`.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-002',
  stackNote: 'On native, `torch.accelerator.is_available()` is the drop-in check; on xla, use `torch_xla.device()`.',
  triggers: ['is_available'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== 'torch.cuda.is_available') return;
    const how = choosesDevice(ctx, call.node);
    if (!how) return;
    // `if device_type == "cuda": assert torch.cuda.is_available()`: the assertion guards the CUDA branch only.
    if (how === 'assert' && guardedByCudaCheck(ctx, call.node)) return;
    const instead = ctx.target === 'native' ? '`torch.accelerator.is_available()` (or `torch.accelerator.current_accelerator()`)' : '`torch_xla.device()`';
    const message =
      how === 'assert'
        ? `\`torch.cuda.is_available()\` is always False on Neuron, so this assertion fails. Check for the Neuron device with ${instead} instead.`
        : withoutFallback(ctx, conditionRoot(call.node))
          ? `\`torch.cuda.is_available()\` is always False on Neuron, and this \`if\` has no \`else\`: the device it chooses is never set. Use ${instead} instead.`
          : `\`torch.cuda.is_available()\` is always False on Neuron, so this code silently takes the CPU path. Use ${instead} instead.`;
    ctx.report(call.func, { message, severity: how === 'assert' ? 'error' : undefined });
  },
};

const KNOBS = ['benchmark', 'deterministic', 'enabled', 'allow_tf32', 'allow_fp16_reduced_precision_reduction', 'allow_bf16_reduced_precision_reduction', 'benchmark_limit'];
const SDP = ['enable_flash_sdp', 'enable_mem_efficient_sdp', 'enable_math_sdp', 'enable_cudnn_sdp', 'sdp_kernel', 'preferred_linalg_library', 'preferred_blas_library'];

const backendKnobs: Rule = {
  id: 'NRN153',
  name: 'cudnn-tf32-knob',
  category: 'cuda-api',
  severity: { xla: 'info', native: 'info' },
  title: 'cuDNN / CUDA backend knob (`torch.backends.cudnn.*`, `torch.backends.cuda.matmul.allow_tf32`, SDP kernel switches)',
  message:
    'cuDNN/CUDA backend settings have no effect on Neuron; remove them. Precision is set by the Neuron compiler (`--auto-cast`, `--auto-cast-type`; FP32 matmuls are cast to BF16 by default).',
  why: 'These flags configure cuDNN and CUDA matmul kernels, which Neuron never runs. The Neuron FAQ says to remove CUDA-specific parameters. Matmul precision on Neuron is a compiler option.',
  fix: 'Delete the line. For precision control use `NEURON_CC_FLAGS="--auto-cast=none"` or `--auto-cast-type=bf16`.',
  docs: RA_DOCS.nativeOverview,
  fixable: true,
  source: 'NRN-PT-005',
  triggers: [...KNOBS, ...SDP],
  visit(hit, ctx) {
    if (hit.inString) return;
    const chain = chainOf(hit.node);
    if (same(chain, hit.node)) return; // a bare name, not an attribute of torch.backends
    const q = ctx.sem.qualifiedName(chain);
    if (!q || !/^torch\.backends\.(?:cudnn|cuda)\./.test(q)) return;
    if (SDP.includes(hit.word)) {
      const call = ctx.sem.callOf(hit.node);
      if (!call) return;
      ctx.report(call.func, { data: { setting: q, action: 'remove' } });
      return;
    }
    const p = chain.parent;
    if (p?.type !== 'assignment' || !same(p.childForFieldName('left'), chain)) return; // reading it is harmless
    ctx.report(chain, { data: { setting: q, action: 'remove' } });
  },
};

const GRAPH_APIS = new Set(['torch.cuda.CUDAGraph', 'torch.cuda.graph', 'torch.cuda.graphs.graph', 'torch.cuda.make_graphed_callables', 'torch.cuda.graphs.make_graphed_callables', 'torch.cuda.graph_pool_handle', 'torch.cuda.graphs.CUDAGraph']);

const cudaGraphs: Rule = {
  id: 'NRN154',
  name: 'cuda-graphs',
  category: 'cuda-api',
  severity: { xla: 'error', native: 'error' },
  title: 'CUDA graphs (`torch.cuda.CUDAGraph`, `torch.cuda.graph`, `make_graphed_callables`)',
  message: 'CUDA graphs do not exist on Neuron. Remove the capture/replay: the lazy XLA graph with `torch_xla.sync()` already compiles and replays the step.',
  why: 'There is no CUDA-graph equivalent on Neuron ("Not in the initial release. We are considering equivalent constructs for future releases."). On a CPU-build torch the CUDA graph classes cannot be created.',
  fix: 'Remove the capture and replay the step normally. XLA: the lazy graph cut by `torch_xla.sync()` is compiled once and cached. Native: `torch.compile(model, backend="neuron")`.',
  docs: RA_DOCS.nativeOverview,
  source: 'NRN-PT-004',
  stackNote: 'Native: use `torch.compile(backend="neuron")` instead; xla: the lazy graph plus `torch_xla.sync()`.',
  triggers: ['CUDAGraph', 'graph', 'make_graphed_callables', 'graph_pool_handle'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !GRAPH_APIS.has(q)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    const message =
      ctx.target === 'native'
        ? 'CUDA graphs do not exist on Neuron. Remove the capture/replay and compile the step with `torch.compile(model, backend="neuron")`.'
        : undefined;
    ctx.report(call.func, { message, severity: guardedByCudaCheck(ctx, call.node) ? 'info' : undefined });
  },
};

const nvtx: Rule = {
  id: 'NRN155',
  name: 'nvtx-annotation',
  category: 'cuda-api',
  severity: { xla: 'info', native: 'info' },
  title: 'NVTX ranges (`torch.cuda.nvtx.*`, `emit_nvtx`, the `nvtx` package)',
  message: 'NVTX ranges are for NVIDIA profilers and are invisible on Neuron. Use `torch_xla.debug.profiler` (`xp.Trace`) and Neuron Explorer instead.',
  why: 'NVIDIA tooling (Nsight, nvprof, NVTX) does not see NeuronCores. The Neuron profilers read their own annotations.',
  fix: 'XLA: `import torch_xla.debug.profiler as xp`; `xp.start_server(port)`, `with xp.Trace("name"):`. Capture with Neuron Explorer / `neuron-profile`.',
  docs: RA_DOCS.debug,
  source: 'NRN-PT-009',
  triggers: ['range_push', 'range_pop', 'range', 'mark', 'emit_nvtx', 'nvtx'],
  // Every NVTX API is spelled with `nvtx` somewhere in the file (`torch.cuda.nvtx.range`, `emit_nvtx`, the import):
  // without it, the builtin `range(…)` and other `mark`s need no tree lookup.
  gate: (text) => mentionsNvtx(text),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'nvtx') {
      // `import nvtx` (the standalone NVIDIA package): report the import once.
      const dotted = hit.node.parent;
      const stmt = dotted?.parent;
      if (dotted?.type !== 'dotted_name' || !same(dotted.namedChildren[0], hit.node)) return;
      if (stmt?.type === 'import_statement' || (stmt?.type === 'aliased_import' && stmt.parent?.type === 'import_statement')) ctx.report(dotted);
      else if (stmt?.type === 'import_from_statement' && same(stmt.childForFieldName('module_name'), dotted)) ctx.report(dotted);
      return;
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !(q.startsWith('torch.cuda.nvtx.') || q === 'torch.autograd.profiler.emit_nvtx' || q === 'torch.autograd.emit_nvtx')) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call) return;
    ctx.report(call.func, { data: { api: q } });
  },
};

const mentionsNvtx = perText((text) => text.includes('nvtx'));

const NVIDIA_MODULES = new Set(['pynvml', 'GPUtil', 'nvidia_smi', 'py3nvml', 'gpustat', 'nvitop']);
const nvidiaTools: Rule = {
  id: 'NRN156',
  requires: [], // environment variables and tool imports matter in any file
  name: 'nvidia-monitoring-tool',
  category: 'cuda-api',
  severity: { xla: 'info', native: 'info' },
  title: 'NVIDIA monitoring tools (`pynvml`, `GPUtil`, `nvidia-smi`)',
  message: 'NVIDIA monitoring tools do not see NeuronCores. Use `neuron-ls`, `neuron-top` or `neuron-monitor` instead.',
  why: 'NVML, `nvidia-smi` and the Python wrappers around them (pynvml, GPUtil, gpustat) query NVIDIA drivers; on a Trainium or Inferentia instance they find no device.',
  fix: 'Use `neuron-ls` (devices), `neuron-top` (live utilisation) or `neuron-monitor` (JSON metrics stream) instead.',
  docs: RA_DOCS.troubleshooting,
  source: 'NRN-PT-009',
  triggers: [...NVIDIA_MODULES, 'nvidia'],
  visit(hit, ctx) {
    if (hit.inString) {
      if (hit.word !== 'nvidia') return;
      const str = stringOf(hit.node);
      if (!str) return;
      const v = ctx.sem.constValue(str);
      if (!v || v.kind !== 'str' || !/^\s*nvidia-smi\b/.test(v.value)) return;
      // subprocess.run(["nvidia-smi", …]) / os.system("nvidia-smi …")
      let n: Node = str;
      if (n.parent?.type === 'list' || n.parent?.type === 'tuple') n = n.parent;
      const arg = ctx.sem.argumentOf(n);
      if (!arg || arg.index !== 0 || !arg.call.qname || !/^(?:subprocess\.\w+|os\.(?:system|popen))$/.test(arg.call.qname)) return;
      ctx.report(str);
      return;
    }
    if (!NVIDIA_MODULES.has(hit.word)) return;
    const dotted = hit.node.parent;
    if (dotted?.type !== 'dotted_name' || !same(dotted.namedChildren[0], hit.node) || hit.written !== hit.word) return;
    const stmt = dotted.parent?.type === 'aliased_import' ? dotted.parent.parent : dotted.parent;
    if (stmt?.type === 'import_statement' || (stmt?.type === 'import_from_statement' && same(stmt.childForFieldName('module_name'), dotted))) ctx.report(dotted);
  },
};

const deviceQueries: Rule = {
  id: 'NRN157',
  name: 'cuda-device-query',
  category: 'cuda-api',
  severity: { xla: 'error', native: 'error' },
  title: '`torch.cuda.get_device_name` / `get_device_properties` / `get_device_capability`',
  message: `CUDA device queries raise "Torch not compiled with CUDA enabled" on Neuron. Use \`xm.xla_device_kind()\` (XLA) to identify the device.`,
  why: `${CPU_BUILD} The device-property queries initialise CUDA and raise. NVIDIA device names and compute capabilities do not describe NeuronCores.`,
  fix: 'XLA: `xm.xla_device_kind()` for the device kind, `xr.world_size()` / `xm.get_xla_supported_devices()` for counts. Native: `torch.accelerator.current_accelerator()`.',
  docs: RA_DOCS.programmingGuide,
  source: 'NRN-PT-003',
  stackNote: 'Replacement differs: `xm.xla_device_kind()` on xla, `torch.accelerator.current_accelerator()` on native.',
  triggers: ['get_device_name', 'get_device_properties', 'get_device_capability'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || call.qname !== `torch.cuda.${hit.word}`) return;
    const instead = ctx.target === 'native' ? '`torch.accelerator.current_accelerator()`' : '`xm.xla_device_kind()`';
    const guarded = guardedByCudaCheck(ctx, call.node);
    const message = guarded
      ? `\`${call.func.text}()\` sits behind a CUDA check, so it never runs on Neuron. Use ${instead} to identify the device.`
      : ctx.target === 'native'
        ? `\`${call.func.text}()\` raises "Torch not compiled with CUDA enabled" on Neuron. Use ${instead} instead.`
        : undefined;
    ctx.report(call.func, { message, severity: guarded ? 'info' : undefined });
  },
};

const cudaSeed: Rule = {
  id: 'NRN158',
  name: 'cuda-manual-seed',
  category: 'cuda-api',
  severity: { xla: 'info', native: 'info' },
  title: '`torch.cuda.manual_seed` / `manual_seed_all` / `seed_all`',
  message: '`torch.cuda` seeding has no effect on Neuron (there is no CUDA generator to seed). `torch.manual_seed(seed)` (or HF `set_seed`) seeds every device.',
  why: `${CPU_BUILD} The CUDA seeding calls are queued until CUDA initialises, which never happens, so they silently do nothing. \`torch.manual_seed\` already seeds all devices.`,
  fix: 'Replace with `torch.manual_seed(seed)` (or `transformers.set_seed(seed)`), using the same seed on every worker.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-003',
  triggers: ['manual_seed', 'manual_seed_all', 'seed', 'seed_all'],
  gate: (text, _start, end) => calledAcrossLinesAt(text, end),
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== `torch.cuda.${hit.word}`) return;
    ctx.report(call.func, { data: { replacement: 'torch.manual_seed' } });
  },
};

const deterministic: Rule = {
  id: 'NRN159',
  name: 'deterministic-algorithms-native',
  category: 'cuda-api',
  severity: { xla: 'off', native: 'info' },
  title: '`torch.use_deterministic_algorithms(True)` on TorchNeuron disables eager-op fusion',
  message:
    'On TorchNeuron, deterministic mode disables Adaptive Eager Execution (the fusion of eager ops), so eager code runs slower. Enable it only while debugging.',
  why: 'The TorchNeuron eager-mode FAQ: `torch.use_deterministic_algorithms(True)` (and `set_deterministic_debug_mode`) turns off Adaptive Eager Execution.',
  fix: 'Guard it behind a debug flag, or remove it for production runs.',
  docs: RA_DOCS.nativeOverview,
  source: 'NRN-PT-077',
  stackNote: 'Native only: Adaptive Eager Execution is a TorchNeuron feature.',
  triggers: ['use_deterministic_algorithms', 'set_deterministic_debug_mode'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== `torch.${hit.word}` || !call.args[0]) return;
    const v = ctx.sem.constValue(call.args[0]);
    const on = v && ((v.kind === 'bool' && v.value) || (v.kind === 'num' && v.value > 0) || (v.kind === 'str' && v.value !== 'default'));
    if (!on) return;
    ctx.report(call.func);
  },
};

export const rules: Rule[] = [runtimeApis, isAvailable, backendKnobs, cudaGraphs, nvtx, nvidiaTools, deviceQueries, cudaSeed, deterministic];
