// jax: JAX on Neuron (jax-neuronx / libneuronxla PJRT plugin, platform `neuron`). The known-issues page
// is the source for most rules; they apply under both PyTorch stacks.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import {
  NEURON, chainOf, decoratorsOf, enclosingFunctions, importStatementOf, intDtypeOf, intTensorKind, isDtypeQuery, keywordArgOf, qnameAt, reportImport, stringsOf, valueForKey,
} from './util/catb';
import { perText } from '../text';
import { guardingConditions } from './util/ra';

const KNOWN = `${NEURON}frameworks/jax/setup/jax-neuronx-known-issues.html`;
const SETUP = `${NEURON}frameworks/jax/setup/jax-setup.html`;
const errCode = (code: string) => `${NEURON}compiler/error-codes/${code}.html`;
const BOTH = { xla: 'error', native: 'error' } as const;
const WARN = { xla: 'warning', native: 'warning' } as const;

function stringNodeOf(hit: { node: Node }): Node | null {
  const s = hit.node.type === 'string' ? hit.node : hit.node.parent;
  return s && s.type === 'string' ? s : null;
}

/** Calls whose string argument names a platform. */
const PLATFORM_ARG: Record<string, { index: number | null; kw: string }> = {
  'jax.devices': { index: 0, kw: 'backend' },
  'jax.local_devices': { index: 1, kw: 'backend' },
  'jax.device_count': { index: 0, kw: 'backend' },
  'jax.local_device_count': { index: 0, kw: 'backend' },
  'jax.extend.backend.get_backend': { index: 0, kw: 'platform' },
  'jax.lib.xla_bridge.get_backend': { index: 0, kw: 'platform' },
  'jax.jit': { index: null, kw: 'backend' },
  'jax.pmap': { index: null, kw: 'backend' },
};
const GPU_PLATFORMS = new Set(['gpu', 'cuda', 'rocm']);

const gpuPlatform: Rule = {
  id: 'NRN701',
  name: 'jax-gpu-platform',
  category: 'jax',
  severity: BOTH,
  title: 'JAX GPU platform lookups (`jax.devices("gpu")`, `backend="cuda"`)',
  message: 'The Neuron PJRT platform is registered as "neuron", so GPU backend lookups find no such platform. Use `jax.devices()` (the default backend) or `jax.devices("neuron")`.',
  why: 'jax-neuronx registers the PJRT plugin under the platform name `neuron`; there is no `gpu`/`cuda` backend on Trainium/Inferentia.',
  fix: '`jax.devices()` or `jax.devices("neuron")`; compare `jax.default_backend()` with `"neuron"`.',
  docs: SETUP,
  fixable: true,
  source: 'NRN-JAX-001',
  triggers: [...new Set(Object.keys(PLATFORM_ARG).map((q) => q.slice(q.lastIndexOf('.') + 1))), 'default_backend'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call?.qname) return;
    if (call.qname === 'jax.default_backend') {
      let n: Node = call.node;
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      // The backend kept in a name (`backend = jax.default_backend()`, or a walrus) is compared where it is used.
      const holder = n.parent?.type === 'assignment' || n.parent?.type === 'named_expression' ? n.parent : null;
      const name = holder?.type === 'assignment' ? holder.childForFieldName('left') : holder?.childForFieldName('name');
      const compared = name?.type === 'identifier' ? [holder!, ...ctx.sem.usesOf(name.text, holder ?? undefined, 20).filter((u) => u.id !== name.id)] : [n];
      for (const use of compared) backendComparison(ctx, use);
      return;
    }
    const spec = PLATFORM_ARG[call.qname];
    if (!spec || behindGpuBackendCheck(call.node)) return;
    const arg = call.kwargs.get(spec.kw) ?? (spec.index !== null ? call.args[spec.index] : undefined);
    for (const s of stringsOf(ctx.sem, arg)) if (GPU_PLATFORMS.has(s.value)) ctx.report(s.node, { data: { replacement: 'neuron' } });
  },
};

const PLATFORM_KEYS = new Set(['JAX_PLATFORMS', 'JAX_PLATFORM_NAME', 'jax_platforms', 'jax_platform_name']);

