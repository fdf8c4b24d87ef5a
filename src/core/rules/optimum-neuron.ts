// optimum-neuron: Hugging Face transformers / trl / accelerate / diffusers / peft / sentence-transformers
// usage with an Optimum Neuron replacement (optimum-neuron 0.4.x, XLA stack). On native TorchNeuron,
// Hugging Face libraries "run natively ... no Neuron-specific compatibility layer is needed", so these
// rules are off there (NRN-HF-019).
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext, RuleMeta } from './api';
import type { CallInfo } from '../semantic/semantic';
import { OPTN, chainOf, importStatementOf, isShadowed, keywordArgOf, qnameAt, same, stringsOf, truthy } from './util/catb';
import { methodCallAt } from './util/nodes';
import { guardingConditions } from './util/ra';

const XLA_ONLY = { xla: 'error', native: 'off' } as const;
const XLA_WARN = { xla: 'warning', native: 'off' } as const;
const NATIVE_NOTE =
  'On native TorchNeuron (torch-neuronx ≥ 2.14, Trn2/Trn3) Hugging Face libraries run natively without a Neuron compatibility layer, so the rule is off there; Optimum Neuron 0.4.x targets the XLA stack.';
const QUICKSTART = `${OPTN}quickstart`;
const EXPORT = `${OPTN}guides/export_model`;

/** `q` names `name` exported by `lib` (`transformers.Trainer`, `transformers.trainer.Trainer`). */
function isFrom(q: string | null, lib: string, name: string | RegExp): boolean {
  if (!q || !(q === lib || q.startsWith(lib + '.'))) return false;
  const last = q.slice(q.lastIndexOf('.') + 1);
  return typeof name === 'string' ? last === name : name.test(last);
}

type Use = { kind: 'call'; call: CallInfo } | { kind: 'base' } | { kind: 'from_pretrained'; call: CallInfo; attr: Node } | { kind: 'parser'; call: CallInfo };

/** Argument parsers that build the dataclasses they are given (`HfArgumentParser((ModelArguments, TrainingArguments))`). */
const ARG_PARSERS = /(?:HfArgumentParser|TrlParser)$/;

/** How a class name is used here: called, subclassed, or `.from_pretrained(...)`-ed. */
function classUse(ctx: RuleContext, node: Node): Use | null {
  if (importStatementOf(node)) return null;
  const chain = chainOf(node);
  const p = chain.parent;
  // Bases are evaluated before the class name is bound: `class Trainer(Trainer)` subclasses the import.
  if (p?.type === 'argument_list' && p.parent?.type === 'class_definition') return { kind: 'base' };
  // A same-file class/def/assignment rebinds the imported name.
  const head = (ctx.sem.dottedName(chain) ?? node.text).split('.')[0];
  if (isShadowed(ctx, head)) return null;
  const call = ctx.sem.callOf(node);
  if (call) return { kind: 'call', call };
  // A dataclass handed to an argument parser, alone or in its tuple: the parser instantiates it.
  const item = p?.type === 'tuple' || p?.type === 'list' ? p : chain;
  const list = item.parent;
  if (list?.type === 'argument_list' && list.parent?.type === 'call') {
    const parser = ctx.sem.call(list.parent);
    if (ARG_PARSERS.test(parser.qname ?? '') && parser.args[0] && same(parser.args[0], item)) return { kind: 'parser', call: parser };
  }
  if (p?.type === 'attribute' && same(p.childForFieldName('object'), chain)) {
    const attr = p.childForFieldName('attribute');
    if (attr && (attr.text === 'from_pretrained' || attr.text === 'from_single_file')) {
      const c = ctx.sem.callOf(attr);
      if (c) return { kind: 'from_pretrained', call: c, attr };
    }
  }
  return null;
}

/** A rule for a class that has a drop-in Optimum Neuron replacement, reported at the class name when called or subclassed. */
/**
 * The file runs the stock Hugging Face trainer on PyTorch/XLA on purpose (it imports torch_xla, not Optimum
 * Neuron), as Neuron's "BERT MRPC finetuning using Hugging Face Trainer API" tutorial does: that path works
 * for data-parallel fine-tuning, and NeuronTrainer's limits (no evaluation, no resume) do not apply to it.
 */
function stockTrainerOnXla(ctx: RuleContext): boolean {
  return ctx.sem.imports_('torch_xla') && !ctx.sem.imports_('optimum.neuron');
}

function replaceClass(meta: Omit<RuleMeta, 'category' | 'severity' | 'stackNote'> & { lib: string; cls: string; replacement: string; module?: string; severity?: Rule['severity']; onXla?: string }): Rule {
  const { lib, cls, replacement, module = 'optimum.neuron', severity = XLA_ONLY, onXla, ...rest } = meta;
  return {
    ...rest,
    category: 'optimum-neuron',
    severity,
    stackNote: NATIVE_NOTE,
    triggers: [cls],
    visit(hit, ctx) {
      if (hit.inString) return;
      if (!isFrom(qnameAt(ctx.sem, hit.node), lib, cls)) return;
      const use = classUse(ctx, hit.node);
      if (!use || use.kind === 'from_pretrained') return;
      const data = { replacement, module, original: `${lib}.${cls}` };
      ctx.report(hit.node, onXla && stockTrainerOnXla(ctx) ? { severity: 'info', message: onXla, data } : { data });
    },
  };
}

const TRAINER_TUTORIAL = 'Neuron documents the stock Trainer on Trainium for data-parallel fine-tuning ("Hugging Face BERT MRPC task finetuning using Hugging Face Trainer API")';

const trainer = replaceClass({
  id: 'NRN801',
  name: 'hf-trainer',
  lib: 'transformers',
  cls: 'Trainer',
  replacement: 'NeuronTrainer',
  severity: { xla: 'warning', native: 'off' },
  title: '`transformers.Trainer` on Trainium',
  message: 'The stock `transformers.Trainer` trains on Trainium only as plain PyTorch/XLA data parallelism: no tensor or pipeline parallelism, ZeRO-1 or Neuron model implementations, so large models do not fit. Optimum Neuron\'s `NeuronTrainer` (with `NeuronTrainingArguments`) is the supported path; note it does not evaluate (drop `eval_dataset`, `compute_metrics`) and launch with `torchrun`.',
  why: `${TRAINER_TUTORIAL}, and points to Optimum Neuron "for the best coverage and support". \`NeuronTrainer\` is that replacement and is not a subclass of \`transformers.Trainer\`. Its \`__init__\` takes only \`model, args, data_collator, train_dataset, eval_dataset, processing_class, callbacks, optimizers, optimizer_cls_and_kwargs, tokenizer\`; evaluation raises, and only \`adamw_torch\` / \`sgd\` optimizers are built.`,
  onXla: 'The stock `transformers.Trainer` on PyTorch/XLA is Neuron\'s documented data-parallel fine-tuning path. For larger models (tensor/pipeline parallelism, ZeRO-1) Optimum Neuron\'s `NeuronTrainer` is the supported path.',
  fix: '`from optimum.neuron import NeuronTrainer, NeuronTrainingArguments`; drop `eval_dataset`, `compute_metrics`, `model_init`, `preprocess_logits_for_metrics`; `torchrun --nproc_per_node <cores> train.py`.',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-001',
});

