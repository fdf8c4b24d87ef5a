// Runs the rule catalog over one parsed file. One regex pass over the text finds every trigger word
// (plus import aliases of trigger words); each occurrence is mapped to its tree node and handed to
// the rules that asked for it. This keeps analysis close to parse cost: work is proportional to
// the number of interesting tokens, not to the size of the tree.
import type { Node } from 'web-tree-sitter';
import type { ParsedModule } from './python/chunkedModule';
import { hitLocator } from './python/hitLocator';
import type { Range } from './types';
import type { Finding, Severity, Target, TargetSetting } from './types';
import { detectTargetFromFile } from './config/target';
import { comparePos } from './types';
import type { Hit, ReportOptions, Rule, RuleContext } from './rules/api';
import { SemanticModel } from './semantic/model';
import { parseSuppressions, isSuppressed } from './suppressions';
import { escapeRe } from './text';

export type SeverityOverride = Severity | 'off';

export interface AnalyzeOptions {
  /** `auto` detects from the file's imports, then `projectTarget`, then defaults to xla. */
  target: TargetSetting;
  /** Target pinned by the project's requirements / pyproject (used when the file itself says nothing). */
  projectTarget?: Target | null;
  /** The enabled rules (see `selectRules`). */
  rules: readonly Rule[];
  /** Per rule id or category: severity override (`off` disables). Rule id wins over category. */
  severity?: ReadonlyMap<string, SeverityOverride>;
  /** Called when a rule throws; the rule's other findings are kept and analysis goes on. */
  onRuleError?(rule: Rule, error: unknown): void;
  /** Only deliver trigger occurrences inside these [start, end) offsets (sorted); all when absent. */
  ranges?: readonly (readonly [number, number])[];
  /** Receives, for each finding, the offset of the trigger occurrence that produced it. */
  origins?: Map<Finding, number>;
}

interface Dispatch {
  byWord: Map<string, Rule[]>;
  regex: RegExp;
  /** Words with at least one gated rule. */
  gatedWords: Set<string>;
}
interface Gates {
  /** Distinct `requiredModules` lists of the rule set, each with its rules (empty list: always on). */
  groups: { modules: readonly string[]; rules: Rule[] }[];
  /** Dispatch tables by which groups are on (bit i: group i). */
  tables: Map<number, Dispatch>;
}
const gateCache = new WeakMap<readonly Rule[], Gates>();

/** The PyTorch ecosystem: importing any of these makes torch-family rules relevant. */
export const TORCH_FAMILY = ['torch', 'torch_xla', 'torch_neuronx', 'torchvision', 'torchaudio', 'transformers', 'accelerate', 'trl', 'peft', 'diffusers', 'lightning', 'pytorch_lightning', 'timm', 'deepspeed', 'optimum', 'neuronx_distributed', 'apex'];
const HF_FAMILY = ['transformers', 'trl', 'accelerate', 'diffusers', 'peft', 'sentence_transformers', 'optimum'];
const JAX_FAMILY = ['jax', 'jaxlib', 'jax_neuronx', 'flax', 'optax', 'equinox'];
const CATEGORY_REQUIRES: Record<string, readonly string[]> = {
  'cuda-device': [], // `.cuda()` and "cuda" device strings mean the same thing in a helper module that imports nothing
  'gpu-library': [], // the imports themselves are the findings
  jax: JAX_FAMILY,
  // dtype, operator and compile rules cover JAX code too.
  dtype: [...TORCH_FAMILY, ...JAX_FAMILY],
  'unsupported-op': [...TORCH_FAMILY, ...JAX_FAMILY],
  compile: [...TORCH_FAMILY, ...JAX_FAMILY],
  'optimum-neuron': HF_FAMILY,
};

export function requiredModules(rule: Rule): readonly string[] {
  return rule.requires ?? CATEGORY_REQUIRES[rule.category] ?? TORCH_FAMILY;
}

function wordsRegex(words: Iterable<string>): RegExp {
  // Longest first so `cuda_graph` wins over `cuda` at the same position (\b already separates most).
  const list = [...new Set(words)].sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(`\\b(?:${list.join('|') || '(?!)'})\\b`, 'g');
}

/** Dispatch tables for the rules whose required modules the file imports (cached per rule set and gate combination). */
function dispatchFor(rules: readonly Rule[], sem: SemanticModel): Dispatch {
  let gates = gateCache.get(rules);
  if (!gates) {
    const byList = new Map<string, { modules: readonly string[]; rules: Rule[] }>();
    for (const r of rules) {
      const modules = requiredModules(r);
      const k = modules.join(',');
      let g = byList.get(k);
      if (!g) byList.set(k, (g = { modules, rules: [] }));
      g.rules.push(r);
    }
    gateCache.set(rules, (gates = { groups: [...byList.values()], tables: new Map() }));
  }
  // A handful of groups (per category family), so a file costs a few import checks, not one per rule.
  let key = 0;
  const groups = gates.groups;
  for (let i = 0; i < groups.length; i++) {
    const mods = groups[i].modules;
    let on = mods.length === 0;
    for (let j = 0; !on && j < mods.length; j++) on = sem.imports_(mods[j]);
    if (on) key += 2 ** i;
  }
  let d = gates.tables.get(key);
  if (!d) {
    const active = new Set(groups.filter((_, i) => Math.floor(key / 2 ** i) % 2 === 1).flatMap((g) => g.rules));
    const byWord = new Map<string, Rule[]>();
    // In catalog order, as before: rules see a word in the order they are listed.
    for (const r of rules) if (active.has(r)) for (const w of r.triggers) byWord.set(w, [...(byWord.get(w) ?? []), r]);
    const gatedWords = new Set([...byWord].filter(([, rs]) => rs.some((r) => r.gate)).map(([w]) => w));
    d = { byWord, regex: wordsRegex(byWord.keys()), gatedWords };
    gates.tables.set(key, d);
  }
  return d;
}

