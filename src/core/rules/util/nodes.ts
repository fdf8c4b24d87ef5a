// Small tree helpers shared by the rule families.
import type { Node } from 'web-tree-sitter';
import type { Semantic } from '../../semantic/semantic';

export function same(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** The dotted expression that ends at identifier `node` (`torch.cuda.synchronize` for `synchronize`). */
export function chainOf(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type === 'attribute' && same(n.parent.childForFieldName('attribute'), n)) n = n.parent;
  return n;
}

export function qnameAt(sem: Semantic, node: Node): string | null {
  return sem.qualifiedName(chainOf(node));
}

/** Strip `( … )` around an expression. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
  return n;
}

/** Pre-order walk of named descendants; return `false` from `fn` to skip a subtree. */
export function walk(node: Node, fn: (n: Node) => boolean | void): void {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (fn(n) === false) continue;
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Whether some named node in `node`'s subtree (itself included) passes `pred`; stops at the first (pre-order). */
export function someNode(node: Node, pred: (n: Node) => boolean): boolean {
  const stack: Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (pred(n)) return true;
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return false;
}

export function findAll(node: Node, pred: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  walk(node, (n) => {
    if (pred(n)) out.push(n);
  });
  return out;
}

/**
 * Text-only pre-check that the identifier `node` is written as a method call, `.name(`: lets a
 * method rule drop most occurrences of a common word without touching the tree.
 */
export function isMethodCallText(text: string, node: Node): boolean {
  return methodCallAt(text, node.startIndex, node.endIndex);
}

/** Text-only, by offsets: `.word(` (spaces and tabs aside). */
export function methodCallAt(text: string, start: number, end: number): boolean {
  return attributeAt(text, start) && calledAt(text, end);
}

/** Text-only: the identifier `node` is immediately followed (spaces aside) by `(`. */
export function isCalledText(text: string, node: Node): boolean {
  return calledAt(text, node.endIndex);
}

/** Text-only, by offsets: the word at `start` is the name of a `def` (blanks, line breaks and `\\` aside). */
export function defNameAt(text: string, start: number): boolean {
  let i = start - 1;
  for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13 || c === 92; c = text.charCodeAt(--i));
  return i >= 2 && text.startsWith('def', i - 2) && !/\w/.test(text[i - 3] ?? '');
}

/** Text-only, by offsets: `(` follows `end` (spaces and tabs aside). */
export function calledAt(text: string, end: number): boolean {
  let j = end;
  while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  return text.charCodeAt(j) === 40; // (
}

/** Like `calledAt`, also across line breaks and `\` continuations (for rules that never had a text test). */
export function calledAcrossLinesAt(text: string, end: number): boolean {
  let j = end;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) j++;
    else if (c === 92 && (text.charCodeAt(j + 1) === 10 || text.charCodeAt(j + 1) === 13)) j += 2;
    else break;
  }
  return text.charCodeAt(j) === 40; // (
}

/** Text-only, by offsets: `.` precedes `start` (spaces and tabs aside). */
export function attributeAt(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  return text.charCodeAt(i) === 46; // .
}

/** Text-only: the identifier `node` is preceded (spaces aside) by `.`, i.e. it is an attribute. */
export function isAttributeText(text: string, node: Node): boolean {
  return attributeAt(text, node.startIndex);
}