const platformsEnv: Rule = {
  id: 'NRN702',
  name: 'jax-platforms-cuda',
  category: 'jax',
  severity: BOTH,
  title: '`JAX_PLATFORMS=cuda` / `jax_platforms="gpu"`',
  message: 'This restricts JAX to a GPU platform, which does not exist on Neuron (the PJRT platform is "neuron"). Leave `JAX_PLATFORMS` unset or set it to "neuron" (or "neuron,cpu").',
  why: 'JAX initialises only the listed platforms; with `cuda`/`gpu` it fails to find a backend on Trainium/Inferentia.',
  fix: 'Remove the setting, or use `"neuron"`; `NEURON_FORCE_PJRT_PLUGIN_REGISTRATION=1` forces the plugin to register.',
  docs: SETUP,
  source: 'NRN-JAX-001',
  requires: [], // the variable names are specific; launchers set them before importing jax
  triggers: [...PLATFORM_KEYS],
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = stringNodeOf(hit);
    if (!str) return;
    const key = ctx.sem.constValue(str);
    if (key?.kind !== 'str' || !PLATFORM_KEYS.has(key.value)) return;
    const value = valueForKey(ctx.sem, str);
    if (!value) return;
    for (const s of stringsOf(ctx.sem, value)) {
      const plats = s.value.split(',').map((p) => p.trim().toLowerCase());
      if (plats.some((p) => GPU_PLATFORMS.has(p)) && !plats.includes('neuron')) ctx.report(s.node, { data: { replacement: 'neuron' } });
    }
  },
};

const X64_KEYS = new Set(['jax_enable_x64', 'JAX_ENABLE_X64']);

