// Long-tail rewrites: torch.jit.trace → torch_neuronx.trace, activation checkpointing on XLA,
// JAX_PLATFORMS, the pre-0.4 Optimum Neuron LLM export, NVTX markers.
import type { Node } from 'web-tree-sitter';
import type { Fixer, FixOutcome, ImportReq, Release } from '../api';
import type { OffsetEdit } from '../text';
import type { FixContext } from '../context';
import { optimumApi } from './hf';

export const jitTrace: Fixer = {
  name: 'jit-trace-to-neuron-trace',
  rules: ['NRN604'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.qname !== 'torch.jit.trace') return info.qname === 'torch.jit.script' ? { skip: '`torch.jit.script` has no Neuron equivalent: trace the model with example inputs' } : null;
    const need: ImportReq[] = [];
    const tn = cx.ref('torch_neuronx', need);
    const release: Release[] = info.func.type === 'identifier' ? [{ local: info.func.text }] : [];
    // torch_neuronx.trace takes the model and example inputs on the CPU: drop `.cuda()` / `.to("cuda")`.
    const edits: OffsetEdit[] = [{ start: info.func.startIndex, end: info.func.endIndex, text: `${tn}.trace` }];
    for (const a of info.args) {
      const onCpu = cpuSide(cx, a);
      if (onCpu !== null) edits.push({ start: a.startIndex, end: a.endIndex, text: onCpu });
      else if (a.type === 'identifier') {
        // `m = Model().cuda()` used only here: build it on the CPU.
        const rhs = cx.sem.assignmentsOf(a.text, a);
        const uses = cx.sem.usesOf(a.text, rhs[0] ?? a);
        if (rhs.length === 1 && uses.length === 1) {
          const cpu = cpuSide(cx, rhs[0]);
          if (cpu !== null) edits.push({ start: rhs[0].startIndex, end: rhs[0].endIndex, text: cpu });
        }
      }
    }
    return { title: 'Use `torch_neuronx.trace` (compiles the model ahead of time for NeuronCores; model and inputs on the CPU)', edits, imports: need, release, safe: true, priority: 1 };
  },
};

/** `x.cuda()` / `x.to("cuda")` / `x.to(device)` → `x` (text), else null. */
function cpuSide(cx: FixContext, n: Node): string | null {
  if (n.type !== 'call') return null;
  const c = cx.sem.call(n);
  if (!c.receiver || c.hasSplat) return null;
  if (c.method === 'cuda') return c.receiver.text;
  if (c.method === 'to' && c.args.length === 1 && c.kwargs.size === 0 && /^(?:cuda(?::\d+)?|device)$/.test(cx.str(c.args[0]) ?? c.args[0].text)) return c.receiver.text;
  return null;
}

export const xlaCheckpoint: Fixer = {
  name: 'xla-activation-checkpoint',
  rules: ['NRN307'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.qname !== 'torch.utils.checkpoint.checkpoint') return null;
    if (info.hasSplat) return { skip: 'checkpoint(**kwargs): cannot see use_reentrant' };
    const need: ImportReq[] = [];
    cx.ref('torch_xla.utils.checkpoint', need);
    const edits: OffsetEdit[] = [{ start: info.func.startIndex, end: info.func.endIndex, text: 'torch_xla.utils.checkpoint.checkpoint' }];
    const re = info.kwargs.get('use_reentrant');
    if (re && re.text !== 'True') edits.push({ start: re.startIndex, end: re.endIndex, text: 'True' });
    if (!re) {
      const list = call.childForFieldName('arguments')!;
      const last = list.namedChildren.filter((n) => n.type !== 'comment').at(-1);
      if (!last) return null;
      edits.push({ start: last.endIndex, end: last.endIndex, text: ', use_reentrant=True' });
    }
    const release: Release[] = info.func.type === 'identifier' ? [{ local: info.func.text }] : [];
    return { title: 'Use `torch_xla.utils.checkpoint.checkpoint(..., use_reentrant=True)`', edits, imports: need, release, safe: true };
  },
};

export const jaxPlatforms: Fixer = {
  name: 'jax-platforms',
  rules: ['NRN702'],
  plan(f, cx): FixOutcome {
    const str = cx.up(cx.nodeAt(f.range), 'string', 3);
    const v = cx.str(str);
    if (!str || v === null || !/\b(?:cuda|gpu|rocm)\b/.test(v) || str.text.includes('{')) return null;
    const q = cx.quoteOf(str);
    const parts = [...new Set(v.split(',').map((p) => (/^(?:cuda|gpu|rocm)$/.test(p.trim()) ? 'neuron' : p.trim())))];
    return { title: 'Use the "neuron" JAX platform', edits: [{ start: str.startIndex, end: str.endIndex, text: `${q}${parts.join(',')}${q}` }], safe: true };
  },
};