const trainingArguments = replaceClass({
  id: 'NRN802',
  name: 'hf-training-arguments',
  lib: 'transformers',
  cls: 'TrainingArguments',
  replacement: 'NeuronTrainingArguments',
  severity: { xla: 'warning', native: 'off' },
  title: '`transformers.TrainingArguments` instead of `NeuronTrainingArguments`',
  message: 'With `NeuronTrainer` use `NeuronTrainingArguments` (from `optimum.neuron`): it adds `tensor_parallel_size`, `pipeline_parallel_size`, `zero_1` and friends, and has no `fp16`, `deepspeed`, `fsdp`, `torch_compile` or `tf32` fields (passing them raises TypeError).',
  onXla: 'The stock `TrainingArguments` go with the stock Trainer on PyTorch/XLA (Neuron\'s data-parallel fine-tuning tutorial). With Optimum Neuron\'s `NeuronTrainer`, use `NeuronTrainingArguments` (tensor/pipeline parallelism, ZeRO-1).',
  why: '`NeuronTrainingArguments` is a standalone dataclass (not a `TrainingArguments` subclass). Its `trn_config` is passed to Neuron models; `do_eval=True` raises "Evaluation is not supported yet."',
  fix: '`NeuronTrainingArguments(output_dir=..., bf16=True, tensor_parallel_size=8, zero_1=True, gradient_checkpointing=True, per_device_train_batch_size=1, gradient_accumulation_steps=8, ...)`.',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-002',
});

/** Training-arguments dataclasses whose keywords the kwarg rules inspect; `neuron` when it is the Optimum Neuron one. */
function argsClass(q: string | null): 'hf' | 'neuron' | null {
  if (!q) return null;
  if (isFrom(q, 'transformers', /^(Seq2Seq)?TrainingArguments$/)) return 'hf';
  if (isFrom(q, 'trl', /Config$/)) return 'hf';
  if (isFrom(q, 'optimum.neuron', /^(NeuronTrainingArguments|NeuronSFTConfig)$/)) return 'neuron';
  return null;
}

interface KwHit {
  kw: Node;
  value: Node;
  call: CallInfo;
  cls: 'hf' | 'neuron';
}

function trainingKwarg(ctx: RuleContext, node: Node): KwHit | null {
  const kw = keywordArgOf(node);
  const value = kw?.childForFieldName('value');
  if (!kw || !value) return null;
  const a = ctx.sem.argumentOf(value);
  if (!a) return null;
  const cls = argsClass(a.call.qname);
  return cls ? { kw, value, call: a.call, cls } : null;
}

function kwargRule(meta: Omit<RuleMeta, 'category' | 'severity' | 'stackNote'> & { keys: string[]; when: (k: KwHit, ctx: RuleContext, key: string) => Node | null; data?: Record<string, string | boolean> }): Rule {
  const { keys, when, data, ...rest } = meta;
  return {
    ...rest,
    category: 'optimum-neuron',
    severity: XLA_ONLY,
    stackNote: NATIVE_NOTE,
    triggers: keys,
    visit(hit, ctx) {
      if (hit.inString) return;
      const k = trainingKwarg(ctx, hit.node);
      if (!k) return;
      const at = when(k, ctx, hit.word);
      if (at) ctx.report(at, data ? { data } : undefined);
    },
  };
}

const fp16 = kwargRule({
  id: 'NRN803',
  name: 'training-args-fp16',
  keys: ['fp16'],
  title: '`fp16=True` in training arguments',
  message: 'Neuron mixed precision is BF16, and `NeuronTrainingArguments` has no `fp16` field (it raises TypeError). Use `bf16=True`.',
  why: 'Trainium trains in BF16, which needs no loss scaling; with CUDA absent the fp16 GradScaler path does not do what it appears to. `NeuronTrainingArguments` has no `fp16` field.',
  fix: 'Replace `fp16=True` with `bf16=True` (optionally with `NEURON_RT_STOCHASTIC_ROUNDING_EN=1`).',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-002',
  data: { replacement: 'bf16=True' },
  when: (k, ctx) => {
    const t = truthy(ctx.sem, k.value);
    return t === 'true' || (k.cls === 'neuron' && t !== 'false') ? k.kw : null;
  },
});

const deepspeedKw = kwargRule({
  id: 'NRN804',
  name: 'training-args-deepspeed',
  keys: ['deepspeed'],
  title: '`deepspeed=` in training arguments',
  message: 'DeepSpeed is not supported by Optimum Neuron (`NeuronTrainingArguments` has no `deepspeed` field). Remove it: ZeRO-1 is built in (`zero_1=True`), and model parallelism comes from `tensor_parallel_size` / `pipeline_parallel_size`.',
  why: '`NeuronAccelerator` raises "Deepspeed plugin is not supported in optimum-neuron"; `NeuronTrainingArguments` has no `deepspeed` field.',
  fix: 'Drop `deepspeed=...`; use `zero_1=True` (the default) and `tensor_parallel_size=N`.',
  docs: QUICKSTART,
  source: 'NRN-PT-085',
  data: { remove: true },
  when: (k, ctx) => (truthy(ctx.sem, k.value) === 'false' ? null : k.kw),
});

const fsdpKw = kwargRule({
  id: 'NRN805',
  name: 'training-args-fsdp',
  keys: ['fsdp'],
  title: '`fsdp=` in training arguments',
  message: 'FSDP is not supported by Optimum Neuron ("FSDP plugin is not supported in optimum-neuron"). Use tensor/pipeline parallelism and ZeRO-1 through `NeuronTrainingArguments`.',
  why: '`NeuronAccelerator` raises `NotImplementedError` for FSDP; `NeuronTrainingArguments` has no `fsdp` field.',
  fix: 'Drop `fsdp=...` / `fsdp_config=...`; set `tensor_parallel_size`, `pipeline_parallel_size`, `zero_1=True`.',
  docs: QUICKSTART,
  source: 'NRN-PT-086',
  data: { remove: true },
  when: (k, ctx) => {
    if (k.value.type === 'list' && k.value.namedChildCount > 0) return k.kw;
    return truthy(ctx.sem, k.value) === 'true' || (k.cls === 'neuron' && truthy(ctx.sem, k.value) !== 'false') ? k.kw : null;
  },
});

const torchCompileKw = kwargRule({
  id: 'NRN806',
  name: 'training-args-torch-compile',
  keys: ['torch_compile'],
  title: '`torch_compile=True` in training arguments',
  message: 'torch.compile is not supported on the XLA-based Neuron stack, and `NeuronTrainingArguments` has no `torch_compile` field. Remove it; the lazy XLA graph is compiled by neuronx-cc.',
  why: 'TorchDynamo support is not available in torch-neuronx ≤ 2.9; `NeuronTrainingArguments` rejects the field.',
  fix: 'Drop `torch_compile=True`.',
  docs: QUICKSTART,
  source: 'NRN-HF-002',
  data: { remove: true },
  when: (k, ctx) => (truthy(ctx.sem, k.value) === 'true' || (k.cls === 'neuron' && truthy(ctx.sem, k.value) !== 'false') ? k.kw : null),
});

const SUPPORTED_OPTIM = new Set(['adamw_torch', 'sgd']);

