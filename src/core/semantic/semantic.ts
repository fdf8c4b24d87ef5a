// What a rule can ask about a file. Implemented by SemanticModel (semantic/model.ts); every query is
// lazy and cached, so a rule pays only for what it asks.
import type { Node } from 'web-tree-sitter';
import type { Range, Target } from '../types';

export interface ImportBinding {
  /** Local name bound in the file (`T` in `import torch as T`, `torch` in `import torch.nn`). */
  local: string;
  /** Fully qualified name it stands for (`torch`, `torch.cuda.amp.GradScaler`). */
  qname: string;
  /** The import statement node. */
  statement: Node;
  /** The dotted_name / aliased_import node naming this binding inside the statement. */
  nameNode: Node;
}

export interface CallInfo {
  /** The `call` node. */
  node: Node;
  /** Its `function` child (identifier or attribute). */
  func: Node;
  /** Resolved qualified name of the callee, via imports (`torch.cuda.synchronize`), or null. */
  qname: string | null;
  /** For `recv.m(...)`: `m`; for a plain-name call: null. */
  method: string | null;
  /** For `recv.m(...)`: the receiver expression node; else null. */
  receiver: Node | null;
  /** Positional argument nodes (no keywords, no *args/**kwargs splats). */
  args: Node[];
  /** keyword argument name → value node. */
  kwargs: ReadonlyMap<string, Node>;
  /** keyword argument name → the whole `keyword_argument` node (for fixes that drop it). */
  kwargNodes: ReadonlyMap<string, Node>;
  /** True when the call has `*args` or `**kwargs` splats (argument positions are then uncertain). */
  hasSplat: boolean;
}

/** A compile-time value of an expression when it can be known statically. */
export type ConstValue =
  | { kind: 'str'; value: string; node: Node }
  /** f-string: the literal text before the first `{…}` (e.g. `cuda:` for f"cuda:{rank}"). */
  | { kind: 'fstr'; prefix: string; node: Node }
  | { kind: 'num'; value: number; node: Node }
  | { kind: 'bool'; value: boolean; node: Node }
  | { kind: 'none'; node: Node }
  /** Several possible values (conditional expression, or a name assigned in several places). */
  | { kind: 'union'; options: ConstValue[]; node: Node };

export type LoopKind = 'train' | 'eval' | 'other';

export interface LoopInfo {
  node: Node; // for_statement | while_statement
  kind: LoopKind;
}

export interface Semantic {
  readonly target: Target;
  /** All import bindings, in source order. */
  readonly imports: readonly ImportBinding[];
  /** True if the file imports `module` or any submodule / member of it (`torch` matches `torch.nn`). */
  imports_(module: string): boolean;
  /** Qualified name of an identifier or attribute chain, resolved through imports; null when the head is not imported. */
  qualifiedName(node: Node): string | null;
  /** Dotted text of an identifier/attribute chain (`self.model.cuda`), or null for other expressions. */
  dottedName(node: Node): string | null;
  /** If `node` is (the last name of) a call's function, the call; e.g. the `cuda` identifier in `x.cuda()`. */
  callOf(node: Node): CallInfo | null;
  /** Call info for a `call` node. */
  call(callNode: Node): CallInfo;
  /** For an expression used as an argument: the enclosing call and the position / keyword name. */
  argumentOf(node: Node): { call: CallInfo; index: number | null; keyword: string | null } | null;
  /** Static value of an expression: literals, f-strings, conditionals, names bound once to such values, `torch.device(x)`. */
  constValue(node: Node): ConstValue | null;
  /** Every constant a value may hold (unions flattened), each with the node where it is written; empty when unknown. */
  possibleValues(node: Node): Exclude<ConstValue, { kind: 'union' }>[];
  /** Every literal string a value may hold (flattening unions), with the node where each is written. */
  possibleStrings(node: Node): { value: string; node: Node; fstring: boolean }[];
  /** Innermost enclosing loop with its kind (train: body calls .backward() or an optimizer step; eval: under no_grad/inference_mode). */
  loopOf(node: Node): LoopInfo | null;
  /** Innermost for/while loop whose body holds the node, in the same function (no kind computed: cheap). */
  loopAround(node: Node): Node | null;
  /** True when node is inside a training or evaluation loop (possibly through a same-file helper called from one). */
  inHotLoop(node: Node): boolean;
  /** Every identifier spelled `word` in [from, to) (whole file by default), in source order. */
  identifiersIn(word: string, from?: number, to?: number): Node[];
  /** Places where a simple name (module- or function-level variable) is read, excluding its assignments. */
  usesOf(name: string, scopeOf?: Node, limit?: number): Node[];
  /** Assignment right-hand sides bound to a simple name in the scope of `at` (or module scope). */
  assignmentsOf(name: string, at?: Node): Node[];
  /** True when the file itself defines a class with a method of this name (user classes reuse torch method names). */
  definesMethod(name: string): boolean;
  /** True when the receiver expression is an instance of (or is) a class defined in this file. */
  isUserObject(receiver: Node): boolean;
  /** Enclosing function_definition, or null at module level. */
  scopeOf(node: Node): Node | null;
  /** The `for` statements around `node` (header or body), innermost first, inside its function. */
  forLoopsAround(node: Node): Node[];
  /** Range helper. */
  rangeOf(node: Node): Range;
}
