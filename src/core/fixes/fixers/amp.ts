// Mixed precision and the process-group backend: CUDA autocast → BF16 autocast on the Neuron device,
// GradScaler removed (BF16 needs no loss scaling), NCCL → the Neuron collective backend.
import type { Node } from 'web-tree-sitter';
import type { Fixer, FixOutcome, ImportReq, Release } from '../api';
import { syncAfter, type FixContext } from '../context';
import type { OffsetEdit } from '../text';
import { availabilityChoice } from './device';

const AUTOCAST = /^torch\.(?:cuda\.amp\.(?:autocast_mode\.)?autocast|autocast|amp\.(?:autocast_mode\.)?autocast)$/;
const SCALER = /^torch\.(?:cuda\.amp\.(?:grad_scaler\.)?GradScaler|amp\.(?:grad_scaler\.)?GradScaler)$/;
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'string', 'integer', 'float']);

function wrap(node: Node): string {
  return PRIMARY.has(node.type) ? node.text : `(${node.text})`;
}

/** The innermost call at or around `node` whose callee resolves to `re`. */
function callMatching(cx: FixContext, node: Node | null, re: RegExp): Node | null {
  for (let c = cx.callAround(node); c; c = cx.callAround(c.parent)) {
    const q = cx.sem.call(c).qname;
    if (q && re.test(q)) return c;
    if (!c.parent) break;
  }
  return null;
}

export const autocast: Fixer = {
  name: 'cuda-autocast',
  rules: ['NRN201'],
  categories: ['mixed-precision'],
  plan(f, cx): FixOutcome {
    const call = callMatching(cx, cx.nodeAt(f.range), AUTOCAST);
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.hasSplat) return { skip: 'autocast(**kwargs): the arguments are not visible' };
    const cudaAmp = info.qname!.startsWith('torch.cuda.amp');
    const pos = cudaAmp ? ['enabled', 'dtype', 'cache_enabled'] : ['device_type', 'dtype', 'enabled', 'cache_enabled'];
    const arg = (name: string): Node | undefined => info.kwargs.get(name) ?? info.args[pos.indexOf(name)];
    if (!cudaAmp) {
      const dev = arg('device_type');
      if (!dev || !/^cuda/.test(cx.str(dev) ?? '')) return null; // autocast("cpu") and friends are fine
    }
    const need: ImportReq[] = [];
    const torch = cx.torch(need);
    const dtypeNode = arg('dtype');
    const dtype = !dtypeNode || /\b(?:float16|half)\b/.test(dtypeNode.text) ? `${torch}.bfloat16` : dtypeNode.text;
    const device = cx.target === 'xla' ? '"xla"' : '"neuron"';
    if (cx.target === 'xla') cx.ref('torch_xla', need);
    const parts = [device, `dtype=${dtype}`];
    for (const k of ['enabled', 'cache_enabled']) {
      const v = arg(k);
      if (v) parts.push(`${k}=${v.text}`);
    }
    const func = info.func;
    const keepFunc = func.type === 'attribute' ? /^torch\.(?:autocast|amp\.autocast)$/.test(info.qname!) : info.qname === 'torch.autocast';
    const release: Release[] = func.type === 'identifier' && !keepFunc ? [{ local: func.text }] : [];
    const callee = keepFunc ? func.text : `${torch}.autocast`;
    return {
      title: `Use \`torch.autocast(${device}, dtype=torch.bfloat16)\``,
      edits: [{ start: call.startIndex, end: call.endIndex, text: `${callee}(${parts.join(', ')})` }],
      imports: need,
      release,
      safe: true,
    };
  },
};