const optimKw: Rule = {
  id: 'NRN807',
  name: 'training-args-optim',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'Optimizer other than `adamw_torch` / `sgd` in training arguments',
  message: 'NeuronTrainer builds only `optim="adamw_torch"` or `"sgd"` and raises "NeuronTrainer cannot instantiate unsupported optimizer" otherwise. Use `optim="adamw_torch"`.',
  why: 'Optimum Neuron creates only AdamW (torch) and SGD; fused, 8-bit (bitsandbytes) and paged optimizers are GPU implementations.',
  fix: '`optim="adamw_torch"` with BF16 and ZeRO-1 (`zero_1=True`).',
  docs: QUICKSTART,
  source: 'NRN-PT-082',
  stackNote: NATIVE_NOTE,
  triggers: ['optim'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const k = trainingKwarg(ctx, hit.node);
    if (!k) return;
    for (const s of stringsOf(ctx.sem, k.value)) {
      if (SUPPORTED_OPTIM.has(s.value)) continue;
      ctx.report(s.node, {
        message: `NeuronTrainer builds only \`optim="adamw_torch"\` or \`"sgd"\`; \`"${s.value}"\` raises "NeuronTrainer cannot instantiate unsupported optimizer". Use \`optim="adamw_torch"\`.`,
        data: { replacement: 'adamw_torch', value: s.value },
      });
    }
    if (k.value.type === 'attribute') {
      const q = ctx.sem.qualifiedName(k.value);
      if (q && /OptimizerNames\.\w+$/.test(q) && !/\.(ADAMW_TORCH|SGD)$/.test(q)) ctx.report(k.value, { data: { replacement: 'adamw_torch' } });
    }
  },
};

function isTrainerClass(q: string | null): boolean {
  // TRL trainers with no Neuron counterpart are NRN812's: "NeuronTrainer does not evaluate" is no advice for them.
  return isFrom(q, 'transformers', /^(Seq2Seq)?Trainer$/) || (isFrom(q, 'trl', /Trainer$/) && !isFrom(q, 'trl', UNSUPPORTED_TRL)) || isFrom(q, 'optimum.neuron', /^Neuron(SFT)?Trainer$/);
}

const EVAL_ARGS = ['do_eval', 'eval_strategy', 'evaluation_strategy'];

/**
 * NeuronTrainer's limits (no evaluation, no resume) concern code that is or will be ported to it: not a stock
 * Hugging Face trainer in a file that runs it on PyTorch/XLA on purpose (see `stockTrainerOnXla`).
 */
function stockPathOnXla(ctx: RuleContext, qname: string | null): boolean {
  return !isFrom(qname, 'optimum.neuron', /^Neuron/) && stockTrainerOnXla(ctx);
}

/** `do_eval` / `do_predict` when `node` runs only under `if …do_eval:` (or `…do_predict`), else null. */
function evalFlagAround(node: Node): string | null {
  for (const cond of guardingConditions(node, { ternaries: false, throughClasses: true })) {
    const m = /\b(do_eval|do_predict)\b/.exec(cond.text);
    if (m && !/\bnot\b/.test(cond.text)) return m[1];
  }
  return null;
}

const evaluation: Rule = {
  id: 'NRN808',
  name: 'trainer-evaluation',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'Evaluation with the trainer (`eval_dataset`, `compute_metrics`, `do_eval`, `eval_strategy`, `trainer.evaluate()` / `.predict()`)',
  message: 'NeuronTrainer does not evaluate: `eval_dataset` raises "Evaluation is not supported in NeuronTrainer." and `do_eval=True` raises "Evaluation is not supported yet." Evaluate in a separate script (e.g. a compiled inference model).',
  why: 'Optimum Neuron 0.4.x `NeuronTrainer.__init__` rejects `eval_dataset`; `evaluate`/`predict` raise; `NeuronTrainingArguments.__post_init__` rejects `do_eval=True` (an `eval_strategy` other than "no" turns it on).',
  fix: 'Drop `eval_dataset`, `compute_metrics`, `do_eval` and `eval_strategy`, and the `trainer.evaluate()` / `trainer.predict()` calls; evaluate checkpoints separately.',
  docs: QUICKSTART,
  source: 'NRN-HF-001',
  stackNote: NATIVE_NOTE,
  triggers: ['eval_dataset', 'compute_metrics', ...EVAL_ARGS, 'evaluate', 'predict'],
  gate: (text, start, end, word) => (word !== 'evaluate' && word !== 'predict') || methodCallAt(text, start, end),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'evaluate' || hit.word === 'predict') {
      // `trainer.evaluate()` / `trainer.predict(ds)` on a trainer built in this file: NeuronTrainer raises there.
      const call = ctx.sem.callOf(hit.node);
      const recv = call?.method === hit.word && call.receiver ? ctx.sem.dottedName(call.receiver) : null;
      if (!call || !recv) return;
      const built = ctx.sem.assignmentsOf(recv, call.node).find((r) => r.type === 'call' && isTrainerClass(ctx.sem.call(r).qname));
      if (!built) return;
      if (stockPathOnXla(ctx, ctx.sem.call(built).qname)) return;
      const flag = evalFlagAround(call.node);
      ctx.report(call.func, {
        message: flag
          ? `\`${call.func.text}()\` runs only when \`${flag}\` is set, which \`NeuronTrainingArguments\` rejects, so once ported this branch is dead (NeuronTrainer cannot evaluate or predict). Remove it, or evaluate the saved checkpoints in a separate script.`
          : `\`${call.func.text}()\` raises on NeuronTrainer (evaluate and predict are not supported). Evaluate the saved checkpoints in a separate script, e.g. with a compiled inference model.`,
        severity: flag ? 'info' : undefined,
        fixable: false, // the port leaves a TODO above the call; deciding where evaluation goes is the user's
      });
      return;
    }
    const kw = keywordArgOf(hit.node);
    const value = kw?.childForFieldName('value');
    if (!kw || !value) return;
    const call = ctx.sem.argumentOf(value)?.call;
    if (!call) return;
    if (hit.word === 'eval_dataset' || hit.word === 'compute_metrics') {
      if (!isTrainerClass(call.qname) || value.type === 'none') return;
      if (stockPathOnXla(ctx, call.qname)) return;
      // `eval_dataset=ds["validation"] if training_args.do_eval else None`: None once do_eval is gone.
      const flag = value.type === 'conditional_expression' ? /\b(do_eval|do_predict)\b/.exec(value.namedChildren[1]?.text ?? '')?.[1] : undefined;
      const metrics = hit.word === 'compute_metrics' ? '`compute_metrics` serves evaluation only, which NeuronTrainer does not do, and `NeuronTrainer.__init__` has no such parameter (TypeError). Remove it and compute metrics on the saved checkpoints separately.' : undefined;
      ctx.report(kw, flag ? { severity: 'info', message: `\`${hit.word}\` is set only with \`${flag}\`, which \`NeuronTrainingArguments\` rejects, so once ported it is None. Remove it (NeuronTrainer does not evaluate).`, data: { remove: true } } : { message: metrics, data: { remove: true } });
      return;
    }
    if (!argsClass(call.qname)) return;
    if (stockPathOnXla(ctx, call.qname)) return;
    const argsMessage = `\`${kw.text}\` turns on evaluation, which \`NeuronTrainingArguments\` rejects ("Evaluation is not supported yet."). Remove it and evaluate checkpoints separately.`;
    if (hit.word === 'do_eval') {
      if (truthy(ctx.sem, value) === 'true') ctx.report(kw, { message: argsMessage, data: { remove: true } });
      return;
    }
    const q = value.type === 'attribute' ? ctx.sem.qualifiedName(value) : null;
    const on = stringsOf(ctx.sem, value).some((s) => s.value !== 'no') || (!!q && /IntervalStrategy\.(STEPS|EPOCH)$/.test(q));
    if (on) ctx.report(kw, { message: argsMessage, data: { remove: true } });
  },
};

