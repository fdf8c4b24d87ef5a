// Import management, run on the text after the fixers' edits: add each needed import once, in the
// right import block (torch_xla next to the torch imports, optimum.neuron next to transformers/trl/
// accelerate), merged into an existing `from optimum.neuron import …` when there is one; and drop
// the bindings a fix made unused (never an import the fixes did not touch).
import type { Node, Tree } from 'web-tree-sitter';
import type { ImportReq, Release } from './api';
import { FixContext } from './context';
import type { OffsetEdit } from './text';
import type { Target } from '../types';

const HF_MODULES = /^(?:transformers|trl|accelerate|diffusers|peft|optimum|datasets|sentence_transformers)\b/;

function topLevelImports(root: Node): Node[] {
  return root.namedChildren.filter((n) => n.type === 'import_statement' || n.type === 'import_from_statement' || n.type === 'future_import_statement');
}

function moduleOf(st: Node): string {
  if (st.type === 'import_from_statement' || st.type === 'future_import_statement') return st.childForFieldName('module_name')?.text ?? '__future__';
  const first = st.childrenForFieldName('name')[0];
  const dn = first?.type === 'aliased_import' ? first.childForFieldName('name') : first;
  return dn?.text ?? '';
}

function satisfied(cx: FixContext, req: ImportReq): boolean {
  const imports = cx.sem.imports;
  if (req.kind === 'from') return imports.some((b) => b.local === req.name && b.qname === `${req.module}.${req.name}`);
  if (req.alias) return imports.some((b) => b.local === req.alias && b.qname === req.module);
  if (!req.module.includes('.')) return imports.some((b) => b.local === req.module && b.qname === req.module && b.statement.type === 'import_statement');
  // A dotted module imported for its side effect or used by its full path.
  return imports.some(
    (b) =>
      (b.statement.type === 'import_statement' && b.nameNode.type === 'dotted_name' && b.nameNode.text === req.module) ||
      b.qname === req.module,
  );
}

function lineFor(req: ImportReq, names?: string[]): string {
  if (req.kind === 'from') return `from ${req.module} import ${(names ?? [req.name]).join(', ')}`;
  return req.alias ? `import ${req.module} as ${req.alias}` : `import ${req.module}`;
}

/** Where a new import of `module` goes: after the last top-level import of its family. */
function anchorFor(cx: FixContext, module: string): { at: number } {
  const tops = topLevelImports(cx.root);
  const family = module.startsWith('torch') ? (m: string) => /^torch(?:\b|_)/.test(m) : module.startsWith('optimum') ? (m: string) => HF_MODULES.test(m) : module.startsWith('jax') ? (m: string) => /^jax\b/.test(m) : () => false;
  const nonFuture = tops.filter((t) => t.type !== 'future_import_statement' && moduleOf(t) !== '__future__');
  const pkg = module.split('.')[0];
  const samePackage = nonFuture.filter((t) => moduleOf(t).split('.')[0] === pkg);
  const inFamily = nonFuture.filter((t) => family(moduleOf(t)));
  const anchor = samePackage[samePackage.length - 1] ?? inFamily[inFamily.length - 1] ?? nonFuture[nonFuture.length - 1] ?? tops[tops.length - 1];
  if (anchor) return { at: cx.nextLineStart(cx.idx.lineEnd(anchor.endPosition.row)) };
  // No imports: after the module docstring, else at the first statement.
  const first = cx.root.namedChildren.find((n) => n.type !== 'comment' && !(n.type === 'expression_statement' && n.namedChildren[0]?.type === 'string'));
  if (first) return { at: cx.idx.lineStart(first.startPosition.row) };
  return { at: cx.text.length };
}

