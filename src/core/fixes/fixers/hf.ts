// Hugging Face → Optimum Neuron (XLA stack): Trainer/TrainingArguments/SFT/Accelerator classes,
// `pipeline(...)`, and inference `AutoModelFor*` → `NeuronModelFor*` with static shapes. Every
// argument the Neuron class does not accept is dropped with a `# neuron-lens: dropped …` note.
import type { Node } from 'web-tree-sitter';
import type { Fixer, FixOutcome, FixPlan, ImportReq, Release } from '../api';
import type { Finding } from '../../types';
import type { FixContext } from '../context';
import type { OffsetEdit } from '../text';
import { TASK_ALIASES } from '../../rules/optimum-neuron';

const NO_EVAL = 'NeuronTrainer does not support evaluation';
const ARGS_DROPS: Record<string, string> = {
  deepspeed: 'Optimum Neuron has no DeepSpeed; ZeRO-1 is built in: zero_1=True',
  fsdp: 'FSDP is not supported by Optimum Neuron; use tensor_parallel_size / zero_1',
  fsdp_config: 'FSDP is not supported by Optimum Neuron',
  torch_compile: 'torch.compile is not supported on the PyTorch/XLA stack',
  torch_compile_backend: 'torch.compile is not supported on the PyTorch/XLA stack',
  torch_compile_mode: 'torch.compile is not supported on the PyTorch/XLA stack',
  tf32: 'TF32 is a CUDA setting; the Neuron compiler sets matmul precision',
  use_liger_kernel: 'Liger kernels are not supported in NeuronTrainer',
  do_eval: NO_EVAL,
  eval_strategy: NO_EVAL,
  evaluation_strategy: NO_EVAL,
  eval_steps: NO_EVAL,
  load_best_model_at_end: NO_EVAL,
  metric_for_best_model: NO_EVAL,
  greater_is_better: NO_EVAL,
  fp16_opt_level: 'CUDA AMP setting',
  fp16_backend: 'CUDA AMP setting',
  fp16_full_eval: 'CUDA AMP setting',
  ddp_backend: 'Optimum Neuron sets up the XLA process group itself',
  optim: 'NeuronTrainer only builds adamw_torch or sgd; the default is adamw_torch',
};
const TRAINER_DROPS: Record<string, string> = {
  eval_dataset: NO_EVAL,
  compute_metrics: NO_EVAL,
  preprocess_logits_for_metrics: NO_EVAL,
  model_init: 'NeuronTrainer does not take model_init; pass the model',
};
const ACCEL_DROPS: Record<string, string> = {
  deepspeed_plugin: 'NeuronAccelerator raises NotImplementedError for DeepSpeed',
  deepspeed_plugins: 'NeuronAccelerator raises NotImplementedError for DeepSpeed',
  fsdp_plugin: 'NeuronAccelerator raises NotImplementedError for FSDP',
  dynamo_backend: 'NeuronAccelerator raises NotImplementedError for dynamo',
  dynamo_plugin: 'NeuronAccelerator raises NotImplementedError for dynamo',
  megatron_lm_plugin: 'NeuronAccelerator raises NotImplementedError for Megatron-LM',
  torch_tp_plugin: 'NeuronAccelerator raises NotImplementedError for torch TP',
};

interface ClassMap {
  neuron: string;
  drops: Record<string, string>;
  /** fp16 → bf16 for TrainingArguments-like classes. */
  precision?: 'args' | 'accelerator';
  /** Already the Optimum Neuron class: only drop what it does not accept. */
  already?: boolean;
}
const CLASSES: Record<string, ClassMap> = {
  'transformers.Trainer': { neuron: 'NeuronTrainer', drops: TRAINER_DROPS },
  'transformers.trainer.Trainer': { neuron: 'NeuronTrainer', drops: TRAINER_DROPS },
  'transformers.TrainingArguments': { neuron: 'NeuronTrainingArguments', drops: ARGS_DROPS, precision: 'args' },
  'transformers.training_args.TrainingArguments': { neuron: 'NeuronTrainingArguments', drops: ARGS_DROPS, precision: 'args' },
  'trl.SFTTrainer': { neuron: 'NeuronSFTTrainer', drops: TRAINER_DROPS },
  'trl.SFTConfig': { neuron: 'NeuronSFTConfig', drops: ARGS_DROPS, precision: 'args' },
  'accelerate.Accelerator': { neuron: 'NeuronAccelerator', drops: ACCEL_DROPS, precision: 'accelerator' },
  'transformers.HfArgumentParser': { neuron: 'NeuronHfArgumentParser', drops: {} },
  'optimum.neuron.NeuronTrainer': { neuron: 'NeuronTrainer', drops: TRAINER_DROPS, already: true },
  'optimum.neuron.NeuronTrainingArguments': { neuron: 'NeuronTrainingArguments', drops: ARGS_DROPS, precision: 'args', already: true },
  'optimum.neuron.NeuronSFTTrainer': { neuron: 'NeuronSFTTrainer', drops: TRAINER_DROPS, already: true },
  'optimum.neuron.NeuronSFTConfig': { neuron: 'NeuronSFTConfig', drops: ARGS_DROPS, precision: 'args', already: true },
  'optimum.neuron.NeuronAccelerator': { neuron: 'NeuronAccelerator', drops: ACCEL_DROPS, precision: 'accelerator', already: true },
};
const KEEP_OPTIM = /^(?:adamw_torch|sgd)$/;

