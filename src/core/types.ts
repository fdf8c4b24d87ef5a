// Shared vocabulary of the engine. Positions are 0-based and count UTF-16 code units, like both
// tree-sitter indices and VS Code; the CLI converts to 1-based only when printing.

export type Severity = 'error' | 'warning' | 'info';
export type Target = 'xla' | 'native';
export type TargetSetting = Target | 'auto';

/** Stable category names (CONTRACTS.md): extend, never rename. */
export const CATEGORIES = [
  'cuda-device',
  'cuda-api',
  'mixed-precision',
  'distributed',
  'lazy-execution',
  'host-sync',
  'dynamic-shape',
  'dtype',
  'unsupported-op',
  'gpu-library',
  'compile',
  'jax',
  'optimum-neuron',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Pos {
  line: number;
  character: number;
}
export interface Range {
  start: Pos;
  end: Pos;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface RelatedInfo {
  range: Range;
  message: string;
  /** Notebook cell of the related location, when it differs from the finding's file. */
  cell?: number;
}

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedInfo[];
  fixable: boolean;
  docs: string;
  /** Notebook cell index (0-based) once positions are mapped back to cells; undefined for plain files. */
  cell?: number;
  /** Rule-specific facts the fix engine reuses (e.g. the receiver text of a call). JSON-serialisable. */
  data?: Record<string, string | number | boolean | null>;
}

export function comparePos(a: Pos, b: Pos): number {
  return a.line - b.line || a.character - b.character;
}