export const legacyLlmExport: Fixer = {
  name: 'optimum-legacy-llm-export',
  rules: ['NRN822'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    let call: Node | null = null;
    for (let c = cx.callAround(cx.nodeAt(f.range)); c; c = c.parent ? cx.callAround(c.parent) : null) {
      if (/NeuronModelForCausalLM\.from_pretrained$/.test(cx.sem.call(c).qname ?? cx.sem.call(c).func.text)) {
        call = c;
        break;
      }
    }
    if (!call) return null;
    if (optimumApi(cx.options.optimumNeuronVersion) === '0.3') return { skip: 'optimum-neuron 0.3.x is pinned: from_pretrained(export=True, …) is its API' };
    const info = cx.sem.call(call);
    const id = info.args[0];
    if (!id || info.args.length > 1 || info.hasSplat) return { skip: 'unexpected from_pretrained arguments' };
    const stmt = cx.statementOf(call);
    const asg = stmt?.namedChildren[0];
    if (!stmt || stmt.type !== 'expression_statement' || asg?.type !== 'assignment' || asg.childForFieldName('right')?.id !== call.id || !cx.startsLine(stmt)) return { skip: 'the model load is not a plain assignment' };
    const SHAPE = ['batch_size', 'sequence_length', 'tensor_parallel_size', 'num_cores'];
    const DROP = ['export', 'auto_cast_type', 'torch_dtype', 'dtype'];
    const unknown = [...info.kwargs.keys()].filter((k) => !SHAPE.includes(k) && !DROP.includes(k));
    if (unknown.length) return { skip: `from_pretrained(${unknown.join(', ')}=…) has no get_neuron_config/export equivalent` };
    const kw = (k: string) => info.kwargs.get(k)?.text;
    const shape = [`batch_size=${kw('batch_size') ?? '1'}`, `sequence_length=${kw('sequence_length') ?? '4096'}`, `tensor_parallel_size=${kw('tensor_parallel_size') ?? kw('num_cores') ?? '2'}`];
    const cls = info.func.type === 'attribute' ? info.func.childForFieldName('object')!.text : 'NeuronModelForCausalLM';
    const indent = cx.lineIndent(stmt.startIndex);
    const lhs = asg.childForFieldName('left')!.text;
    const dropped = ['auto_cast_type', 'torch_dtype', 'dtype'].filter((k) => info.kwargs.has(k)).map((k) => `${k}=${kw(k)}`);
    const lines = [
      ...(dropped.length ? [`# neuron-lens: dropped ${dropped.join(', ')} (0.4.x takes the dtype from the model config)`] : []),
      `neuron_config = ${cls}.get_neuron_config(${id.text}, ${shape.join(', ')})`,
      `${lhs} = ${cls}.export(${id.text}, neuron_config, load_weights=True)`,
    ];
    return { title: 'Compile with `get_neuron_config(...)` + `export(...)` (optimum-neuron 0.4.x)', edits: [{ start: stmt.startIndex, end: stmt.endIndex, text: lines.join(`\n${indent}`) }], safe: true, priority: 2 };
  },
};

export const nvtxMarkers: Fixer = {
  name: 'nvtx-markers',
  rules: ['NRN155'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const q = cx.sem.call(call).qname ?? '';
    if (!/\.nvtx\.(?:range_push|range_pop|mark)$/.test(q)) return { skip: '`with torch.cuda.nvtx.range(…)`: replace it with `torch_xla.debug.profiler.Trace` or remove the block by hand' };
    const st = call.parent;
    if (st?.type !== 'expression_statement') return { skip: 'the NVTX call is used as a value' };
    const r = cx.removeStatement(st);
    if ('skip' in r) return r;
    return { title: `Remove \`${cx.short(call)}\` (NVTX does not see NeuronCores)`, edits: r, safe: true };
  },
};

/** `attn_implementation="flash_attention_2"` (CUDA flash_attn) → `"sdpa"` on a stock transformers model. */
export const flashAttentionImpl: Fixer = {
  name: 'flash-attention-impl',
  rules: ['NRN553'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    const replacement = typeof f.data?.replacement === 'string' && /^\w+$/.test(f.data.replacement) ? f.data.replacement : 'sdpa';
    const str = cx.up(node, 'string', 3);
    if (str && /^flash_attention_[23]$/.test(cx.str(str) ?? '')) {
      const q = cx.quoteOf(str);
      return { title: `Use \`attn_implementation="${replacement}"\` (flash_attn is CUDA-only)`, edits: [{ start: str.startIndex, end: str.endIndex, text: `${q}${replacement}${q}` }], safe: true };
    }
    const kw = cx.up(node, 'keyword_argument', 2);
    if (kw?.childForFieldName('name')?.text === 'use_flash_attention_2') {
      return { title: `Use \`attn_implementation="${replacement}"\` (flash_attn is CUDA-only)`, edits: [{ start: kw.startIndex, end: kw.endIndex, text: `attn_implementation="${replacement}"` }], safe: true };
    }
    return null;
  },
};

export const tailFixers: Fixer[] = [jitTrace, xlaCheckpoint, jaxPlatforms, legacyLlmExport, nvtxMarkers, flashAttentionImpl];