/** The HF class call at (or around) the finding, with its mapping. */
function classCall(cx: FixContext, node: Node | null): { call: Node; map: ClassMap; qname: string } | null {
  for (let c = cx.callAround(node); c; c = c.parent ? cx.callAround(c.parent) : null) {
    const q = cx.sem.call(c).qname;
    if (q && CLASSES[q]) return { call: c, map: CLASSES[q], qname: q };
  }
  return null;
}

function notesAbove(cx: FixContext, stmt: Node, notes: string[]): OffsetEdit[] {
  return notes.map((n) => cx.insertAbove(stmt, `# neuron-lens: ${n}`));
}

function classPlan(cx: FixContext, call: Node, map: ClassMap): FixOutcome {
  const info = cx.sem.call(call);
  const stmt = cx.statementOf(call);
  if (!stmt || !cx.startsLine(stmt)) return { skip: 'the call shares its line with another statement' };
  const edits: OffsetEdit[] = [];
  const notes: string[] = [];
  const drop: Node[] = [];
  if (!map.already) edits.push({ start: info.func.startIndex, end: info.func.endIndex, text: map.neuron });
  for (const [k, node] of info.kwargNodes) {
    const value = info.kwargs.get(k)!;
    if (map.precision === 'args' && k === 'fp16') {
      const v = cx.sem.constValue(value);
      if (v?.kind === 'bool' && !v.value) {
        drop.push(node);
        continue;
      }
      if (info.kwargs.has('bf16')) {
        drop.push(node);
        notes.push(`dropped fp16=${cx.short(value)} (Neuron trains in bf16; bf16 is already set)`);
      } else edits.push({ start: node.childForFieldName('name')!.startIndex, end: node.childForFieldName('name')!.endIndex, text: 'bf16' });
      continue;
    }
    if (map.precision === 'args' && k === 'half_precision_backend' && /^(?:xla|amp)$/.test(cx.str(value) ?? '')) continue;
    if (map.precision === 'accelerator' && k === 'mixed_precision' && cx.str(value) === 'fp16') {
      const q = cx.quoteOf(value);
      edits.push({ start: value.startIndex, end: value.endIndex, text: `${q}bf16${q}` });
      continue;
    }
    let why = map.drops[k];
    if (!why && map.precision === 'args' && k === 'half_precision_backend') why = 'CUDA AMP setting (Neuron uses xla or amp)';
    if (!why) continue;
    if (k === 'optim' && KEEP_OPTIM.test(cx.str(value) ?? '')) continue;
    if ((k === 'eval_strategy' || k === 'evaluation_strategy') && /^no$/i.test(cx.str(value) ?? '')) {
      drop.push(node);
      continue;
    }
    const v = cx.sem.constValue(value);
    if ((k === 'do_eval' || k === 'load_best_model_at_end' || k === 'torch_compile' || k === 'use_liger_kernel' || k === 'tf32') && v?.kind === 'bool' && !v.value) {
      drop.push(node);
      continue;
    }
    drop.push(node);
    if (value.type !== 'none') notes.push(`dropped ${k}=${cx.short(value)} (${why})`);
  }
  const list = call.childForFieldName('arguments');
  if (drop.length && list) edits.push(...cx.removeListItems(drop, list.namedChildren.filter((n) => n.type !== 'comment')));
  edits.push(...notesAbove(cx, stmt, notes));
  // NeuronTrainer raises on evaluate()/predict(): flag those calls where they are.
  if (map.drops === TRAINER_DROPS && !map.already) {
    const asg = call.parent?.type === 'assignment' ? call.parent : null;
    const name = asg?.childForFieldName('left');
    const key = name ? cx.sem.dottedName(name) : null;
    if (key) {
      for (const u of key.includes('.') ? cx.sem.usesOf(key) : cx.sem.usesOf(key, asg!)) {
        const p = u.parent;
        const m = p?.type === 'attribute' && p.childForFieldName('object')?.id === u.id ? p.childForFieldName('attribute')?.text : null;
        const st = m && /^(?:evaluate|predict)$/.test(m) ? cx.statementOf(u) : null;
        if (st && cx.startsLine(st)) edits.push(cx.insertAbove(st, `# TODO(neuron): ${map.neuron}.${m}() raises (evaluation is not supported on Trainium): evaluate elsewhere or drop this call`));
      }
    }
  }
  const release: Release[] = info.func.type === 'identifier' && !map.already ? [{ local: info.func.text }] : [];
  if (map.already && edits.length === 0) return null;
  const dropped = notes.length ? ` (drops ${notes.length} unsupported argument${notes.length > 1 ? 's' : ''})` : '';
  return {
    title: map.already ? `Drop the arguments \`${map.neuron}\` does not accept${dropped}` : `Use \`${map.neuron}\` from optimum.neuron${dropped}`,
    edits,
    imports: map.already ? [] : [{ kind: 'from', module: 'optimum.neuron', name: map.neuron }],
    release,
    safe: true,
    priority: 1,
  };
}