const resume: Rule = {
  id: 'NRN824',
  name: 'trainer-resume-from-checkpoint',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: '`trainer.train(resume_from_checkpoint=…)`: NeuronTrainer cannot resume',
  message: '`NeuronTrainer.train(resume_from_checkpoint=…)` raises ValueError ("`resume_from_checkpoint` is not supported by the NeuronTrainer.") for anything but None or False. Start from the saved weights instead: load the checkpoint as the model and train from there.',
  why: 'Optimum Neuron 0.4.x `NeuronTrainer.train` rejects `resume_from_checkpoint` unless it is None or False (its tests check the ValueError). A value that is None on a fresh run fails only when the run is resumed.',
  fix: 'Drop `resume_from_checkpoint`; to continue a run, load the checkpoint directory as the model (`from_pretrained(checkpoint_dir)`) and train again.',
  docs: QUICKSTART,
  source: 'NRN-HF-001',
  stackNote: NATIVE_NOTE,
  triggers: ['resume_from_checkpoint'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const kw = keywordArgOf(hit.node);
    const value = kw?.childForFieldName('value');
    if (!kw || !value) return;
    const call = ctx.sem.argumentOf(value)?.call;
    if (call?.method !== 'train' || !call.receiver) return;
    const recv = ctx.sem.dottedName(call.receiver);
    const built = recv ? ctx.sem.assignmentsOf(recv, call.node).find((r) => r.type === 'call' && isTrainerClass(ctx.sem.call(r).qname)) : undefined;
    // The stock trainer run on PyTorch/XLA on purpose resumes as it does anywhere.
    if (!built || stockPathOnXla(ctx, ctx.sem.call(built).qname)) return;
    // A name is None/False only if every assignment says so (constValue drops the assignments it cannot read).
    const name = value.type === 'identifier' || value.type === 'attribute' ? ctx.sem.dottedName(value) : null;
    const rhs = name ? ctx.sem.assignmentsOf(name, value) : [];
    const t = name ? (rhs.length > 0 && rhs.every((r) => r.type === 'none' || r.type === 'false') ? 'false' : 'unknown') : truthy(ctx.sem, value);
    if (t === 'false') return;
    // `resume_from_checkpoint=checkpoint` (None unless resuming): it fails on the resumed run only.
    ctx.report(kw, t === 'true' ? undefined : { severity: 'warning', message: '`NeuronTrainer.train(resume_from_checkpoint=…)` raises ValueError when the value is not None or False, so a resumed run fails (a fresh one, with None, trains). Resume by loading the checkpoint as the model instead.' });
  },
};

const tf32 = kwargRule({
  id: 'NRN809',
  name: 'training-args-tf32',
  keys: ['tf32'],
  title: '`tf32=True` in training arguments',
  message: '`tf32` is a CUDA (Ampere) matmul setting and `NeuronTrainingArguments` has no `tf32` field. Remove it; precision on Neuron is set by BF16 (`bf16=True`) and the compiler auto-cast options.',
  why: 'TF32 is an NVIDIA tensor-core mode; on Neuron, neuronx-cc `--auto-cast` controls matmul precision.',
  fix: 'Drop `tf32=True`.',
  docs: QUICKSTART,
  source: 'NRN-HF-002',
  data: { remove: true },
  when: (k, ctx) => (truthy(ctx.sem, k.value) === 'true' ? k.kw : null),
});

const sftTrainer = replaceClass({
  id: 'NRN810',
  name: 'trl-sft-trainer',
  lib: 'trl',
  cls: 'SFTTrainer',
  replacement: 'NeuronSFTTrainer',
  title: '`trl.SFTTrainer` instead of `NeuronSFTTrainer`',
  message: 'Use `NeuronSFTTrainer` (from `optimum.neuron`) on Trainium; it requires `trl==0.24.0`, forces `padding_free=False` and accepts `peft_config=`.',
  why: "TRL's trainer is built on accelerate/CUDA; Optimum Neuron's `NeuronSFTTrainer` runs on the XLA device with Neuron parallelism.",
  fix: '`from optimum.neuron import NeuronSFTTrainer, NeuronSFTConfig`; `NeuronSFTTrainer(model=model, args=sft_config, processing_class=tokenizer, train_dataset=ds, formatting_func=..., peft_config=...)`.',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-004',
});

const sftConfig = replaceClass({
  id: 'NRN811',
  name: 'trl-sft-config',
  lib: 'trl',
  cls: 'SFTConfig',
  replacement: 'NeuronSFTConfig',
  title: '`trl.SFTConfig` instead of `NeuronSFTConfig`',
  message: 'Use `NeuronSFTConfig` (from `optimum.neuron`) with `NeuronSFTTrainer`, e.g. `NeuronSFTConfig(max_length=..., packing=True, **training_args.to_dict())`.',
  why: '`NeuronSFTConfig` carries the Neuron training fields (`tensor_parallel_size`, `zero_1`, …) and maps `max_seq_length` to `max_length`.',
  fix: '`from optimum.neuron import NeuronSFTConfig`.',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-004',
});

const UNSUPPORTED_TRL = /^(DPO|ORPO|GRPO|PPO|KTO|CPO|Reward|RLOO|OnlineDPO|XPO|Nash|BCO|GKD|PRM)Trainer$/;

const GRPO_MESSAGE = 'Optimum Neuron 0.4.0 has no Neuron GRPO trainer; later optimum-neuron releases add `NeuronGRPOTrainer` with `NeuronGRPOConfig` (from `optimum.neuron`). Upgrade optimum-neuron and use them; the stock TRL `GRPOTrainer` does not train on Trainium.';

const trlUnsupported: Rule = {
  id: 'NRN812',
  name: 'trl-unsupported-trainer',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'TRL trainers without a Neuron counterpart (DPO, ORPO, GRPO, PPO, …)',
  message: 'Optimum Neuron 0.4.x has no Neuron version of this TRL trainer (`NeuronORPOTrainer` existed up to 0.3.0 and was removed in 0.4.0). Use `NeuronSFTTrainer` for supervised fine-tuning, or pin `optimum-neuron==0.3.0` for ORPO.',
  why: 'The 0.4.0 `optimum.neuron` package exports `NeuronTrainer` and `NeuronSFTTrainer` only; ORPO was dropped and DPO/PPO never existed. GRPO is the exception: optimum-neuron after 0.4.0 exports `NeuronGRPOTrainer` and `NeuronGRPOConfig`.',
  fix: 'Pin `optimum-neuron==0.3.0` (with its SDK) for ORPO, or use SFT; otherwise this training method is not available on Trainium through Optimum Neuron.',
  docs: QUICKSTART,
  source: 'NRN-HF-005',
  stackNote: NATIVE_NOTE,
  triggers: ['DPOTrainer', 'ORPOTrainer', 'GRPOTrainer', 'PPOTrainer', 'KTOTrainer', 'CPOTrainer', 'RewardTrainer', 'RLOOTrainer', 'OnlineDPOTrainer', 'XPOTrainer', 'NashMDTrainer', 'BCOTrainer', 'GKDTrainer', 'PRMTrainer'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (!isFrom(qnameAt(ctx.sem, hit.node), 'trl', UNSUPPORTED_TRL)) return;
    const use = classUse(ctx, hit.node);
    if (!use || use.kind === 'from_pretrained') return;
    // GRPO came back after 0.4.0: optimum-neuron's main branch exports NeuronGRPOTrainer and NeuronGRPOConfig.
    // ORPO had a Neuron trainer up to 0.3.0; the others never did, so the ORPO history is no advice for them.
    const message =
      hit.word === 'GRPOTrainer'
        ? GRPO_MESSAGE
        : hit.word === 'ORPOTrainer'
          ? undefined
          : `Optimum Neuron has no Neuron version of TRL's \`${hit.word}\` (0.4.x exports \`NeuronTrainer\` and \`NeuronSFTTrainer\`; later releases add \`NeuronGRPOTrainer\`), so the stock TRL trainer is not supported on Trainium by Optimum Neuron. Use supervised fine-tuning with \`NeuronSFTTrainer\`, or GRPO with \`NeuronGRPOTrainer\`, or run this method elsewhere.`;
    ctx.report(hit.node, message ? { message } : undefined);
  },
};

