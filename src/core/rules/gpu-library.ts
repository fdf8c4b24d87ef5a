// gpu-library: third-party libraries that ship CUDA-only kernels. Imports are reported once per import
// statement, at the module name; optional imports (try/except ImportError) are not reported.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from './api';
import { TORCH_FAMILY } from '../engine';
import { NEURON, OPTN, importStatementOf, keywordArgOf, qnameAt, reportImport, same, stringsOf, truthy, underAvailabilityCheck } from './util/catb';

const NATIVE_OVERVIEW = `${NEURON}frameworks/torch/pytorch-native-overview.html`;

function importRule(o: {
  id: string;
  name: string;
  lib: string;
  modules: string[];
  message: string;
  why: string;
  fix: string;
  docs: string;
  source?: string;
  severity?: Rule['severity'];
  stackNote?: string;
}): Rule {
  return {
    id: o.id,
    name: o.name,
    category: 'gpu-library',
    severity: o.severity ?? { xla: 'error', native: 'error' },
    title: `\`${o.lib}\` is a GPU-only library`,
    message: o.message,
    why: o.why,
    fix: o.fix,
    docs: o.docs,
    ...(o.source ? { source: o.source } : {}),
    ...(o.stackNote ? { stackNote: o.stackNote } : {}),
    triggers: [...new Set(o.modules.map((m) => m.split('.').pop()!))],
    visit(hit, ctx) {
      if (hit.inString) return;
      reportImport(hit.node, ctx, o.modules);
    },
  };
}

const triton: Rule = {
  id: 'NRN551',
  name: 'triton',
  category: 'gpu-library',
  severity: { xla: 'error', native: 'error' },
  title: '`triton` kernels (`import triton`, `torch.library.triton_op`)',
  message: 'Triton targets GPUs and is not available on AWS Trainium/Inferentia. Rewrite the kernel in NKI (`@nki.jit`, registered with `@nki_op` on TorchNeuron) or use plain PyTorch ops.',
  why: '"Triton is primarily catered towards GPUs ... and is not available on AWS Trainium hardware" (torchtitan RFC for NKI alternatives). NKI uses "similar definition and registration patterns as Triton".',
  fix: 'Port the kernel to NKI (`@nki.jit`; on TorchNeuron register it with `@nki_op`), or fall back to PyTorch ops.',
  docs: NATIVE_OVERVIEW,
  source: 'NRN-PT-080',
  triggers: ['triton', 'triton_op', 'wrap_triton'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'triton') {
      reportImport(hit.node, ctx, ['triton']);
      return;
    }
    if (importStatementOf(hit.node)) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (q === 'torch.library.triton_op' || q === 'torch.library.wrap_triton' || q === 'torch._library.triton.triton_op') ctx.report(hit.node);
  },
};

const flashAttn = importRule({
  id: 'NRN552',
  name: 'flash-attn',
  lib: 'flash_attn',
  modules: ['flash_attn', 'flash_attn_2_cuda', 'flash_attn_interface'],
  message: '`flash_attn` ships CUDA binaries and fails to import without CUDA. Use eager or SDPA attention, or Optimum Neuron models with `attn_implementation="flash_attention_2"` (mapped to the NKI flash-attention kernel).',
  why: 'flash-attn is a CUDA extension (`flash_attn_2_cuda`): ImportError / undefined symbol without CUDA. Optimum Neuron training models map `flash_attention_2` to `neuronx_distributed.kernels.flash_attn.nki_flash_attn_func`.',
  fix: 'Use `torch.nn.functional.scaled_dot_product_attention` or eager attention; with Optimum Neuron, `NeuronModelForCausalLM.from_pretrained(..., attn_implementation="flash_attention_2")`.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-081',
});

const FA_IMPLS = new Set(['flash_attention_2', 'flash_attention_3']);

/**
 * The keyword goes to an Optimum Neuron model: the call (or its receiver) is from `optimum.neuron`, or
 * the file uses Optimum Neuron and the call is not a transformers one (`dict(attn_implementation=…)`
 * later splatted into `NeuronModelForCausalLM.from_pretrained(**kw)`).
 */
function isOptimumNeuronCall(ctx: RuleContext, n: Node): boolean {
  const a = ctx.sem.argumentOf(n);
  if (!a) return false;
  const recv = a.call.receiver;
  const rq = recv ? ctx.sem.qualifiedName(recv) : null;
  if (a.call.qname?.startsWith('optimum.neuron') || rq?.startsWith('optimum.neuron')) return true;
  const fromTransformers = !!(a.call.qname?.startsWith('transformers') || rq?.startsWith('transformers'));
  return !fromTransformers && ctx.sem.imports_('optimum.neuron');
}

