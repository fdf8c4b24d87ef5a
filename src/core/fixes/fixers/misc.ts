// Smaller rewrites: FP16 → BF16, the eager debug switch, torch.compile per stack, the DDP wrapper on
// the XLA stack.
import type { Node } from 'web-tree-sitter';
import type { Fixer, FixOutcome, ImportReq } from '../api';
import type { OffsetEdit } from '../text';
import { syncAfter } from '../context';

export const fp16ToBf16: Fixer = {
  name: 'fp16-to-bf16',
  rules: ['NRN203'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    if (!node) return null;
    const need: ImportReq[] = [];
    const call = cx.callAround(node);
    const info = call ? cx.sem.call(call) : null;
    if (info && info.method === 'half' && info.args.length === 0 && info.kwargs.size === 0 && info.receiver) {
      const attr = info.func.childForFieldName('attribute')!;
      return { title: 'Use `.to(torch.bfloat16)` (BF16 needs no loss scaling)', edits: [{ start: attr.startIndex, end: call!.endIndex, text: `to(${cx.torch(need)}.bfloat16)` }], imports: need, safe: true };
    }
    const chain = node.type === 'attribute' ? node : node.parent?.type === 'attribute' ? node.parent : null;
    const q = chain ? cx.sem.qualifiedName(chain) : null;
    if (!chain || (q !== 'torch.float16' && q !== 'torch.half')) return null;
    return { title: 'Use `torch.bfloat16`', edits: [{ start: chain.startIndex, end: chain.endIndex, text: `${cx.torch(need)}.bfloat16` }], imports: need, safe: true };
  },
};

export const eagerDebugMode: Fixer = {
  name: 'eager-debug-mode',
  rules: ['NRN308'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    const st = node ? cx.statementOf(node) : null;
    const inner = st?.namedChildren[0];
    if (!st || st.type !== 'expression_statement' || inner?.type !== 'assignment' || !/NEURON_USE_EAGER_DEBUG_MODE/.test(inner.childForFieldName('left')?.text ?? '')) {
      return { skip: 'not a plain `os.environ[...] = ...` assignment' };
    }
    const r = cx.removeStatement(st);
    if ('skip' in r) return r;
    return { title: 'Remove `NEURON_USE_EAGER_DEBUG_MODE` (debug only; very slow)', edits: r, safe: true };
  },
};

export const torchCompile: Fixer = {
  name: 'torch-compile',
  rules: ['NRN601', 'NRN602', 'NRN603'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    if (!node) return null;
    if (f.rule === 'NRN602') {
      const str = cx.up(node, 'string', 3);
      if (!str || cx.target !== 'native') return null;
      const q = cx.quoteOf(str);
      return { title: 'Use `backend="neuron"`', edits: [{ start: str.startIndex, end: str.endIndex, text: `${q}neuron${q}` }], safe: true };
    }
    if (f.rule === 'NRN603') {
      const kw = cx.up(node, 'keyword_argument', 3);
      if (!kw || kw.childForFieldName('name')?.text !== 'mode') return null;
      return { title: 'Remove the CUDA-only `mode` (Neuron uses "default")', edits: [cx.removeListItem(kw)], safe: true };
    }
    // NRN601: torch.compile on the XLA stack.
    const dec = cx.up(node, 'decorator', 4);
    if (dec) {
      const ls = cx.idx.lineStart(dec.startPosition.row);
      if (cx.text.slice(ls, dec.startIndex).trim() !== '' || cx.text.slice(dec.endIndex, cx.idx.lineEnd(dec.endPosition.row)).trim() !== '') return { skip: 'decorator shares its line' };
      return { title: 'Remove `@torch.compile` (not supported on the XLA stack; the lazy graph is compiled anyway)', edits: [{ start: ls, end: cx.nextLineStart(cx.idx.lineEnd(dec.endPosition.row)), text: '' }], safe: true };
    }
    const call = cx.callAround(node);
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.qname !== 'torch.compile') return null;
    const model = info.args[0] ?? info.kwargs.get('model');
    if (!model || info.hasSplat) return { skip: '`torch.compile` without a visible model argument' };
    let v: Node = call;
    while (v.parent?.type === 'parenthesized_expression') v = v.parent;
    const asg = v.parent;
    if (asg?.type === 'assignment' && asg.childForFieldName('right')?.id === v.id && asg.childForFieldName('left')?.text === model.text && asg.parent?.type === 'expression_statement') {
      const r = cx.removeStatement(asg.parent);
      if ('skip' in r) return r;
      return { title: `Remove \`${cx.short(call)}\` (not supported on the XLA stack)`, edits: r, safe: true };
    }
    return { title: 'Call the model directly instead of `torch.compile` (not supported on the XLA stack)', edits: [{ start: call.startIndex, end: call.endIndex, text: model.text }], safe: true };
  },
};