const enableX64: Rule = {
  id: 'NRN703',
  name: 'jax-enable-x64',
  category: 'jax',
  severity: BOTH,
  title: '`jax_enable_x64` (64-bit JAX types)',
  message: 'Enabling x64 makes JAX default to float64/int64. NeuronCores have no FP64 (INT64 is narrowed to INT32 on Trn1). Keep x64 disabled and use float32/bfloat16 and int32.',
  why: 'NeuronCore data types are FP32, TF32, FP16, BF16, FP8, UINT8, INT32 and UINT32; "Not all dtypes supported by JAX work on Neuron."',
  fix: 'Remove `jax.config.update("jax_enable_x64", True)` / `JAX_ENABLE_X64=1`; cast explicitly where 64-bit precision was needed (on the CPU).',
  docs: KNOWN,
  fixable: true,
  source: 'NRN-JAX-002',
  triggers: [...X64_KEYS, 'enable_x64'],
  visit(hit, ctx) {
    if (hit.inString) {
      const str = stringNodeOf(hit);
      if (!str) return;
      const key = ctx.sem.constValue(str);
      if (key?.kind !== 'str' || !X64_KEYS.has(key.value)) return;
      const value = valueForKey(ctx.sem, str);
      if (!value) return;
      const v = ctx.sem.constValue(value);
      const on =
        (v?.kind === 'bool' && v.value) || (v?.kind === 'num' && v.value !== 0) || (v?.kind === 'str' && !['', '0', 'false', 'False', 'FALSE'].includes(v.value));
      if (on) ctx.report(str, { data: { key: key.value, form: value.parent?.type === 'assignment' || value.parent?.type === 'pair' ? 'env' : 'config' } });
      return;
    }
    if (importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if ((q === 'jax.experimental.enable_x64' || q === 'jax.enable_x64') && ctx.sem.callOf(hit.node)) {
      const call = ctx.sem.callOf(hit.node)!;
      const arg = call.args[0] ?? call.kwargs.get('new_val');
      const off = arg && ctx.sem.constValue(arg)?.kind === 'bool' && arg.type === 'false';
      if (!off) ctx.report(hit.node, { data: { form: 'context' } });
    }
  },
};

const JIT_DECORATOR = /(^|\.)(jit|pmap|pjit|filter_jit|filter_pmap|shard_map)\b|partial\(\s*[\w.]*(jit|pmap)\b/;
const TRACED_BY = ['jit', 'pmap', 'pjit', 'filter_jit', 'shard_map', 'scan', 'while_loop', 'fori_loop', 'cond', 'switch', 'checkpoint', 'remat'];

/** True when `node` is inside a function that JAX traces: decorated with jit/pmap, or passed to jit or a lax control-flow primitive. */
function inTracedFunction(ctx: RuleContext, node: Node): boolean {
  // A lambda handed to jit or a lax primitive (`lax.cond(p, lambda d: jax.debug.callback(f, d), …)`) is traced.
  for (let p = node.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
    if (p.type !== 'lambda' || p.parent?.type !== 'argument_list' || p.parent.parent?.type !== 'call') continue;
    const q = ctx.sem.call(p.parent.parent).qname ?? '';
    if (q.startsWith('jax.') && TRACED_BY.includes(q.slice(q.lastIndexOf('.') + 1))) return true;
  }
  for (const fn of enclosingFunctions(node)) {
    if (decoratorsOf(fn).some((d) => JIT_DECORATOR.test(d.text))) return true;
    const name = fn.childForFieldName('name')?.text;
    if (!name) continue;
    const re = new RegExp(`\\b(?:${TRACED_BY.join('|')})\\s*\\((?:[^()]*,)?\\s*${name}\\b`);
    if (re.test(ctx.text)) return true;
  }
  return false;
}

const ALWAYS_CALLBACK = new Set(['jax.pure_callback', 'jax.experimental.io_callback', 'jax.experimental.pure_callback', 'jax.experimental.host_callback.call', 'jax.experimental.host_callback.id_tap']);
const DEBUG_CALLBACK = new Set(['jax.debug.callback', 'jax.debug.print', 'jax.debug.breakpoint']);

const hostCallback: Rule = {
  id: 'NRN704',
  name: 'jax-host-callback',
  category: 'jax',
  severity: BOTH,
  title: 'Host callbacks in traced JAX code (`pure_callback`, `io_callback`, `jax.debug.print`, checkify)',
  message: 'Host callbacks are not supported on Neuron, so `jax.pure_callback`, `io_callback`, `jax.debug.*` callbacks and `checkify` fail in compiled code. Return the values from the jitted function and print or check them on the host.',
  why: 'jax-neuronx known issues: "Host callbacks are not supported. As a result APIs based on callbacks from jax.debug and jax.experimental.checkify are not supported."',
  fix: 'Move host-side work (printing, numpy, assertions) outside `jit`: return the intermediate values and handle them in Python.',
  docs: KNOWN,
  source: 'NRN-JAX-003',
  triggers: ['pure_callback', 'io_callback', 'callback', 'print', 'breakpoint', 'host_callback', 'checkify', 'id_tap'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'host_callback' || hit.word === 'checkify') {
      reportImport(hit.node, ctx, ['jax.experimental.host_callback', 'jax.experimental.checkify']);
      return;
    }
    const call = ctx.sem.callOf(hit.node);
    if (!call?.qname) return;
    if (ALWAYS_CALLBACK.has(call.qname)) {
      ctx.report(hit.node);
      return;
    }
    if (DEBUG_CALLBACK.has(call.qname) && inTracedFunction(ctx, hit.node)) ctx.report(hit.node);
  },
};

const laxCond: Rule = {
  id: 'NRN705',
  name: 'jax-lax-cond',
  category: 'jax',
  severity: BOTH,
  title: '`jax.lax.cond` / `jax.lax.switch`',
  message: '`jax.lax.cond` is not supported on Neuron. Compute both branches and select: `jnp.where(pred, true_fun(x), false_fun(x))` or `lax.select`.',
  why: 'jax-neuronx known issues: "jax.lax.cond is not supported." `lax.switch` lowers to the same HLO conditional (inferred, not stated in the docs).',
  fix: '`jnp.where(pred, f(x), g(x))` / `lax.select(pred, f(x), g(x))`; for `switch`, compute the branches and pick with `jnp.select` or a one-hot sum.',
  docs: KNOWN,
  source: 'NRN-JAX-004',
  triggers: ['cond', 'switch'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname === 'jax.lax.cond') ctx.report(hit.node);
    else if (call?.qname === 'jax.lax.switch') {
      ctx.report(hit.node, { message: '`jax.lax.switch` lowers to an HLO conditional like `lax.cond`, which is not supported on Neuron (inferred). Compute the branches and select with `jnp.select` / `jnp.where`.' });
    }
  },
};

