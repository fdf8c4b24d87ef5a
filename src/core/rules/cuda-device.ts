// cuda-device: CUDA device placement (`.cuda()`, "cuda" device strings).
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { RelatedInfo } from '../types';
import type { CallInfo } from '../semantic/semantic';
import { DOCS } from './util/docs';
import { perText, perTextKey } from '../text';
import { calledAcrossLinesAt, isMethodCallText, methodCallAt } from './util/nodes';
import { deviceSinkOf, isCudaDeviceString, isDeviceSlot, outerValue, templateExpr } from './util/device';
import { RA_DOCS, chainOf, fileCalls, guardedByCudaCheck, isEnvWrite, qnameAt, stringOf } from './util/ra';

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
    if (hit.inString || !isMethodCallText(ctx.text, hit.node)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'cuda' || !call.receiver) return;
    if (call.qname?.startsWith('torch.cuda')) return; // module attribute, not a method (e.g. torch.cuda())
    if (ctx.sem.isUserObject(call.receiver)) return;
    const instead = ctx.target === 'native' ? '`.to("neuron")` (or `torch.accelerator`)' : '`.to(device)` with `device = torch_xla.device()`';
    // Behind `if torch.cuda.is_available():` the call is skipped on Neuron: the code around it decides where things run.
    const guarded = guardedByCudaCheck(ctx, call.node);
    const message = guarded
      ? `\`.cuda()\` sits behind a CUDA check, so it never runs on Neuron (the other branch does). To place the model or tensor on Neuron, use ${instead}.`
      : ctx.target === 'native'
        ? `\`.cuda()\` needs a CUDA device; ${CPU_BUILD} Use ${instead}.`
        : undefined;
    ctx.report(
      { start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end },
      { message, severity: guarded ? 'info' : undefined, data: { receiver: call.receiver.text, hasArgs: call.args.length > 0 } },
    );
  },
};

const MAX_USES_SCANNED = 40;
const MAX_RELATED = 10;

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
    // A format template (`"cuda:{}".format(rank)`, `"cuda:%d" % rank`) is valued as the expression it builds.
    const expr = templateExpr(str) ?? str;
    const v = ctx.sem.constValue(expr);
    if (!v || (v.kind !== 'str' && v.kind !== 'fstr')) return;
    if (!isCudaDeviceString(v.kind === 'str' ? v.value : v.prefix, v.kind === 'fstr')) return;
    const used = outerValue(expr);
    const p = used.parent;
    if (!p) return;
    if (p.type === 'comparison_operator') return; // `device == "cuda"` asks, it does not place
    const related: RelatedInfo[] = [];
    let isDevice = false;
    const arg = ctx.sem.argumentOf(used);
    if (arg) {
      if (arg.call.qname === 'torch.Generator') return; // NRN109's: the fix is a CPU generator, not another device
      if (isDeviceSlot(arg.call, arg.index, arg.keyword)) isDevice = true;
      // argparse: add_argument("--device", default="cuda")
      else if (arg.keyword === 'default' && arg.call.method === 'add_argument' && arg.call.args.some((a) => /device/i.test(a.text))) isDevice = true;
      else if (arg.call.qname === 'torch.device') isDevice = true;
    }
    let holder: string | null = null;
    if (p.type === 'assignment' && p.childForFieldName('right')?.id === used.id) holder = ctx.sem.dottedName(p.childForFieldName('left')!);
    if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('value')?.id === used.id) holder = p.childForFieldName('name')?.text ?? null;
    if (holder) {
      // The first places it flows into are enough to show (and to fix); a module-level `device`
      // can have hundreds of uses, and walking them all on every keystroke is not worth it.
      for (const use of ctx.sem.usesOf(holder, p.type === 'assignment' && !holder.includes('.') ? p : undefined, MAX_USES_SCANNED)) {
        const sink: Node | null = deviceSinkOf(ctx.sem, use);
        if (sink) related.push({ range: ctx.sem.rangeOf(use), message: `"${v.kind === 'str' ? v.value : v.prefix + '…'}" is used as a device here` });
        if (related.length >= MAX_RELATED) break;
      }
      const last = holder.slice(holder.lastIndexOf('.') + 1);
      // `device_type = "cuda"` names a device kind for autocast (NRN201's finding), not a placement.
      if (related.length > 0 || (DEVICE_NAME.test(last) && !/device_?type/i.test(last))) isDevice = true;
    }
    if (!isDevice) return;
    // `"cuda" if torch.cuda.is_available() else "cpu"`: on Neuron the other branch runs, and NRN152 reports the check.
    const guarded = guardedByCudaCheck(ctx, str);
    const message = guarded
      ? `CUDA device string ${str.text} sits behind a CUDA check, so on Neuron the other branch runs (the code falls back, usually to the CPU). Choose the Neuron device directly: ${ctx.target === 'native' ? '"neuron"' : '`torch_xla.device()`'}.`
      : deviceMessage(ctx.target, str.text);
    ctx.report(str, { message, severity: guarded ? 'info' : undefined, related, data: { value: v.kind === 'str' ? v.value : v.prefix, fstring: v.kind === 'fstr' } });
  },
};

