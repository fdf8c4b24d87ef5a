// mixed-precision: CUDA autocast and GradScaler, fp16 training, deprecated XLA bf16 env vars.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { Target } from '../types';
import { RA_DOCS, assignedName, chainOf, fileTrains, isEnvWrite, qnameAt, stringOf } from './util/ra';

function neuronAutocast(target: Target): string {
  return target === 'native'
    ? '`torch.autocast(device_type="neuron", dtype=torch.bfloat16)`'
    : '`torch.autocast(device_type="xla", dtype=torch.bfloat16)` around the forward pass (with `NEURON_CC_FLAGS="--auto-cast=none"`)';
}

/** The value of the first positional / named argument, or null. */
function argOf(call: { args: Node[]; kwargs: ReadonlyMap<string, Node> }, index: number, name: string): Node | null {
  return call.kwargs.get(name) ?? call.args[index] ?? null;
}

function disabled(ctx: RuleContext, call: { kwargs: ReadonlyMap<string, Node> }): boolean {
  const e = call.kwargs.get('enabled');
  const v = e ? ctx.sem.constValue(e) : null;
  return !!v && v.kind === 'bool' && !v.value;
}

const CUDA_AUTOCAST = new Set(['torch.cuda.amp.autocast', 'torch.cuda.amp.autocast_mode.autocast']);
/**
 * A reference to CUDA autocast (not a call) assigned to a name, directly, as a branch of `a if c else b`, or
 * through `functools.partial(…)`, where that name is called elsewhere in the file. Returns the reference.
 */
function aliasedAutocast(ctx: RuleContext, word: Node): Node | null {
  const p = word.parent;
  const ref = p?.type === 'attribute' && p.childForFieldName('attribute')?.id === word.id ? p : word;
  if (!CUDA_AUTOCAST.has(ctx.sem.qualifiedName(ref) ?? '')) return null;
  let v: Node = ref;
  for (;;) {
    const up = v.parent;
    if (up?.type === 'conditional_expression' || up?.type === 'parenthesized_expression') v = up;
    else if (up?.type === 'argument_list' && up.parent?.type === 'call' && ctx.sem.call(up.parent).qname === 'functools.partial' && up.namedChildren[0]?.id === v.id) v = up.parent;
    else break;
  }
  const name = assignedName(ctx, v);
  if (!name) return null;
  const called = ctx.sem.usesOf(name).some((u) => u.parent?.type === 'call' && u.parent.childForFieldName('function')?.id === u.id);
  return called ? ref : null;
}

const cudaAutocast: Rule = {
  id: 'NRN201',
  name: 'cuda-autocast',
  category: 'mixed-precision',
  severity: { xla: 'warning', native: 'warning' },
  title: 'CUDA autocast (`torch.cuda.amp.autocast`, `torch.autocast("cuda")`)',
  message:
    'CUDA autocast never applies on Neuron (no CUDA device; Neuron tensors are not CUDA tensors), so the model silently runs in fp32. Use `torch.autocast(device_type="xla", dtype=torch.bfloat16)`.',
  why: 'Neuron PyTorch wheels are CPU builds: `torch.autocast("cuda")` and `torch.cuda.amp.autocast()` autocast only CUDA tensors (where CUDA is missing PyTorch warns "User provided device_type of \'cuda\', but CUDA is not available. Disabling"), and XLA/Neuron tensors are not CUDA tensors, so the mixed precision the code asks for never happens (the research table rates it an error; it runs, silently in fp32, hence a warning). Neuron mixed precision is BF16.',
  fix: 'XLA: set `NEURON_CC_FLAGS="--auto-cast=none"` and wrap only the forward pass in `torch.autocast(device_type="xla", dtype=torch.bfloat16)`. Native: `torch.autocast(device_type="neuron", dtype=torch.bfloat16)`.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-006',
  stackNote: 'The autocast device type differs: `"xla"` on xla, `"neuron"` on native.',
  triggers: ['autocast'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    const message = `CUDA autocast never applies on Neuron (no CUDA device; Neuron tensors are not CUDA tensors), so the model silently runs in fp32. Use ${neuronAutocast(ctx.target)}.`;
    if (!call) {
      // `amp_autocast = torch.cuda.amp.autocast` (timm), `autocast = torch.cuda.amp.autocast if fp16 else nullcontext`
      // (llama-recipes), then `with amp_autocast():`: the context manager is chosen where it is named.
      const ref = aliasedAutocast(ctx, hit.node);
      if (ref) ctx.report(ref, { message, fixable: false });
      return;
    }
    if (!call.qname || disabled(ctx, call)) return;
    const deviceType = ctx.target === 'native' ? 'neuron' : 'xla';
    if (call.qname === 'torch.cuda.amp.autocast' || call.qname === 'torch.cuda.amp.autocast_mode.autocast') {
      ctx.report(call.func, { message, data: { replacement: 'torch.autocast', device_type: deviceType, dtype: 'torch.bfloat16' } });
      return;
    }
    if (call.qname !== 'torch.autocast' && call.qname !== 'torch.amp.autocast' && call.qname !== 'torch.amp.autocast_mode.autocast') return;
    const dev = argOf(call, 0, 'device_type');
    if (!dev) return;
    for (const s of ctx.sem.possibleStrings(dev)) {
      if (s.value !== 'cuda') continue;
      ctx.report(s.node, { message, data: { replacement: deviceType, device_type: deviceType, dtype: 'torch.bfloat16' } });
    }
  },
};