const seq2seq: Rule = {
  id: 'NRN813',
  name: 'seq2seq-trainer',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: '`Seq2SeqTrainer` / `Seq2SeqTrainingArguments`',
  message: '`Seq2SeqNeuronTrainer` / `Seq2SeqNeuronTrainingArguments` were removed in optimum-neuron 0.4.0 and have no current replacement. Pin `optimum-neuron==0.3.0`, or train elsewhere and deploy with `NeuronModelForSeq2SeqLM`.',
  why: 'The Seq2Seq Neuron trainer existed up to v0.3.0 (2025-07-18) and is absent from v0.4.0.',
  fix: 'Pin optimum-neuron 0.3.0 with its Neuron SDK, or deploy a trained model with `NeuronModelForSeq2SeqLM`.',
  docs: QUICKSTART,
  source: 'NRN-HF-003',
  stackNote: NATIVE_NOTE,
  triggers: ['Seq2SeqTrainer', 'Seq2SeqTrainingArguments'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (!isFrom(qnameAt(ctx.sem, hit.node), 'transformers', /^Seq2Seq(Trainer|TrainingArguments)$/)) return;
    const use = classUse(ctx, hit.node);
    if (use && use.kind !== 'from_pretrained') ctx.report(hit.node);
  },
};

const accelerator = replaceClass({
  id: 'NRN814',
  name: 'accelerate-accelerator',
  lib: 'accelerate',
  cls: 'Accelerator',
  replacement: 'NeuronAccelerator',
  title: '`accelerate.Accelerator` instead of `NeuronAccelerator`',
  // A warning: stock accelerate runs on the XLA device through its TPU/XLA path; what it lacks is Neuron's
  // parallelism and loader. The plugins NeuronAccelerator rejects are NRN815's errors.
  severity: XLA_WARN,
  message: 'Use `NeuronAccelerator` (from `optimum.neuron`) on Trainium, e.g. `NeuronAccelerator(trn_config=training_args.trn_config, zero_1=True)`; `prepare_data_loader(..., use_mp_device_loader=True)` wraps loaders in `MpDeviceLoader`.',
  why: 'Stock accelerate finds the XLA device through its TPU/XLA path, but not Neuron parallelism (`trn_config`: tensor and pipeline parallel, ZeRO-1), Neuron mixed precision or the `MpDeviceLoader` wrapping; `NeuronAccelerator` adds them, and rejects DeepSpeed/FSDP/dynamo/Megatron/TP plugins.',
  fix: '`from optimum.neuron import NeuronAccelerator`; `NeuronAccelerator(trn_config=..., zero_1=True, mixed_precision_config=...)`.',
  docs: QUICKSTART,
  fixable: true,
  source: 'NRN-HF-014',
});

const PLUGINS = ['deepspeed_plugin', 'deepspeed_plugins', 'fsdp_plugin', 'dynamo_backend', 'dynamo_plugin', 'megatron_lm_plugin', 'torch_tp_plugin'];

const acceleratorPlugins: Rule = {
  id: 'NRN815',
  name: 'accelerator-unsupported-plugin',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'Accelerator plugins NeuronAccelerator rejects (DeepSpeed, FSDP, dynamo, Megatron-LM, torch TP)',
  message: '`NeuronAccelerator` raises NotImplementedError for DeepSpeed, FSDP, dynamo, Megatron-LM and torch TP plugins. Remove the plugin; use `trn_config` (tensor/pipeline parallelism) and `zero_1=True`.',
  why: 'Optimum Neuron `accelerator.py` raises `NotImplementedError` for `dynamo_plugin`/`dynamo_backend`, `deepspeed_plugin(s)`, `fsdp_plugin`, `torch_tp_plugin` and `megatron_lm_plugin`.',
  fix: 'Drop the plugin argument; configure parallelism with `NeuronTrainingArguments(tensor_parallel_size=..., pipeline_parallel_size=..., zero_1=True).trn_config`.',
  docs: QUICKSTART,
  source: 'NRN-HF-014',
  stackNote: NATIVE_NOTE,
  triggers: PLUGINS,
  visit(hit, ctx) {
    if (hit.inString) return;
    const kw = keywordArgOf(hit.node);
    const value = kw?.childForFieldName('value');
    if (!kw || !value || value.type === 'none') return;
    const call = ctx.sem.argumentOf(value)?.call;
    if (!call || !(isFrom(call.qname, 'accelerate', 'Accelerator') || isFrom(call.qname, 'optimum.neuron', 'NeuronAccelerator'))) return;
    if (hit.word === 'dynamo_backend') {
      const strs = stringsOf(ctx.sem, value);
      if (strs.length > 0 && strs.every((s) => s.value.toLowerCase() === 'no')) return;
    }
    ctx.report(kw, { data: { remove: true } });
  },
};

const PIPELINE_TASKS = new Set([
  'feature-extraction', 'fill-mask', 'question-answering', 'text-classification', 'sentiment-analysis', 'token-classification', 'ner',
  'text-generation', 'image-classification', 'image-segmentation', 'object-detection', 'automatic-speech-recognition', 'audio-classification',
]);

/** Task aliases transformers accepts and optimum-neuron's pipeline does not (it checks its own task keys). */
export const TASK_ALIASES: Record<string, string> = { 'sentiment-analysis': 'text-classification', ner: 'token-classification' };

const pipeline: Rule = {
  id: 'NRN816',
  name: 'hf-pipeline',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: '`transformers.pipeline` instead of `optimum.neuron.pipeline`',
  message: 'Use `optimum.neuron.pipeline(task, model=id, export=True, input_shapes={"batch_size": 1, "sequence_length": 128})`: Neuron models are compiled ahead of time with static shapes.',
  why: 'The stock pipeline runs the eager model on a CUDA/CPU device. Optimum Neuron pipelines export (compile) the model for fixed input shapes, or take a `NeuronModelFor*` instance.',
  fix: '`from optimum.neuron import pipeline`; `pipeline(task, model=id, export=True, input_shapes={...}, compiler_args={...})`.',
  docs: `${OPTN}guides/pipelines`,
  fixable: true,
  source: 'NRN-HF-013',
  stackNote: NATIVE_NOTE,
  triggers: ['pipeline'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !isFrom(call.qname, 'transformers', 'pipeline') || isShadowed(ctx, call.func.text.split('.')[0]) || importStatementOf(hit.node)) return;
    const task = stringsOf(ctx.sem, call.args[0] ?? call.kwargs.get('task'))[0]?.value;
    const unsupported = task !== undefined && !PIPELINE_TASKS.has(task);
    const alias = task ? TASK_ALIASES[task] : undefined;
    const message = unsupported
      ? `The task "${task}" is not supported by the optimum-neuron pipeline (ValueError); export a \`NeuronModelFor*\` model directly, or run this pipeline elsewhere.`
      : `Use \`optimum.neuron.pipeline(${alias ? `"${alias}"` : 'task'}, model=id, export=True, input_shapes={"batch_size": 1, "sequence_length": 128})\`: Neuron models are compiled ahead of time with static shapes${
          alias ? `, and optimum-neuron knows the task only as "${alias}" (its pipeline raises ValueError for the alias "${task}")` : ''
        }${call.kwargs.has('device') ? ' (`device=0` would mean CUDA)' : ''}.`;
    ctx.report(hit.node, { message, data: { replacement: 'pipeline', module: 'optimum.neuron', export: true, ...(task ? { task } : {}), supported: !unsupported } });
  },
};

