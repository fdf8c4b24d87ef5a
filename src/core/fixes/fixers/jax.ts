// JAX on Neuron: GPU platform lookups → the default (Neuron) platform; x64 switched back off.
import type { Fixer, FixOutcome } from '../api';

const DEVICE_QUERIES = /^jax\.(?:devices|local_devices|device_count|local_device_count)$/;
const GPU = /^(?:gpu|cuda|rocm)$/;

export const jaxGpuDevices: Fixer = {
  name: 'jax-gpu-devices',
  rules: ['NRN701'],
  categories: ['jax'],
  plan(f, cx): FixOutcome {
    // A platform name the default backend is compared with (`jax.default_backend() == "gpu"`): name "neuron" instead.
    const at = cx.nodeAt(f.range);
    const str = at?.type === 'string' ? at : at?.parent?.type === 'string' ? at.parent : null;
    const holder = str?.parent && ['set', 'tuple', 'list'].includes(str.parent.type) ? str.parent.parent : str?.parent;
    if (str && holder?.type === 'comparison_operator' && f.data?.replacement === 'neuron' && GPU.test(cx.str(str) ?? '')) {
      const q = cx.quoteOf(str);
      // A guard that raises off the GPU (`!= "gpu": raise`) is safe to widen; sending Neuron into a GPU branch (`== "gpu"`) is the user's call.
      const safe = f.severity === 'error';
      // In a collection (`not in {"gpu", "cpu"}`) "neuron" joins the accepted backends; GPUs keep working.
      if (str.parent && ['set', 'tuple', 'list'].includes(str.parent.type)) {
        return { title: 'Accept the "neuron" backend too', edits: [{ start: str.startIndex, end: str.startIndex, text: `${q}neuron${q}, ` }], safe };
      }
      return { title: 'Test for the "neuron" backend', edits: [{ start: str.startIndex, end: str.endIndex, text: `${q}neuron${q}` }], safe };
    }
    const call = cx.callAround(at);
    if (!call) return null;
    const info = cx.sem.call(call);
    if (!info.qname || !DEVICE_QUERIES.test(info.qname)) return null;
    const arg = info.kwargs.get('backend') ?? info.args[0];
    if (!arg || !GPU.test(cx.str(arg) ?? '')) return null;
    const item = info.kwargNodes.get('backend') ?? arg;
    return { title: `Use \`${info.func.text}()\` (the Neuron platform is the default)`, edits: [cx.removeListItem(item)], safe: true };
  },
};

export const jaxX64: Fixer = {
  name: 'jax-enable-x64',
  rules: ['NRN703'],
  categories: ['jax'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    const st = node ? cx.statementOf(node) : null;
    if (!st || st.type !== 'expression_statement' || !/jax_enable_x64|JAX_ENABLE_X64/.test(st.text)) return null;
    const inner = st.namedChildren[0];
    const ok =
      (inner?.type === 'call' && /(?:^|\.)config\.update$/.test(cx.sem.call(inner).func.text) && cx.str(cx.sem.call(inner).args[0]) === 'jax_enable_x64') ||
      (inner?.type === 'assignment' && /(?:jax_enable_x64|environ\s*\[\s*["']JAX_ENABLE_X64["']\s*\])$/.test(inner.childForFieldName('left')?.text ?? ''));
    if (!ok) return null;
    const r = cx.removeStatement(st);
    if ('skip' in r) return r;
    return { title: 'Remove `jax_enable_x64` (NeuronCores have no FP64; keep float32/bfloat16)', edits: r, safe: true };
  },
};

export const jaxFixers: Fixer[] = [jaxGpuDevices, jaxX64];
