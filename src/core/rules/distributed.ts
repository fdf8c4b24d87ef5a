// distributed: NCCL/gloo backends, DDP/FSDP wrappers on the XLA stack, missing gradient all-reduce,
// removed `xm` world-size APIs, DataParallel, per-rank seeds.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import type { CallInfo } from '../semantic/semantic';
import { RA_DOCS, assignedName, fileCalls, fileHasCall, guardedByCudaCheck, same, someNode, stringOf, unparen, usesXla } from './util/ra';
import { outerValue } from './util/device';

const PG_CALLS = new Set(['torch.distributed.init_process_group', 'torch.distributed.new_group', 'torch.distributed.distributed_c10d.init_process_group']);

/** Where a backend string flows: `init_process_group(backend=…)` / positional 0 / `ddp_backend=`, directly or through a variable. */
function backendSink(ctx: RuleContext, str: Node): CallInfo | null {
  const used = outerValue(str);
  const direct = ctx.sem.argumentOf(used);
  const isSink = (a: { call: CallInfo; index: number | null; keyword: string | null }) =>
    (a.call.qname !== null && PG_CALLS.has(a.call.qname) && (a.keyword === 'backend' || (a.index === 0 && a.call.qname.endsWith('init_process_group')))) ||
    (a.keyword === 'ddp_backend' && /(?:TrainingArguments|Config)$/.test(a.call.qname ?? ''));
  // argparse: add_argument("--dist-backend", default="nccl"), later init_process_group(backend=args.dist_backend).
  if (direct?.keyword === 'default' && direct.call.method === 'add_argument' && direct.call.args.some((a) => a.type === 'string' && /backend/i.test(a.text))) return direct.call;
  if (direct) return isSink(direct) ? direct.call : null;
  const p = used.parent;
  if (p?.type === 'assignment' && p.childForFieldName('right')?.id === used.id) {
    const left = p.childForFieldName('left');
    const name = left ? ctx.sem.dottedName(left) : null;
    if (!name) return null;
    for (const u of ctx.sem.usesOf(name, name.includes('.') ? undefined : p)) {
      const a = ctx.sem.argumentOf(outerValue(u));
      if (a && isSink(a)) return a.call;
    }
  }
  return null;
}