export const hfClass: Fixer = {
  name: 'hf-neuron-class',
  rules: ['NRN801', 'NRN802', 'NRN803', 'NRN804', 'NRN805', 'NRN806', 'NRN807', 'NRN808', 'NRN809', 'NRN810', 'NRN811', 'NRN814', 'NRN815', 'NRN820'],
  categories: ['optimum-neuron', 'mixed-precision', 'gpu-library'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    const parserArg = parserDataclass(cx.nodeAt(f.range), f.data);
    if (parserArg) return parserArg;
    const hit = classCall(cx, cx.nodeAt(f.range));
    if (!hit) return null;
    return classPlan(cx, hit.call, hit.map);
  },
};

/**
 * `HfArgumentParser((ModelArguments, TrainingArguments))`: the dataclass is renamed where it is listed (the
 * parser's own call is NRN820's plan; its arguments are not this class's keywords).
 */
function parserDataclass(node: Node | null, data: Finding['data']): FixPlan | null {
  const replacement = typeof data?.replacement === 'string' ? data.replacement : null;
  if (!node || node.type !== 'identifier' || !replacement) return null;
  const holder = node.parent?.type === 'tuple' || node.parent?.type === 'list' ? node.parent : node;
  const call = holder.parent?.type === 'argument_list' ? holder.parent.parent : null;
  if (call?.type !== 'call' || !/(?:HfArgumentParser|TrlParser)$/.test(call.childForFieldName('function')?.text ?? '')) return null;
  const module = typeof data?.module === 'string' ? data.module : 'optimum.neuron';
  return {
    title: `Use \`${replacement}\` from ${module} in the parser`,
    edits: [{ start: node.startIndex, end: node.endIndex, text: replacement }],
    imports: [{ kind: 'from', module, name: replacement }],
    release: [{ local: node.text }],
    safe: true,
  };
}

// ------------------------------------------------------------------------------------ pipeline

const PIPELINE_TEXT_TASKS = new Set(['feature-extraction', 'fill-mask', 'question-answering', 'text-classification', 'sentiment-analysis', 'token-classification', 'ner', 'text-generation']);
const PIPELINE_OTHER_TASKS = new Set(['image-classification', 'image-segmentation', 'object-detection', 'automatic-speech-recognition']);