/** Text-only: `device(` (torch.device) or `device=<integer or name>` (a keyword); `.device` reads are the common case. */
function deviceCallOrKeyword(t: string, end: number): boolean {
  let j = end;
  while (t[j] === ' ' || t[j] === '\t') j++;
  if (t[j] === '=' && t[j + 1] !== '=') {
    do j++;
    while (t[j] === ' ' || t[j] === '\t');
    return /[\w]/.test(t[j] ?? '');
  }
  return t[j] === '(';
}

// A name that could hold an integer device: assigned (or defaulted) an integer literal or `int(…)` somewhere in the file.
// A superset of what `assignmentsOf(name).some(integer)` finds, so a gate built on it drops nothing.
const mayHoldInteger = perTextKey((text, name) => new RegExp(`\\b${name}[ \\t]*(?::[^=\\n]*)?=[ \\t]*(?:\\\\\\r?\\n[ \\t]*)*(?:\\d|int[ \\t]*\\()`).test(text));

/**
 * Text-only: the value at `j` (spaces, line breaks aside) may be an integer device: an integer literal, or a
 * bare name that may hold one. A comment there: cannot tell (true).
 */
function mayBeOrdinalAt(t: string, j: number): boolean {
  while (/\s/.test(t[j] ?? '')) j++;
  const c = t[j] ?? '';
  if (c === '#' || c === '\\') return true;
  if (/\d/.test(c)) return true;
  const m = /[A-Za-z_]\w*/y;
  m.lastIndex = j;
  const name = m.exec(t)?.[0];
  if (!name) return false; // a string, a call in parentheses, a list, a unary minus: not an integer node
  let k = j + name.length;
  while (t[k] === ' ' || t[k] === '\t') k++;
  if (t[k] === '=' && t[k + 1] !== '=') return true; // a keyword argument first (`.to(dtype=…, device=…)`): let the tree tell
  if (t[k] === '.') {
    // `args.local_rank`, `self.gpu`: an attribute chain whose last name is a rank or GPU index.
    const chain = /(?:\.[ \t]*[A-Za-z_]\w*)+/y;
    chain.lastIndex = k;
    const rest = chain.exec(t)?.[0];
    if (!rest) return false;
    let e = k + rest.length;
    while (t[e] === ' ' || t[e] === '\t') e++;
    return /[,)\n\r#]/.test(t[e] ?? '') && ORDINAL_NAME.test(rest.slice(rest.lastIndexOf('.') + 1).trim());
  }
  if (!/[,)\n\r#]/.test(t[k] ?? '')) return false; // a call, subscript or expression
  return mayHoldInteger(t, name) || ORDINAL_NAME.test(name);
}

/** Names that hold a process rank or GPU index (`.to(local_rank)`, `.to(args.gpu)`): integers, so CUDA ordinals. */
const ORDINAL_NAME = /^(?:local_rank|rank|gpu|gpu_id|device_id)$/;

/**
 * A variable that holds a rank or GPU index: named like one (`local_rank`, `rank`, `gpu`, `args.gpu`) with
 * every assignment an integer-valued expression, or any name assigned `int(os.environ["LOCAL_RANK"])`.
 * A name also assigned a device, a string or anything else is left alone.
 */
function ordinalVariable(ctx: RuleContext, n: Node): boolean {
  if (n.type !== 'identifier' && n.type !== 'attribute') return false;
  const name = ctx.sem.dottedName(n);
  if (!name) return false;
  const last = name.slice(name.lastIndexOf('.') + 1);
  const rhs = ctx.sem.assignmentsOf(name, n);
  const rankInt = (r: Node) => r.type === 'call' && r.childForFieldName('function')?.text === 'int' && /RANK/.test(r.text);
  if (rhs.some(rankInt)) return rhs.every((r) => rankInt(r) || r.type === 'integer');
  if (!ORDINAL_NAME.test(last)) return false;
  return rhs.every((r) => {
    // `def train(…, local_rank=None)`: unset means no move at all; any value given is the rank.
    if (r.type === 'integer' || r.type === 'none' || rankInt(r)) return true;
    if (r.type === 'identifier' || r.type === 'attribute') return ORDINAL_NAME.test(r.text.slice(r.text.lastIndexOf('.') + 1));
    if (r.type !== 'call') return false;
    const q = ctx.sem.call(r).qname ?? '';
    return r.childForFieldName('function')?.text === 'int' || /^torch\.distributed\.(?:get_rank|get_local_rank|get_node_local_rank)$/.test(q);
  });
}

/** Gate for NRN103: `.to(<ordinal>)`, `device(…)`, `device=<ordinal>`. */
function ordinalGate(t: string, start: number, end: number, word: string): boolean {
  if (word === 'to') {
    if (!methodCallAt(t, start, end)) return false;
    return mayBeOrdinalAt(t, t.indexOf('(', end) + 1);
  }
  if (!deviceCallOrKeyword(t, end)) return false;
  let j = end;
  while (t[j] === ' ' || t[j] === '\t') j++;
  return t[j] === '(' || mayBeOrdinalAt(t, j + 1);
}

/** Integer device ordinals mean CUDA in torch: `torch.device(0)`, `.to(0)`, `device=0` in torch factories. */
const intDevice: Rule = {
  id: 'NRN103',
  name: 'integer-cuda-ordinal',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: 'An integer device ordinal (`torch.device(0)`, `.to(0)`, `device=0`) that means `cuda:0`',
  message: `A bare integer device means \`cuda:N\` in PyTorch; ${CPU_BUILD} Use \`torch_xla.device()\` (XLA) or "neuron" (native).`,
  why: `PyTorch reads an integer device as a CUDA ordinal (\`torch.device(0)\` is \`cuda:0\`). ${CPU_BUILD}`,
  fix: 'XLA: `device = torch_xla.device()`, then `.to(device)`. Native: `.to("neuron")` (or `torch.device("neuron", index)`).',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-001',
  stackNote: 'The replacement device differs: `torch_xla.device()` on xla, `"neuron"` on native.',
  triggers: ['device', 'to'],
  gate: ordinalGate,
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    if (hit.word === 'device' && !deviceCallOrKeyword(ctx.text, hit.node.endIndex)) return;
    const instead = ctx.target === 'native' ? '"neuron"' : '`torch_xla.device()`';
    const report = (n: Node) => {
      // Cheap filter first: an integer literal, or a name bound to one somewhere.
      if (n.type !== 'integer' && !(n.type === 'identifier' && ctx.sem.assignmentsOf(n.text, n).some((r) => r.type === 'integer'))) {
        if (ordinalVariable(ctx, n)) ctx.report(n, { message: `\`${n.text}\` is a rank or GPU index, and an integer device means \`cuda:<index>\` in PyTorch; ${CPU_BUILD} Use ${instead} instead.` });
        return;
      }
      const v = ctx.sem.constValue(n);
      if (!v || v.kind !== 'num' || !Number.isInteger(v.value) || v.value < 0) return;
      ctx.report(n, { message: `The integer device \`${n.text}\` means \`cuda:${v.value}\` in PyTorch; ${CPU_BUILD} Use ${instead} instead.`, data: { ordinal: v.value } });
    };
    if (hit.word === 'to' && !isMethodCallText(ctx.text, hit.node)) return;
    const call = ctx.sem.callOf(hit.node);
    if (hit.word === 'to') {
      if (!call || call.method !== 'to' || !call.receiver) return;
      const d = call.args[0] ?? call.kwargs.get('device');
      // Cheapest test first: most `.to(…)` calls pass a device object or a dtype, not an integer.
      if (!d || (d.type !== 'integer' && d.type !== 'identifier' && d.type !== 'attribute')) return;
      if (ctx.sem.isUserObject(call.receiver) || ctx.sem.qualifiedName(call.receiver)) return; // a module attribute, not a tensor
      report(d);
      return;
    }
    if (call?.qname === 'torch.device') {
      const d = call.args[0] ?? call.kwargs.get('type');
      // torch.device("cpu", 0) names the type; only a lone integer is an ordinal of the default (CUDA) type.
      if (d && call.args.length === 1) report(d);
      return;
    }
    // `device=0` in a torch factory (torch.zeros(…, device=0)).
    const kw = hit.node.parent;
    if (kw?.type !== 'keyword_argument' || kw.childForFieldName('name')?.id !== hit.node.id) return;
    const callNode = kw.parent?.parent;
    if (callNode?.type !== 'call') return;
    const c = ctx.sem.call(callNode);
    if (!c.qname || !c.qname.startsWith('torch.') || c.qname.startsWith('torch.cuda')) return;
    const v = kw.childForFieldName('value');
    if (v) report(v);
  },
};

