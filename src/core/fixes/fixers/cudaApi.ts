// torch.cuda runtime APIs, cuDNN/TF32 knobs and CUDA seeding → their Neuron equivalents (or removal).
import type { Node } from 'web-tree-sitter';
import type { Fixer, FixOutcome, ImportReq } from '../api';
import type { FixContext } from '../context';

/** Runtime calls that only tune or reset CUDA state: as a statement they can simply go. */
const REMOVABLE = new Set([
  'empty_cache',
  'ipc_collect',
  'init',
  'reset_peak_memory_stats',
  'reset_max_memory_allocated',
  'reset_accumulated_memory_stats',
  'set_per_process_memory_fraction',
]);

/** The torch.cuda API name a call stands for (`synchronize`), via imports; null if not torch.cuda.*. */
function cudaApi(cx: FixContext, call: Node): string | null {
  const q = cx.sem.call(call).qname;
  const m = q ? /^torch\.cuda\.(\w+)$/.exec(q) : null;
  return m ? m[1] : null;
}

/** The call stands alone as a statement (its value is not used). */
function statementCall(cx: FixContext, call: Node): Node | null {
  const st = call.parent;
  return st?.type === 'expression_statement' && st.namedChildCount === 1 && cx.statementOf(call)?.id === st.id ? st : null;
}

export const runtimeApi: Fixer = {
  name: 'cuda-runtime-api',
  rules: ['NRN151'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const api = cudaApi(cx, call);
    if (!api) return null;
    const need: ImportReq[] = [];
    const replaceCall = (text: string, title: string): FixOutcome => ({ title, edits: [{ start: call.startIndex, end: call.endIndex, text }], imports: need, safe: true });
    if (api === 'synchronize') {
      if (cx.target === 'xla') return replaceCall(`${cx.ref('torch_xla', need)}.sync()`, 'Replace with `torch_xla.sync()`');
      return replaceCall(`${cx.torch(need)}.accelerator.synchronize()`, 'Replace with `torch.accelerator.synchronize()`');
    }
    if (REMOVABLE.has(api) || (api === 'set_device' && cx.target === 'xla')) {
      const st = statementCall(cx, call);
      if (!st) return { skip: `\`torch.cuda.${api}()\` is used as a value; remove it by hand` };
      const r = cx.removeStatement(st);
      if ('skip' in r) return r;
      const why = api === 'set_device' ? ' (one process per NeuronCore: torchrun picks the device)' : '';
      return { title: `Remove \`torch.cuda.${api}()\`${why}`, edits: r, safe: true };
    }
    if (cx.target === 'native' && (api === 'set_device' || api === 'device_count' || api === 'current_device')) {
      const fn = cx.sem.call(call).func;
      const name = api === 'set_device' ? 'set_device_index' : api === 'current_device' ? 'current_device_index' : 'device_count';
      return { title: `Use \`torch.accelerator.${name}()\``, edits: [{ start: fn.startIndex, end: fn.endIndex, text: `${cx.torch(need)}.accelerator.${name}` }], imports: need, safe: true };
    }
    return { skip: `no mechanical replacement for \`torch.cuda.${api}\` on ${cx.target}: ${f.message.replace(/^.*?Instead, /, '')}` };
  },
};

export const backendKnob: Fixer = {
  name: 'cudnn-tf32-knob',
  rules: ['NRN153'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    if (!node || !/torch|cudnn|backends|cuda/.test(node.text)) return null;
    const st = cx.statementOf(node);
    if (!st || st.type !== 'expression_statement') return null;
    const inner = st.namedChildren[0];
    if (!inner || (inner.type !== 'assignment' && inner.type !== 'call')) return null;
    if (inner.type === 'assignment') {
      const left = inner.childForFieldName('left');
      const q = left ? cx.sem.qualifiedName(left) : null;
      if (!q || !/^torch\.backends\.(?:cudnn|cuda)\./.test(q)) return null;
      if (inner.childForFieldName('right')?.type === 'assignment') return { skip: 'chained assignment' };
    } else {
      const q = cx.sem.call(inner).qname;
      if (!q || !/^torch\.backends\.(?:cudnn|cuda)\./.test(q)) return null;
    }
    const r = cx.removeStatement(st);
    if ('skip' in r) return r;
    // `import torch.backends.cudnn as cudnn; cudnn.benchmark = True`: the alias may now be unused.
    const target = inner.type === 'assignment' ? inner.childForFieldName('left') : cx.sem.call(inner).func;
    let head = target;
    while (head?.type === 'attribute') head = head.childForFieldName('object');
    const b = head?.type === 'identifier' ? cx.sem.binding(head.text) : undefined;
    const release = b && /^torch\.backends\./.test(b.qname) ? [{ local: b.local }] : [];
    return { title: `Remove \`${cx.short(inner)}\` (no effect on Neuron)`, edits: r, release, safe: true };
  },
};

export const cudaSeed: Fixer = {
  name: 'cuda-manual-seed',
  rules: ['NRN158'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const api = cudaApi(cx, call);
    if (!api || !/^(?:manual_seed|manual_seed_all|seed|seed_all)$/.test(api)) return null;
    const info = cx.sem.call(call);
    const need: ImportReq[] = [];
    const torch = cx.torch(need);
    // `torch.manual_seed(s)` already right there: the CUDA line is redundant.
    const st = statementCall(cx, call);
    if (st && info.args.length === 1) {
      const block = st.parent;
      const twin = block?.namedChildren.some((s) => s.id !== st.id && s.type === 'expression_statement' && s.text.replace(/\s/g, '') === `${torch}.manual_seed(${info.args[0].text.replace(/\s/g, '')})`);
      if (twin) {
        const r = cx.removeStatement(st);
        if (!('skip' in r)) return { title: `Remove \`torch.cuda.${api}()\` (\`torch.manual_seed\` already seeds every device)`, edits: r, safe: true };
      }
    }
    if (api === 'seed' || api === 'seed_all') return { title: 'Use `torch.seed()`', edits: [{ start: info.func.startIndex, end: info.func.endIndex, text: `${torch}.seed` }], imports: need, safe: true };
    return { title: 'Use `torch.manual_seed()` (seeds every device)', edits: [{ start: info.func.startIndex, end: info.func.endIndex, text: `${torch}.manual_seed` }], imports: need, safe: true };
  },
};

export const cudaApiFixers: Fixer[] = [runtimeApi, backendKnob, cudaSeed];