export const gradScaler: Fixer = {
  name: 'grad-scaler',
  rules: ['NRN202'],
  categories: ['mixed-precision'],
  plan(f, cx): FixOutcome {
    const call = callMatching(cx, cx.nodeAt(f.range), SCALER);
    if (!call) return null;
    let v = call;
    while (v.parent?.type === 'parenthesized_expression') v = v.parent;
    const asg = v.parent;
    if (asg?.type !== 'assignment' || asg.childForFieldName('right')?.id !== v.id) return { skip: 'the GradScaler is not assigned to a variable' };
    const left = asg.childForFieldName('left');
    const name = left ? cx.sem.dottedName(left) : null;
    const st = asg.parent;
    if (!name || st?.type !== 'expression_statement') return { skip: 'the GradScaler is not assigned to a simple name' };
    const edits: OffsetEdit[] = [];
    const need: ImportReq[] = [];
    const removed = cx.removeStatement(st);
    if ('skip' in removed) return removed;
    edits.push(...removed);
    const uses = name.includes('.') ? cx.sem.usesOf(name) : cx.sem.usesOf(name, asg);
    for (const u of uses) {
      const p = u.parent;
      const c = p?.parent;
      if (p?.type !== 'attribute' || p.childForFieldName('object')?.id !== u.id || c?.type !== 'call' || c.childForFieldName('function')?.id !== p.id) {
        return { skip: `\`${name}\` is used other than as \`${name}.scale/step/update/unscale_\` (line ${u.startPosition.row + 1}); remove the scaler by hand` };
      }
      const m = p.childForFieldName('attribute')!.text;
      const ci = cx.sem.call(c);
      if (m === 'scale' && ci.args.length === 1 && ci.kwargs.size === 0) {
        const x = ci.args[0];
        const asObject = c.parent?.type === 'attribute' && c.parent.childForFieldName('object')?.id === c.id;
        edits.push({ start: c.startIndex, end: c.endIndex, text: asObject ? wrap(x) : x.text });
      } else if (m === 'step' && ci.args.length === 1 && ci.kwargs.size === 0) {
        const opt = ci.args[0];
        const text = cx.target === 'xla' ? `${cx.ref('torch_xla.core.xla_model', need, 'xm')}.optimizer_step(${opt.text})` : `${wrap(opt)}.step()`;
        edits.push({ start: c.startIndex, end: c.endIndex, text });
        const st = c.parent?.type === 'expression_statement' ? c.parent : null;
        const sync = st ? syncAfter(cx, st, need) : null;
        if (sync) edits.push(sync);
      } else if ((m === 'update' || m === 'unscale_') && c.parent?.type === 'expression_statement') {
        const r = cx.removeStatement(c.parent);
        if ('skip' in r) return r;
        edits.push(...r);
      } else {
        return { skip: `\`${name}.${m}(…)\` (line ${u.startPosition.row + 1}) has no BF16 equivalent; remove the scaler by hand` };
      }
    }
    const func = cx.sem.call(call).func;
    const step = cx.target === 'xla' ? '`xm.optimizer_step(opt)`' : '`opt.step()`';
    return {
      title: `Remove the GradScaler (BF16 needs no loss scaling): \`loss.backward()\`, ${step}`,
      edits,
      imports: need,
      release: func.type === 'identifier' ? [{ local: func.text }] : [],
      safe: true,
    };
  },
};

export const ncclBackend: Fixer = {
  name: 'nccl-backend',
  rules: ['NRN251', 'NRN252'],
  categories: ['distributed'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    const str = cx.up(node, 'string', 3);
    const need: ImportReq[] = [];
    const backend = cx.target === 'xla' ? 'xla' : 'neuron';
    if (cx.target === 'xla') cx.ref('torch_xla.distributed.xla_backend', need);
    else cx.ref('torch_neuronx', need);
    const title = cx.target === 'xla' ? 'Use the "xla" process-group backend (`import torch_xla.distributed.xla_backend`)' : 'Use the "neuron" process-group backend';
    if (str) {
      const v = cx.str(str);
      if (v !== 'nccl' && !(v === 'gloo' && f.rule === 'NRN252' && cx.target === 'xla')) return null;
      const choice = availabilityChoice(str);
      const q = cx.quoteOf(str);
      const target = choice ?? str;
      return { title, edits: [{ start: target.startIndex, end: target.endIndex, text: `${q}${backend}${q}` }], imports: need, safe: true };
    }
    // `init_process_group()` with no backend picks NCCL on a GPU box.
    const call = cx.callAround(node);
    if (!call) return null;
    const info = cx.sem.call(call);
    if (!info.qname?.endsWith('init_process_group') || info.args.length > 0 || info.kwargs.has('backend') || info.hasSplat) return null;
    const list = call.childForFieldName('arguments')!;
    const inner = list.text.slice(1, -1).trim();
    const text = inner ? `backend="${backend}", ` : `backend="${backend}"`;
    return { title, edits: [{ start: list.startIndex + 1, end: list.startIndex + 1, text }], imports: need, safe: true };
  },
};

export const ampFixers: Fixer[] = [autocast, gradScaler, ncclBackend];