const currentDevice: Rule = {
  id: 'NRN104',
  name: 'cuda-current-device',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: '`torch.cuda.current_device()` / `with torch.cuda.device(i)` select a CUDA device',
  message: `\`torch.cuda.current_device()\` and \`torch.cuda.device(i)\` raise "Torch not compiled with CUDA enabled" on Neuron. Use \`torch_xla.device()\` (XLA) or "neuron" (native).`,
  why: `${CPU_BUILD} Both initialise CUDA to answer or switch the current device, and raise.`,
  fix: 'XLA: `device = torch_xla.device()` (one process per NeuronCore; the runtime assigns the core). Native: `torch.accelerator.current_device_index()` / `torch.accelerator.set_device_index(i)`.',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-001',
  stackNote: 'Native: `torch.accelerator.current_device_index()`; xla: `torch_xla.device()`.',
  triggers: ['current_device', 'device'],
  gate: (text, _start, end) => calledAcrossLinesAt(text, end),
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || (call.qname !== 'torch.cuda.current_device' && call.qname !== 'torch.cuda.device')) return;
    const instead = ctx.target === 'native' ? '`torch.accelerator.current_device_index()` / `"neuron"`' : '`torch_xla.device()`';
    const guarded = guardedByCudaCheck(ctx, call.node);
    ctx.report(call.func, {
      message: guarded
        ? `\`${call.func.text}()\` sits behind a CUDA check, so it never runs on Neuron. Select the device with ${instead}.`
        : `\`${call.func.text}()\` raises "Torch not compiled with CUDA enabled" on Neuron. Use ${instead} instead.`,
      severity: guarded ? 'info' : undefined,
    });
  },
};

