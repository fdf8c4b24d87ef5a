// The PyTorch/XLA execution model: training loops gain `torch_xla.sync()`, `xm.optimizer_step` and
// `MpDeviceLoader`; deprecated and removed `xm` APIs get their current names. XLA stack only.
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../../types';
import type { Fixer, FixOutcome, ImportReq } from '../api';
import { syncAfter, type FixContext } from '../context';
import { ruleById } from '../../rules';

const STEP = /\.\s*step\s*\(|optimizer_step\s*\(/;
const SYNCED = /\b(?:torch_xla\.sync|mark_step|MpDeviceLoader)\s*\(/;
const JUMP = new Set(['break_statement', 'continue_statement', 'return_statement', 'raise_statement']);

function ruleText(f: Finding): string {
  const r = ruleById(f.rule);
  return `${r?.name ?? ''} ${r?.title ?? ''} ${f.message}`;
}

function loopAt(cx: FixContext, node: Node | null): Node | null {
  return cx.up(node, ['for_statement', 'while_statement'], 4);
}

/** Training loop with no mark-step: add `torch_xla.sync()` after the optimizer step. */
export const loopSync: Fixer = {
  name: 'xla-loop-sync',
  rules: ['NRN301'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    if (!/mark.?step|sync/i.test(ruleText(f)) || /device.?loader/i.test(f.rule + ruleById(f.rule)?.name)) return null;
    const at = cx.nodeAt(f.range);
    const loop = (at && cx.sem.loopOf(at)?.node) ?? loopAt(cx, at);
    const body = loop?.childForFieldName('body');
    if (!loop || !body) return null;
    const right = loop.childForFieldName('right');
    if (SYNCED.test(body.text) || (right && SYNCED.test(right.text))) return null;
    // The same run wraps this loop's loader in MpDeviceLoader, which marks the step itself.
    if (right && cx.findings.some((g) => g.rule === 'NRN302' && cx.nodeAt(g.range) && cx.nodeAt(g.range)!.startIndex >= right.startIndex && cx.nodeAt(g.range)!.endIndex <= right.endIndex)) {
      return { skip: 'the loader is wrapped in MpDeviceLoader, which marks a step per batch' };
    }
    const stmts = body.namedChildren.filter((s) => s.type !== 'comment');
    const withStep = stmts.filter((s) => STEP.test(s.text));
    const after = withStep[withStep.length - 1] ?? stmts[stmts.length - 1];
    if (!after || JUMP.has(after.type)) return { skip: 'the loop body ends with a jump; add `torch_xla.sync()` at the end of each step by hand' };
    const need: ImportReq[] = [];
    const sync = `${cx.ref('torch_xla', need)}.sync()`;
    return { title: 'Add `torch_xla.sync()` after the optimizer step (runs the lazy graph once per step)', edits: [cx.insertBelow(after, sync)], imports: need, safe: true };
  },
};

/** `optimizer.step()` → `xm.optimizer_step(optimizer)` (all-reduces gradients across replicas). */
export const optimizerStep: Fixer = {
  name: 'xla-optimizer-step',
  rules: ['NRN255'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.method !== 'step' || !info.receiver || info.args.length || info.kwargs.size) return null;
    if (!/optim|opt\b|optimizer/i.test(info.receiver.text)) return null;
    const need: ImportReq[] = [];
    const xm = cx.ref('torch_xla.core.xla_model', need, 'xm');
    const st = call.parent?.type === 'expression_statement' ? call.parent : null;
    const sync = st ? syncAfter(cx, st, need) : null;
    return { title: `Use \`${xm}.optimizer_step(${info.receiver.text})\` (reduces gradients across replicas)`, edits: [{ start: call.startIndex, end: call.endIndex, text: `${xm}.optimizer_step(${info.receiver.text})` }, ...(sync ? [sync] : [])], imports: need, safe: true };
  },
};

/** `for batch in loader:` → `for batch in pl.MpDeviceLoader(loader, device):`. */
export const deviceLoader: Fixer = {
  name: 'xla-mp-device-loader',
  rules: ['NRN302'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    if (!/loader/i.test(ruleText(f))) return null;
    const node = cx.nodeAt(f.range);
    let loop = cx.up(node, 'for_statement', 4);
    let iter = loop?.childForFieldName('right') ?? null;
    if (!loop || !iter) {
      // Reported on the DataLoader(...) construction: wrap the loops that iterate its variable.
      return null;
    }
    if (SYNCED.test(iter.text)) return null;
    // enumerate(loader) / tqdm(loader): wrap the loader inside.
    if (iter.type === 'call') {
      const c = cx.sem.call(iter);
      const fn = c.func.text;
      if (/^(?:enumerate|tqdm|tqdm\.tqdm)$/.test(fn) && c.args[0]) iter = c.args[0];
      else if (!/DataLoader$/.test(c.qname ?? fn)) return { skip: 'the loop does not iterate a DataLoader variable directly' };
    }
    if (!['identifier', 'attribute', 'call'].includes(iter.type)) return { skip: 'the loop does not iterate a DataLoader variable directly' };
    const need: ImportReq[] = [];
    const pl = cx.ref('torch_xla.distributed.parallel_loader', need, 'pl');
    const dev = cx.sem.assignmentsOf('device', loop).some((r) => r.startIndex < loop!.startIndex) ? 'device' : cx.deviceExpr(need, 'xla');
    loop = loop as Node;
    return {
      title: `Wrap the loader in \`${pl}.MpDeviceLoader\` (host-to-device prefetch, one graph per step)`,
      edits: [{ start: iter.startIndex, end: iter.endIndex, text: `${pl}.MpDeviceLoader(${iter.text}, ${dev})` }],
      imports: need,
      safe: true,
    };
  },
};

const RENAMES: Record<string, { module: string; alias?: string; name: string }> = {
  'torch_xla.core.xla_model.xla_device': { module: 'torch_xla', name: 'device' },
  'torch_xla.core.xla_model.mark_step': { module: 'torch_xla', name: 'sync' },
  'torch_xla.core.xla_model.xrt_world_size': { module: 'torch_xla.runtime', alias: 'xr', name: 'world_size' },
  'torch_xla.core.xla_model.get_ordinal': { module: 'torch_xla.runtime', alias: 'xr', name: 'global_ordinal' },
  'torch_xla.core.xla_model.get_local_ordinal': { module: 'torch_xla.runtime', alias: 'xr', name: 'local_ordinal' },
};

/** Deprecated / removed `xm` APIs → `torch_xla.device()`, `torch_xla.sync()`, `xr.world_size()`… */
export const xmRename: Fixer = {
  name: 'xm-api-rename',
  rules: ['NRN256', 'NRN304', 'NRN305'],
  categories: ['lazy-execution', 'distributed'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const call = cx.callAround(cx.nodeAt(f.range));
    if (!call) return null;
    const info = cx.sem.call(call);
    const r = info.qname ? RENAMES[info.qname] : undefined;
    if (!r) return null;
    if (r.name === 'device' && (info.args.length || info.kwargs.size)) return { skip: '`xm.xla_device(n)` with an index: keep one device per process' };
    const need: ImportReq[] = [];
    const mod = cx.ref(r.module, need, r.alias);
    return { title: `Use \`${mod}.${r.name}()\``, edits: [{ start: info.func.startIndex, end: info.func.endIndex, text: `${mod}.${r.name}` }], imports: need, safe: true };
  },
};

export const xlaFixers: Fixer[] = [xmRename, deviceLoader, loopSync, optimizerStep];
