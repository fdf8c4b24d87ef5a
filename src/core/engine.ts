// Runs the rule catalog over one parsed file. One regex pass over the text finds every trigger word
// (plus import aliases of trigger words); each occurrence is mapped to its tree node and handed to
// the rules that asked for it. This keeps analysis close to parse cost: work is proportional to
// the number of interesting tokens, not to the size of the tree.
import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from './types';
import type { Finding, Severity, Target, TargetSetting } from './types';
import { detectTargetFromFile } from './config/target';
import { comparePos } from './types';
import type { Hit, ReportOptions, Rule, RuleContext } from './rules/api';
import { SemanticModel } from './semantic/model';
import { parseSuppressions, isSuppressed } from './suppressions';

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
}

interface Dispatch {
  byWord: Map<string, Rule[]>;
  regex: RegExp;
}
const dispatchCache = new WeakMap<readonly Rule[], Dispatch>();

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function wordsRegex(words: Iterable<string>): RegExp {
  // Longest first so `cuda_graph` wins over `cuda` at the same position (\b already separates most).
  const list = [...new Set(words)].sort((a, b) => b.length - a.length).map(escapeRe);
  return new RegExp(`\\b(?:${list.join('|') || '(?!)'})\\b`, 'g');
}

function dispatchFor(rules: readonly Rule[]): Dispatch {
  let d = dispatchCache.get(rules);
  if (!d) {
    const byWord = new Map<string, Rule[]>();
    for (const r of rules) for (const w of r.triggers) byWord.set(w, [...(byWord.get(w) ?? []), r]);
    d = { byWord, regex: wordsRegex(byWord.keys()) };
    dispatchCache.set(rules, d);
  }
  return d;
}

const STRING_NODES = new Set(['string_content', 'string', 'string_start', 'string_end', 'escape_sequence']);

export interface AnalysisResult {
  findings: Finding[];
  /** The stack the findings were computed for, after auto-detection. */
  target: Target;
}

export function analyzeTree(tree: Tree, text: string, options: AnalyzeOptions): AnalysisResult {
  const sem = new SemanticModel(tree, text, 'xla');
  const target: Target = options.target === 'auto' ? (detectTargetFromFile(sem, text) ?? options.projectTarget ?? 'xla') : options.target;
  sem.target = target;
  const suppressions = parseSuppressions(text, tree.rootNode);
  if (suppressions.file) return { findings: [], target };
  const { byWord, regex } = dispatchFor(options.rules);
  const findings = new Map<string, Finding>();

  const makeCtx = (rule: Rule): RuleContext => ({
    target,
    text,
    sem,
    report(at: Node | Range, o: ReportOptions = {}) {
      const range = 'startIndex' in at ? sem.rangeOf(at) : at;
      let severity: SeverityOverride = o.severity ?? rule.severity[target];
      const ov = options.severity?.get(rule.id) ?? options.severity?.get(rule.category);
      if (ov) severity = ov === 'off' || severity === 'off' ? 'off' : ov;
      if (severity === 'off') return;
      const key = `${rule.id}:${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
      const existing = findings.get(key);
      if (existing) {
        if (o.related) existing.related.push(...o.related);
        return;
      }
      findings.set(key, {
        rule: rule.id,
        category: rule.category,
        severity,
        message: o.message ?? rule.message,
        range,
        related: o.related ? [...o.related] : [],
        fixable: !!rule.fixable,
        docs: rule.docs,
        ...(o.data ? { data: o.data } : {}),
      });
    },
  });
  const contexts = new Map<Rule, RuleContext>();
  const ctxOf = (r: Rule) => {
    let c = contexts.get(r);
    if (!c) contexts.set(r, (c = makeCtx(r)));
    return c;
  };

  const visit = (word: string, written: string, start: number) => {
    const rules = byWord.get(word);
    if (!rules) return;
    const node = tree.rootNode.descendantForIndex(start, start + written.length);
    if (!node || node.type === 'comment') return;
    const inString = STRING_NODES.has(node.type);
    // An identifier must be exactly the word (\b is ASCII-only, Python identifiers are not).
    if (!inString && (node.startIndex !== start || node.endIndex !== start + written.length)) return;
    const hit: Hit = { word, written, node, inString };
    for (const r of rules) {
      try {
        r.visit(hit, ctxOf(r));
      } catch (e) {
        options.onRuleError?.(r, e);
      }
    }
  };

  regex.lastIndex = 0;
  for (let m = regex.exec(text); m; m = regex.exec(text)) visit(m[0], m[0], m.index);

  // Aliases of trigger words: `import torch.nn.functional as F` delivers `F` as `functional`.
  const aliases = new Map<string, string>();
  for (const b of sem.imports) {
    const last = b.qname.slice(b.qname.lastIndexOf('.') + 1);
    if (b.local !== last && byWord.has(last)) aliases.set(b.local, last);
  }
  if (aliases.size) {
    const re = wordsRegex(aliases.keys());
    for (let m = re.exec(text); m; m = re.exec(text)) visit(aliases.get(m[0])!, m[0], m.index);
  }

  const out = [...findings.values()].filter((f) => !isSuppressed(suppressions, f));
  out.sort((a, b) => comparePos(a.range.start, b.range.start) || a.rule.localeCompare(b.rule));
  return { findings: out, target };
}