const nccl: Rule = {
  id: 'NRN251',
  name: 'nccl-backend',
  category: 'distributed',
  severity: { xla: 'error', native: 'error' },
  title: 'NCCL process-group backend (`init_process_group(backend="nccl")`)',
  message:
    'NCCL is CUDA-only and is not built into the Neuron PyTorch wheels. Use the XLA backend: `import torch_xla.distributed.xla_backend` and `init_process_group("xla")`.',
  why: 'NCCL needs NVIDIA GPUs; the Neuron collective backend is registered by `torch_xla.distributed.xla_backend` (XLA stack) or is the native `neuron` backend of TorchNeuron.',
  fix: 'XLA: `import torch_xla.distributed.xla_backend` then `torch.distributed.init_process_group("xla")`. Native: `init_process_group(backend="neuron")` (torch.distributed works natively through the neuron backend).',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-008',
  stackNote: 'Replacement backend: `"xla"` (plus `import torch_xla.distributed.xla_backend`) on xla, `"neuron"` on native.',
  triggers: ['nccl'],
  visit(hit, ctx) {
    if (!hit.inString) return;
    const str = stringOf(hit.node);
    if (!str) return;
    const v = ctx.sem.constValue(str);
    if (!v || v.kind !== 'str' || !/^(?:nccl|(?:[a-z]+:[a-z]+,)*cuda:nccl(?:,[a-z]+:[a-z]+)*)$/.test(v.value)) return;
    const call = backendSink(ctx, str);
    if (!call) return;
    const native = ctx.target === 'native';
    const data = { replacement: native ? 'neuron' : 'xla', import: native ? null : 'torch_xla.distributed.xla_backend' };
    // `backend="nccl" if dist.is_nccl_available() else "gloo"` (ultralytics): without NCCL the other backend is used.
    if (str.parent?.type === 'conditional_expression' && same(str.parent.namedChildren[0], str) && /\bis_nccl_available\s*\(/.test(str.parent.namedChildren[1]?.text ?? '')) {
      ctx.report(str, { severity: 'info', message: `"nccl" is chosen only when \`is_nccl_available()\`, which is False on Neuron, so the other backend is used. For Neuron use the ${native ? '`neuron`' : '`xla`'} backend.`, data });
      return;
    }
    if (guardedByCudaCheck(ctx, call.node)) {
      // yolov5: `if device.type != "cpu" and torch.cuda.device_count() > 1: dist.init_process_group(backend="nccl")`.
      ctx.report(str, { severity: 'info', message: `This NCCL process group sits behind a CUDA check, so it never starts on Neuron, and the run has no process group. Initialize one with the ${native ? '`neuron`' : '`xla`'} backend where Neuron runs.`, data });
      return;
    }
    const message = native
      ? 'NCCL is CUDA-only and is not available on Neuron. Use `backend="neuron"`: torch.distributed works natively through the neuron backend.'
      : undefined;
    ctx.report(str, { message, data });
  },
};

const gloo: Rule = {
  id: 'NRN252',
  name: 'gloo-backend-xla',
  category: 'distributed',
  severity: { xla: 'warning', native: 'off' },
  title: '`gloo` process-group backend in a PyTorch/XLA script',
  message: '`gloo` runs collectives on CPU tensors only; collectives on XLA tensors need the XLA backend (`import torch_xla.distributed.xla_backend`; `init_process_group("xla")`).',
  why: 'On the XLA stack the device collectives are provided by `torch_xla.distributed.xla_backend`. A `gloo` group cannot reduce XLA tensors; keep it only for CPU-side coordination.',
  fix: '`import torch_xla.distributed.xla_backend` and `torch.distributed.init_process_group("xla")`; create an extra gloo group with `new_group(backend="gloo")` only for CPU objects.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-008',
  stackNote: 'Only reported on xla, in files that import torch_xla (gloo for CPU tensors is legitimate elsewhere).',
  triggers: ['gloo'],
  visit(hit, ctx) {
    if (!hit.inString || !usesXla(ctx)) return;
    const str = stringOf(hit.node);
    const v = str && ctx.sem.constValue(str);
    if (!str || !v || v.kind !== 'str' || v.value !== 'gloo') return;
    const call = backendSink(ctx, str);
    if (!call || !call.qname?.endsWith('init_process_group')) return;
    ctx.report(str, { data: { replacement: 'xla' } });
  },
};

const DDP = new Set(['torch.nn.parallel.DistributedDataParallel', 'torch.nn.parallel.distributed.DistributedDataParallel', 'torch.nn.DistributedDataParallel']);
const ddpOnXla: Rule = {
  id: 'NRN253',
  name: 'ddp-wrapper-xla',
  category: 'distributed',
  severity: { xla: 'warning', native: 'off' },
  title: '`DistributedDataParallel` wrapper on the PyTorch/XLA stack',
  message:
    'DDP on the XLA stack is experimental (Neuron\'s DDP tutorial, over the `xla` process-group backend); the usual Neuron conversion removes the wrapper: reduce gradients with `xm.optimizer_step(optimizer)` and feed data with `pl.MpDeviceLoader`, launched by `torchrun --nproc_per_node=<cores>`.',
  why: 'The Neuron conversion of DDP scripts drops `DistributedDataParallel` and uses XLA collectives (`xm.optimizer_step` all-reduces gradients); PyTorch/XLA support for DDP over the `xla` backend is documented as experimental. DDP\'s `device_ids` are CUDA indices: with the module on the XLA device, DDP rejects them (ValueError). Without `device_ids` the finding is a hint (info). Native TorchNeuron supports DDP as-is.',
  fix: 'Remove `DDP(model, …)`; use `xm.optimizer_step(optimizer)` (or `xm.reduce_gradients`), `pl.MpDeviceLoader`, the `xla` process-group backend, and `torchrun --nproc_per_node=<cores>`.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-025',
  stackNote: 'Native TorchNeuron supports DDP unchanged, so the rule is off there.',
  triggers: ['DistributedDataParallel'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !DDP.has(call.qname)) return;
    if (guardedByCudaCheck(ctx, call.node)) {
      ctx.report(call.func, { severity: 'info', message: 'This DDP wrapper sits behind a CUDA check, so it never runs on Neuron; on the XLA stack gradients are reduced by `xm.optimizer_step(optimizer)` instead.' });
      return;
    }
    const ids = call.kwargs.get('device_ids') ?? call.args[1];
    const gpuIds = !!ids && ids.type !== 'none';
    if (gpuIds) {
      ctx.report(call.func, { message: 'DDP\'s `device_ids` are CUDA device indices: with the model on the XLA device DDP raises ValueError. Remove the wrapper and reduce gradients with `xm.optimizer_step(optimizer)` (the usual Neuron conversion), or keep DDP without `device_ids` over the `xla` backend (experimental).' });
    } else {
      // Without device_ids DDP runs over the xla backend (Neuron's DDP tutorial, pytorch/xla's DDP example): a hint.
      ctx.report(call.func, { severity: 'info' });
    }
  },
};