export const hfPipeline: Fixer = {
  name: 'hf-pipeline',
  rules: ['NRN816'],
  categories: ['optimum-neuron', 'cuda-device'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    let call: Node | null = null;
    for (let c = cx.callAround(cx.nodeAt(f.range)); c; c = c.parent ? cx.callAround(c.parent) : null) {
      if (cx.sem.call(c).qname === 'transformers.pipeline') {
        call = c;
        break;
      }
    }
    if (!call) return null;
    const info = cx.sem.call(call);
    if (info.func.type !== 'identifier') return { skip: 'call `pipeline` through `from optimum.neuron import pipeline`' };
    const local = info.func.text;
    const taskNode = info.args[0] ?? info.kwargs.get('task');
    const task = cx.str(taskNode);
    if (!task) return { skip: 'the pipeline task is not a literal string' };
    if (PIPELINE_OTHER_TASKS.has(task)) return { skip: `"${task}" needs task-specific input shapes; pass a NeuronModelFor* compiled for your inputs` };
    if (!PIPELINE_TEXT_TASKS.has(task)) return { skip: `"${task}" is not supported by the optimum-neuron pipeline` };
    // Rebinding `pipeline` changes every call of it: all must be convertible.
    for (const id of cx.sem.identifiersIn(local)) {
      const c = cx.sem.callOf(id);
      if (!c || c.func.id !== id.id || c.node.id === call.id) continue;
      const tn = c.args[0] ?? c.kwargs.get('task');
      const t = cx.str(tn);
      if (!t || !PIPELINE_TEXT_TASKS.has(t) || (TASK_ALIASES[t] && tn?.type !== 'string')) return { skip: `another \`${local}(…)\` call (${t ? `task "${t}"` : 'a task that is not a literal'}) cannot move to optimum.neuron, and they share the import` };
    }
    if (TASK_ALIASES[task] && taskNode?.type !== 'string') return { skip: `the task "${task}" must be written "${TASK_ALIASES[task]}" for optimum.neuron` };
    const stmt = cx.statementOf(call);
    if (!stmt || !cx.startsLine(stmt)) return { skip: 'the call shares its line with another statement' };
    const edits: OffsetEdit[] = [];
    // The alias becomes the task name optimum-neuron knows (the other calls of `pipeline` get their own fix).
    if (TASK_ALIASES[task] && taskNode) {
      const quote = taskNode.text.startsWith("'") ? "'" : '"';
      edits.push({ start: taskNode.startIndex, end: taskNode.endIndex, text: `${quote}${TASK_ALIASES[task]}${quote}` });
    }
    const argList = call.childForFieldName('arguments')!;
    const gone = ['device', 'device_map'].map((k) => info.kwargNodes.get(k)).filter((n): n is Node => !!n);
    if (gone.length) edits.push(...cx.removeListItems(gone, argList.namedChildren.filter((n) => n.type !== 'comment')));
    const seq = task === 'text-generation' ? 4096 : 128;
    const add: string[] = [];
    if (!info.kwargs.has('export')) add.push('export=True');
    if (!info.kwargs.has('input_shapes')) add.push(`input_shapes={"batch_size": 1, "sequence_length": ${seq}}`);
    const list = call.childForFieldName('arguments')!;
    const lastArg = list.namedChildren.filter((n) => n.type !== 'comment').at(-1);
    if (add.length && lastArg) {
      // Same layout as the call: on one line, or one argument per line.
      const multiline = list.startPosition.row !== list.endPosition.row && lastArg.startPosition.row !== list.startPosition.row;
      const sep = multiline ? `,\n${cx.lineIndent(lastArg.startIndex)}` : ', ';
      edits.push({ start: lastArg.endIndex, end: lastArg.endIndex, text: sep + add.join(sep) });
    }
    edits.push(cx.insertAbove(stmt, `# neuron-lens: compiled for static shapes (batch_size=1, sequence_length=${seq}); pad or truncate inputs to fit`));
    return {
      title: 'Use `optimum.neuron.pipeline` (compiled with static input shapes)',
      edits,
      imports: [{ kind: 'from', module: 'optimum.neuron', name: 'pipeline' }],
      release: [{ local, force: true, qname: 'transformers.pipeline' }],
      safe: true,
      priority: 1,
    };
  },
};

// ------------------------------------------------------------------------------------ AutoModelFor* (inference)

const TEXT_MODELS: Record<string, string> = {
  AutoModel: 'NeuronModelForFeatureExtraction',
  AutoModelForSequenceClassification: 'NeuronModelForSequenceClassification',
  AutoModelForTokenClassification: 'NeuronModelForTokenClassification',
  AutoModelForQuestionAnswering: 'NeuronModelForQuestionAnswering',
  AutoModelForMaskedLM: 'NeuronModelForMaskedLM',
};
const DROP_LOAD = new Set(['device_map', 'torch_dtype', 'dtype', 'attn_implementation', 'low_cpu_mem_usage', 'load_in_8bit', 'load_in_4bit', 'quantization_config']);

/** `major.minor` of the optimum-neuron API to write for; default the newest (0.4). */
export function optimumApi(version: string | null | undefined): '0.3' | '0.4' {
  const m = version ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!m) return '0.4';
  return Number(m[1]) === 0 && Number(m[2]) < 4 ? '0.3' : '0.4';
}

