// host-sync: device-to-host transfers inside training or evaluation loops.
import type { Rule } from './api';
import { DOCS } from './util/docs';

const itemInLoop: Rule = {
  id: 'NRN351',
  name: 'item-in-loop',
  category: 'host-sync',
  severity: { xla: 'warning', native: 'off' },
  title: '`.item()` inside a training or evaluation loop',
  message:
    '`.item()` in the step loop forces the lazy XLA graph to compile and run, then copies the value to the host, every iteration. Keep the value as a tensor and log every N steps after `torch_xla.sync()`, or use `xm.add_step_closure`.',
  why: 'In lazy mode every value access cuts the graph, compiles it and triggers a device-to-host transfer. Inside the step loop that happens every iteration.',
  fix: 'Accumulate on device (`total += loss.detach()`), read it every N steps after `torch_xla.sync()`, or use `xm.add_step_closure(fn, args)`.',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-021',
  stackNote: 'Native TorchNeuron runs eagerly: `.item()` costs what it costs on a GPU, so the rule is off there.',
  triggers: ['item'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'item' || !call.receiver || call.args.length || call.kwargs.size) return;
    if (!ctx.sem.imports_('torch')) return;
    const rq = ctx.sem.qualifiedName(call.receiver);
    if (rq && !rq.startsWith('torch')) return; // numpy scalars and the like
    if (call.receiver.type === 'call') {
      const inner = ctx.sem.call(call.receiver);
      if (inner.qname && !inner.qname.startsWith('torch')) return;
    }
    if (ctx.sem.isUserObject(call.receiver)) return;
    if (!ctx.sem.inHotLoop(hit.node)) return;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end });
  },
};

export const rules: Rule[] = [itemInLoop];
