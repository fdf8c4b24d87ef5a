// PyTorch Lightning and Fabric: the `Trainer(...)` / `Fabric(...)` arguments that pick CUDA hardware, CUDA
// mixed precision or a CUDA/NCCL distributed strategy. On Neuron, Lightning runs through
// neuronx-distributed's Neuron-PT-Lightning (`NeuronXLAStrategy`, `NeuronXLAPrecisionPlugin`,
// `NeuronLTModule`). One rule per category the argument belongs to; they share the call matching here.
import type { Node } from 'web-tree-sitter';
import type { ReportOptions, Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { NEURON, keywordArgOf, qnameAt, isShadowed } from './util/catb';
import { guardedByCudaCheck } from './util/ra';

const PTL_GUIDE = `${NEURON}libraries/neuronx-distributed/ptl_developer_guide.html`;
const LIGHTNING = ['lightning', 'pytorch_lightning', 'lightning_fabric'];
const NEURON_PTL = '`NeuronXLAStrategy(nxd_config=...)` and `plugins=[NeuronXLAPrecisionPlugin()]` from `neuronx_distributed.lightning`';

/** `lightning.Trainer`, `pytorch_lightning.trainer.Trainer`, `lightning.fabric.Fabric`, `lightning_fabric.Fabric`, … */
const ENTRY = /^(?:lightning(?:\.pytorch|\.fabric)?|pytorch_lightning|lightning_fabric)(?:\.[a-z_.]+)?\.(Trainer|Fabric)$/;

/** The Lightning `Trainer(...)` / `Fabric(...)` call whose keyword argument is named by `node`, with the value. */
function lightningKwarg(ctx: RuleContext, node: Node): { call: CallInfo; kw: Node; value: Node; entry: string } | null {
  const kw = keywordArgOf(node);
  const value = kw?.childForFieldName('value');
  if (!kw || !value) return null;
  let call = ctx.sem.argumentOf(value)?.call;
  // `kwargs = dict(accelerator="gpu", …)` … `Trainer(**kwargs)`: the keywords of the Trainer it is spread into.
  if (call && !call.qname && call.func.type === 'identifier' && call.func.text === 'dict') call = spreadInto(ctx, call.node) ?? undefined;
  const m = call?.qname ? ENTRY.exec(call.qname) : null;
  if (!call || !m) return null;
  const head = call.func.text.split('.')[0];
  if (isShadowed(ctx, head)) return null;
  return { call, kw, value, entry: m[1] };
}

/** The call a `name = dict(…)` is spread into with `**name` (the first one, in the same scope), or null. */
function spreadInto(ctx: RuleContext, dictCall: Node): CallInfo | null {
  const assign = dictCall.parent;
  const left = assign?.type === 'assignment' && assign.childForFieldName('right')?.id === dictCall.id ? assign.childForFieldName('left') : null;
  if (left?.type !== 'identifier') return null;
  for (const use of ctx.sem.usesOf(left.text, assign!, 20)) {
    const splat = use.parent;
    if (splat?.type === 'dictionary_splat' && splat.parent?.type === 'argument_list' && splat.parent.parent?.type === 'call') return ctx.sem.call(splat.parent.parent);
  }
  return null;
}

/** Lightning classes passed as objects instead of strings (`accelerator=CUDAAccelerator()`). */
function lightningClass(ctx: RuleContext, node: Node, names: RegExp): boolean {
  return isLightningName(qnameAt(ctx.sem, node), names) && !!ctx.sem.callOf(node);
}

/** `q` is a name from a Lightning package whose last part matches `names`. */
function isLightningName(q: string | null, names: RegExp): boolean {
  return !!q && LIGHTNING.some((l) => q.startsWith(l + '.')) && names.test(q.slice(q.lastIndexOf('.') + 1));
}

/** A value written away from the call (`acc = "cuda"` … `Trainer(accelerator=acc)`) is reported where it is written, with the argument as related information. */
function usedAt(ctx: RuleContext, v: { node: Node }, k: { kw: Node; entry: string }): ReportOptions | undefined {
  if (v.node.startIndex >= k.kw.startIndex && v.node.endIndex <= k.kw.endIndex) return undefined;
  return { related: [{ range: ctx.sem.rangeOf(k.kw), message: `passed to Lightning's ${k.entry} here` }] };
}

const GUARDED = 'This GPU request depends on a CUDA check (or on `torch.cuda.device_count()`, 0 on Neuron), so on Neuron Lightning trains on the host CPU, not on NeuronCores. Train through Neuron-PT-Lightning instead: ' + NEURON_PTL + '.';

const GPU_ACCELERATORS = new Set(['gpu', 'cuda']);

const accelerator: Rule = {
  id: 'NRN110',
  name: 'lightning-gpu-accelerator',
  category: 'cuda-device',
  severity: { xla: 'error', native: 'error' },
  title: 'Lightning `Trainer` / `Fabric` asked for GPUs (`accelerator="gpu"`, `"cuda"`, `gpus=N`, `CUDAAccelerator()`)',
  message: 'Asked for GPUs, Lightning raises when the Trainer or Fabric is built on Neuron: there is no CUDA device. Train through Neuron-PT-Lightning instead: ' + NEURON_PTL + ', with a `NeuronLTModule`.',
  why: 'Neuron PyTorch builds have no CUDA, so `accelerator="gpu"`/`"cuda"` (and `gpus=N` in Lightning 1.x, or a `CUDAAccelerator` object) fail when the Trainer is built. Neuron supports Lightning through neuronx-distributed: `NeuronLTModule` (manual optimization), `NeuronXLAStrategy`, `NeuronXLAPrecisionPlugin` and `NeuronTQDMProgressBar`.',
  fix: '`from neuronx_distributed.lightning import NeuronXLAStrategy, NeuronXLAPrecisionPlugin`; `Trainer(strategy=NeuronXLAStrategy(nxd_config=nxd_config), plugins=[NeuronXLAPrecisionPlugin()], ...)` without `accelerator`/`gpus`/`devices`.',
  docs: PTL_GUIDE,
  stackNote: 'On either stack there is no CUDA device for Lightning to use; the documented Neuron path is Neuron-PT-Lightning (XLA).',
  requires: LIGHTNING,
  triggers: ['accelerator', 'gpus', 'CUDAAccelerator', 'GPUAccelerator'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'CUDAAccelerator' || hit.word === 'GPUAccelerator') {
      if (!lightningClass(ctx, hit.node, /^(?:CUDA|GPU)Accelerator$/)) return;
      const call = ctx.sem.callOf(hit.node)!.node;
      ctx.report(call, guardedByCudaCheck(ctx, call) ? { severity: 'warning', message: GUARDED } : undefined);
      return;
    }
    const k = lightningKwarg(ctx, hit.node);
    if (!k) return;
    if (hit.word === 'gpus') {
      // `gpus=0` / `gpus=None` ask for no GPU; anything else (a count, a list, "0,1", -1) asks for CUDA.
      const vs = ctx.sem.possibleValues(k.value);
      const none = vs.length > 0 && vs.every((v) => v.kind === 'none' || (v.kind === 'num' && v.value === 0) || (v.kind === 'str' && v.value === ''));
      if (none || k.value.type === 'none') return;
      // `gpus=torch.cuda.device_count()` is 0 on Neuron, and a CUDA-guarded Trainer is never built there: both train on the CPU.
      const cpu = guardedByCudaCheck(ctx, k.kw) || /\bcuda\s*\.\s*device_count\s*\(/.test(k.value.text);
      ctx.report(k.kw, cpu ? { severity: 'warning', message: GUARDED } : undefined);
      return;
    }
    for (const v of ctx.sem.possibleValues(k.value)) {
      if (v.kind !== 'str' || !GPU_ACCELERATORS.has(v.value.toLowerCase())) continue;
      // `"gpu" if torch.cuda.is_available() else "cpu"` does not raise on Neuron: it trains on the host CPU.
      if (guardedByCudaCheck(ctx, v.node)) ctx.report(v.node, { ...usedAt(ctx, v, k), severity: 'warning', message: GUARDED });
      else ctx.report(v.node, usedAt(ctx, v, k));
    }
  },
};

/** fp16 precision flags: `16`, `"16"`, `"16-mixed"` (CUDA AMP) and `"16-true"`. */
const FP16 = /^16(?:-mixed|-true)?$/;

const precision: Rule = {
  id: 'NRN206',
  name: 'lightning-fp16-precision',
  category: 'mixed-precision',
  severity: { xla: 'warning', native: 'warning' },
  title: 'Lightning `precision=16` / `"16-mixed"` (fp16 AMP with a GradScaler) instead of BF16',
  message: 'Lightning\'s fp16 precision is CUDA AMP (`torch.autocast("cuda")` plus a GradScaler), which never applies to Neuron tensors, and Lightning\'s XLA precision plugin rejects "16-mixed". Trainium trains in BF16 without loss scaling: drop `precision=16` and use `plugins=[NeuronXLAPrecisionPlugin()]` (neuronx_distributed.lightning) or `precision="bf16-true"`.',
  why: 'For any accelerator but CPU, Lightning builds `MixedPrecision("16-mixed", device="cuda")`: CUDA autocast and a CUDA GradScaler. Lightning\'s `XLAPrecision` accepts only "32-true", "16-true" and "bf16-true" and raises ValueError otherwise. Neuron\'s native mixed precision is BF16, which needs no loss scaling; fp16 without a scaler underflows small gradients.',
  fix: 'Remove `precision=16` / `"16-mixed"`; with Neuron-PT-Lightning pass `plugins=[NeuronXLAPrecisionPlugin()]`, or use `precision="bf16-true"`.',
  docs: PTL_GUIDE,
  stackNote: 'The same on both stacks: the CUDA autocast Lightning installs for fp16 never applies to Neuron tensors.',
  requires: LIGHTNING,
  triggers: ['precision'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const k = lightningKwarg(ctx, hit.node);
    if (!k) return;
    for (const v of ctx.sem.possibleValues(k.value)) {
      // Behind a CUDA check (`16 if torch.cuda.is_available() else 32`) the other branch is the one that runs.
      if (((v.kind === 'num' && v.value === 16) || (v.kind === 'str' && FP16.test(v.value))) && !guardedByCudaCheck(ctx, v.node)) ctx.report(v.node, usedAt(ctx, v, k));
    }
  },
};

/** DDP / FSDP / DeepSpeed strategies, by registry name (`"ddp"`, `"ddp_spawn"`, `"fsdp"`, `"deepspeed_stage_2"`, …). */
const CUDA_STRATEGY = /^(?:ddp|fsdp|deepspeed|dp$|horovod)/;
const STRATEGY_CLASSES = /^(?:DDP|DDPSpawn|MultiModelDDP|FSDP|DeepSpeed|DataParallel)Strategy$/;

/** `name` is a class defined in this file whose bases include a Lightning DDP/FSDP/DeepSpeed strategy. */
function subclassesCudaStrategy(ctx: RuleContext, name: string): boolean {
  if (!/^\w+$/.test(name)) return false;
  const bases = new RegExp(`^[ \\t]*class[ \\t]+${name}[ \\t]*\\(([^)]*)\\)`, 'm').exec(ctx.text)?.[1];
  if (!bases) return false;
  return bases.split(',').some((b) => {
    const base = b.trim();
    const q = ctx.sem.imports.find((i) => i.local === base.split('.')[0])?.qname;
    const full = q ? q + base.slice(base.split('.')[0].length) : null;
    return isLightningName(full, STRATEGY_CLASSES);
  });
}

const strategy: Rule = {
  id: 'NRN259',
  name: 'lightning-cuda-strategy',
  category: 'distributed',
  severity: { xla: 'error', native: 'off' },
  title: 'Lightning DDP / FSDP / DeepSpeed strategy (`strategy="ddp"`, `DDPStrategy()`) on the XLA stack',
  message: 'Lightning\'s DDP, FSDP and DeepSpeed strategies are built for CUDA devices and NCCL (DeepSpeed is not supported on Neuron). Use `strategy=NeuronXLAStrategy(nxd_config=...)` from `neuronx_distributed.lightning`, which runs data, tensor and pipeline parallelism and ZeRO-1 over the Neuron XLA backend.',
  why: 'The Neuron-PT-Lightning guide builds the Trainer with `NeuronXLAStrategy` (and `NeuronXLAPrecisionPlugin`); Lightning\'s own ddp/fsdp strategies pick NCCL for accelerator devices and CUDA-only sharding, and DeepSpeed needs CUDA kernels.',
  fix: '`strategy=NeuronXLAStrategy(nxd_config=neuronx_distributed.trainer.neuronx_distributed_config(tensor_parallel_size=..., ...))`; launch with `torchrun --nproc_per_node <cores>`.',
  docs: PTL_GUIDE,
  stackNote: 'Off on native TorchNeuron: Lightning there is not covered by the Neuron documentation this rule comes from.',
  requires: LIGHTNING,
  // `accelerator="ddp"` is how Lightning 1.x named the DDP strategy.
  triggers: ['strategy', 'accelerator', 'DDPStrategy', 'DDPSpawnStrategy', 'MultiModelDDPStrategy', 'FSDPStrategy', 'DeepSpeedStrategy', 'DataParallelStrategy'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word !== 'strategy' && hit.word !== 'accelerator') {
      // Behind a CUDA check the strategy is never built on Neuron (NRN152 reports the check).
      if (lightningClass(ctx, hit.node, STRATEGY_CLASSES) && !guardedByCudaCheck(ctx, hit.node)) ctx.report(ctx.sem.callOf(hit.node)!.node);
      return;
    }
    const k = lightningKwarg(ctx, hit.node);
    if (!k) return;
    for (const v of ctx.sem.possibleValues(k.value)) if (v.kind === 'str' && CUDA_STRATEGY.test(v.value) && !guardedByCudaCheck(ctx, v.node)) ctx.report(v.node, usedAt(ctx, v, k));
    // `strategy=MultiModelDDPStrategy()`: a class of this file built on a Lightning DDP/FSDP/DeepSpeed strategy.
    if (hit.word === 'strategy' && k.value.type === 'call' && !guardedByCudaCheck(ctx, k.value) && subclassesCudaStrategy(ctx, ctx.sem.call(k.value).func.text)) ctx.report(k.value);
  },
};

export const rules: Rule[] = [accelerator, precision, strategy];