const AUTO_MODELS: Record<string, string> = {
  AutoModelForCausalLM: 'NeuronModelForCausalLM',
  AutoModel: 'NeuronModelForFeatureExtraction',
  AutoModelForSequenceClassification: 'NeuronModelForSequenceClassification',
  AutoModelForTokenClassification: 'NeuronModelForTokenClassification',
  AutoModelForQuestionAnswering: 'NeuronModelForQuestionAnswering',
  AutoModelForMaskedLM: 'NeuronModelForMaskedLM',
  AutoModelForMultipleChoice: 'NeuronModelForMultipleChoice',
  AutoModelForImageClassification: 'NeuronModelForImageClassification',
  AutoModelForSemanticSegmentation: 'NeuronModelForSemanticSegmentation',
  AutoModelForObjectDetection: 'NeuronModelForObjectDetection',
  AutoModelForCTC: 'NeuronModelForCTC',
  AutoModelForAudioClassification: 'NeuronModelForAudioClassification',
  AutoModelForAudioFrameClassification: 'NeuronModelForAudioFrameClassification',
  AutoModelForAudioXVector: 'NeuronModelForXVector',
  AutoModelForSeq2SeqLM: 'NeuronModelForSeq2SeqLM',
  WhisperForConditionalGeneration: 'NeuronWhisperForConditionalGeneration',
  CLIPModel: 'NeuronCLIPModel',
};