const CUDA_TENSOR_TYPES = ['FloatTensor', 'DoubleTensor', 'HalfTensor', 'BFloat16Tensor', 'ByteTensor', 'CharTensor', 'ShortTensor', 'IntTensor', 'LongTensor', 'BoolTensor'];
const cudaTensorType: Rule = {
  id: 'NRN105',
  name: 'cuda-tensor-type',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: 'Legacy CUDA tensor types (`torch.cuda.FloatTensor`, `"torch.cuda.LongTensor"`)',
  message: `CUDA tensor types need a CUDA device; ${CPU_BUILD} Create the tensor with a dtype and move it with \`.to(device)\`.`,
  why: `\`torch.cuda.FloatTensor\` and friends (also as strings in \`.type(…)\` / \`set_default_tensor_type\`) allocate on CUDA. ${CPU_BUILD} As an \`isinstance\` target they are always False on Neuron.`,
  fix: 'Use `torch.tensor(data, dtype=torch.float32).to(device)` with `device = torch_xla.device()` (XLA) or `"neuron"` (native); `torch.set_default_dtype(torch.float32)` instead of `set_default_tensor_type`.',
  docs: DOCS.programmingGuide,
  source: 'NRN-PT-001',
  triggers: CUDA_TENSOR_TYPES,
  visit(hit, ctx) {
    if (hit.inString) {
      const str = stringOf(hit.node);
      const v = str && ctx.sem.constValue(str);
      if (!str || !v || v.kind !== 'str' || v.value !== `torch.cuda.${hit.word}`) return;
      ctx.report(str);
      return;
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (q !== `torch.cuda.${hit.word}`) return;
    const chain = chainOf(hit.node);
    const arg = ctx.sem.argumentOf(chain);
    const inIsinstance = arg?.call.func.type === 'identifier' && arg.call.func.text === 'isinstance';
    ctx.report(chain, inIsinstance ? { severity: 'warning', message: `\`isinstance(…, ${chain.text})\` is always False on Neuron (there are no CUDA tensors), so this branch silently never runs.` } : {});
  },
};

const cudaVisibleDevices: Rule = {
  id: 'NRN106',
  name: 'cuda-visible-devices',
  category: 'cuda-device',
  severity: { xla: 'info', native: 'info' },
  title: '`CUDA_VISIBLE_DEVICES` set from Python',
  message: '`CUDA_VISIBLE_DEVICES` has no effect on Neuron. Select NeuronCores with `NEURON_RT_VISIBLE_CORES` (e.g. "0-1").',
  why: 'The Neuron runtime ignores the CUDA environment; which NeuronCores a process uses is set by `NEURON_RT_VISIBLE_CORES` (or `NEURON_RT_NUM_CORES`).',
  fix: 'Set `os.environ["NEURON_RT_VISIBLE_CORES"] = "0"` (a core index, range "0-3" or list) before the runtime starts.',
  docs: RA_DOCS.runtimeConfig,
  triggers: ['CUDA_VISIBLE_DEVICES'],
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = stringOf(hit.node);
    const v = str && ctx.sem.constValue(str);
    if (!str || !v || v.kind !== 'str' || v.value !== 'CUDA_VISIBLE_DEVICES' || !isEnvWrite(ctx, str)) return;
    ctx.report(str, { data: { replacement: 'NEURON_RT_VISIBLE_CORES' } });
  },
};