const whileLoop: Rule = {
  id: 'NRN706',
  name: 'jax-while-loop',
  category: 'jax',
  severity: WARN,
  title: '`jax.lax.while_loop` (only static trip counts compile)',
  message: 'Neuron supports only static `lax.while_loop`s: a loop whose trip count depends on data fails to compile. Prefer `lax.scan` with a fixed `length` or `lax.fori_loop` with Python-int bounds, plus masking.',
  why: 'jax-neuronx known issues: "Dynamic loops are not supported for jax.lax.while_loop. Only static while loops are supported." The analyzer cannot prove the trip count static, hence a warning.',
  fix: '`lax.scan(body, carry, xs=None, length=N)` or `lax.fori_loop(0, N, body, carry)` with a fixed N; mask the iterations that should not run.',
  docs: KNOWN,
  source: 'NRN-JAX-005',
  triggers: ['while_loop'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (ctx.sem.callOf(hit.node)?.qname === 'jax.lax.while_loop') ctx.report(hit.node);
  },
};

const pallas: Rule = {
  id: 'NRN707',
  name: 'jax-pallas',
  category: 'jax',
  severity: BOTH,
  title: 'Pallas / jax-triton kernels',
  message: 'Pallas lowers only for TPU (Mosaic) and GPU (Mosaic GPU / Triton); there is no Neuron lowering. Write the kernel in NKI (`@nki.jit`) and call it directly on `jnp` arrays.',
  why: 'Pallas kernels are compiled by backend-specific lowerings (docs.jax.dev/en/latest/pallas) that do not exist for Neuron; jax-triton is GPU-only. NKI kernels can be called from JAX (see the NKI getting-started guide).',
  fix: 'Port the kernel to NKI (`@nki.jit`), which can be called on JAX arrays (see the NKI JAX getting-started example).',
  docs: `${NEURON}nki/getting_started.html`,
  source: 'NRN-JAX-006',
  requires: ['jax', 'jax_triton'],
  triggers: ['pallas', 'jax_triton'],
  visit(hit, ctx) {
    if (hit.inString) return;
    reportImport(hit.node, ctx, ['jax.experimental.pallas', 'jax_triton']);
  },
};

const nkiCall: Rule = {
  id: 'NRN708',
  name: 'jax-nki-call',
  category: 'jax',
  severity: BOTH,
  title: '`jax_neuronx.nki_call` (removed in Neuron 2.23)',
  message: '`jax_neuronx.nki_call` is no longer supported (Neuron 2.23+). Call the `@nki.jit`-decorated kernel directly on the JAX arrays.',
  why: '"Neuron Release 2.23 no longer supports jax_neuronx.nki_call".',
  fix: 'Decorate the kernel with `@nki.jit` and call it directly: `out = kernel(a, b)`.',
  docs: `${NEURON}about-neuron/announcements/neuron2.x/announce-no-support-jax-neuronx-nki-call.html`,
  source: 'NRN-JAX-007',
  requires: ['jax', 'jax_neuronx'],
  triggers: ['nki_call'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (ctx.sem.callOf(hit.node)?.qname === 'jax_neuronx.nki_call') ctx.report(hit.node);
  },
};

/** Report the GPU platform names `use` (the default backend) is compared with: `== "gpu"`, `in ("gpu", "cuda")`, `not in {"gpu", "cpu"}`. */
function backendComparison(ctx: RuleContext, use: Node): void {
  let n = use;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const cmp = n.parent;
  if (cmp?.type !== 'comparison_operator' || cmp.namedChildren.length !== 2) return;
  const ops = cmp.children.filter((k) => !k.isNamed).map((k) => k.type).join(' ');
  for (const side of cmp.namedChildren) {
    if (!side || side.startIndex === n.startIndex) continue;
    const members = side.type === 'set' || side.type === 'tuple' || side.type === 'list' ? side.namedChildren : [side];
    // A test that already names "neuron" (`in ("gpu", "neuron")`) handles Neuron.
    if (members.some((m) => stringsOf(ctx.sem, m).some((s) => s.value === 'neuron'))) continue;
    // `!= "gpu"` / `not in {"gpu", "cpu"}` is true on Neuron: that matters when its branch raises.
    const negated = ops === 'not in' || ops === '!=';
    if (negated && !raisesWhenTrue(cmp)) continue;
    // One finding per test (at its first GPU name): one fix adds or names "neuron".
    const s = members.flatMap((m) => stringsOf(ctx.sem, m)).find((x) => GPU_PLATFORMS.has(x.value));
    if (!s) continue;
    ctx.report(s.node, {
      severity: negated ? 'error' : 'warning',
      message: negated
        ? `\`jax.default_backend()\` is "neuron" on Trainium/Inferentia, so this test against "${s.value}" is true there and the code raises. Accept "neuron".`
        : `\`jax.default_backend()\` is "neuron" on Trainium/Inferentia, so this comparison with "${s.value}" is never true there. Compare with "neuron".`,
      data: { replacement: 'neuron' },
    });
  }
}