const fsdpOnXla: Rule = {
  id: 'NRN254',
  name: 'fsdp-wrapper-xla',
  category: 'distributed',
  severity: { xla: 'error', native: 'off' },
  title: 'PyTorch FSDP (`FullyShardedDataParallel`, `fully_shard`) on the PyTorch/XLA stack',
  message:
    'PyTorch FSDP is not supported on the Neuron XLA stack (Optimum Neuron raises "FSDP plugin is not supported"). Use ZeRO-1 and tensor/pipeline parallelism (neuronx-distributed / `NeuronTrainingArguments(zero_1=True, tensor_parallel_size=…)`).',
  why: 'On torch-neuronx ≤ 2.9 sharded data parallelism comes from neuronx-distributed (ZeRO-1, tensor and pipeline parallel), not from `torch.distributed.fsdp`. TorchNeuron (native) supports FSDPv1/FSDPv2 in eager mode and SimpleFSDP with torch.compile.',
  fix: 'XLA: `NeuronTrainingArguments(zero_1=True, tensor_parallel_size=N)` with Optimum Neuron, or neuronx-distributed parallel layers. Native: keep FSDP (use SimpleFSDP for compiled code).',
  docs: RA_DOCS.nativeOverview,
  source: 'NRN-PT-086',
  stackNote: 'Native TorchNeuron supports FSDP (SimpleFSDP under torch.compile), so the rule is off there.',
  triggers: ['FullyShardedDataParallel', 'fully_shard'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !/^torch\.distributed\.(?:fsdp|_composable)\b/.test(call.qname)) return;
    ctx.report(call.func);
  },
};

/** Anything in the file that reduces gradients across workers (or delegates it to a wrapper that does). */
function reducesGradients(ctx: RuleContext, node: Node): boolean {
  return fileHasCall(ctx, node, 'gradReduce', (c) => {
    const q = c.qname ?? '';
    if (/\.(?:optimizer_step|reduce_gradients)$/.test(q) && q.startsWith('torch_xla')) return true;
    if (/^torch_xla\.core\.xla_model\.all_reduce$/.test(q) || q === 'torch.distributed.all_reduce') return true;
    if (DDP.has(q) || /ZeroRedundancyOptimizer$|NeuronZero1Optimizer$/.test(q)) return true;
    if (/^(?:accelerate|optimum\.neuron)\./.test(q)) return true;
    return c.method === 'prepare' || c.method === 'optimizer_step';
  });
}

function multiWorker(ctx: RuleContext, node: Node): boolean {
  return fileHasCall(ctx, node, 'multiWorker', (c) => {
    const q = c.qname ?? '';
    return (
      q === 'torch.distributed.init_process_group' ||
      /^torch_xla\.distributed\.xla_multiprocessing\.spawn$/.test(q) ||
      /^torch_xla\.runtime\.(?:world_size|global_ordinal)$/.test(q) ||
      /^torch_xla\.core\.xla_model\.(?:xrt_world_size|get_ordinal)$/.test(q)
    );
  });
}

