// The semantic layer: imports and aliases, qualified names, simple constants, loops and scopes.
// Everything is computed lazily and cached per node id, because most files only need a little of it.
import type { Node } from 'web-tree-sitter';
import type { ModuleRoot, ParsedModule } from '../python/chunkedModule';
import type { Range, Target } from '../types';
import type { CallInfo, ConstValue, ImportBinding, LoopInfo, LoopKind, Semantic } from './semantic';
import { escapeRe, lineMatches } from '../text';
import { hitLocator } from '../python/hitLocator';

// Statement heads at a line start (sticky: see `lineMatches`).
const TOP_LEVEL_DEF = /(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)/y;
const BLOCK_START = /([ \t]*)(?:async[ \t]+)?(def|class|for|while|with)\b/y;
const CLASS_LINE = /[ \t]*class[ \t]+(\w+)/y;
const BLOCK_TYPES = new Set(['function_definition', 'class_definition', 'for_statement', 'while_statement', 'with_statement']);
const DEF = new Set<Block['kind']>(['def']);
const DEF_OR_CLASS = new Set<Block['kind']>(['def', 'class']);
const LOOP = new Set<Block['kind']>(['for', 'while']);

/** A `for` header over a DataLoader-like name (`in eval_dataloader`, `in enumerate(val_loader)`, `in tqdm(loader)`). */
const LOADER_LOOP = /\bin\s+(?:(?:enumerate|tqdm|iter)\s*\(\s*)?[\w.]*loader\b/i;
/** A model forward call: `model(`, `net(`, `self.model(`, `ddp_model(`. */
const MODEL_CALL = /(?<![\w.])(?:self\.)?(?:\w+_)?(?:model|net)\s*\(/;

interface Block {
  kind: 'def' | 'class' | 'for' | 'while' | 'with';
  node: Node;
  start: number;
  end: number;
  bodyStart: number;
  noGrad: boolean;
  parent?: Block | null;
}
/** What may stand before `import` on its line: indentation or an earlier statement and `;`, then `from <module> `. */
const IMPORT_PREFIX = /^(?:.*;)?[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?$/;
// A training step: `.backward(`, `optimizer_step(`, `<word containing "opt">.step(`, or `<word>.step(<word containing
// "opt">` (a GradScaler's `scaler.step(optimizer)`), case-insensitive.
// Found from the literal part (`.backward(` / `.step(` / `optimizer_step(`) and the receiver checked after:
// the one-regex form (`\b\w*opt\w*\s*\.\s*step\s*\(`) tried a match at every word of the file.
const STEP_CANDIDATE = /\.\s*(?:backward|step)\s*\(|\boptimizer_step\s*\(/gi;
const IS_DOT_STEP = /^\.\s*step/i;

/** Training-step matches in `text[from, to)` as `[start, end)`: the whole match, receiver word included. */
export function* trainStepMatches(text: string, from: number, to: number): Generator<[number, number]> {
  const re = new RegExp(STEP_CANDIDATE.source, 'gi');
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index + m[0].length <= to; m = re.exec(text)) {
    if (!IS_DOT_STEP.test(m[0])) {
      yield [m.index, m.index + m[0].length];
      continue;
    }
    let j = m.index - 1;
    while (j >= from && /\s/.test(text[j])) j--;
    let k = j;
    while (k >= from && /\w/.test(text[k])) k--;
    const end = m.index + m[0].length;
    // `optimizer.step()`, or a GradScaler stepping the optimizer: `scaler.step(optimizer)`.
    if (k < j && (/opt/i.test(text.slice(k + 1, j + 1)) || /^\s*\w*opt/i.test(text.slice(end, end + 64)))) yield [k + 1, end];
  }
}
const NO_GRAD = /\b(?:no_grad|inference_mode)\s*\(/;
const MAX_DEPTH = 6;

interface Assignment {
  rhs: Node;
  lhs: Node;
  scope: Node | null;
}


const NO_KWARGS: ReadonlyMap<string, Node> = new Map();

/** A character of a Python identifier: [A-Za-z0-9_] or any non-ASCII one (`μ = 1`; the tree has the last word). */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
}

/**
 * A call's parts, computed on first use: most rules look at the method name or the qualified name
 * and stop there, so arguments are only unpacked (many trips into the wasm tree) when asked for.
 */
class LazyCall implements CallInfo {
  readonly func: Node;
  readonly method: string | null = null;
  readonly receiver: Node | null = null;
  private _qname?: string | null;
  private _args?: { args: Node[]; kwargs: ReadonlyMap<string, Node>; kwargNodes: ReadonlyMap<string, Node>; hasSplat: boolean };

  constructor(private readonly sem: SemanticModel, readonly node: Node) {
    this.func = node.childForFieldName('function')!;
    if (this.func.type === 'attribute') {
      this.method = this.func.childForFieldName('attribute')?.text ?? null;
      this.receiver = this.func.childForFieldName('object');
    }
  }

  get qname(): string | null {
    if (this._qname === undefined) this._qname = this.sem.qualifiedName(this.func);
    return this._qname;
  }

  private get parts() {
    if (!this._args) {
      const args: Node[] = [];
      // Most calls have no keywords: they share one empty map (a call's parts are read-only).
      let kwargs: Map<string, Node> | null = null;
      let kwargNodes: Map<string, Node> | null = null;
      let hasSplat = false;
      const argList = this.node.childForFieldName('arguments');
      if (argList?.type === 'argument_list') {
        for (const a of argList.namedChildren) {
          if (a.type === 'keyword_argument') {
            const k = a.childForFieldName('name');
            const v = a.childForFieldName('value');
            if (k && v) {
              (kwargs ??= new Map()).set(k.text, v);
              (kwargNodes ??= new Map()).set(k.text, a);
            }
          } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') hasSplat = true;
          else if (a.type !== 'comment') args.push(a);
        }
      }
      this._args = { args, kwargs: kwargs ?? NO_KWARGS, kwargNodes: kwargNodes ?? NO_KWARGS, hasSplat };
    }
    return this._args;
  }

  get args(): Node[] {
    return this.parts.args;
  }
  get kwargs(): ReadonlyMap<string, Node> {
    return this.parts.kwargs;
  }
  get kwargNodes(): ReadonlyMap<string, Node> {
    return this.parts.kwargNodes;
  }
  get hasSplat(): boolean {
    return this.parts.hasSplat;
  }
}

export class SemanticModel implements Semantic {
  readonly root: ModuleRoot;
  private _imports?: ImportBinding[];
  private _byLocal?: Map<string, ImportBinding>;
  private readonly assigns = new Map<string, Assignment[]>();
  private _classes?: Map<string, Node>;
  private _units?: { start: number; end: number; isFunction: boolean }[];
  private readonly unitBlocks = new Map<number, Block[]>();
  private _moduleRanges?: [number, number][];
  private readonly idents = new Map<string, Node[]>();
  private readonly importsMemo = new Map<string, boolean>();
  private readonly values = new Map<number, ConstValue | null>();
  private readonly calls = new Map<number, CallInfo>();
  private readonly loopKinds = new Map<number, LoopKind>();
  private readonly hotFunctions = new Map<number, boolean>();
  private readonly userClassCache = new Map<string, boolean>();

  constructor(tree: ParsedModule, readonly text: string, public target: Target) {
    this.root = tree.rootNode;
  }

  // ---------------------------------------------------------------- imports

  get imports(): readonly ImportBinding[] {
    if (!this._imports) this.collectImports();
    return this._imports!;
  }

  private collectImports(): void {
    const out: ImportBinding[] = [];
    // Text first (cheap), tree second: every `import` keyword that starts a statement (`import …` or
    // `from x import …` at the start of a line). The word is searched, the line checked after: a multi-line
    // anchored regex tests every line start of the file.
    const re = /\bimport\b/g;
    const seen = new Set<number>();
    // In document order: the locator keeps the ancestors of the last `import`, so the walk up is free.
    const locate = hitLocator(this.root);
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) {
      const kw = m.index;
      // Back to the line break (a search for '\r' in a file without one would run to its start).
      let lineStart = kw;
      for (let c = this.text.charCodeAt(lineStart - 1); lineStart > 0 && c !== 10 && c !== 13; c = this.text.charCodeAt(--lineStart - 1));
      if (!IMPORT_PREFIX.test(this.text.slice(lineStart, kw))) continue;
      let st: Node | null = locate(kw, kw + 6);
      while (st && st.type !== 'import_statement' && st.type !== 'import_from_statement' && st.type !== 'module') st = st.parent;
      if (!st || st.type === 'module' || seen.has(st.startIndex)) continue;
      seen.add(st.startIndex);
      this.addImport(st, out);
    }
    this._imports = out;
    this._byLocal = new Map();
    // Later bindings win, like Python.
    for (const b of out) this._byLocal.set(b.local, b);
  }

  private addImport(st: Node, out: ImportBinding[]): void {
    if (st.type === 'import_statement') {
      for (const n of st.childrenForFieldName('name')) {
        if (n.type === 'aliased_import') {
          const name = n.childForFieldName('name');
          const alias = n.childForFieldName('alias');
          if (name && alias) out.push({ local: alias.text, qname: name.text, statement: st, nameNode: n });
        } else if (n.type === 'dotted_name') {
          // `import torch.nn` binds `torch`.
          const head = n.text.split('.')[0];
          out.push({ local: head, qname: head, statement: st, nameNode: n });
        }
      }
      return;
    }
    const mod = st.childForFieldName('module_name');
    if (!mod || mod.type === 'relative_import') return; // local package: never a framework
    const base = mod.text;
    for (const n of st.childrenForFieldName('name')) {
      if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name');
        const alias = n.childForFieldName('alias');
        if (name && alias) out.push({ local: alias.text, qname: `${base}.${name.text}`, statement: st, nameNode: n });
      } else if (n.type === 'dotted_name') {
        out.push({ local: n.text, qname: `${base}.${n.text}`, statement: st, nameNode: n });
      }
    }
  }

  imports_(module: string): boolean {
    let v = this.importsMemo.get(module);
    if (v === undefined) {
      const pre = module + '.';
      v = this.imports.some((b) => b.qname === module || b.qname.startsWith(pre));
      this.importsMemo.set(module, v);
    }
    return v;
  }

  /** The import binding of `local`, unless a same-file `class`/`def` of that name rebinds it before `at`. */
  binding(local: string, at?: number): ImportBinding | undefined {
    if (!this._byLocal) this.collectImports();
    const b = this._byLocal!.get(local);
    return b && !this.shadowedAt(local, at) ? b : undefined;
  }

  private _topLevelDefs?: Map<string, number>;
  /**
   * `class Trainer(Trainer):` subclasses the import; after that statement the name is the user's.
   * Position-aware: shadowed from the line after the `class`/`def` line on.
   */
  private shadowedAt(name: string, at?: number): boolean {
    if (!this._topLevelDefs) {
      this._topLevelDefs = new Map();
      for (const m of lineMatches(this.text, TOP_LEVEL_DEF)) {
        const eol = this.text.indexOf('\n', m.index!);
        if (!this._topLevelDefs.has(m[1])) this._topLevelDefs.set(m[1], eol < 0 ? this.text.length : eol);
      }
    }
    const from = this._topLevelDefs.get(name);
    return from !== undefined && (at === undefined || at > from);
  }

  // ---------------------------------------------------------------- names

  dottedName(node: Node): string | null {
    if (node.type === 'identifier') return node.text;
    if (node.type === 'attribute') {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!obj || !attr) return null;
      const head = this.dottedName(obj);
      return head === null ? null : `${head}.${attr.text}`;
    }
    return null;
  }

  qualifiedName(node: Node): string | null {
    let n = node;
    // The `cuda` in `torch.cuda`: name the whole attribute it ends.
    const p = n.parent;
    if (n.type === 'identifier' && p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) n = p;
    const dotted = this.dottedName(n);
    if (!dotted) return null;
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const b = this.binding(head, n.startIndex);
    if (!b) return null;
    return dot < 0 ? b.qname : b.qname + dotted.slice(dot);
  }

  // ---------------------------------------------------------------- calls

  callOf(node: Node): CallInfo | null {
    let n: Node | null = node;
    const p = n.parent;
    if (n.type === 'identifier' && p?.type === 'attribute' && p.childForFieldName('attribute')?.id === n.id) n = p;
    const c = n.parent;
    if (c?.type === 'call' && c.childForFieldName('function')?.id === n.id) return this.call(c);
    return null;
  }

  call(callNode: Node): CallInfo {
    let info = this.calls.get(callNode.id);
    if (!info) this.calls.set(callNode.id, (info = new LazyCall(this, callNode)));
    return info;
  }

  argumentOf(node: Node): { call: CallInfo; index: number | null; keyword: string | null } | null {
    let n = node;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const p = n.parent;
    if (!p) return null;
    if (p.type === 'argument_list' && p.parent?.type === 'call') {
      const call = this.call(p.parent);
      const index = call.args.findIndex((a) => a.id === n.id);
      return { call, index: index < 0 ? null : index, keyword: null };
    }
    if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === n.id && p.parent?.type === 'argument_list' && p.parent.parent?.type === 'call') {
      return { call: this.call(p.parent.parent), index: null, keyword: p.childForFieldName('name')?.text ?? null };
    }
    return null;
  }

  // ---------------------------------------------------------------- constants

  /** Assignments to `name` (a simple or dotted name), found by text search then confirmed in the tree. */
  /** Assignments to `name` whose name starts in one of `ranges` (whole file when absent). */
  private assignsOf(name: string, ranges?: readonly (readonly [number, number])[], key = ''): Assignment[] {
    const cacheKey = `${name}@${key}`;
    let list = this.assigns.get(cacheKey);
    if (list) return list;
    list = [];
    const parts = name.split('.');
    const last = parts[parts.length - 1];
    const rs = ranges ?? [[0, this.text.length] as const];
    let ri = 0;
    for (const at of this.assignmentCandidates(last)) {
      // Candidates come sorted: drop those outside the ranges before touching the tree.
      while (ri < rs.length && rs[ri][1] <= at) ri++;
      if (ri >= rs.length) break;
      if (at < rs[ri][0]) continue;
      const id = this.root.descendantForIndex(at, at + last.length);
      if (!id || id.type !== 'identifier' || id.startIndex !== at) continue;
      let lhs: Node = id;
      const p0 = id.parent;
      if (parts.length > 1) {
        if (p0?.type !== 'attribute' || this.dottedName(p0) !== name) continue;
        lhs = p0;
      }
      const p = lhs.parent;
      if (!p) continue;
      let rhs: Node | null = null;
      if (p.type === 'assignment' && p.childForFieldName('left')?.id === lhs.id) rhs = p.childForFieldName('right');
      else if ((p.type === 'default_parameter' || p.type === 'typed_default_parameter') && p.childForFieldName('name')?.id === lhs.id) rhs = p.childForFieldName('value');
      if (rhs) list.push({ lhs, rhs, scope: this.scopeOf(lhs) });
    }
    this.assigns.set(cacheKey, list);
    return list;
  }

  private assignIndex?: Map<string, number[]>;
  /**
   * Offsets of `word` written where an assignment can bind it: `word =`, `word: T =`, `word=` (a parameter
   * default), never `==`. One pass over the file's `=` signs for every name (a regex per name and scope was
   * most of the cost of tensor and constant lookups); the tree confirms each candidate.
   */
  private assignmentCandidates(word: string): readonly number[] {
    if (!this.assignIndex) {
      const index = new Map<string, number[]>();
      const t = this.text;
      const add = (end: number) => {
        // The word that ends (after blanks) just before `end`.
        let j = end - 1;
        for (let c = t.charCodeAt(j); c === 0x20 || c === 0x09; c = t.charCodeAt(--j));
        let s = j;
        while (s >= 0 && isWordChar(t.charCodeAt(s))) s--;
        if (s === j) return;
        const w = t.slice(s + 1, j + 1);
        const at = index.get(w);
        if (!at) index.set(w, [s + 1]);
        else if (at[at.length - 1] !== s + 1) at.push(s + 1);
      };
      for (let e = t.indexOf('='); e >= 0; e = t.indexOf('=', e + 1)) {
        if (t[e + 1] === '=') {
          e++;
          continue;
        }
        // `word: T =` names the word before a `:` of the same line after which no `=` came.
        const from = Math.max(t.lastIndexOf('\n', e - 1), t.lastIndexOf('=', e - 1)) + 1;
        for (let c = t.indexOf(':', from); c >= 0 && c < e; c = t.indexOf(':', c + 1)) add(c);
        add(e);
      }
      for (const at of index.values()) at.sort((x, y) => x - y);
      this.assignIndex = index;
    }
    return this.assignIndex.get(word) ?? [];
  }

  /** Top-level statements other than functions: where module-level (and class-level) bindings live. */
  private get moduleRanges(): [number, number][] {
    this._moduleRanges ??= this.units.filter((u) => !u.isFunction).map((u) => [u.start, u.end] as [number, number]);
    return this._moduleRanges;
  }

  assignmentsOf(name: string, at?: Node): Node[] {
    // `self.x` is shared across the methods of a class: no scoping.
    if (name.includes('.')) return this.assignsOf(name).map((a) => a.rhs);
    // Python scoping: the enclosing function's own bindings, else the module's. Search only there.
    const scope = at ? this.scopeOf(at) : null;
    if (scope) {
      const local = this.assignsOf(name, [[scope.startIndex, scope.endIndex]], String(scope.startIndex)).filter((a) => a.scope?.id === scope.id);
      if (local.length > 0) return local.map((a) => a.rhs);
    }
    // Not bound locally: the module-level binding (closures over enclosing functions are rare here).
    return this.assignsOf(name, this.moduleRanges, 'module')
      .filter((a) => a.scope === null)
      .map((a) => a.rhs);
  }

  constValue(node: Node): ConstValue | null {
    const hit = this.values.get(node.id);
    if (hit !== undefined) return hit;
    const v = this.value(node, 0);
    this.values.set(node.id, v);
    return v;
  }

  private value(node: Node, depth: number): ConstValue | null {
    if (depth > MAX_DEPTH) return null;
    switch (node.type) {
      case 'string':
        return this.stringValue(node);
      case 'concatenated_string': {
        let s = '';
        for (const part of node.namedChildren) {
          const v = this.stringValue(part);
          if (v?.kind === 'fstr') return { kind: 'fstr', prefix: s + v.prefix, node };
          if (v?.kind !== 'str') return null;
          s += v.value;
        }
        return { kind: 'str', value: s, node };
      }
      case 'integer':
      case 'float': {
        const v = Number(node.text.replace(/_/g, ''));
        return Number.isNaN(v) ? null : { kind: 'num', value: v, node };
      }
      case 'true':
        return { kind: 'bool', value: true, node };
      case 'false':
        return { kind: 'bool', value: false, node };
      case 'none':
        return { kind: 'none', node };
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c.type !== 'comment');
        return inner ? this.value(inner, depth + 1) : null;
      }
      case 'conditional_expression': {
        const kids = node.namedChildren.filter((c) => c.type !== 'comment');
        if (kids.length < 3) return null;
        const options = [this.value(kids[0], depth + 1), this.value(kids[2], depth + 1)].filter((v): v is ConstValue => v !== null);
        return options.length ? { kind: 'union', options, node } : null;
      }
      case 'call': {
        // torch.device("cuda") / torch.device(device) carry their argument's value.
        const c = this.call(node);
        if (c.qname === 'torch.device') {
          const a = c.args[0] ?? c.kwargs.get('type');
          return a ? this.value(a, depth + 1) : null;
        }
        // `"cuda:{}".format(rank)` reads like f"cuda:{rank}": the text before the first field.
        if (c.method === 'format' && c.receiver?.type === 'string') return this.templateValue(c.receiver, '{');
        return null;
      }
      case 'binary_operator': {
        const left = node.childForFieldName('left');
        const op = node.childForFieldName('operator')?.type;
        // `"cuda:%d" % rank`: the text before the first conversion.
        if (left?.type === 'string' && op === '%') return this.templateValue(left, '%');
        // `"cuda:" + str(rank)`: a known head and an unknown tail read like f"cuda:{rank}".
        if (left && op === '+') {
          const head = this.value(left, depth + 1);
          if (head?.kind === 'fstr') return { kind: 'fstr', prefix: head.prefix, node };
          if (head?.kind !== 'str') return null;
          const right = node.childForFieldName('right');
          const tail = right ? this.value(right, depth + 1) : null;
          if (tail?.kind === 'str') return { kind: 'str', value: head.value + tail.value, node };
          return { kind: 'fstr', prefix: tail?.kind === 'fstr' ? head.value + tail.prefix : head.value, node };
        }
        return null;
      }
      case 'identifier':
      case 'attribute': {
        const key = this.dottedName(node);
        if (!key) return null;
        const rhs = this.assignmentsOf(key, node).filter((r) => r.id !== node.id && r.startIndex !== node.startIndex);
        if (rhs.length === 0) return null;
        const options = rhs.map((r) => this.value(r, depth + 1)).filter((v): v is ConstValue => v !== null);
        if (options.length === 0) return null;
        return options.length === 1 ? options[0] : { kind: 'union', options, node };
      }
      default:
        return null;
    }
  }

  private stringValue(node: Node): ConstValue | null {
    if (node.type !== 'string') return null;
    const start = node.firstChild;
    const end = node.lastChild;
    if (!start || !end || start.type !== 'string_start') return null;
    const prefix = start.text.toLowerCase();
    if (prefix.includes('b')) return null;
    const isF = prefix.includes('f');
    const inter = isF ? node.namedChildren.find((c) => c.type === 'interpolation') : undefined;
    const from = start.endIndex;
    if (inter) return { kind: 'fstr', prefix: this.text.slice(from, inter.startIndex), node };
    const to = end.type === 'string_end' ? end.startIndex : node.endIndex;
    return { kind: 'str', value: this.text.slice(from, to), node };
  }

  /** A format template (`"cuda:{}"`, `"cuda:%d"`) as an f-string value: its text before the first `mark`. */
  private templateValue(str: Node, mark: '{' | '%'): ConstValue | null {
    const v = this.stringValue(str);
    if (v?.kind !== 'str') return null;
    const at = v.value.indexOf(mark);
    // An escaped mark (`{{`, `%%`) is literal text: leave such templates alone.
    if (at < 0 || v.value[at + 1] === mark) return at < 0 ? v : null;
    return { kind: 'fstr', prefix: v.value.slice(0, at), node: str };
  }

  possibleValues(node: Node): Exclude<ConstValue, { kind: 'union' }>[] {
    const out: Exclude<ConstValue, { kind: 'union' }>[] = [];
    const walk = (v: ConstValue | null) => {
      if (!v) return;
      if (v.kind === 'union') v.options.forEach(walk);
      else out.push(v);
    };
    walk(this.constValue(node));
    return out;
  }

  possibleStrings(node: Node): { value: string; node: Node; fstring: boolean }[] {
    const out: { value: string; node: Node; fstring: boolean }[] = [];
    for (const v of this.possibleValues(node)) {
      if (v.kind === 'str') out.push({ value: v.value, node: v.node, fstring: false });
      else if (v.kind === 'fstr') out.push({ value: v.prefix, node: v.node, fstring: true });
    }
    return out;
  }

  // ---------------------------------------------------------------- scopes and uses

  /** Top-level statements (the units blocks are indexed by), from the tree once per analysis. */
  private get units(): { start: number; end: number; isFunction: boolean }[] {
    if (!this._units) {
      this._units = this.root.namedChildren.map((n) => ({
        start: n.startIndex,
        end: n.endIndex,
        isFunction: n.type === 'function_definition' || (n.type === 'decorated_definition' && /^(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async[ \t]+)?def\b/.test(this.text.slice(n.startIndex, n.startIndex + 2000))),
      }));
    }
    return this._units;
  }

  /**
   * Compound statements (def, class, for, while, with) of one top-level statement, by byte range,
   * found by text then confirmed in the tree, computed the first time a question lands in it. Scope
   * and loop questions become range checks in JS instead of walks up the tree through the wasm
   * boundary, and while typing only the statements being looked at are indexed.
   */
  private blocksOf(unit: number): Block[] {
    let out = this.unitBlocks.get(unit);
    if (out) return out;
    out = [];
    const { start: from, end: to } = this.units[unit];
    for (const m of lineMatches(this.text, BLOCK_START, from, to)) {
      const kwAt = m.index + m[0].length - m[2].length;
      const kw = this.root.descendantForIndex(kwAt, kwAt + m[2].length);
      const st = kw?.parent;
      if (!st || kw!.startIndex !== kwAt || !BLOCK_TYPES.has(st.type)) continue;
      const body = st.childForFieldName('body');
      const kind = m[2] as Block['kind'];
      const b: Block = { kind, node: st, start: st.startIndex, end: st.endIndex, bodyStart: body ? body.startIndex : st.endIndex, noGrad: false };
      if (kind === 'with') b.noGrad = NO_GRAD.test(this.text.slice(st.startIndex, b.bodyStart));
      if (kind === 'def') {
        // Decorators sit on the lines just above: `@torch.no_grad()` / `@torch.inference_mode()`.
        const before = this.text.slice(Math.max(0, m.index - 400), m.index).split('\n');
        for (let i = before.length - 2; i >= 0 && /^\s*@/.test(before[i]); i--) if (NO_GRAD.test(before[i] + '(')) b.noGrad = true;
      }
      out.push(b);
    }
    // Blocks nest properly and come sorted by start: link each to its enclosing block.
    const stack: Block[] = [];
    for (const b of out) {
      while (stack.length && stack[stack.length - 1].end <= b.start) stack.pop();
      b.parent = stack[stack.length - 1] ?? null;
      stack.push(b);
    }
    this.unitBlocks.set(unit, out);
    return out;
  }

  /**
   * The innermost block containing `idx` (binary searches); `outerBlock` walks out from there. A plain loop
   * over these instead of a generator: this runs for every loop/scope question.
   */
  private blockAt(idx: number): Block | null {
    const us = this.units;
    let lo = 0;
    let hi = us.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (us[mid].start <= idx) lo = mid + 1;
      else hi = mid;
    }
    const u = lo - 1;
    if (u < 0 || idx >= us[u].end) return null;
    const bs = this.blocksOf(u);
    lo = 0;
    hi = bs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bs[mid].start <= idx) lo = mid + 1;
      else hi = mid;
    }
    // The last block starting at or before idx; every block containing idx is it or an ancestor.
    let b: Block | null = lo > 0 ? bs[lo - 1] : null;
    while (b && idx >= b.end) b = b.parent ?? null;
    return b;
  }

  /** The next block out from `b` that still contains `idx`. */
  private outerBlock(b: Block, idx: number): Block | null {
    let p = b.parent ?? null;
    while (p && idx >= p.end) p = p.parent ?? null;
    return p;
  }

  /** Innermost block of one of `kinds` containing `idx` (in its body when `inBody`), other than `self`. */
  private innermost(idx: number, kinds: ReadonlySet<Block['kind']>, inBody: boolean, self?: number): Block | null {
    for (let b = this.blockAt(idx); b; b = this.outerBlock(b, idx)) {
      if (!kinds.has(b.kind) || b.node.id === self) continue;
      if (inBody ? idx >= b.bodyStart : idx >= b.start) return b;
    }
    return null;
  }

  scopeOf(node: Node): Node | null {
    return this.innermost(node.startIndex, DEF, false, node.id)?.node ?? null;
  }

  forLoopsAround(node: Node): Node[] {
    const idx = node.startIndex;
    const out: Node[] = [];
    for (let b = this.blockAt(idx); b; b = this.outerBlock(b, idx)) {
      if (b.kind === 'def') break;
      if (b.kind === 'for' && b.node.id !== node.id) out.push(b.node);
    }
    return out;
  }

  /** Every identifier named `word` in `[from, to)`, found by text search (cheap) then confirmed in the tree. */
  identifiersIn(word: string, from = 0, to = this.text.length): Node[] {
    let all = this.idents.get(word);
    // Whole file once per word, then sliced: rules ask about the same names again and again.
    if (!all) this.idents.set(word, (all = [...this.scanIdentifiers(word, 0, this.text.length)]));
    if (from === 0 && to >= this.text.length) return all;
    return all.filter((n) => n.startIndex >= from && n.startIndex < to);
  }

  /** Identifiers spelled `word` in [from, to): text search (cheap), each confirmed in the tree. */
  private *scanIdentifiers(word: string, from: number, to: number): Generator<Node> {
    const re = new RegExp(`\\b${escapeRe(word)}\\b`, 'g');
    re.lastIndex = from;
    for (let m = re.exec(this.text); m && m.index < to; m = re.exec(this.text)) {
      const n = this.root.descendantForIndex(m.index, m.index + word.length);
      if (n && n.type === 'identifier' && n.startIndex === m.index && n.endIndex === m.index + word.length) yield n;
    }
  }

  /** Like `identifiersIn`, lazily and uncached, for callers that stop early. */
  private *identifiersUpTo(word: string, from: number, to: number): Generator<Node> {
    const cached = this.idents.get(word);
    if (cached) yield* cached.filter((n) => n.startIndex >= from && n.startIndex < to);
    else yield* this.scanIdentifiers(word, from, to);
  }

  usesOf(name: string, scopeOf?: Node, limit = Infinity): Node[] {
    const parts = name.split('.');
    const last = parts[parts.length - 1];
    const scope = scopeOf ? this.scopeOf(scopeOf) : null;
    const from = scope ? scope.startIndex : 0;
    const to = scope ? scope.endIndex : this.text.length;
    const out: Node[] = [];
    for (const id of Number.isFinite(limit) ? this.identifiersUpTo(last, from, to) : this.identifiersIn(last, from, to)) {
      if (out.length >= limit) break;
      let n = id;
      const p = id.parent;
      if (parts.length === 1) {
        // `x.name` and `f(name=…)` are not uses of the variable `name`.
        if (p?.type === 'attribute' && p.childForFieldName('attribute')?.id === id.id) continue;
        if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.id === id.id) continue;
      } else {
        if (p?.type !== 'attribute' || p.childForFieldName('attribute')?.id !== id.id) continue;
        if (this.dottedName(p) !== name) continue;
        n = p;
      }
      const np = n.parent;
      if (np && (np.type === 'assignment' || np.type === 'augmented_assignment') && np.childForFieldName('left')?.id === n.id) continue;
      if (np && /parameter$/.test(np.type)) continue;
      if (np && (np.type === 'function_definition' || np.type === 'class_definition')) continue;
      out.push(n);
    }
    return out;
  }

  // ---------------------------------------------------------------- loops

  loopAround(node: Node): Node | null {
    const idx = node.startIndex;
    const fence = this.innermost(idx, DEF_OR_CLASS, true);
    for (let b = this.blockAt(idx); b; b = this.outerBlock(b, idx)) {
      if (fence && b.start <= fence.start) break;
      if (LOOP.has(b.kind) && idx >= b.bodyStart && b.node.id !== node.id) return b.node;
    }
    return null;
  }

  loopOf(node: Node): LoopInfo | null {
    const idx = node.startIndex;
    // Loops whose body holds the node, inside the same function or class body as the node.
    const fence = this.innermost(idx, DEF_OR_CLASS, true);
    let firstOther: LoopInfo | null = null;
    for (let b = this.blockAt(idx); b; b = this.outerBlock(b, idx)) {
      if (fence && b.start <= fence.start) break;
      if (!LOOP.has(b.kind) || idx < b.bodyStart || b.node.id === node.id) continue;
      const kind = this.loopKind(b);
      if (kind !== 'other') return { node: b.node, kind };
      firstOther ??= { node: b.node, kind };
    }
    return firstOther;
  }

  inHotLoop(node: Node): boolean {
    const loop = this.loopOf(node);
    if (loop && loop.kind !== 'other') {
      // A lambda in the loop body (e.g. `xm.add_step_closure(lambda: print(loss.item()))`) runs
      // later, after the step's graph has executed: it is the documented way to read values.
      for (let p = node.parent; p && p.startIndex >= loop.node.startIndex && p.id !== loop.node.id; p = p.parent) if (p.type === 'lambda') return false;
      return true;
    }
    const fn = this.scopeOf(node);
    return fn ? this.isHotFunction(fn, 0) : false;
  }

  /** A same-file function called from inside a training/eval loop runs once per step too. */
  private isHotFunction(fn: Node, depth: number): boolean {
    const cached = this.hotFunctions.get(fn.id);
    if (cached !== undefined) return cached;
    this.hotFunctions.set(fn.id, false); // recursion guard
    let hot = false;
    const name = fn.childForFieldName('name')?.text;
    if (name && depth < 3) {
      for (const id of this.identifiersIn(name)) {
        const call = this.callOf(id);
        if (!call || call.func.id !== id.id) continue;
        const loop = this.loopOf(call.node);
        if (loop && loop.kind !== 'other') hot = true;
        else {
          const outer = this.scopeOf(call.node);
          if (outer && outer.id !== fn.id && this.isHotFunction(outer, depth + 1)) hot = true;
        }
        if (hot) break;
      }
    }
    this.hotFunctions.set(fn.id, hot);
    return hot;
  }

  private loopKind(loop: Block): LoopKind {
    const cached = this.loopKinds.get(loop.node.id);
    if (cached) return cached;
    let kind: LoopKind = 'other';
    // Only evidence that runs once per iteration of this loop counts: a step inside an inner loop makes the
    // inner loop the step loop, and this one (`for epoch …`) runs once per epoch.
    const direct = (matches: Iterable<[number, number]>) => [...matches].filter(([s]) => this.directlyIn(loop, s));
    if (this.hasCodeAt(direct(trainStepMatches(this.text, loop.bodyStart, loop.end)))) kind = 'train';
    else if (this.callsFunctionIn(loop, this.stepFns.trainStep)) kind = 'train';
    // `for epoch in …: train(epoch); with torch.no_grad(): sample = …`: the body calls the function that holds
    // the step loop, so this loop runs once per epoch (its no_grad block is a per-epoch sample, not a step).
    else if (this.callsFunctionIn(loop, this.stepFns.stepLoop)) kind = 'other';
    else if ((this.underNoGrad(loop) && (!this.hasInnerLoop(loop) || this.runsModel(loop))) || this.hasNoGradBlock(loop)) kind = 'eval';
    // `for batch in eval_dataloader: outputs = model(**batch)`: a model run per batch of a loader (no no_grad needed).
    else if (loop.kind === 'for' && LOADER_LOOP.test(this.text.slice(loop.start, loop.bodyStart)) && this.runsModel(loop)) kind = 'eval';
    this.loopKinds.set(loop.node.id, kind);
    return kind;
  }

  /** `pos` (in the loop's body) runs once per iteration of `loop`: no inner loop or nested function holds it. */
  private directlyIn(loop: Block, pos: number): boolean {
    for (let b = this.blockAt(pos); b; b = this.outerBlock(b, pos)) {
      if (b === loop) return true;
      if ((LOOP.has(b.kind) && pos >= b.bodyStart) || b.kind === 'def' || b.kind === 'class') return false;
    }
    return false;
  }

  /** A for/while loop inside the body of `loop`. */
  private hasInnerLoop(loop: Block): boolean {
    for (const re = /^[ \t]*(?:async[ \t]+)?(?:for|while)\b/gm, seg = this.text.slice(loop.bodyStart, loop.end); ; ) {
      const m = re.exec(seg);
      if (!m) return false;
      const b = this.blockAt(loop.bodyStart + m.index + m[0].length - 1);
      if (b && b !== loop && LOOP.has(b.kind) && b.start > loop.start) return true;
    }
  }

  /** The model runs once per iteration: `model(…)`, `net(…)`, `self.model(…)` directly in the loop body. */
  private runsModel(loop: Block): boolean {
    const re = new RegExp(MODEL_CALL.source, 'g');
    const seg = this.text.slice(loop.bodyStart, loop.end);
    for (let m = re.exec(seg); m; m = re.exec(seg)) {
      const at = loop.bodyStart + m.index;
      if (this.directlyIn(loop, at) && this.hasCodeAt([[at, at + m[0].length]])) return true;
    }
    return false;
  }

  /** `with torch.no_grad():` (or inference_mode) directly in the loop body, around no loop of its own. */
  private hasNoGradBlock(loop: Block): boolean {
    const re = new RegExp(NO_GRAD.source, 'g');
    const seg = this.text.slice(loop.bodyStart, loop.end);
    for (let m = re.exec(seg); m; m = re.exec(seg)) {
      const at = loop.bodyStart + m.index;
      if (!this.directlyIn(loop, at) || !this.hasCodeAt([[at, at + m[0].length]])) continue;
      const w = this.blockAt(at);
      if (w && w.kind === 'with' && at < w.bodyStart && this.hasInnerLoop(w)) continue; // `with no_grad(): for b in val:`
      return true;
    }
    return false;
  }

  /** Whether one of `matches` (`[start, end)`) ends in code, not in a comment or a string. */
  private hasCodeAt(matches: Iterable<[number, number]>): boolean {
    for (const [, end] of matches) {
      const n = this.root.descendantForIndex(end - 1);
      if (n && n.type !== 'comment' && n.type !== 'string_content' && n.type !== 'string') return true;
    }
    return false;
  }

  private _stepFns?: { trainStep: Set<string>; stepLoop: Set<string> };
  /**
   * Same-file functions by where their training step is: `trainStep`, directly in the body (`def train_step(batch):
   * …backward()` runs once per step of its caller's loop); `stepLoop`, in a loop of the function (`def
   * train_one_epoch(loader): for batch in loader: …` holds the step loop itself).
   */
  private get stepFns(): { trainStep: Set<string>; stepLoop: Set<string> } {
    if (!this._stepFns) {
      const fns = (this._stepFns = { trainStep: new Set<string>(), stepLoop: new Set<string>() });
      for (const [start, end] of trainStepMatches(this.text, 0, this.text.length)) {
        const n = this.root.descendantForIndex(end - 1);
        if (!n || n.type === 'comment' || n.type === 'string_content' || n.type === 'string') continue;
        let inLoop = false;
        for (let b = this.blockAt(start); b; b = this.outerBlock(b, start)) {
          if (LOOP.has(b.kind) && start >= b.bodyStart) inLoop = true;
          if (b.kind !== 'def' || start < b.bodyStart) continue;
          const name = b.node.childForFieldName('name')?.text;
          if (name) (inLoop ? fns.stepLoop : fns.trainStep).add(name);
          break;
        }
      }
    }
    return this._stepFns;
  }

  private callRes = new Map<Set<string>, RegExp>();
  /** The body of `loop` (not a nested loop or def) calls one of `names`, same-file functions. */
  private callsFunctionIn(loop: Block, names: Set<string>): boolean {
    if (!names.size) return false;
    const from = loop.bodyStart;
    const to = loop.end;
    // One scan of [from, to) for all of the names (not one whole-file scan per name).
    let re = this.callRes.get(names);
    if (!re) this.callRes.set(names, (re = new RegExp(`\\b(?:${[...names].map(escapeRe).join('|')})\\b`, 'g')));
    re.lastIndex = from;
    for (let m = re.exec(this.text); m && m.index < to; m = re.exec(this.text)) {
      if (!this.directlyIn(loop, m.index)) continue;
      const end = m.index + m[0].length;
      const id = this.root.descendantForIndex(m.index, end);
      if (id && id.type === 'identifier' && id.startIndex === m.index && id.endIndex === end && this.callOf(id)) return true;
    }
    return false;
  }

  /** Inside `with torch.no_grad():` / `inference_mode()`, or a function decorated with them. */
  private underNoGrad(loop: Block): boolean {
    const fn = this.innermost(loop.start, DEF, false, loop.node.id);
    if (fn?.noGrad) return true;
    for (let b = this.blockAt(loop.start); b; b = this.outerBlock(b, loop.start)) {
      if (fn && b.start <= fn.start) break;
      if (b.kind === 'with' && b.noGrad && b.bodyStart <= loop.start) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- user classes

  private get classes(): Map<string, Node> {
    if (!this._classes) {
      this._classes = new Map();
      for (const m of lineMatches(this.text, CLASS_LINE)) {
        const at = m.index + m[0].length - m[1].length;
        const cls = this.root.descendantForIndex(at, at + m[1].length)?.parent;
        if (cls?.type === 'class_definition') this._classes.set(m[1], cls);
      }
    }
    return this._classes;
  }

  definesMethod(name: string): boolean {
    const re = new RegExp(`^[ \\t]+(?:async[ \\t]+)?def[ \\t]+${escapeRe(name)}[ \\t]*\\(`, 'm');
    return re.test(this.text);
  }

  /** A class defined here whose bases are all defined here too (or none): torch/jax never stand behind it. */
  private isPlainUserClass(name: string, depth = 0): boolean {
    const cached = this.userClassCache.get(name);
    if (cached !== undefined) return cached;
    const cls = this.classes.get(name);
    let plain = false;
    if (cls) {
      plain = true;
      const bases = cls.childForFieldName('superclasses');
      for (const b of bases?.namedChildren ?? []) {
        if (b.type === 'keyword_argument') continue;
        const bn = this.dottedName(b);
        if (bn === 'object') continue;
        if (!bn || bn.includes('.') || depth > 4 || !this.isPlainUserClass(bn, depth + 1)) {
          plain = false;
          break;
        }
      }
    }
    this.userClassCache.set(name, plain);
    return plain;
  }

  private _hasPlainClass?: boolean;
  /** Whether the file defines any plain user class: without one, nothing is a user object (checked first). */
  private get hasPlainClass(): boolean {
    this._hasPlainClass ??= [...this.classes.keys()].some((n) => this.isPlainUserClass(n));
    return this._hasPlainClass;
  }

  isUserObject(receiver: Node): boolean {
    if (!this.hasPlainClass) return false;
    let r = receiver;
    while (r.type === 'parenthesized_expression' && r.namedChildCount === 1) r = r.namedChildren[0];
    if (r.type === 'identifier' && r.text === 'self') {
      for (let p = r.parent; p; p = p.parent) {
        if (p.type === 'class_definition') {
          const n = p.childForFieldName('name')?.text;
          return n ? this.isPlainUserClass(n) : false;
        }
      }
      return false;
    }
    if (r.type === 'call') {
      const f = r.childForFieldName('function');
      return !!f && f.type === 'identifier' && !this.binding(f.text) && this.isPlainUserClass(f.text);
    }
    if (r.type === 'identifier' || r.type === 'attribute') {
      const key = this.dottedName(r);
      if (!key) return false;
      if (r.type === 'identifier' && this.isPlainUserClass(key)) return true; // class itself
      const rhs = this.assignmentsOf(key, r);
      return rhs.length > 0 && rhs.every((x) => x.type === 'call' && this.isUserObject(x));
    }
    return false;
  }

  rangeOf(node: Node): Range {
    return {
      start: { line: node.startPosition.row, character: node.startPosition.column },
      end: { line: node.endPosition.row, character: node.endPosition.column },
    };
  }
}