const STRING_NODES = new Set(['string_content', 'string', 'string_start', 'string_end', 'escape_sequence']);

export interface AnalysisResult {
  findings: Finding[];
  /** The stack the findings were computed for, after auto-detection. */
  target: Target;
}

export function analyzeTree(tree: ParsedModule, text: string, options: AnalyzeOptions): AnalysisResult {
  const sem = new SemanticModel(tree, text, 'xla');
  const target: Target = options.target === 'auto' ? (detectTargetFromFile(sem, text) ?? options.projectTarget ?? 'xla') : options.target;
  sem.target = target;
  const suppressions = parseSuppressions(text, tree.rootNode);
  if (suppressions.file) return { findings: [], target };
  const { byWord, regex, gatedWords } = dispatchFor(options.rules, sem);
  const findings = new Map<string, Finding>();
  let origin = 0;

  const makeCtx = (rule: Rule): RuleContext => ({
    target,
    text,
    sem,
    report(at: Node | Range, o: ReportOptions = {}) {
      // `off` for this stack means the rule does not apply here, whatever severity a finding asks for.
      if (rule.severity[target] === 'off') return;
      const range = 'startIndex' in at ? sem.rangeOf(at) : at;
      let severity: SeverityOverride = o.severity ?? rule.severity[target];
      const ov = options.severity?.get(rule.id) ?? options.severity?.get(rule.category);
      if (ov) severity = ov;
      if (severity === 'off') return;
      const key = `${rule.id}:${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
      const existing = findings.get(key);
      if (existing) {
        if (o.related) existing.related.push(...o.related);
        return;
      }
      const f: Finding = {
        rule: rule.id,
        category: rule.category,
        severity,
        message: o.message ?? rule.message,
        range,
        related: o.related ? [...o.related] : [],
        fixable: !!rule.fixable && o.fixable !== false,
        docs: rule.docs,
        ...(o.data ? { data: o.data } : {}),
      };
      findings.set(key, f);
      options.origins?.set(f, origin);
    },
  });
  const contexts = new Map<Rule, RuleContext>();
  const ctxOf = (r: Rule) => {
    let c = contexts.get(r);
    if (!c) contexts.set(r, (c = makeCtx(r)));
    return c;
  };

  const root = tree.rootNode;
  const locate = hitLocator(root);
  const live: Rule[] = [];
  const visit = (word: string, written: string, start: number) => {
    let rules = byWord.get(word);
    if (!rules) return;
    // Text gates first: an occurrence no rule can use costs no tree read.
    if (gatedWords.has(word)) {
      live.length = 0;
      for (const r of rules) if (!r.gate || r.gate(text, start, start + written.length, word)) live.push(r);
      if (!live.length) return;
      rules = live;
    }
    const node = locate(start, start + written.length);
    if (!node || node.type === 'comment') return;
    const inString = STRING_NODES.has(node.type);
    // An identifier must be exactly the word (\b is ASCII-only, Python identifiers are not).
    if (!inString && (node.startIndex !== start || node.endIndex !== start + written.length)) return;
    const hit: Hit = { word, written, node, inString };
    origin = start;
    for (const r of rules) {
      try {
        r.visit(hit, ctxOf(r));
      } catch (e) {
        options.onRuleError?.(r, e);
      }
    }
  };

  const scan = (re: RegExp, deliver: (m: RegExpExecArray) => void) => {
    for (const [from, to] of options.ranges ?? [[0, text.length] as const]) {
      re.lastIndex = from;
      for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) deliver(m);
    }
  };
  scan(regex, (m) => visit(m[0], m[0], m.index));

  // Aliases of trigger words: `import torch.nn.functional as F` delivers `F` as `functional`.
  const aliases = new Map<string, string>();
  for (const b of sem.imports) {
    const last = b.qname.slice(b.qname.lastIndexOf('.') + 1);
    if (b.local !== last && byWord.has(last)) aliases.set(b.local, last);
  }
  if (aliases.size) {
    scan(wordsRegex(aliases.keys()), (m) => visit(aliases.get(m[0])!, m[0], m.index));
  }

  const out = [...findings.values()].filter((f) => !isSuppressed(suppressions, f));
  out.sort((a, b) => comparePos(a.range.start, b.range.start) || a.rule.localeCompare(b.rule));
  return { findings: out, target };
}