const OPTIMIZER_NAME = /optim|^opt$|^opt_|_opt$/i;
const missingAllReduce: Rule = {
  id: 'NRN255',
  name: 'missing-gradient-all-reduce',
  category: 'distributed',
  severity: { xla: 'error', native: 'off' },
  title: 'Multi-worker XLA training with `optimizer.step()` and no gradient all-reduce',
  message:
    'This multi-worker XLA script steps the optimizer without reducing gradients, so the replicas silently diverge. Use `xm.optimizer_step(optimizer)` (it all-reduces the gradients, then steps).',
  why: 'On the XLA stack without a DDP wrapper nothing averages gradients across workers: each replica trains on its own shard and the models drift apart, silently.',
  fix: '`xm.optimizer_step(optimizer)`, or `xm.reduce_gradients(optimizer); optimizer.step()`, then `optimizer.zero_grad()` and `torch_xla.sync()`.',
  docs: RA_DOCS.programmingGuide,
  fixable: true,
  source: 'NRN-PT-024',
  stackNote: 'On native TorchNeuron DDP and the standard torch.distributed handle gradient reduction, so the rule is off there.',
  triggers: ['step'],
  requires: ['torch_xla'], // only files that import torch_xla: the engine does not even look up the other hits
  visit(hit, ctx) {
    if (hit.inString || !usesXla(ctx)) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'step' || !call.receiver || call.args.length || call.qname || ctx.sem.isUserObject(call.receiver)) return;
    const recv = ctx.sem.dottedName(unparen(call.receiver));
    if (!recv) return;
    const last = recv.slice(recv.lastIndexOf('.') + 1);
    const fromTorchOptim = ctx.sem.assignmentsOf(recv, call.node).some((r) => r.type === 'call' && /^torch\.optim\.(?!lr_scheduler)/.test(ctx.sem.call(r).qname ?? ''));
    if (!fromTorchOptim && !OPTIMIZER_NAME.test(last)) return;
    if (/sched/i.test(last)) return;
    const loop = ctx.sem.loopOf(call.node);
    if (!loop || loop.kind !== 'train') return;
    if (!multiWorker(ctx, call.node) || reducesGradients(ctx, call.node)) return;
    ctx.report(call.node, { data: { replacement: `xm.optimizer_step(${recv})`, optimizer: recv } });
  },
};

const REMOVED: Record<string, string> = {
  xrt_world_size: 'torch_xla.runtime.world_size',
  get_ordinal: 'torch_xla.runtime.global_ordinal',
  get_local_ordinal: 'torch_xla.runtime.local_ordinal',
};
const removedXmApis: Rule = {
  id: 'NRN256',
  name: 'removed-xm-world-size-api',
  category: 'distributed',
  severity: { xla: 'error', native: 'off' },
  title: 'Removed `xm.xrt_world_size()` / `xm.get_ordinal()` / `xm.get_local_ordinal()`',
  message: 'These `xla_model` APIs were removed in torch-xla 2.7 (AttributeError). Use `torch_xla.runtime.world_size()`, `xr.global_ordinal()`, `xr.local_ordinal()`.',
  why: 'torch-xla 2.7+ (torch-neuronx 2.7–2.9) removed the XRT-era helpers: calling them raises AttributeError "does not have the attribute \'xrt_world_size\'". For Hugging Face, use transformers ≥ 4.53 and accelerate ≥ 1.7.',
  fix: '`import torch_xla.runtime as xr`; `xr.world_size()`, `xr.global_ordinal()`, `xr.local_ordinal()`.',
  docs: RA_DOCS.pytorch29,
  fixable: true,
  source: 'NRN-PT-027',
  stackNote: 'On native the whole torch_xla API is gone (see NRN306).',
  triggers: Object.keys(REMOVED),
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.qname !== `torch_xla.core.xla_model.${hit.word}`) return;
    const repl = REMOVED[hit.word];
    ctx.report(call.func, { message: `\`xm.${hit.word}()\` was removed in torch-xla 2.7 (AttributeError). Use \`${repl.replace('torch_xla.runtime', 'xr')}()\` (\`import torch_xla.runtime as xr\`).`, data: { replacement: repl } });
  },
};