export const hfAutoModel: Fixer = {
  name: 'hf-auto-model-inference',
  rules: ['NRN817'],
  categories: ['optimum-neuron'],
  targets: ['xla'],
  plan(f, cx): FixOutcome {
    let call: Node | null = null;
    let cls = '';
    for (let c = cx.callAround(cx.nodeAt(f.range)); c; c = c.parent ? cx.callAround(c.parent) : null) {
      const info = cx.sem.call(c);
      const m = info.qname ? /^transformers\.(AutoModel\w*)\.from_pretrained$/.exec(info.qname) : null;
      if (m) {
        call = c;
        cls = m[1];
        break;
      }
    }
    if (!call) return null;
    if (/\.backward\s*\(|\b(?:Trainer|SFTTrainer|NeuronTrainer)\s*\(/.test(cx.text)) {
      return { skip: 'the model is trained in this file: use optimum.neuron.models.training.NeuronModelForCausalLM with training_args.trn_config' };
    }
    const neuron = cls === 'AutoModelForCausalLM' ? 'NeuronModelForCausalLM' : TEXT_MODELS[cls];
    if (!neuron) return { skip: `${cls}: pick the matching NeuronModelFor* class and its input shapes by hand` };
    const info = cx.sem.call(call);
    if (info.hasSplat) return { skip: 'from_pretrained(**kwargs): the arguments are not visible' };
    const id = info.args[0] ?? info.kwargs.get('pretrained_model_name_or_path');
    if (!id || info.args.length > 1) return { skip: 'unexpected from_pretrained arguments' };
    const others = [...info.kwargs.keys()].filter((k) => !DROP_LOAD.has(k) && k !== 'pretrained_model_name_or_path');
    // Drop a `.to("cuda")` / `.cuda()` chained on the load: the compiled model lives on the NeuronCores.
    let whole: Node = call;
    const p = call.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.id === call.id && p.parent?.type === 'call' && /^(?:to|cuda)$/.test(p.childForFieldName('attribute')?.text ?? '')) whole = p.parent;
    const stmt = cx.statementOf(call);
    if (!stmt || !cx.startsLine(stmt)) return { skip: 'the call shares its line with another statement' };
    const notes = [...info.kwargs.keys()].filter((k) => DROP_LOAD.has(k)).map((k) => `dropped ${k}=${cx.short(info.kwargs.get(k)!)} (the compiled Neuron model sets its own placement and precision)`);
    const imports: ImportReq[] = [{ kind: 'from', module: 'optimum.neuron', name: neuron }];
    const edits: OffsetEdit[] = [];
    const api = optimumApi(cx.options.optimumNeuronVersion);
    const kept = others.map((k) => `${k}=${info.kwargs.get(k)!.text}`);
    if (neuron === 'NeuronModelForCausalLM' && api === '0.4') {
      // 0.4.x: compile with an explicit neuron config; from_pretrained(export=True) no longer exports LLMs.
      const asg = stmt.namedChildren[0];
      if (stmt.type !== 'expression_statement' || asg?.type !== 'assignment' || asg.childForFieldName('right')?.id !== whole.id) return { skip: 'the model load is not a plain assignment' };
      if (kept.length) return { skip: `from_pretrained(${others.join(', ')}=…) has no NeuronModelForCausalLM.export equivalent` };
      const lhs = asg.childForFieldName('left')!.text;
      const indent = cx.lineIndent(stmt.startIndex);
      const text =
        `# neuron-lens: compiled for static shapes: batch_size, sequence_length (prompt + new tokens) and tensor_parallel_size (NeuronCores); adjust them to your workload\n` +
        `${indent}neuron_config = ${neuron}.get_neuron_config(${id.text}, batch_size=1, sequence_length=4096, tensor_parallel_size=2)\n` +
        `${indent}${lhs} = ${neuron}.export(${id.text}, neuron_config, load_weights=True)`;
      edits.push({ start: stmt.startIndex, end: stmt.endIndex, text });
    } else {
      const shape =
        neuron === 'NeuronModelForCausalLM'
          ? 'batch_size=1, sequence_length=4096, tensor_parallel_size=2, auto_cast_type="bf16"'
          : 'batch_size=1, sequence_length=128';
      const args = [id.text, ...kept, 'export=True', shape].join(', ');
      edits.push({ start: whole.startIndex, end: whole.endIndex, text: `${neuron}.from_pretrained(${args})` });
      notes.push(`compiled for static shapes (${shape.replace(/, auto_cast_type="bf16"/, '')}); pad inputs to them`);
    }
    edits.push(...notes.map((n) => cx.insertAbove(stmt, `# neuron-lens: ${n}`)));
    const head = info.func.type === 'attribute' ? info.func.childForFieldName('object') : null;
    const release: Release[] = head?.type === 'identifier' ? [{ local: head.text }] : [];
    return { title: `Use \`${neuron}\` compiled for Neuron (optimum-neuron ${api}.x API)`, edits, imports, release, safe: true, priority: 2 };
  },
};

export const hfFixers: Fixer[] = [hfClass, hfPipeline, hfAutoModel];