export const ddpWrapper: Fixer = {
  name: 'ddp-wrapper-xla',
  rules: ['NRN253'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    const model = info.args[0] ?? info.kwargs.get('module');
    const asg = call.parent;
    if (!model || asg?.type !== 'assignment' || asg.childForFieldName('left')?.text !== model.text || asg.parent?.type !== 'expression_statement') {
      return { skip: 'the DDP wrapper is not `model = DDP(model, …)`; remove it by hand' };
    }
    const name = model.text;
    // `model.module` (the wrapped model) becomes `model` once the wrapper is gone.
    const moduleEdits: OffsetEdit[] = [];
    if (new RegExp(`\\b${name.replace(/\./g, '\\.')}\\.module\\b`).test(cx.text)) {
      if (model.type !== 'identifier') return { skip: `\`${name}.module\` is used: remove the wrapper and those \`.module\` accesses by hand` };
      for (const u of cx.sem.usesOf(name, asg)) {
        const p = u.parent;
        if (p?.type === 'attribute' && p.childForFieldName('object')?.id === u.id && p.childForFieldName('attribute')?.text === 'module') {
          if (p.startIndex < asg.endIndex) return { skip: `\`${name}.module\` is used before the wrapper` };
          moduleEdits.push({ start: p.startIndex, end: p.endIndex, text: name });
        }
      }
      const all = cx.sem.identifiersIn('module').filter((id) => id.parent?.type === 'attribute' && id.parent.childForFieldName('object')?.text === name);
      if (all.length !== moduleEdits.length) return { skip: `\`${name}.module\` is used outside this function: remove those accesses by hand` };
    }
    if (/\bscaler\.step\s*\(|\.step\s*\(\s*\w*optim/.test(cx.text)) return { skip: 'the optimizer is stepped through a GradScaler: fix the GradScaler first, then run again' };
    // Without DDP the gradients must be all-reduced by xm.optimizer_step.
    const need: ImportReq[] = [];
    const edits: OffsetEdit[] = [];
    const scope = cx.sem.scopeOf(call);
    const from = scope ? scope.startIndex : 0;
    const to = scope ? scope.endIndex : cx.text.length;
    let steps = 0;
    for (const id of cx.sem.identifiersIn('step', from, to)) {
      const c = cx.sem.callOf(id);
      if (!c || c.method !== 'step' || !c.receiver || c.args.length || c.kwargs.size || !/optim/i.test(c.receiver.text)) continue;
      const xm = cx.ref('torch_xla.core.xla_model', need, 'xm');
      edits.push({ start: c.node.startIndex, end: c.node.endIndex, text: `${xm}.optimizer_step(${c.receiver.text})` });
      const st = c.node.parent?.type === 'expression_statement' ? c.node.parent : null;
      const sync = st ? syncAfter(cx, st, need) : null;
      if (sync) edits.push(sync);
      steps++;
    }
    if (!steps && !/optimizer_step\s*\(/.test(cx.text.slice(from, to))) return { skip: 'no optimizer step found to carry the gradient all-reduce' };
    const r = cx.removeStatement(asg.parent);
    if ('skip' in r) return r;
    edits.push(...r, ...moduleEdits);
    return {
      title: 'Remove the DDP wrapper; `xm.optimizer_step` all-reduces the gradients',
      edits,
      imports: need,
      release: info.func.type === 'identifier' ? [{ local: info.func.text }] : [],
      safe: true,
    };
  },
};



/** `DataLoader(…)` with a partial last batch → `drop_last=True` (one static batch shape). */
export const dropLast: Fixer = {
  name: 'dataloader-drop-last',
  rules: ['NRN409'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    if (!info.qname || !/DataLoader$/.test(info.qname) || info.hasSplat) return null;
    const kw = info.kwargs.get('drop_last');
    if (kw) return kw.type === 'false' ? { title: 'Set `drop_last=True` (every batch has the compiled shape)', edits: [{ start: kw.startIndex, end: kw.endIndex, text: 'True' }], safe: true } : null;
    const list = call.childForFieldName('arguments')!;
    const last = list.namedChildren.filter((n) => n.type !== 'comment').at(-1);
    if (!last) return null;
    return { title: 'Add `drop_last=True` (every batch has the compiled shape)', edits: [{ start: last.endIndex, end: last.endIndex, text: ', drop_last=True' }], safe: true };
  },
};

/** `device_map=…` on a model load: Trainer-managed models are placed by the (Neuron) trainer. */
export const deviceMap: Fixer = {
  name: 'drop-device-map',
  rules: ['NRN107'],
  plan(f, cx): FixOutcome {
    const node = cx.nodeAt(f.range);
    const kw = cx.up(node, 'keyword_argument', 3);
    if (!kw || kw.childForFieldName('name')?.text !== 'device_map') return null;
    const trained = /\b(?:Neuron)?(?:SFT)?Trainer\s*\(/.test(cx.text);
    return { title: 'Drop `device_map` (the Neuron trainer places the model)', edits: [cx.removeListItem(kw)], safe: trained };
  },
};
/** `torch.save(...)` of XLA tensors → `torch_xla.sync(); xm.save(...)` (moves to CPU, saves on the master). */
export const xmSave: Fixer = {
  name: 'xm-save',
  rules: ['NRN303'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.qname !== 'torch.save') return null;
    const st = call.parent;
    if (st?.type !== 'expression_statement' || !cx.startsLine(st)) return { skip: 'the save is not a statement of its own' };
    // xm.save is collective (it ends with a rendezvous): every rank must reach it.
    for (let p: Node | null = st.parent; p && p.type !== 'function_definition' && p.type !== 'module'; p = p.parent) {
      if (p.type === 'if_statement' || p.type === 'try_statement' || p.type === 'with_statement' || p.type === 'except_clause') return { skip: 'the save is inside a branch (a rank guard?): `xm.save` must run on every rank; restructure by hand' };
    }
    const need: ImportReq[] = [];
    const xm = cx.ref('torch_xla.core.xla_model', need, 'xm');
    const sync = `${cx.ref('torch_xla', need)}.sync()`;
    return {
      title: 'Use `xm.save` after `torch_xla.sync()` (moves XLA tensors to the CPU, saves once)',
      edits: [cx.insertAbove(st, sync), { start: info.func.startIndex, end: info.func.endIndex, text: `${xm}.save` }],
      imports: need,
      safe: true,
    };
  },
};

/** `torch.cuda.current_device()` → `torch.accelerator.current_device_index()` (native). */
export const currentDevice: Fixer = {
  name: 'cuda-current-device',
  rules: ['NRN104'],
  targets: ['native'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call || cx.sem.call(call).qname !== 'torch.cuda.current_device') return null;
    const need: ImportReq[] = [];
    const fn = cx.sem.call(call).func;
    return { title: 'Use `torch.accelerator.current_device_index()`', edits: [{ start: fn.startIndex, end: fn.endIndex, text: `${cx.torch(need)}.accelerator.current_device_index` }], imports: need, safe: true };
  },
};

export const miscFixers: Fixer[] = [fp16ToBf16, eagerDebugMode, torchCompile, ddpWrapper, dropLast, deviceMap, xmSave, currentDevice];