const AUTO_MAPS = new Set(['auto', 'balanced', 'balanced_low_0', 'sequential']);
const deviceMap: Rule = {
  id: 'NRN107',
  name: 'gpu-device-map',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: '`device_map` that places a Hugging Face model on CUDA GPUs (`"cuda"`, `0`, `"auto"`)',
  message: `\`device_map\` places the model on CUDA GPUs; ${CPU_BUILD} Load without \`device_map\` and move the model with \`.to(device)\`.`,
  why: `Accelerate's \`device_map\` plans placement over CUDA devices. ${CPU_BUILD} \`"cuda"\` / integer maps fail; \`"auto"\` finds no GPU and silently keeps the model on the CPU (or offloads it to disk).`,
  fix: 'Drop `device_map` and call `model.to(device)` with `device = torch_xla.device()` (XLA) or `"neuron"` (native); for inference use Optimum Neuron `NeuronModelFor*` classes.',
  docs: DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-001',
  stackNote: 'The replacement device differs: `torch_xla.device()` on xla, `"neuron"` on native. `"auto"` maps are a warning (silently CPU), explicit CUDA maps an error.',
  triggers: ['device_map'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const kw = hit.node.parent;
    if (kw?.type !== 'keyword_argument' || kw.childForFieldName('name')?.id !== hit.node.id) return;
    const callNode = kw.parent?.parent;
    const value = kw.childForFieldName('value');
    if (callNode?.type !== 'call' || !value) return;
    const call = ctx.sem.call(callNode);
    const hf = call.method === 'from_pretrained' || call.qname === 'transformers.pipeline' || (call.qname ?? '').startsWith('transformers.');
    if (!hf) return;
    const instead = ctx.target === 'native' ? '`.to("neuron")`' : '`.to(torch_xla.device())`';
    // The fix drops the keyword argument: a map built in a variable is the user's to remove.
    const cudaAt = (n: Node) =>
      ctx.report(n, { message: `\`device_map\` ${n.text} places the model on a CUDA GPU; ${CPU_BUILD} Drop \`device_map\` and move the model with ${instead}.`, data: { value: n.text }, fixable: n.startIndex >= value.startIndex && n.endIndex <= value.endIndex });
    // Literal CUDA targets are reported here (a variable holding "cuda" is NRN102's).
    const pairValues = (d: Node) => (d.type === 'dictionary' ? d.namedChildren.filter((p) => p.type === 'pair').map((p) => p.childForFieldName('value')!) : []);
    // `device_map = {"": local_rank}` … `from_pretrained(…, device_map=device_map)` (QLoRA): the map is written there.
    const maps = value.type === 'identifier' ? ctx.sem.assignmentsOf(value.text, value).filter((r) => r.type === 'dictionary') : [];
    const direct = [value, ...pairValues(value), ...maps.flatMap(pairValues)];
    for (const v of direct) {
      if (!v) continue;
      const cv = ctx.sem.constValue(v);
      if (v.type === 'integer' && cv?.kind === 'num') cudaAt(v);
      else if (v.type === 'string' && cv?.kind === 'str' && isCudaDeviceString(cv.value, false)) cudaAt(v);
      // `device_map={"": local_rank}` (QLoRA, TRL): the process's GPU index.
      else if ((v.type === 'identifier' || v.type === 'attribute') && ordinalVariable(ctx, v)) cudaAt(v);
    }
    for (const s of ctx.sem.possibleStrings(value)) {
      if (!AUTO_MAPS.has(s.value)) continue;
      ctx.report(s.node, {
        severity: 'warning',
        message: `\`device_map="${s.value}"\` plans placement over CUDA GPUs; on Neuron it finds none and silently keeps the model on the CPU (or offloads it to disk). Drop \`device_map\` and move the model with ${instead}.`,
        data: { value: s.value },
      });
    }
  },
};