const dataParallel: Rule = {
  id: 'NRN257',
  name: 'data-parallel',
  category: 'distributed',
  severity: { xla: 'warning', native: 'warning' },
  title: '`torch.nn.DataParallel` (single-process multi-GPU)',
  message: '`nn.DataParallel` only replicates across CUDA devices; on Neuron it silently does nothing and the model runs on one device. Run one process per NeuronCore with `torchrun --nproc_per_node=<cores>` instead.',
  why: 'With no CUDA device `DataParallel` finds no device ids and just calls the wrapped module. Neuron data parallelism is one process per NeuronCore (the DDP conversion in the Neuron guide).',
  fix: 'Remove the wrapper and launch with `torchrun --nproc_per_node=<cores>`. XLA: `xm.optimizer_step(optimizer)` and `pl.MpDeviceLoader`. Native: `DistributedDataParallel`.',
  docs: RA_DOCS.programmingGuide,
  source: 'NRN-PT-025',
  stackNote: 'XLA: per-core processes with `xm.optimizer_step`; native: DDP.',
  triggers: ['DataParallel'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !/^torch\.nn\.(?:parallel\.(?:data_parallel\.)?)?DataParallel$/.test(call.qname)) return;
    if (guardedByCudaCheck(ctx, call.node)) {
      ctx.report(call.func, { severity: 'info', message: '`nn.DataParallel` sits behind a CUDA check, so it never runs on Neuron (the other branch does). For Neuron data parallelism run one process per NeuronCore with `torchrun --nproc_per_node=<cores>`.' });
      return;
    }
    ctx.report(call.func);
  },
};

const NEW_HEAD = /For(?:Sequence|Token|Multiple|Question|Image|Audio|Object|Semantic|Instance|Universal|Video|ZeroShot|Depth|Keypoint|Mask|Ctc|CTC|XVector)\w*\.from_pretrained$/;
const RANK_NAME = /(?:^|_)(?:rank|ordinal)(?:$|_)|^local_rank$/i;
const RANK_CALL = /^(?:torch\.distributed\.get_rank|torch_xla\.runtime\.(?:global_ordinal|local_ordinal)|torch_xla\.core\.xla_model\.(?:get_ordinal|get_local_ordinal))$/;
const rankSeed: Rule = {
  id: 'NRN258',
  name: 'per-rank-seed-before-model',
  category: 'distributed',
  severity: { xla: 'info', native: 'off' },
  title: 'Workers seeded differently (`torch.manual_seed(seed + rank)`) before the model is built',
  message: 'Each worker seeds with its rank before the model is created, so replicas start from different weights; on the XLA stack "all workers need to have the same initial parameter states". Seed with the same value everywhere (e.g. `set_seed(seed)`).',
  why: 'Without a DDP wrapper to broadcast the initial parameters, XLA data-parallel workers must build identical models, which needs the same seed on every worker.',
  fix: 'Call `torch.manual_seed(seed)` (or HF `set_seed(seed)`) with the same seed on every worker before building the model; seed data augmentation per rank after the model exists.',
  docs: RA_DOCS.programmingGuide,
  source: 'NRN-PT-039',
  stackNote: 'Native DDP broadcasts the initial parameters from rank 0, so the rule is off there.',
  triggers: ['manual_seed', 'set_seed'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !call.qname || !/^(?:torch\.manual_seed|transformers\.set_seed|transformers\.trainer_utils\.set_seed|accelerate\.utils\.set_seed)$/.test(call.qname)) return;
    const arg = call.args[0];
    if (!arg) return;
    const byRank = someNode(arg, (n) => {
      if (n.type === 'identifier' && RANK_NAME.test(n.text)) return true;
      if (n.type === 'attribute' && RANK_NAME.test(n.childForFieldName('attribute')?.text ?? '')) return true;
      return n.type === 'call' && RANK_CALL.test(ctx.sem.call(n).qname ?? '');
    });
    if (!byRank) return;
    // Only when a model is built after the seed in the file (seeding augmentation per rank later is fine).
    const after = fileCalls(ctx, call.node).some((c) => {
      if (c.node.startIndex <= call.node.endIndex) return false;
      const q = c.qname ?? '';
      if (/^torch\.nn\.(?!functional|utils|parallel|init)/.test(q) || q.endsWith('.from_config')) return true;
      // Pretrained weights are the same on every rank (diffusers' UNet, a causal LM); only a task head the
      // checkpoint lacks (`…ForSequenceClassification`, `num_labels=`) is initialised from the seed.
      return q.endsWith('.from_pretrained') && (NEW_HEAD.test(q) || c.kwargs.has('num_labels'));
    });
    if (!after) return;
    ctx.report(arg, { data: { variable: assignedName(ctx, call.node) } });
  },
};

export const rules: Rule[] = [nccl, gloo, ddpOnXla, fsdpOnXla, missingAllReduce, removedXmApis, dataParallel, rankSeed];