const flashAttention2: Rule = {
  id: 'NRN553',
  name: 'flash-attention-2-impl',
  category: 'gpu-library',
  severity: { xla: 'error', native: 'error' },
  title: '`attn_implementation="flash_attention_2"` on a stock Hugging Face model',
  message: '`attn_implementation="flash_attention_2"` needs the CUDA `flash_attn` package. Use `"sdpa"` or `"eager"`, or load the model through Optimum Neuron (`optimum.neuron` training models map it to the NKI flash-attention kernel).',
  why: 'Stock transformers models implement `flash_attention_2` with the CUDA-only flash-attn package. Only Optimum Neuron custom training models map it to the NKI kernel `nki_flash_attn_func`.',
  fix: '`attn_implementation="sdpa"` (or `"eager"`); or `from optimum.neuron.models.training import NeuronModelForCausalLM` with `attn_implementation="flash_attention_2"`.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-081',
  requires: TORCH_FAMILY,
  triggers: ['attn_implementation', '_attn_implementation', 'use_flash_attention_2'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const kw = keywordArgOf(hit.node);
    if (kw) {
      const value = kw.childForFieldName('value');
      if (!value || isOptimumNeuronCall(ctx, value)) return;
      if (hit.word === 'use_flash_attention_2') {
        if (truthy(ctx.sem, value) === 'true' && (ctx.sem.imports_('transformers') || ctx.sem.imports_('diffusers'))) ctx.report(kw);
        return;
      }
      for (const s of stringsOf(ctx.sem, value)) if (FA_IMPLS.has(s.value) && !underAvailabilityCheck(s.node)) ctx.report(s.node, { data: { replacement: 'sdpa' } });
      return;
    }
    // model.config._attn_implementation = "flash_attention_2"
    const attr = hit.node.parent;
    const asg = attr?.parent;
    if (attr?.type === 'attribute' && asg?.type === 'assignment' && same(asg.childForFieldName('left'), attr)) {
      if (!ctx.sem.imports_('transformers')) return;
      for (const s of stringsOf(ctx.sem, asg.childForFieldName('right') ?? undefined)) if (FA_IMPLS.has(s.value) && !underAvailabilityCheck(s.node)) ctx.report(s.node, { data: { replacement: 'sdpa' } });
    }
  },
};

const bitsandbytes = importRule({
  id: 'NRN554',
  name: 'bitsandbytes',
  lib: 'bitsandbytes',
  modules: ['bitsandbytes'],
  message: 'bitsandbytes quantization and 8-bit optimizers are GPU-only. Train in BF16 with `optim="adamw_torch"` and ZeRO-1 (`NeuronTrainingArguments(zero_1=True)`); use LoRA through `optimum.neuron.peft`.',
  why: 'bitsandbytes kernels are CUDA-only ("this method is only compatible with GPUs"); NeuronTrainer builds only `adamw_torch` or `sgd` optimizers.',
  fix: 'Drop bitsandbytes: BF16 weights, `torch.optim.AdamW`, ZeRO-1 sharding of optimizer states; LoRA adapters via `optimum.neuron.peft`.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-082',
});

const BNB_CONFIG = new Set(['transformers.BitsAndBytesConfig', 'transformers.utils.quantization_config.BitsAndBytesConfig', 'diffusers.BitsAndBytesConfig']);

const bnbQuantization: Rule = {
  id: 'NRN555',
  name: 'bitsandbytes-quantization',
  category: 'gpu-library',
  severity: { xla: 'error', native: 'error' },
  title: '`BitsAndBytesConfig` / `load_in_8bit` / `load_in_4bit` quantized loading',
  message: 'bitsandbytes 8-bit/4-bit loading is GPU-only ("only compatible with GPUs"). Load the model in BF16 instead (`torch_dtype=torch.bfloat16`); for memory, shard it with tensor parallelism (Optimum Neuron).',
  why: 'Hugging Face quantized loading with bitsandbytes needs CUDA kernels.',
  fix: 'Remove `quantization_config` / `load_in_8bit` / `load_in_4bit`; load in BF16 and use tensor parallelism or a Neuron-compiled model.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-082',
  triggers: ['BitsAndBytesConfig', 'load_in_8bit', 'load_in_4bit'],
  visit(hit, ctx) {
    if (hit.inString || importStatementOf(hit.node)) return;
    if (hit.word === 'BitsAndBytesConfig') {
      const call = ctx.sem.callOf(hit.node);
      if (call?.qname && BNB_CONFIG.has(call.qname)) ctx.report(hit.node);
      return;
    }
    const kw = keywordArgOf(hit.node);
    if (!kw) return;
    const value = kw.childForFieldName('value');
    if (truthy(ctx.sem, value) !== 'true') return;
    const owner = value ? ctx.sem.argumentOf(value)?.call : null;
    if (owner?.qname && BNB_CONFIG.has(owner.qname)) return; // the BitsAndBytesConfig finding covers it
    if (!(ctx.sem.imports_('transformers') || ctx.sem.imports_('diffusers') || ctx.sem.imports_('peft'))) return;
    ctx.report(kw);
  },
};

