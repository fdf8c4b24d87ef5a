// What a fixer can ask about the file: the tree, the semantic model, and small syntax-aware editing
// helpers (remove a statement, remove one argument, insert a line, refer to a module).
import type { Node, Tree } from 'web-tree-sitter';
import type { Finding, Range, Target } from '../types';
import { SemanticModel } from '../semantic/model';
import type { CallInfo } from '../semantic/semantic';
import type { FixOptions, ImportReq } from './api';
import { LineIndex, type OffsetEdit } from './text';

/** Statements that may hold other statements (their lines are not "one statement"). */
const COMPOUND = new Set(['if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'function_definition', 'class_definition', 'decorated_definition', 'match_statement']);

export class FixContext {
  readonly root: Node;
  readonly sem: SemanticModel;
  readonly idx: LineIndex;
  /** All findings of this run (fixers look at siblings, e.g. several `.cuda()` in one function). */
  findings: readonly Finding[] = [];

  constructor(
    readonly text: string,
    readonly tree: Tree,
    readonly target: Target,
    readonly options: FixOptions,
  ) {
    this.root = tree.rootNode;
    this.sem = new SemanticModel(tree, text, target);
    this.idx = new LineIndex(text);
  }

  offset(p: { line: number; character: number }): number {
    return this.idx.offsetAt(p);
  }

  /** Smallest named node covering the range. */
  nodeAt(range: Range): Node | null {
    const s = this.offset(range.start);
    const e = Math.max(s, this.offset(range.end));
    return this.root.namedDescendantForIndex(s, e) ?? null;
  }

  /** Ancestor-or-self of the given type, at most `depth` levels up. */
  up(node: Node | null, types: string | readonly string[], depth = 8): Node | null {
    const want = typeof types === 'string' ? [types] : types;
    for (let n = node, i = 0; n && i <= depth; n = n.parent, i++) if (want.includes(n.type)) return n;
    return null;
  }

  /** The call a finding points into (see `callAround`) and its shape, when its qualified name is one of `qnames`. */
  callOf(range: Range, qnames: readonly string[]): { node: Node; info: CallInfo } | null {
    const node = this.callAround(this.nodeAt(range));
    if (!node) return null;
    const info = this.sem.call(node);
    return info.qname && qnames.includes(info.qname) && !info.hasSplat ? { node, info } : null;
  }

  /** The call whose callee is (or ends with) `node`, else the innermost call `node` sits in. */
  callAround(node: Node | null, maxDepth = 6): Node | null {
    if (!node) return null;
    if (node.type === 'call') return node;
    for (let n: Node | null = node, i = 0; n && i < maxDepth; n = n.parent, i++) {
      const p: Node | null = n.parent;
      if (p?.type === 'call' && p.childForFieldName('function')?.id === n.id) return p;
      if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) continue;
      if (p?.type === 'attribute' && p.childForFieldName('object')?.id === n.id) continue;
      if (p?.type === 'call' || p?.type === 'argument_list' || p?.type === 'keyword_argument') {
        const c = this.up(p, 'call', 2);
        if (c) return c;
      }
    }
    return null;
  }

  /** The simple statement containing `node` (a child of a block or of the module). */
  statementOf(node: Node): Node | null {
    for (let n: Node | null = node; n; n = n.parent) {
      const p = n.parent;
      if (p && (p.type === 'block' || p.type === 'module')) return n;
    }
    return null;
  }

  lineIndent(offset: number): string {
    const ls = this.idx.lineStart(this.idx.lineOf(offset));
    return /^[ \t]*/.exec(this.text.slice(ls, ls + 200))![0];
  }

  /** True when `node` is the first thing on its line. */
  startsLine(node: Node): boolean {
    const ls = this.idx.lineStart(node.startPosition.row);
    return this.text.slice(ls, node.startIndex).trim() === '';
  }

  /** Offset of the start of the line after the one `offset` is on (or the end of the text). */
  nextLineStart(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl < 0 ? this.text.length : nl + 1;
  }

  /**
   * Edits that delete a whole statement (its lines, with the statement's own trailing comment); a
   * statement alone in its block becomes `pass`. Returns a reason when the statement shares its line.
   */
  removeStatement(stmt: Node): OffsetEdit[] | { skip: string } {
    if (COMPOUND.has(stmt.type)) return { skip: 'would remove a compound statement' };
    const startLine = stmt.startPosition.row;
    const endLine = stmt.endPosition.row;
    const ls = this.idx.lineStart(startLine);
    if (this.text.slice(ls, stmt.startIndex).trim() !== '') return { skip: 'the statement shares its line with another one' };
    const le = this.idx.lineEnd(endLine);
    const rest = this.text.slice(stmt.endIndex, le);
    const restTrim = rest.trim();
    if (restTrim !== '' && !restTrim.startsWith('#')) return { skip: 'the statement shares its line with another one' };
    const block = stmt.parent;
    const siblings = block ? block.namedChildren.filter((c) => c.type !== 'comment') : [];
    if (block?.type === 'block' && siblings.length === 1) {
      // Keep the block valid.
      return [{ start: stmt.startIndex, end: restTrim.startsWith('#') ? le : stmt.endIndex, text: 'pass' }];
    }
    // Between two blank lines: take one of them too, so blank runs do not grow.
    let end = this.nextLineStart(le);
    const blank = (line: number) => line >= 0 && line < this.idx.lineCount && this.text.slice(this.idx.lineStart(line), this.idx.lineEnd(line)).trim() === '' && this.idx.lineStart(line) < this.text.length;
    if (blank(startLine - 1) && blank(endLine + 1)) end = this.nextLineStart(this.idx.lineEnd(endLine + 1));
    return [{ start: ls, end, text: '' }];
  }

  /**
   * Deletes one element of a comma-separated list (call arguments, import names) with its comma.
   * Comments are never deleted; a line left blank is removed.
   */
  removeListItem(item: Node): OffsetEdit {
    const t = this.text;
    let end = item.endIndex;
    let j = end;
    while (j < t.length && (t[j] === ' ' || t[j] === '\t')) j++;
    if (t[j] === ',') {
      end = j + 1;
      while (end < t.length && (t[end] === ' ' || t[end] === '\t')) end++;
      // Whole line now blank (or only the item's own comment left)? Remove the line.
      const ls = this.idx.lineStart(item.startPosition.row);
      const le = this.idx.lineEnd(this.idx.lineOf(end));
      const rest = t.slice(end, Math.max(end, le)).trim();
      if (t.slice(ls, item.startIndex).trim() === '' && (rest === '' || rest.startsWith('#'))) return { start: ls, end: this.nextLineStart(le), text: '' };
      return { start: item.startIndex, end, text: '' };
    }
    // Last item: take the comma before it, unless a comment sits in between.
    let k = item.startIndex - 1;
    while (k >= 0 && /\s/.test(t[k])) k--;
    if (t[k] === ',') {
      const between = t.slice(k, item.startIndex);
      if (!between.includes('#')) return { start: k, end: item.endIndex, text: '' };
    }
    const ls = this.idx.lineStart(item.startPosition.row);
    const le = this.idx.lineEnd(item.endPosition.row);
    if (t.slice(ls, item.startIndex).trim() === '' && t.slice(item.endIndex, le).trim() === '') return { start: ls, end: this.nextLineStart(le), text: '' };
    return { start: item.startIndex, end: item.endIndex, text: '' };
  }

  /**
   * Deletes several elements of one comma-separated list (`all`, in order) without overlapping edits:
   * runs followed by a kept element go item by item; a run at the end is cut from the end of the
   * last kept element (comments in between are kept, leaving a harmless trailing comma).
   */
  removeListItems(remove: readonly Node[], all: readonly Node[]): OffsetEdit[] {
    const gone = new Set(remove.map((n) => n.id));
    const edits: OffsetEdit[] = [];
    if (all.every((n) => gone.has(n.id))) {
      const first = all[0];
      const last = all[all.length - 1];
      if (this.text.slice(first.startIndex, last.endIndex).includes('#')) return all.map((n) => ({ start: n.startIndex, end: n.endIndex, text: '' }));
      let end = last.endIndex;
      const m = /^\s*,/.exec(this.text.slice(end));
      if (m) end += m[0].length;
      return [{ start: first.startIndex, end, text: '' }];
    }
    let i = 0;
    while (i < all.length) {
      if (!gone.has(all[i].id)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < all.length && gone.has(all[j + 1].id)) j++;
      if (j < all.length - 1) {
        for (let k = i; k <= j; k++) edits.push(this.removeListItem(all[k]));
      } else {
        const prev = all[i - 1];
        const span = this.text.slice(prev.endIndex, all[j].endIndex);
        if (!span.includes('#')) edits.push({ start: prev.endIndex, end: all[j].endIndex, text: '' });
        else {
          for (let k = i; k < j; k++) edits.push(this.removeListItem(all[k]));
          edits.push({ start: all[j].startIndex, end: all[j].endIndex, text: '' });
        }
      }
      i = j + 1;
    }
    return edits;
  }

  /** Inserts `line` (no newline) on its own line above the statement, with its indentation. */
  insertAbove(stmt: Node, line: string): OffsetEdit {
    const ls = this.idx.lineStart(stmt.startPosition.row);
    const indent = this.text.slice(ls, stmt.startIndex).replace(/\S.*$/, '');
    return { start: ls, end: ls, text: `${indent}${line}\n` };
  }

  /** Inserts `line` on its own line below the statement, with its indentation. */
  insertBelow(stmt: Node, line: string): OffsetEdit {
    const le = this.idx.lineEnd(stmt.endPosition.row);
    const at = this.nextLineStart(le);
    const indent = this.lineIndent(stmt.startIndex);
    const nl = at === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    return { start: at, end: at, text: `${nl}${indent}${line}\n` };
  }

  /**
   * The expression that names module `module` here: the existing local binding (`xm` for
   * `import torch_xla.core.xla_model as xm`), else `alias ?? module`, adding the import to `need`.
   */
  ref(module: string, need: ImportReq[], alias?: string): string {
    for (const b of this.sem.imports) if (b.qname === module) return b.local;
    // `import torch_xla.core.xla_model` (no alias) makes the dotted path usable as is.
    for (const b of this.sem.imports) if (b.statement.type === 'import_statement' && b.nameNode.type === 'dotted_name' && b.nameNode.text === module) return module;
    if (alias && !this.sem.binding(alias)) {
      need.push({ kind: 'import', module, alias });
      return alias;
    }
    need.push({ kind: 'import', module });
    return module;
  }

  /** `torch` (or its alias); adds `import torch` when the module itself is not bound. */
  torch(need: ImportReq[]): string {
    return this.ref('torch', need);
  }

  /** The Neuron device expression for this stack, for a device slot (`.to(…)`, `device=…`). */
  deviceExpr(need: ImportReq[], target: Target = this.target): string {
    if (target === 'native') return '"neuron"';
    return `${this.ref('torch_xla', need)}.device()`;
  }

  /** The quote character a string literal uses (`"` by default). */
  quoteOf(str: Node | null): string {
    const start = str?.firstChild;
    if (start?.type === 'string_start') {
      const m = /['"]/.exec(start.text);
      if (m) return m[0];
    }
    return '"';
  }

  /** Static string value of a node, or null. */
  str(node: Node | null | undefined): string | null {
    if (!node) return null;
    const v = this.sem.constValue(node);
    return v?.kind === 'str' ? v.value : null;
  }

  /** One-line, bounded rendering of a value for notes. */
  short(node: Node): string {
    const one = node.text.replace(/\s+/g, ' ');
    return one.length > 40 ? one.slice(0, 37) + '…' : one;
  }
}

const SYNCS = /\b(?:torch_xla\.sync|mark_step|MpDeviceLoader|per_device_loader)\s*\(|barrier\s*=\s*True/;

/**
 * On the XLA stack, `torch_xla.sync()` below `stmt` when its training loop has no step marker yet: no
 * sync, no `MpDeviceLoader`, and no plain `DataLoader` from this file (that one gets an MpDeviceLoader,
 * which marks the step). `xm.optimizer_step` alone does not cut the lazy graph.
 */
export function syncAfter(cx: FixContext, stmt: Node, need: ImportReq[]): OffsetEdit | null {
  if (cx.target !== 'xla') return null;
  const loop = cx.sem.loopOf(stmt)?.node;
  if (!loop) return null;
  const body = loop.childForFieldName('body');
  const right = loop.childForFieldName('right');
  if (!body || SYNCS.test(body.text) || (right && SYNCS.test(right.text))) return null;
  if (right) {
    let it: Node | null = right;
    if (it.type === 'call' && /^(?:enumerate|tqdm|tqdm\.tqdm)$/.test(cx.sem.call(it).func.text)) it = cx.sem.call(it).args[0] ?? null;
    const isLoader = (n: Node | null) => !!n && n.type === 'call' && /DataLoader$/.test(cx.sem.call(n).qname ?? '');
    if (isLoader(it)) return null;
    if (it && it.type === 'identifier' && cx.sem.assignmentsOf(it.text, loop).some(isLoader)) return null;
  }
  // Only when `stmt` is directly in the loop body (not nested in an if).
  if (stmt.parent?.id !== body.id) return null;
  return cx.insertBelow(stmt, `${cx.ref('torch_xla', need)}.sync()`);
}