const gradScaler: Rule = {
  id: 'NRN202',
  name: 'grad-scaler',
  category: 'mixed-precision',
  severity: { xla: 'warning', native: 'warning' },
  title: 'CUDA `GradScaler` (`torch.cuda.amp.GradScaler()`, `torch.amp.GradScaler("cuda")`)',
  message:
    'The CUDA GradScaler disables itself on Neuron ("CUDA is not available. Disabling"), and BF16, Neuron\'s mixed precision, needs no loss scaling. Remove the scaler and train in BF16.',
  why: 'Neuron mixed precision is BF16, which "typically doesn\'t require loss scaling". Without CUDA the CUDA GradScaler turns itself off, so `scaler.scale(loss)` is a no-op and the code does not do what it appears to.',
  fix: 'Remove the scaler: `loss.backward(); optimizer.step()` instead of `scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()`. Use BF16 (`model.to(torch.bfloat16)` with `NEURON_RT_STOCHASTIC_ROUNDING_EN=1`, or BF16 autocast).',
  docs: RA_DOCS.dataTypes,
  fixable: true,
  source: 'NRN-PT-007',
  triggers: ['GradScaler'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || disabled(ctx, call)) return;
    if (call.qname === 'torch.amp.GradScaler' || call.qname === 'torch.amp.grad_scaler.GradScaler') {
      const dev = argOf(call, 0, 'device');
      // torch.amp.GradScaler() defaults to "cuda"; an explicit non-CUDA device is someone else's business.
      if (dev) {
        const values = ctx.sem.possibleStrings(dev).map((s) => s.value);
        if (!values.includes('cuda')) return;
      }
    } else if (call.qname !== 'torch.cuda.amp.GradScaler' && call.qname !== 'torch.cuda.amp.grad_scaler.GradScaler') return;
    ctx.report(call.func, { data: { variable: assignedName(ctx, call.node) } });
  },
};

/** `torch.float16` / `torch.half` as a dtype value. */
function isFp16(q: string | null): boolean {
  return q === 'torch.float16' || q === 'torch.half';
}

