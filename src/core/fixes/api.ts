// The contract between the fix engine and a fixer. A fixer recognises the code a finding points at
// (it re-inspects the tree itself instead of trusting rule `data`) and returns a plan: text edits on
// the original text, the imports the new code needs, and the import bindings it may have made unused.
import type { Category, Finding, Target } from '../types';
import type { FixContext } from './context';
import type { OffsetEdit } from './text';

export type ImportReq =
  /** `import module` or `import module as alias`. */
  | { kind: 'import'; module: string; alias?: string }
  /** `from module import name`. */
  | { kind: 'from'; module: string; name: string };

export interface Release {
  /** Local name bound by an import (`GradScaler`, `Trainer`). */
  local: string;
  /** Remove the binding even if the name is still used (the fix rebinds it from another module). */
  force?: boolean;
  /** With `force`: only when the binding currently stands for this qualified name. */
  qname?: string;
}

export interface FixPlan {
  /** Code-action title, e.g. "Replace `.cuda()` with `.to(torch_xla.device())`". */
  title: string;
  edits: OffsetEdit[];
  imports?: ImportReq[];
  release?: Release[];
  /**
   * Safe fixes go into fix-all, `check --fix` and Port Workspace. Unsafe ones (they change numerics or
   * only annotate) are offered as quick fixes only.
   */
  safe: boolean;
  /** Larger rewrites win over small edits inside them (e.g. a whole `from_pretrained(...).to("cuda")` chain). */
  priority?: number;
}

/** A plan, a reason the fix is not safe to make here (a skip), or null (not this fixer's pattern). */
export type FixOutcome = FixPlan | { skip: string } | null;

export interface Fixer {
  /** Short stable name, for tests and logs. */
  name: string;
  /** Rule ids this fixer handles. */
  rules?: readonly string[];
  /** Categories it understands; tried for rule ids it does not list (new rules land all the time). */
  categories?: readonly Category[];
  /** Stacks it applies to (default both). */
  targets?: readonly Target[];
  plan(finding: Finding, cx: FixContext): FixOutcome;
}

export interface FixOptions {
  /** Installed or pinned optimum-neuron version (`0.3.0`, `0.4.6`); default: the newest API (0.4.x). */
  optimumNeuronVersion?: string | null;
  /** Include unsafe (quick-fix-only) plans. Default false. */
  includeUnsafe?: boolean;
}

export interface SkippedFix {
  rule: string;
  reason: string;
  /** 0-based line; in a notebook, the line in `cell`. */
  line: number;
  /** Notebook cell index (among all cells) the line is in. */
  cell?: number;
}

export interface FixResult {
  /** Edits on the original text, non-overlapping, sorted. */
  edits: import('../types').TextEdit[];
  /** Rule ids (one per fixed finding, in order). */
  applied: string[];
  skipped: SkippedFix[];
  /** The text after the edits. */
  text: string;
  /** Titles of the plans applied. */
  titles: string[];
  /** True when an applied plan is quick-fix-only (only with `includeUnsafe`). */
  unsafe?: boolean;
}