const TRAINING_SIGNS = [/\.backward\s*\(/, /\b\w*(?:optim|opt)\w*\s*\.\s*step\s*\(/i, /\b(?:Neuron)?(?:Seq2Seq|SFT|DPO|ORPO|GRPO)?Trainer\s*\(/, /\bAccelerator\s*\(/, /\btorch\.optim\b/, /\.train\s*\(\s*\)/, /\bget_peft_model\s*\(/];
const INFERENCE_SIGNS = [/\.generate\s*\(/, /\b(?:no_grad|inference_mode)\s*\(/, /\.eval\s*\(\s*\)/, /\bpipeline\s*\(/];

const inferenceCache = new WeakMap<object, boolean>();
/** The file only runs the model (generate / no_grad / eval / pipeline), trains nothing, and is not already on a Neuron path. */
function isInferenceFile(ctx: RuleContext): boolean {
  let v = inferenceCache.get(ctx.sem);
  if (v === undefined) {
    const code = ctx.text.replace(/#.*$/gm, '');
    // Already on a Neuron inference path (torch_neuronx.trace of the HF model, NxD Inference, Optimum Neuron).
    const neuronPath = ctx.sem.imports_('torch_neuronx') || ctx.sem.imports_('neuronx_distributed') || ctx.sem.imports_('neuronx_distributed_inference') || ctx.sem.imports_('optimum.neuron');
    v = !neuronPath && !TRAINING_SIGNS.some((r) => r.test(code)) && INFERENCE_SIGNS.some((r) => r.test(code));
    inferenceCache.set(ctx.sem, v);
  }
  return v;
}

/** `LlamaForCausalLM.` / `GPT2LMHeadModel.` / `BertForSequenceClassification.` right before the hit. */
const CONCRETE_CLASS_BEFORE = /(?:^|\W)(?!Auto|Neuron|TF[A-Z]|Flax)[A-Z]\w*?(?:For[A-Z]\w*|LMHeadModel)\s*\.\s*$/;

/**
 * A concrete transformers task class loaded for inference (`GPT2LMHeadModel.from_pretrained(...)` then
 * `generate`): the same advice as for its Auto class, without an automatic fix (Optimum Neuron supports a
 * list of architectures, which the code does not name).
 */
function concreteModelInference(attr: Node, ctx: RuleContext): void {
  const p = attr.parent;
  const cls = p?.type === 'attribute' && same(p.childForFieldName('attribute'), attr) ? p.childForFieldName('object') : null;
  if (!cls || !ctx.sem.callOf(attr)) return;
  const q = qnameAt(ctx.sem, cls) ?? '';
  const m = /^transformers\.(?:[\w.]+\.)?((?!Auto|Neuron|TF[A-Z]|Flax)[A-Z]\w*?)(For[A-Z]\w*|LMHeadModel)$/.exec(q);
  if (!m || !isInferenceFile(ctx)) return;
  const replacement = m[2] === 'LMHeadModel' ? 'NeuronModelForCausalLM' : AUTO_MODELS[`AutoModel${m[2]}`];
  if (!replacement) return;
  const name = cls.text;
  const message =
    replacement === 'NeuronModelForCausalLM'
      ? `Neuron LLMs are compiled ahead of time with static batch_size, sequence_length and tensor_parallel_size. Load \`${name}\`'s checkpoint with \`NeuronModelForCausalLM\` (optimum.neuron 0.4.x: \`get_neuron_config\`, \`export\`) if its architecture is supported, then \`model.generate(...)\`.`
      : `For inference on Neuron, load \`${name}\`'s checkpoint as a compiled model: \`${replacement}.from_pretrained(id, export=True, batch_size=1, sequence_length=128)\` (from \`optimum.neuron\`).`;
  ctx.report(cls, { message, fixable: false, data: { replacement, module: 'optimum.neuron', export: true, original: name } });
}

const autoModelInference: Rule = {
  id: 'NRN817',
  name: 'hf-automodel-inference',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'Inference with `AutoModelFor*.from_pretrained` instead of a compiled `NeuronModelFor*`',
  message: 'For inference on Inferentia/Trainium, load a compiled Optimum Neuron model: `NeuronModelFor*.from_pretrained(id, export=True, batch_size=1, sequence_length=128)`; inputs are padded to the compiled static shapes.',
  why: 'Neuron inference runs ahead-of-time compiled models with static shapes. Encoder models are traced at export; LLMs are compiled with fixed `batch_size`, `sequence_length` and `tensor_parallel_size`.',
  fix: 'Encoders: `NeuronModelForSequenceClassification.from_pretrained(id, export=True, batch_size=1, sequence_length=128, auto_cast="matmul", auto_cast_type="bf16")`. LLMs (0.4.x): `cfg = NeuronModelForCausalLM.get_neuron_config(id, batch_size=1, sequence_length=4096, tensor_parallel_size=2)`; `NeuronModelForCausalLM.export(id, cfg, load_weights=True)`.',
  docs: EXPORT,
  fixable: true,
  source: 'NRN-HF-009',
  stackNote: NATIVE_NOTE,
  triggers: [...Object.keys(AUTO_MODELS), 'from_pretrained'],
  // `from_pretrained` only after a concrete task class (`GPT2LMHeadModel.from_pretrained`): the Auto names are triggers of their own.
  gate: (text, start, _end, word) => word !== 'from_pretrained' || CONCRETE_CLASS_BEFORE.test(text.slice(Math.max(0, start - 80), start)),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (hit.word === 'from_pretrained') {
      concreteModelInference(hit.node, ctx);
      return;
    }
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !(q === `transformers.${hit.word}` || (q.startsWith('transformers.') && q.endsWith('.' + hit.word)))) return;
    const use = classUse(ctx, hit.node);
    if (use?.kind !== 'from_pretrained' || !isInferenceFile(ctx)) return;
    const replacement = AUTO_MODELS[hit.word];
    const message =
      replacement === 'NeuronModelForCausalLM'
        ? 'Neuron LLMs are compiled ahead of time with static batch_size, sequence_length and tensor_parallel_size. Use `NeuronModelForCausalLM` (optimum.neuron 0.4.x): `cfg = NeuronModelForCausalLM.get_neuron_config(id, batch_size=1, sequence_length=4096, tensor_parallel_size=2)`, `model = NeuronModelForCausalLM.export(id, cfg, load_weights=True)`, then `model.generate(...)`.'
        : `For inference on Neuron, load a compiled model: \`${replacement}.from_pretrained(id, export=True, batch_size=1, sequence_length=128)\` (from \`optimum.neuron\`); inputs are padded to the compiled shapes.`;
    ctx.report(hit.node, { message, data: { replacement, module: 'optimum.neuron', export: true, original: hit.word } });
  },
};

const DIFFUSERS: Record<string, string> = {
  StableDiffusionPipeline: 'NeuronStableDiffusionPipeline',
  StableDiffusionImg2ImgPipeline: 'NeuronStableDiffusionImg2ImgPipeline',
  StableDiffusionInpaintPipeline: 'NeuronStableDiffusionInpaintPipeline',
  StableDiffusionInstructPix2PixPipeline: 'NeuronStableDiffusionInstructPix2PixPipeline',
  StableDiffusionXLPipeline: 'NeuronStableDiffusionXLPipeline',
  StableDiffusionXLImg2ImgPipeline: 'NeuronStableDiffusionXLImg2ImgPipeline',
  StableDiffusionXLInpaintPipeline: 'NeuronStableDiffusionXLInpaintPipeline',
  LatentConsistencyModelPipeline: 'NeuronLatentConsistencyModelPipeline',
  StableDiffusionControlNetPipeline: 'NeuronStableDiffusionControlNetPipeline',
  StableDiffusionXLControlNetPipeline: 'NeuronStableDiffusionXLControlNetPipeline',
  PixArtAlphaPipeline: 'NeuronPixArtAlphaPipeline',
  PixArtSigmaPipeline: 'NeuronPixArtSigmaPipeline',
  FluxPipeline: 'NeuronFluxPipeline',
  FluxKontextPipeline: 'NeuronFluxKontextPipeline',
  FluxInpaintPipeline: 'NeuronFluxInpaintPipeline',
};

/** Pipeline components passed in as modules (a fine-tuned UNet, text encoder, …). */
const PIPELINE_MODULES = new Set(['unet', 'text_encoder', 'text_encoder_2', 'text_encoder_3', 'vae', 'transformer', 'controlnet', 'prior', 'image_encoder', 'decoder']);

const diffusersPipeline: Rule = {
  id: 'NRN818',
  name: 'diffusers-pipeline',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: 'diffusers pipelines instead of Optimum Neuron `Neuron*Pipeline`',
  message: 'Diffusion pipelines need their components (text encoders, UNet/transformer, VAE) compiled with static shapes. Use the matching Optimum Neuron pipeline with `export=True` and fixed `batch_size`, `height`, `width`.',
  why: 'Optimum Neuron provides compiled counterparts of the diffusers pipelines (`modeling_diffusion`).',
  fix: '`from optimum.neuron import NeuronStableDiffusionPipeline`; `P.from_pretrained(id, export=True, batch_size=1, height=512, width=512, num_images_per_prompt=1, auto_cast="matmul", auto_cast_type="bf16")`.',
  docs: `${OPTN}model_doc/diffusers/stable_diffusion`,
  source: 'NRN-HF-012',
  stackNote: NATIVE_NOTE,
  triggers: Object.keys(DIFFUSERS),
  visit(hit, ctx) {
    if (hit.inString) return;
    if (!isFrom(qnameAt(ctx.sem, hit.node), 'diffusers', hit.word)) return;
    const use = classUse(ctx, hit.node);
    if (use?.kind !== 'from_pretrained') return;
    // Built from the modules in memory (`unet=unet` after fine-tuning), to save or validate them: an exported
    // Neuron pipeline would recompile the hub weights and drop the training.
    if ([...use.call.kwargs.keys()].some((k) => PIPELINE_MODULES.has(k))) return;
    // A file that compiles components with torch_neuronx (trace, DataParallel) hosts traced parts in the stock
    // pipeline on purpose (the aws-neuron-samples Stable Diffusion notebooks): the Optimum class is optional there.
    if (ctx.sem.imports_('torch_neuronx')) return;
    const replacement = DIFFUSERS[hit.word];
    ctx.report(hit.node, {
      message: `Use \`${replacement}\` from \`optimum.neuron\`: \`${replacement}.from_pretrained(id, export=True, batch_size=1, height=512, width=512)\`; diffusion components must be compiled with static shapes.`,
      data: { replacement, module: 'optimum.neuron', export: true },
    });
  },
};

/** The file targets Trainium training through Optimum Neuron or the HF Trainer (where PEFT must be sharding-aware). */
function neuronTraining(ctx: RuleContext): boolean {
  return ctx.sem.imports_('optimum.neuron') || ctx.sem.imports_('transformers.Trainer') || ctx.sem.imports_('trl.SFTTrainer');
}

const peft: Rule = {
  id: 'NRN819',
  name: 'peft-get-peft-model',
  category: 'optimum-neuron',
  severity: XLA_WARN,
  title: '`peft.get_peft_model` instead of `optimum.neuron.peft.get_peft_model`',
  message: 'Neuron custom models need sharding-aware PEFT wrappers: use `from optimum.neuron.peft import get_peft_model` (or pass `peft_config=` to `NeuronSFTTrainer`).',
  why: 'Optimum Neuron custom modeling shards layers across NeuronCores; stock PEFT adapters do not know the sharding. `optimum.neuron.peft` provides `NeuronPeftModel` / `NeuronPeftModelForCausalLM`.',
  fix: '`from optimum.neuron.peft import get_peft_model`, or `NeuronSFTTrainer(..., peft_config=lora_config)`.',
  docs: QUICKSTART,
  source: 'NRN-HF-015',
  stackNote: NATIVE_NOTE,
  triggers: ['get_peft_model'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !isFrom(call.qname, 'peft', 'get_peft_model') || isShadowed(ctx, call.func.text.split('.')[0]) || !neuronTraining(ctx)) return;
    ctx.report(hit.node, { data: { replacement: 'get_peft_model', module: 'optimum.neuron.peft' } });
  },
};

const argParser: Rule = {
  id: 'NRN820',
  name: 'hf-argument-parser',
  category: 'optimum-neuron',
  // Info: once NRN802 has swapped in `NeuronTrainingArguments`, the stock parser reads it (Optimum Neuron's own
  // examples use it); the Neuron parser is optional.
  severity: { xla: 'info', native: 'off' },
  title: '`HfArgumentParser` instead of `NeuronHfArgumentParser`',
  message: 'Optional: `NeuronHfArgumentParser` (from `optimum.neuron`) is Optimum Neuron\'s parser for its argument dataclasses. The stock `HfArgumentParser` also reads `NeuronTrainingArguments` once they replace `TrainingArguments` (NRN802).',
  why: 'Optimum Neuron ships its own argument parser for its training-argument dataclasses (`optimum.neuron.hf_argparser`); its own training examples parse `NeuronTrainingArguments` with the stock `HfArgumentParser`, so the switch is optional.',
  fix: '`from optimum.neuron import NeuronHfArgumentParser`.',
  docs: QUICKSTART,
  source: 'NRN-HF-015',
  stackNote: NATIVE_NOTE,
  triggers: ['HfArgumentParser'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !isFrom(call.qname, 'transformers', 'HfArgumentParser') || isShadowed(ctx, call.func.text.split('.')[0]) || !neuronTraining(ctx)) return;
    // Parsing `NeuronTrainingArguments` already: the stock parser reads it fine (Optimum Neuron's own examples do this).
    const classes = call.args[0] ? (call.args[0].type === 'tuple' || call.args[0].type === 'list' ? call.args[0].namedChildren : [call.args[0]]) : [];
    if (classes.some((c) => (ctx.sem.qualifiedName(c) ?? '').startsWith('optimum.neuron.'))) return;
    ctx.report(hit.node, { data: { replacement: 'NeuronHfArgumentParser', module: 'optimum.neuron' } });
  },
};

const sentenceTransformers: Rule = {
  id: 'NRN821',
  name: 'sentence-transformers',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: '`SentenceTransformer` inference instead of `NeuronSentenceTransformers`',
  message: 'Sentence-transformers models need a Neuron export: `NeuronSentenceTransformers.from_pretrained(id, export=True, batch_size=1, sequence_length=512)` (from `optimum.neuron`), then `.encode(...)`.',
  why: 'Embedding models run on Neuron as compiled, static-shape models; Optimum Neuron wraps them as `NeuronSentenceTransformers` (called `NeuronModelForSentenceTransformers` up to 0.4.0).',
  fix: '`from optimum.neuron import NeuronSentenceTransformers`; for decoder embedders (Qwen3) `NeuronModelForEmbedding`.',
  docs: `${OPTN}model_doc/sentence_transformers/overview`,
  source: 'NRN-HF-011',
  stackNote: NATIVE_NOTE,
  triggers: ['SentenceTransformer'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const call = ctx.sem.callOf(hit.node);
    if (!call || !isFrom(call.qname, 'sentence_transformers', 'SentenceTransformer') || isShadowed(ctx, call.func.text.split('.')[0])) return;
    if (/\.fit\s*\(|SentenceTransformerTrainer/.test(ctx.text.replace(/#.*$/gm, ''))) return; // training, not inference
    ctx.report(hit.node, { data: { replacement: 'NeuronSentenceTransformers', module: 'optimum.neuron', export: true } });
  },
};

const legacyExport: Rule = {
  id: 'NRN822',
  name: 'legacy-llm-export',
  category: 'optimum-neuron',
  severity: XLA_ONLY,
  title: '`NeuronModelForCausalLM.from_pretrained(..., export=True)` (pre-0.4 export API)',
  message: 'In optimum-neuron 0.4.x, `NeuronModelForCausalLM.from_pretrained` ignores export kwargs and expects a precompiled model. Compile with `cfg = NeuronModelForCausalLM.get_neuron_config(id, batch_size=..., sequence_length=..., tensor_parallel_size=...)` and `NeuronModelForCausalLM.export(id, cfg, load_weights=True)`.',
  why: 'Valid up to v0.3.0 (`num_cores` later became `tensor_parallel_size`). In 0.4.x `_from_pretrained` logs "Ignoring the following kwargs as they are not supported by neuron" and then fails for a raw Hub checkpoint.',
  fix: '`get_neuron_config(...)` + `export(...)`, or `optimum-cli export neuron --model <id> --batch_size 1 --sequence_length 4096 --tensor_parallel_size 2 <dir>` and then `from_pretrained(<dir>)`.',
  docs: EXPORT,
  source: 'NRN-HF-008',
  stackNote: NATIVE_NOTE,
  triggers: ['NeuronModelForCausalLM'],
  visit(hit, ctx) {
    if (hit.inString) return;
    const q = qnameAt(ctx.sem, hit.node);
    if (!q || !q.startsWith('optimum.neuron') || q.includes('.training')) return;
    const use = classUse(ctx, hit.node);
    if (use?.kind !== 'from_pretrained') return;
    const exp = use.call.kwargNodes.get('export');
    if (exp && truthy(ctx.sem, use.call.kwargs.get('export')) === 'true') {
      ctx.report(exp);
      return;
    }
    const cores = use.call.kwargNodes.get('num_cores');
    if (cores) ctx.report(cores, { message: '`num_cores` is the pre-0.4 name and is no longer honoured by `from_pretrained`; compile with `get_neuron_config(..., tensor_parallel_size=N)` + `export(...)`.' });
  },
};

const TRAINER_CALL = /\b(?:Neuron)?(?:SFT)?Trainer\s*\(/;

const autoModelTraining: Rule = {
  id: 'NRN823',
  name: 'hf-automodel-training',
  category: 'optimum-neuron',
  severity: XLA_WARN,
  title: 'Training a stock `AutoModelForCausalLM` instead of Optimum Neuron custom modeling',
  message: 'Large-model training on Trainium needs Optimum Neuron custom modeling for tensor/pipeline parallelism: `from optimum.neuron.models.training import NeuronModelForCausalLM`; `NeuronModelForCausalLM.from_pretrained(id, training_args.trn_config, torch_dtype=torch.bfloat16)` (Llama, Qwen3, Granite). Other architectures train only with data parallelism, if they fit one NeuronCore.',
  why: 'Only Llama (1/2/3), Qwen3 (TP+PP) and Granite (TP) are registered for Optimum Neuron custom training modeling; a stock transformers model is replicated on every core (data parallel only, 16 GB per core).',
  fix: '`NeuronModelForCausalLM.from_pretrained(model_id, training_args.trn_config, torch_dtype=torch.bfloat16, attn_implementation="flash_attention_2")` from `optimum.neuron.models.training`.',
  docs: QUICKSTART,
  source: 'NRN-HF-006',
  stackNote: NATIVE_NOTE,
  triggers: ['AutoModelForCausalLM'],
  visit(hit, ctx) {
    if (hit.inString) return;
    if (!isFrom(qnameAt(ctx.sem, hit.node), 'transformers', 'AutoModelForCausalLM')) return;
    const use = classUse(ctx, hit.node);
    if (use?.kind !== 'from_pretrained') return;
    if (ctx.sem.imports_('optimum.neuron.models.training')) return;
    if (!TRAINER_CALL.test(ctx.text.replace(/#.*$/gm, ''))) return;
    ctx.report(hit.node, { data: { replacement: 'NeuronModelForCausalLM', module: 'optimum.neuron.models.training' } });
  },
};

export const rules: Rule[] = [
  trainer, trainingArguments, fp16, deepspeedKw, fsdpKw, torchCompileKw, optimKw, evaluation, resume, tf32, sftTrainer, sftConfig, trlUnsupported, seq2seq,
  accelerator, acceleratorPlugins, pipeline, autoModelInference, diffusersPipeline, peft, argParser, sentenceTransformers, legacyExport, autoModelTraining,
];