const fp16Training: Rule = {
  id: 'NRN203',
  name: 'fp16-training',
  category: 'mixed-precision',
  severity: { xla: 'warning', native: 'warning' },
  title: 'FP16 training (`.half()`, `.to(torch.float16)`, fp16 autocast) instead of BF16',
  message:
    'FP16 training on Neuron runs without loss scaling (the CUDA GradScaler is off), so small gradients underflow. Train in BF16: `model.to(torch.bfloat16)` or BF16 autocast.',
  why: 'Neuron mixed precision is BF16: it has the FP32 exponent range and needs no loss scaling. FP16 weights or activations in a training script rely on a GradScaler that does not work on Neuron.',
  fix: 'Use `torch.bfloat16` instead of `torch.float16` / `.half()` (`.to(torch.bfloat16)`), with `NEURON_RT_STOCHASTIC_ROUNDING_EN=1`, or BF16 autocast.',
  docs: RA_DOCS.dataTypes,
  fixable: true,
  source: 'NRN-PT-007',
  triggers: ['half', 'float16'],
  visit(hit, ctx) {
    if (hit.inString || !ctx.sem.imports_('torch')) return;
    if (hit.word === 'half') {
      const call = ctx.sem.callOf(hit.node);
      if (call && call.method === 'half' && call.receiver && !call.qname && call.args.length === 0) {
        if (ctx.sem.isUserObject(call.receiver) || !fileTrains(ctx, hit.node)) return;
        // `deepcopy(ema).half()` into a checkpoint (ultralytics): a smaller copy to save, not the model that trains.
        const r = call.receiver.type === 'call' ? ctx.sem.call(call.receiver) : null;
        if (r && (r.qname === 'copy.deepcopy' || r.func.text === 'deepcopy')) return;
        ctx.report({ start: ctx.sem.rangeOf(hit.node).start, end: ctx.sem.rangeOf(call.node).end }, { data: { replacement: 'bfloat16' } });
        return;
      }
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (!isFp16(q)) return;
    const chain = chainOf(hit.node);
    const arg = ctx.sem.argumentOf(chain);
    if (!arg) return;
    const c = arg.call;
    const slot =
      (c.method === 'to' && !c.qname && (arg.index === 0 || arg.keyword === 'dtype')) ||
      (c.qname === 'torch.set_default_dtype' && arg.index === 0) ||
      (c.qname !== null && /^torch\.(?:amp\.)?autocast$/.test(c.qname) && arg.keyword === 'dtype');
    if (!slot || !fileTrains(ctx, hit.node)) return;
    if (c.method === 'to' && c.receiver && ctx.sem.isUserObject(c.receiver)) return;
    ctx.report(chain, { data: { replacement: 'torch.bfloat16' } });
  },
};

const XLA_BF16_VARS = ['XLA_USE_BF16', 'XLA_DOWNCAST_BF16', 'XLA_USE_FP16', 'XLA_DOWNCAST_FP16'];
const xlaBf16Env: Rule = {
  id: 'NRN204',
  requires: [], // environment variables and tool imports matter in any file
  name: 'xla-use-bf16-env',
  category: 'mixed-precision',
  severity: { xla: 'info', native: 'info' },
  title: '`XLA_USE_BF16` / `XLA_DOWNCAST_BF16` environment variables',
  message: '`XLA_USE_BF16` / `XLA_DOWNCAST_BF16` are deprecated (end-of-support warnings). Cast explicitly: `model.to(torch.bfloat16)` with `NEURON_RT_STOCHASTIC_ROUNDING_EN=1`, or BF16 autocast.',
  why: 'Since torch-neuronx 2.5 these PyTorch/XLA variables are deprecated and print end-of-support warnings; on the native stack they do nothing at all.',
  fix: '`model.to(torch.bfloat16)` and `os.environ["NEURON_RT_STOCHASTIC_ROUNDING_EN"] = "1"`, or `torch.autocast(device_type="xla", dtype=torch.bfloat16)`.',
  docs: RA_DOCS.programmingGuide,
  source: 'NRN-PT-029',
  stackNote: 'Deprecated on xla; no effect at all on native (no PyTorch/XLA).',
  triggers: XLA_BF16_VARS,
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = stringOf(hit.node);
    const v = str && ctx.sem.constValue(str);
    if (!str || !v || v.kind !== 'str' || v.value !== hit.word || !isEnvWrite(ctx, str)) return;
    const message =
      ctx.target === 'native'
        ? `\`${v.value}\` has no effect on native TorchNeuron (it is a PyTorch/XLA setting). Cast explicitly with \`model.to(torch.bfloat16)\` or BF16 autocast.`
        : undefined;
    ctx.report(str, { message, data: { variable: v.value } });
  },
};

const bf16Probe: Rule = {
  id: 'NRN205',
  name: 'cuda-bf16-probe',
  category: 'mixed-precision',
  severity: { xla: 'warning', native: 'warning' },
  title: '`torch.cuda.is_bf16_supported()` chooses the precision',
  message: '`torch.cuda.is_bf16_supported()` is False on Neuron (no CUDA), so this code falls back to fp16/fp32 although NeuronCores support BF16 natively. Use BF16 unconditionally.',
  why: 'Neuron PyTorch wheels are CPU builds: the CUDA probe reports no BF16 support, so scripts that pick `bf16 if torch.cuda.is_bf16_supported() else fp16` choose fp16, which needs a loss scaler Neuron does not have.',
  fix: 'Use `torch.bfloat16` directly (BF16 is Neuron\'s mixed-precision type).',
  docs: RA_DOCS.dataTypes,
  source: 'NRN-PT-002',
  triggers: ['is_bf16_supported'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== 'torch.cuda.is_bf16_supported') return;
    ctx.report(call.func);
  },
};

export const rules: Rule[] = [cudaAutocast, gradScaler, fp16Training, xlaBf16Env, bf16Probe];