/** `cond` is (a parenthesised) `if` condition whose body starts with `raise`. */
function raisesWhenTrue(cond: Node): boolean {
  let c = cond;
  while (c.parent?.type === 'parenthesized_expression') c = c.parent;
  const st = c.parent;
  if ((st?.type !== 'if_statement' && st?.type !== 'elif_clause') || st.childForFieldName('condition')?.id !== c.id) return false;
  return st.childForFieldName('consequence')?.namedChildren.find((k) => k.type !== 'comment')?.type === 'raise_statement';
}

/** A GPU-backend test (`backend == "gpu"`, `platform in ("gpu", "cuda")`), not negated. */
const GPU_TEST = /(?:==\s*|\bin\s*[[({][^\])}]*)["'](?:gpu|cuda)["']|["'](?:gpu|cuda)["']\s*==/;

/** `jax.devices("gpu") if backend == "gpu" else …`, or inside `if backend == "gpu":`: never evaluated on Neuron. */
function behindGpuBackendCheck(node: Node): boolean {
  for (const cond of guardingConditions(node, { throughClasses: true })) if (GPU_TEST.test(cond.text) && !/\bnot\b|!=/.test(cond.text)) return true;
  return false;
}

const threefryReported = new WeakSet<object>();
/** The file pins JAX to the CPU (`jax.config.update("jax_default_device", jax.devices("cpu")[0])`, `JAX_PLATFORMS=cpu`): nothing here runs on a NeuronCore. */
const CPU_PINNED = /(?:jax_default_device|jax_platforms?|jax_platform_name|JAX_PLATFORMS)["'\]\s,=:]*(?:[\w.]+\(\s*["'])?[\w.]*\bcpu\b/;
const pinnedToCpu = perText((text) => CPU_PINNED.test(text.replace(/#.*$/gm, '')));
const RBG = /(jax_default_prng_impl|JAX_DEFAULT_PRNG_IMPL)["'\]\s,=:]*(unsafe_)?rbg\b/;

const threefry: Rule = {
  id: 'NRN709',
  name: 'jax-threefry-prng',
  category: 'jax',
  severity: WARN,
  title: 'JAX PRNG keys with the default threefry implementation',
  message: 'The threefry RNG algorithm is not completely supported on Neuron. Switch the default PRNG to rbg: `jax.config.update("jax_default_prng_impl", "rbg")` (or pass `impl="rbg"`).',
  why: 'jax-neuronx known issues: "Threefry RNG algorithm is not completely supported".',
  fix: '`jax.config.update("jax_default_prng_impl", "rbg")` once at start-up, or `jax.random.key(seed, impl="rbg")`.',
  docs: KNOWN,
  source: 'NRN-JAX-008',
  triggers: ['PRNGKey', 'key'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'jax.random.PRNGKey' && call?.qname !== 'jax.random.key') return;
    if (call.kwargs.has('impl')) return;
    if (RBG.test(ctx.text.replace(/#.*$/gm, '')) || pinnedToCpu(ctx.text)) return;
    // One global setting fixes every key: report the first key creation of the file only.
    if (threefryReported.has(ctx.sem)) return;
    threefryReported.add(ctx.sem);
    ctx.report(hit.node, { data: { config: 'jax.config.update("jax_default_prng_impl", "rbg")' } });
  },
};

const rngAlgorithm: Rule = {
  id: 'NRN710',
  name: 'jax-rng-algorithm',
  category: 'jax',
  severity: BOTH,
  title: 'Explicit `algorithm=` in `lax.rng_bit_generator`',
  message: 'Neuron accepts `RngBitGenerator` only with the default algorithm (NCC_EVRF006). Do not pass an explicit `algorithm`.',
  why: 'NCC_EVRF006 fires for a "RNGBitGenerator operation using a random number generation algorithm other than RNG_DEFAULT".',
  fix: 'Drop the `algorithm` argument (RNG_DEFAULT).',
  docs: errCode('EVRF006'),
  source: 'NRN-JAX-008',
  triggers: ['rng_bit_generator'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'jax.lax.rng_bit_generator') return;
    const kw = call.kwargNodes.get('algorithm');
    const v = call.kwargs.get('algorithm') ?? call.args[2];
    if (!v) return;
    const q = v.type === 'attribute' || v.type === 'identifier' ? ctx.sem.qualifiedName(v) : null;
    if (q?.endsWith('RNG_DEFAULT')) return;
    ctx.report(kw ?? v, { data: { remove: true } });
  },
};

const randint: Rule = {
  id: 'NRN711',
  name: 'jax-random-randint',
  category: 'jax',
  severity: WARN,
  title: '`jax.random.randint` on the Neuron device',
  message: '`jax.random.randint` does not produce the expected distribution on Neuron. Run it on the CPU (`with jax.default_device(jax.devices("cpu")[0]):`).',
  why: 'jax-neuronx known issues: randint "does not produce expected distribution of randint values".',
  fix: 'Generate the integers on the CPU and transfer them, or derive them from `jax.random.uniform` with explicit scaling.',
  docs: KNOWN,
  source: 'NRN-JAX-009',
  triggers: ['randint'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (ctx.sem.callOf(hit.node)?.qname !== 'jax.random.randint' || pinnedToCpu(ctx.text)) return;
    // Already pinned to the CPU: with jax.default_device(jax.devices("cpu")[0]):
    for (let p = hit.node.parent; p; p = p.parent) {
      if (p.type !== 'with_statement') continue;
      const body = p.childForFieldName('body');
      const header = ctx.text.slice(p.startIndex, body ? body.startIndex : p.endIndex);
      if (/default_device\s*\(\s*jax\.devices\(\s*["']cpu["']/.test(header)) return;
    }
    ctx.report(hit.node);
  },
};

const dlpack: Rule = {
  id: 'NRN712',
  name: 'jax-dlpack',
  category: 'jax',
  severity: BOTH,
  title: '`jax.dlpack` interop',
  message: '`jax.dlpack` is not supported on Neuron. Exchange arrays through host NumPy (`np.asarray(x)` / `jnp.asarray(a)`).',
  why: 'jax-neuronx known issues: "jax.dlpack is not supported."',
  fix: 'Convert through NumPy on the host.',
  docs: KNOWN,
  source: 'NRN-JAX-010',
  triggers: ['from_dlpack', 'to_dlpack'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const q = ctx.sem.callOf(hit.node)?.qname;
    if (q === 'jax.dlpack.from_dlpack' || q === 'jax.dlpack.to_dlpack' || q === 'jax.numpy.from_dlpack') ctx.report(hit.node);
  },
};

const sparse: Rule = {
  id: 'NRN713',
  name: 'jax-experimental-sparse',
  category: 'jax',
  severity: BOTH,
  title: '`jax.experimental.sparse`',
  message: '`jax.experimental.sparse` is not supported on Neuron. Use dense arrays, or gather/segment ops with static shapes.',
  why: 'jax-neuronx known issues: "jax.experimental.sparse is not supported."',
  fix: 'Dense representations; `jax.ops.segment_sum` / gathers with fixed sizes.',
  docs: KNOWN,
  source: 'NRN-JAX-011',
  triggers: ['sparse'],
  visit(hit, ctx) {
    if (hit.inString) return;
    reportImport(hit.node, ctx, ['jax.experimental.sparse']);
  },
};

const reducePrecision: Rule = {
  id: 'NRN714',
  name: 'jax-reduce-precision',
  category: 'jax',
  severity: BOTH,
  title: '`jax.lax.reduce_precision`',
  message: '`jax.lax.reduce_precision` is not supported on Neuron. Use explicit `astype` casts.',
  why: 'jax-neuronx known issues: "jax.lax.reduce_precision is not supported."',
  fix: '`x.astype(jnp.bfloat16).astype(jnp.float32)` where a rounding emulation is needed.',
  docs: KNOWN,
  source: 'NRN-JAX-012',
  triggers: ['reduce_precision'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (ctx.sem.callOf(hit.node)?.qname === 'jax.lax.reduce_precision') ctx.report(hit.node);
  },
};

const JNP_COMPLEX = new Set(['jax.numpy.complex64', 'jax.numpy.complex128', 'jax.numpy.csingle', 'jax.numpy.cdouble', 'jax.numpy.complex_']);

const jaxComplex: Rule = {
  id: 'NRN715',
  name: 'jax-complex',
  category: 'jax',
  severity: BOTH,
  title: 'Complex dtypes and FFTs in JAX (`jnp.complex64`, `jnp.fft.*`, `lax.complex`)',
  message: 'Complex dtypes are not supported on Neuron (NCC_EVRF004), and FFTs produce them. Represent real and imaginary parts as separate real arrays, or run the FFT on the CPU.',
  why: 'jax-neuronx known issues: "Complex dtypes ... are not supported." NCC_EVRF004: "Complex data types are not supported on the Neuron device".',
  fix: 'Keep real and imaginary parts explicitly (e.g. cos/sin rotary embeddings); compute FFTs on the CPU.',
  docs: KNOWN,
  source: 'NRN-JAX-013',
  triggers: ['complex64', 'complex128', 'csingle', 'cdouble', 'complex_', 'complex', 'fft'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q) return;
    if (JNP_COMPLEX.has(q)) {
      if (!isDtypeQuery(chainOf(hit.node))) ctx.report(hit.node);
      return;
    }
    if (q === 'jax.lax.complex' && ctx.sem.callOf(hit.node)) {
      ctx.report(hit.node);
      return;
    }
    if (q === 'jax.numpy.fft') {
      const outer = chainOf(hit.node).parent;
      const fn = outer?.type === 'attribute' ? outer.childForFieldName('attribute') : null;
      if (fn && /^i?r?fft[2n]?$|^i?hfft$/.test(fn.text) && ctx.sem.callOf(fn)) ctx.report(fn);
    }
  },
};

const variadicReduce: Rule = {
  id: 'NRN716',
  name: 'jax-variadic-reduce',
  category: 'jax',
  severity: BOTH,
  title: 'Variadic `lax.reduce` / `lax.reduce_window` (several operands)',
  message: 'Variadic reductions are not supported on Neuron (NCC_EVRF019 for reduce_window). Split into single-operand reductions.',
  why: 'jax-neuronx known issues: "Variadic reductions are not supported."',
  fix: 'One `lax.reduce` per operand (e.g. compute max and argmax with separate reductions or `jnp.argmax`).',
  docs: KNOWN,
  source: 'NRN-JAX-014',
  triggers: ['reduce', 'reduce_window'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (call?.qname !== 'jax.lax.reduce' && call?.qname !== 'jax.lax.reduce_window') return;
    const operands = call.args[0] ?? call.kwargs.get('operands');
    if (operands && (operands.type === 'tuple' || operands.type === 'list') && operands.namedChildren.filter((c) => c && c.type !== 'comment').length >= 2) ctx.report(hit.node);
  },
};

const DOT_FUNCS = new Set(['jax.numpy.dot', 'jax.numpy.matmul', 'jax.numpy.einsum', 'jax.numpy.inner', 'jax.numpy.tensordot', 'jax.lax.dot', 'jax.lax.dot_general']);
const INT_32_64 = new Set(['int32', 'int64', 'uint32', 'uint64']);

const intDot: Rule = {
  id: 'NRN717',
  name: 'jax-integer-dot',
  category: 'jax',
  severity: BOTH,
  title: 'JAX dot/matmul/einsum on int32/int64 operands',
  message: 'Dot operations on integer dtypes are not supported on Neuron (NCC_EVRF035). Cast the operands to float.',
  why: 'jax-neuronx known issues: "Dot operations on int dtypes are not supported." NCC_EVRF035: the PE array computes in float.',
  fix: 'Cast to `jnp.float32`/`jnp.bfloat16` before the dot; drop an integer `preferred_element_type`.',
  docs: KNOWN,
  source: 'NRN-JAX-016',
  triggers: ['dot', 'dot_general', 'matmul', 'einsum', 'inner', 'tensordot'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call?.qname || !DOT_FUNCS.has(call.qname)) return;
    const pet = call.kwargNodes.get('preferred_element_type');
    const kind = intDtypeOf(ctx.sem, call.kwargs.get('preferred_element_type'));
    if (pet && kind && INT_32_64.has(kind)) {
      ctx.report(pet);
      return;
    }
    const operands = call.qname === 'jax.numpy.einsum' ? call.args.slice(1) : call.args.slice(0, 2);
    if (operands.some((o) => INT_32_64.has(intTensorKind(ctx.sem, o) ?? ''))) ctx.report(hit.node);
  },
};

const dotPrecision: Rule = {
  id: 'NRN718',
  name: 'jax-dot-precision',
  category: 'jax',
  severity: { xla: 'info', native: 'info' },
  title: '`precision=HIGHEST` / `DotAlgorithmPreset` in JAX dots',
  message: 'Neuron does not always respect the dot precision or `DotAlgorithmPreset`: dots run in the operand dtype. Cast the operands to the dtype you need instead.',
  why: 'jax-neuronx known issues: "lax.DotAlgorithmPreset is not always respected. Dot operations occur in operand dtypes."',
  fix: 'Remove `precision=`; cast operands explicitly (`a.astype(jnp.float32)`).',
  docs: KNOWN,
  source: 'NRN-JAX-017',
  triggers: ['precision', 'DotAlgorithmPreset'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    if (hit.word === 'DotAlgorithmPreset') {
      if (qnameAt(ctx.sem, hit.node) === 'jax.lax.DotAlgorithmPreset') ctx.report(chainOf(hit.node).parent?.type === 'attribute' ? chainOf(hit.node).parent! : hit.node);
      return;
    }
    const kw = keywordArgOf(hit.node);
    if (!kw) return;
    const value = kw.childForFieldName('value');
    const owner = value ? ctx.sem.argumentOf(value)?.call : null;
    if (!owner?.qname || !DOT_FUNCS.has(owner.qname) || !value) return;
    const q = value.type === 'attribute' ? ctx.sem.qualifiedName(value) : null;
    const high = (q && /^jax\.lax\.Precision\.(HIGHEST|HIGH)$/.test(q)) || stringsOf(ctx.sem, value).some((s) => ['highest', 'high', 'float32', 'tensorfloat32'].includes(s.value.toLowerCase()));
    if (high) ctx.report(kw);
  },
};

const promiseInBounds: Rule = {
  id: 'NRN719',
  name: 'jax-promise-in-bounds',
  category: 'jax',
  severity: BOTH,
  title: 'Gather/scatter with `mode="promise_in_bounds"`',
  message: 'Out-of-bounds gather/scatter can cause runtime errors on Neuron, and `promise_in_bounds` removes the bounds handling. Use `mode="clip"` or `"fill"`, or clamp the indices with `jnp.clip`.',
  why: 'jax-neuronx known issues: "Out of bound access for scatter/gather operations can result in runtime errors." (NCC_EVRF056).',
  fix: '`mode="clip"` / `mode="fill"`, or `idx = jnp.clip(idx, 0, n - 1)`.',
  docs: KNOWN,
  source: 'NRN-JAX-019',
  triggers: ['promise_in_bounds', 'PROMISE_IN_BOUNDS'],
  visit(hit, ctx) {
    if (!ctx.sem.imports_('jax')) return;
    if (hit.inString) {
      const str = stringNodeOf(hit);
      if (!str || ctx.sem.constValue(str)?.kind !== 'str') return;
      if (ctx.sem.argumentOf(str)?.keyword === 'mode') ctx.report(str, { data: { replacement: 'clip' } });
      return;
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (q === 'jax.lax.GatherScatterMode.PROMISE_IN_BOUNDS') ctx.report(chainOf(hit.node));
  },
};

export const rules: Rule[] = [
  gpuPlatform, platformsEnv, enableX64, hostCallback, laxCond, whileLoop, pallas, nkiCall, threefry, rngAlgorithm, randint, dlpack, sparse,
  reducePrecision, jaxComplex, variadicReduce, intDot, dotPrecision, promiseInBounds,
];
