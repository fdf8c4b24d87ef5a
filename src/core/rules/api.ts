// The contract between the engine and a rule. A rule is data (RuleMeta) plus a matcher (visit).
//
// Matching is trigger-driven for speed: the engine scans the source once for every rule's trigger
// words (identifiers such as `cuda`, `item`, `GradScaler`, or words inside strings such as `nccl`),
// maps each occurrence to its smallest tree-sitter node, and calls the rules registered for that word.
// Import aliases are folded back: after `from torch.cuda.amp import GradScaler as GS`, an occurrence
// of `GS` is delivered to the rules that trigger on `GradScaler`, with `hit.word === 'GradScaler'`.
// Occurrences inside comments are never delivered; occurrences inside strings are delivered with
// `hit.inString === true` (most rules ignore them).
import type { Node } from 'web-tree-sitter';
import type { Category, RelatedInfo, Severity, Target, Range } from '../types';
import type { Semantic } from '../semantic/semantic';

export type RuleSeverity = Severity | 'off';

export interface RuleMeta {
  /** `NRN` + three digits, never reused. */
  id: string;
  /** kebab-case slug, e.g. `cuda-method-call`. */
  name: string;
  category: Category;
  /** Severity per target stack; `off` where the rule does not apply to that stack. */
  severity: Record<Target, RuleSeverity>;
  /** One line, imperative-free summary (SARIF shortDescription), e.g. "`.cuda()` moves a tensor to a CUDA device". */
  title: string;
  /** Default diagnostic message: why it fails on Neuron and what to do instead. */
  message: string;
  /** Longer explanation for docs and hovers (markdown allowed). */
  why: string;
  /** What to do instead (markdown allowed). */
  fix: string;
  /** Link to the Neuron / Optimum Neuron / PyTorch-XLA page the rule comes from. */
  docs: string;
  /** Whether a mechanical fix exists (issue #4 fills these in). */
  fixable?: boolean;
  /** How the verdict differs between the xla and native stacks, when it does. */
  stackNote?: string;
  /** Rule id in the research table this comes from, e.g. `NRN-PT-001`. */
  source?: string;
}

export interface Hit {
  /** Canonical trigger word (after alias folding). */
  word: string;
  /** The word as written (the alias, when aliased). */
  written: string;
  /** Smallest named node covering the occurrence: `identifier`, `string_content`, `keyword`, … */
  node: Node;
  inString: boolean;
}

export interface ReportOptions {
  /** Override the default message (e.g. to name the callee). */
  message?: string;
  related?: RelatedInfo[];
  data?: Record<string, string | number | boolean | null>;
  /** Override the per-target severity for this occurrence. */
  severity?: Severity;
  /** False when this occurrence has no automatic fix although the rule's other findings do. */
  fixable?: boolean;
}

export interface RuleContext {
  readonly target: Target;
  readonly text: string;
  readonly sem: Semantic;
  /** Report a finding at `at` (a node or a 0-based range). Duplicate (rule, range) reports are merged. */
  report(at: Node | Range, options?: ReportOptions): void;
}

export interface Rule extends RuleMeta {
  /**
   * Modules the file must import (any of; prefixes match submodules) for the rule to run at all.
   * Defaults by category (see `requiredModules` in engine.ts): torch-family rules need a PyTorch
   * ecosystem import, jax rules a jax import, optimum-neuron rules a Hugging Face import. `[]` means
   * the rule always runs. This is both a precision guard and what keeps plain Python fast.
   */
  requires?: readonly string[];
  /** Words whose occurrence can anchor a finding. Identifiers and words inside strings. */
  triggers: readonly string[];
  /**
   * Optional text-only pre-check on an occurrence (`[start, end)` is the word as written), run before the
   * engine looks the occurrence up in the tree. Return false only when `visit` would certainly report
   * nothing for it: only rules that ignore occurrences in strings may have one (the gate cannot tell).
   * When every rule for a word says no, the occurrence costs no tree read at all.
   */
  gate?(text: string, start: number, end: number, word: string): boolean;
  /** Called once per occurrence of one of `triggers` outside comments. */
  visit(hit: Hit, ctx: RuleContext): void;
}
