// cuda-device: CUDA device placement (`.cuda()`, "cuda" device strings).
import type { Node } from 'web-tree-sitter';
import type { Rule } from './api';
import type { RelatedInfo } from '../types';
import { DOCS } from './util/docs';
import { deviceSinkOf, isCudaDeviceString, isDeviceSlot, outerValue } from './util/device';

const CPU_BUILD = 'Neuron PyTorch wheels are CPU builds, so CUDA placement fails with "Torch not compiled with CUDA enabled".';

const cudaMethod: Rule = {
  id: 'NRN101',
  name: 'cuda-method-call',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: '`.cuda()` moves a tensor or module to a CUDA device',
  message: `\`.cuda()\` needs a CUDA device; ${CPU_BUILD} Use \`.to(device)\` with \`device = torch_xla.device()\`.`,
  why: `${CPU_BUILD} On Neuron the accelerator is the \`xla\` device (PyTorch/XLA stack) or \`neuron\` (native TorchNeuron).`,
  fix: 'XLA: `device = torch_xla.device()` (older: `xm.xla_device()`), then `model.to(device)`. Native: `model.to("neuron")`.',
  docs: DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-001',
  stackNote: 'The replacement device differs: `torch_xla.device()` on xla, `"neuron"` on native.',
  triggers: ['cuda'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'cuda' || !call.receiver) return;
    if (call.qname?.startsWith('torch.cuda')) return; // module attribute, not a method (e.g. torch.cuda())
    if (ctx.sem.isUserObject(call.receiver)) return;
    const message =
      ctx.target === 'native'
        ? `\`.cuda()\` needs a CUDA device; ${CPU_BUILD} Use \`.to("neuron")\` (or \`torch.accelerator\`).`
        : undefined;
    ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, { message, data: { receiver: call.receiver.text, hasArgs: call.args.length > 0 } });
  },
};

/** Names that hold a device even when we cannot see where they are used. */
const DEVICE_NAME = /(?:^|_)(?:device|dev|map_location)(?:$|_)|device$/i;

function deviceMessage(target: string, written: string): string {
  return target === 'native'
    ? `CUDA device string ${written}: there is no CUDA device on Neuron. Use "neuron" (or \`torch.accelerator.current_accelerator()\`).`
    : `CUDA device string ${written}: there is no CUDA device on Neuron (the Neuron PyTorch wheels are CPU builds). Use \`torch_xla.device()\`.`;
}

const cudaDeviceString: Rule = {
  id: 'NRN102',
  name: 'cuda-device-string',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: 'A `"cuda"` device string used for device placement',
  message: `CUDA device string: there is no CUDA device on Neuron. Use \`torch_xla.device()\` (XLA) or "neuron" (native).`,
  why: `${CPU_BUILD} The string is reported where it is written (that is where the fix goes); the places it flows into (\`.to()\`, \`torch.device()\`, \`device=\`, \`map_location=\`) are attached as related information.`,
  fix: 'XLA: `device = torch_xla.device()`. Native: `device = "neuron"`. `map_location="cpu"` for checkpoints.',
  docs: DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-001',
  stackNote: 'The replacement differs: `torch_xla.device()` on xla, `"neuron"` on native.',
  triggers: ['cuda'],
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = hit.node.type === 'string' ? hit.node : hit.node.parent;
    if (!str || str.type !== 'string') return;
    const v = ctx.sem.constValue(str);
    if (!v || (v.kind !== 'str' && v.kind !== 'fstr')) return;
    if (!isCudaDeviceString(v.kind === 'str' ? v.value : v.prefix, v.kind === 'fstr')) return;
    const used = outerValue(str);
    const p = used.parent;
    if (!p) return;
    if (p.type === 'comparison_operator') return; // `device == "cuda"` asks, it does not place
    const related: RelatedInfo[] = [];
    let isDevice = false;
    const arg = ctx.sem.argumentOf(used);
    if (arg) {
      if (isDeviceSlot(arg.call, arg.index, arg.keyword)) isDevice = true;
      // argparse: add_argument("--device", default="cuda")
      else if (arg.keyword === 'default' && arg.call.method === 'add_argument' && arg.call.args.some((a) => /device/i.test(a.text))) isDevice = true;
      else if (arg.call.qname === 'torch.device') isDevice = true;
    }
    let holder: string | null = null;
    if (p.type === 'assignment' && p.childForFieldName('right')?.id === used.id) holder = ctx.sem.dottedName(p.childForFieldName('left')!);
    if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('value')?.id === used.id) holder = p.childForFieldName('name')?.text ?? null;
    if (holder) {
      for (const use of ctx.sem.usesOf(holder, p.type === 'assignment' && !holder.includes('.') ? p : undefined)) {
        const sink: Node | null = deviceSinkOf(ctx.sem, use);
        if (sink) related.push({ range: ctx.sem.rangeOf(use), message: `"${v.kind === 'str' ? v.value : v.prefix + '…'}" is used as a device here` });
      }
      const last = holder.slice(holder.lastIndexOf('.') + 1);
      if (related.length > 0 || DEVICE_NAME.test(last)) isDevice = true;
    }
    if (!isDevice) return;
    ctx.report(str, { message: deviceMessage(ctx.target, str.text), related, data: { value: v.kind === 'str' ? v.value : v.prefix, fstring: v.kind === 'fstr' } });
  },
};

export const rules: Rule[] = [cudaMethod, cudaDeviceString];