/** The file was written for CUDA (so its checkpoints were most likely saved from CUDA tensors). */
const writtenForCuda = perText((text) => /\bcuda\b/.test(text));
const LOADERS = new Set(['torch.load', 'torch.jit.load']);

const CHECKPOINT_WORDS = /ckpt|checkpoint|resume|weight|state|model|snapshot|\.pth?\b|\.bin\b|\.tar\b/i;
const DATA_WORDS = /data|cache|feature|token|vocab|index|corpus|sample|embedding|label/i;

/**
 * `torch.load` of model state (what a GPU run saves with CUDA tensors), not of a cached dataset object:
 * the result goes into `load_state_dict`, or the path or the name it is assigned to says checkpoint and
 * neither says data (`dataset, _ = torch.load(cache_path)` holds no device tensors).
 */
function loadsCheckpoint(text: string, call: CallInfo): boolean {
  const outer = call.node.parent?.parent;
  if (outer?.type === 'call' && /\.\s*load_state_dict\s*\($/.test(text.slice(outer.startIndex, call.node.startIndex).replace(/\s+$/, ''))) return true;
  const st = call.node.parent?.type === 'assignment' ? call.node.parent : null;
  const target = st?.childForFieldName('left')?.text ?? '';
  const words = `${call.args[0]?.text ?? ''} ${target}`;
  if (DATA_WORDS.test(words)) return false;
  if (CHECKPOINT_WORDS.test(words)) return true;
  const name = /^\w+$/.test(target) ? target : null;
  return !!name && new RegExp(`load_state_dict\\s*\\(\\s*${name}\\b`).test(text);
}

const loadWithoutMapLocation: Rule = {
  id: 'NRN108',
  name: 'load-without-map-location',
  category: 'cuda-device',
  severity: { xla: 'warning', native: 'warning' },
  title: '`torch.load(...)` of a checkpoint without `map_location` in code written for CUDA',
  message:
    '`torch.load` without `map_location` puts every tensor back on the device it was saved from, and a checkpoint saved from CUDA raises on Neuron (the PyTorch wheels are CPU builds). Add `map_location="cpu"` and move the model to the device after loading.',
  why: 'PyTorch documents that `torch.load` deserializes storages on the CPU and then moves them "to the device they were saved from. If this fails (e.g. because the run time system doesn\'t have certain devices), an exception is raised." Neuron PyTorch wheels are CPU builds, so a checkpoint written by a CUDA training run fails to load. Only reported in files that use CUDA (their checkpoints come from GPUs), and for model state: a load that feeds `load_state_dict`, or whose path or name says checkpoint and not data (a cached dataset holds no device tensors).',
  fix: '`torch.load(path, map_location="cpu")`, then `model.load_state_dict(...)` and `model.to(device)` as usual.',
  docs: DOCS.programmingGuide,
  fixable: true,
  triggers: ['load'],
  gate: (text, _start, end) => calledAcrossLinesAt(text, end) && writtenForCuda(text),
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !LOADERS.has(call.qname) || call.hasSplat) return;
    // map_location is the second parameter of both.
    if (call.kwargs.has('map_location') || call.args.length >= 2) return;
    if (call.qname === 'torch.load' && !loadsCheckpoint(ctx.text, call)) return;
    // `torch.save(net.state_dict(), PATH)` earlier in the same program: once ported, it saves what it loads.
    const path = call.args[0] ?? call.kwargs.get('f');
    if (path && /\bsave\s*\(/.test(ctx.text) && fileCalls(ctx, call.node).some((c) => c.qname === 'torch.save' && c.node.endIndex <= call.node.startIndex && (c.args[1] ?? c.kwargs.get('f'))?.text === path.text)) return;
    const guarded = guardedByCudaCheck(ctx, call.node);
    ctx.report(call.func, {
      message: guarded ? `\`${call.func.text}(...)\` without \`map_location\` sits behind a CUDA check, so it never runs on Neuron; the CPU branch needs \`map_location="cpu"\`.` : undefined,
      severity: guarded ? 'info' : undefined,
    });
  },
};