const xformers: Rule = {
  id: 'NRN556',
  name: 'xformers',
  category: 'gpu-library',
  severity: { xla: 'error', native: 'error' },
  title: '`xformers` memory-efficient attention',
  message: "xformers' memory-efficient attention is only available for GPU. Remove it; use SDPA or eager attention, or Optimum Neuron's compiled diffusers pipelines.",
  why: 'xformers raises "xformers\' memory efficient attention is only available for GPU" when CUDA is not available.',
  fix: 'Delete `enable_xformers_memory_efficient_attention()`; use `torch.nn.functional.scaled_dot_product_attention`, or `NeuronStableDiffusionPipeline` and friends from `optimum.neuron`.',
  docs: `${OPTN}model_doc/diffusers/stable_diffusion`,
  source: 'NRN-PT-083',
  triggers: ['xformers', 'enable_xformers_memory_efficient_attention'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'xformers') {
      reportImport(hit.node, ctx, ['xformers']);
      return;
    }
    const call = ctx.sem.callOf(hit.node);
    if (!call || call.method !== 'enable_xformers_memory_efficient_attention' || !call.receiver) return;
    if (ctx.sem.isUserObject(call.receiver)) return;
    ctx.report(hit.node, { data: { remove: true } });
  },
};

const apex = importRule({
  id: 'NRN557',
  name: 'apex',
  lib: 'apex',
  modules: ['apex'],
  message: 'NVIDIA Apex (`apex.amp`, `FusedAdam`, `FusedLayerNorm`, `apex.parallel`) is built from CUDA fused kernels. Use `torch.optim.AdamW`, `torch.nn.LayerNorm`, BF16 autocast and `neuronx_distributed` parallel layers.',
  why: 'Apex fused optimizers and normalization layers are CUDA kernels. NxD Training ships only a slim CPU build of Apex so that NeMo imports do not break.',
  fix: '`torch.optim.AdamW` (the NKI library has a `fused_adam` kernel), `torch.nn.LayerNorm`, `torch.autocast` with bf16, `neuronx_distributed` parallel layers.',
  docs: `${NEURON}archive/nxd-training/installation_guide.html`,
  source: 'NRN-PT-084',
});

const deepspeed = importRule({
  id: 'NRN558',
  name: 'deepspeed',
  lib: 'deepspeed',
  modules: ['deepspeed'],
  message: 'DeepSpeed is not supported by Optimum Neuron ("Deepspeed plugin is not supported in optimum-neuron"). Use the built-in ZeRO-1 (`NeuronTrainingArguments(zero_1=True)`) and `tensor_parallel_size` / `pipeline_parallel_size`.',
  why: '`NeuronAccelerator` raises `NotImplementedError` for DeepSpeed plugins and `NeuronTrainingArguments` has no `deepspeed` field; Neuron model parallelism comes from neuronx-distributed.',
  fix: 'ZeRO-1 optimizer-state sharding (`zero_1=True`, the default) plus tensor/pipeline parallelism through Optimum Neuron / neuronx-distributed.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-085',
  severity: { xla: 'error', native: 'off' },
  stackNote: 'The documented failure is Optimum Neuron on the XLA stack; DeepSpeed on TorchNeuron is not documented either way (it supports DDP/FSDP natively), so the rule is off on native.',
});

const cupy = importRule({
  id: 'NRN559',
  name: 'cupy',
  lib: 'cupy',
  modules: ['cupy', 'cupyx'],
  message: 'CuPy runs only on NVIDIA (CUDA) or AMD (ROCm) GPUs. Use NumPy on the host or PyTorch/JAX ops on the Neuron device (NKI for custom kernels).',
  why: 'CuPy is a NumPy-compatible array library implemented on CUDA/ROCm; it cannot allocate on NeuronCores.',
  fix: 'NumPy for host arrays, torch/jax ops for device work, NKI for custom kernels.',
  docs: NATIVE_OVERVIEW,
});

const ligerKernel: Rule = {
  id: 'NRN560',
  name: 'liger-kernel',
  category: 'gpu-library',
  severity: { xla: 'error', native: 'error' },
  title: 'Liger kernels (`liger_kernel`, `use_liger_kernel=True`)',
  message: 'Liger kernels are Triton GPU kernels; NeuronTrainer raises "Liger kernel is not supported in NeuronTrainer." Remove them.',
  why: 'Liger Kernel is a set of Triton kernels (GPU-only). Optimum Neuron rejects `use_liger_kernel=True` with a RuntimeError.',
  fix: 'Remove the `liger_kernel` patches and `use_liger_kernel=True`.',
  docs: `${OPTN}quickstart`,
  source: 'NRN-PT-087',
  triggers: ['liger_kernel', 'use_liger_kernel'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'liger_kernel') {
      reportImport(hit.node, ctx, ['liger_kernel']);
      return;
    }
    const kw = keywordArgOf(hit.node);
    if (!kw || truthy(ctx.sem, kw.childForFieldName('value')) !== 'true') return;
    if (!(ctx.sem.imports_('transformers') || ctx.sem.imports_('trl') || ctx.sem.imports_('optimum'))) return;
    ctx.report(kw, { data: { remove: true } });
  },
};

export const rules: Rule[] = [triton, flashAttn, flashAttention2, bitsandbytes, bnbQuantization, xformers, apex, deepspeed, cupy, ligerKernel];