/** Edits (on `text`) adding `needs` and removing the `releases` that are no longer used. */
export function importEdits(text: string, tree: Tree, target: Target, needs: readonly ImportReq[], releases: readonly Release[]): OffsetEdit[] {
  const cx = new FixContext(text, tree, target, {});
  const edits: OffsetEdit[] = [];

  // ---- removals
  const removedStatements = new Set<number>();
  const removedNames = new Map<number, Node[]>();
  const seenRelease = new Set<string>();
  for (const r of releases) {
    if (seenRelease.has(r.local)) continue;
    seenRelease.add(r.local);
    const b = cx.sem.binding(r.local);
    if (!b || b.local !== r.local) continue;
    if (r.force && r.qname && b.qname !== r.qname) continue;
    if (!r.force && isUsed(cx, r.local)) continue;
    const list = removedNames.get(b.statement.id) ?? [];
    list.push(b.nameNode);
    removedNames.set(b.statement.id, list);
  }
  for (const st of cx.sem.imports.map((b) => b.statement)) {
    const names = removedNames.get(st.id);
    if (!names || removedStatements.has(st.id)) continue;
    const all = st.childrenForFieldName('name');
    if (names.length >= all.length) {
      removedStatements.add(st.id);
      const r = cx.removeStatement(st);
      if (!('skip' in r)) edits.push(...r);
    } else if (names.length === 1) {
      edits.push(cx.removeListItem(names[0]));
      removedStatements.add(st.id);
    } else {
      // Several names from one statement: rewrite the name list (one line, or one name per line).
      edits.push(...cx.removeListItems(names, all));
      removedStatements.add(st.id);
    }
  }

  // ---- additions
  const pending = needs.filter((n, i) => needs.findIndex((m) => lineFor(m) === lineFor(n)) === i && !satisfied(cx, n));
  const byModule = new Map<string, string[]>();
  const plain: ImportReq[] = [];
  for (const n of pending) {
    if (n.kind === 'from') byModule.set(n.module, [...(byModule.get(n.module) ?? []), n.name]);
    else plain.push(n);
  }
  const inserts = new Map<number, string[]>();
  const addLine = (at: number, line: string) => inserts.set(at, [...(inserts.get(at) ?? []), line]);
  for (const [module, names] of byModule) {
    names.sort();
    // Merge into an existing top-level `from module import …` that we are not removing.
    const existing = topLevelImports(cx.root).find((t) => t.type === 'import_from_statement' && moduleOf(t) === module && !removedStatements.has(t.id) && !t.text.includes('*'));
    if (existing) {
      const last = existing.childrenForFieldName('name').at(-1);
      if (last) {
        edits.push({ start: last.endIndex, end: last.endIndex, text: names.map((n) => `, ${n}`).join('') });
        continue;
      }
    }
    addLine(anchorFor(cx, module).at, lineFor({ kind: 'from', module, name: names[0] }, names));
  }
  for (const p of plain) addLine(anchorFor(cx, p.module).at, lineFor(p));
  for (const [at, lines] of inserts) {
    lines.sort((a, b) => Number(a.startsWith('from ')) - Number(b.startsWith('from ')) || a.localeCompare(b));
    const needsNl = at === text.length && text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    const noImportsYet = topLevelImports(cx.root).length === 0 && at < text.length;
    edits.push({ start: at, end: at, text: needsNl + lines.map((l) => l + '\n').join('') + (noImportsYet ? '\n' : '') });
  }
  return edits;
}

/** True when `local` is read anywhere outside import statements. */
export function isUsed(cx: FixContext, local: string): boolean {
  for (const id of cx.sem.identifiersIn(local)) {
    let inImport = false;
    for (let p: Node | null = id.parent; p; p = p.parent) {
      if (p.type === 'import_statement' || p.type === 'import_from_statement') {
        inImport = true;
        break;
      }
    }
    if (inImport) continue;
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
    return true;
  }
  // `__all__ = ["Trainer"]` re-exports count as uses.
  return new RegExp(`__all__[^\\n]*["']${local}["']`).test(cx.text);
}