/** What a generator's device resolves to on Neuron: the XLA/accelerator device (raises), the CPU, or unknown. */
function generatorDevice(ctx: RuleContext, arg: Node): 'device' | 'cpu' | 'unknown' {
  const strings = ctx.sem.possibleStrings(arg);
  if (strings.length && strings.every((x) => x.value === 'cpu')) return 'cpu';
  if (strings.some((x) => /^(?:cuda|xla|neuron)(?::\d+)?$/.test(x.value))) return 'device';
  const q = ctx.sem.qualifiedName(arg.type === 'call' ? arg.childForFieldName('function')! : arg) ?? '';
  if (/^torch_xla\.(?:device|core\.xla_model\.xla_device)$/.test(q) || /(?:^|\.)accelerator\.device$/.test(ctx.sem.dottedName(arg) ?? '')) return 'device';
  return 'unknown';
}

const generatorOnDevice: Rule = {
  id: 'NRN109',
  name: 'generator-on-device',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'warning' },
  title: '`torch.Generator(device=…)` on the training device (CUDA or XLA)',
  message:
    '`torch.Generator` supports CPU and CUDA devices only: on Neuron a CUDA generator raises (CPU build) and an XLA one raises "XLA device type not an accelerator" (pytorch/xla#9159). Create the generator on the CPU: `torch.Generator().manual_seed(seed)`.',
  why: 'PyTorch builds generators for CPU and CUDA only; PyTorch/XLA has no `torch.Generator` implementation yet (pytorch/xla#9159, open), so `torch.Generator(device=xla_device)` raises at construction. Sampling APIs that take a generator (diffusers pipelines, `torch.randn(..., generator=g)`) accept a CPU generator.',
  fix: '`generator = torch.Generator().manual_seed(seed)` (CPU), then move the sampled tensors to the device; for device-side randomness seed with `xm.set_rng_state(seed)` / `torch.manual_seed(seed)`.',
  docs: 'https://github.com/pytorch/xla/issues/9159',
  fixable: true,
  stackNote: 'On native TorchNeuron a generator on the `neuron` device is not verified here (warning); a CUDA one raises on both stacks.',
  triggers: ['Generator'],
  gate: (text, _start, end) => calledAcrossLinesAt(text, end),
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== 'torch.Generator' || call.hasSplat) return;
    const arg = call.kwargs.get('device') ?? call.args[0];
    if (!arg) return;
    const where = generatorDevice(ctx, arg);
    if (where === 'cpu') return;
    const guarded = guardedByCudaCheck(ctx, call.node);
    ctx.report(arg, { severity: guarded ? 'info' : where === 'unknown' ? 'warning' : undefined });
  },
};

export const rules: Rule[] = [cudaMethod, cudaDeviceString, intDevice, currentDevice, cudaTensorType, cudaVisibleDevices, deviceMap, loadWithoutMapLocation, generatorOnDevice];
