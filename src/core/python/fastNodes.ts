// Faster node reads for web-tree-sitter.
//
// web-tree-sitter moves every node across the wasm boundary through a transfer buffer. Its glue writes and reads
// that buffer with Emscripten's generic setValue/getValue (a string switch and a DataView call per integer) and
// builds each returned Node through a destructured options object. Rules read many nodes (`.type`, `.parent`,
// `childForFieldName`), and profiling the torch corpora showed this glue at ~40% of node-read time.
//
// Here the hottest Node accessors are replaced by equivalents that call the same wasm exports but move the five
// integers of a node through the exported HEAP32 view directly, and build nodes with a plain constructor whose
// prototype chain still leads to Node.prototype (`instanceof Node` holds, every other method keeps working).
// The library's results are unchanged; a self-check on a sample tree compares patched and stock accessors and
// puts the stock ones back if the library ever changes shape. NEURON_LENS_STOCK_NODES=1 turns the patch off.
import { Node, Tree, type Language, type Parser } from 'web-tree-sitter';

/** The Emscripten module web-tree-sitter runs on: the object given to `Parser.init` becomes it. */
interface Binding {
  HEAP32: Int32Array;
  _ts_init(): number;
  _free(ptr: number): void;
  [fn: `_ts_${string}`]: (...args: number[]) => number;
}

const SIZE_OF_NODE = 5; // ints: id, startIndex, startRow, startColumn, other (the subtree pointer)

/** Where `PythonParser.parse` keeps the parsed string on a Tree (see `rememberSource`). */
const SOURCE = Symbol('neuron-lens.source');

/** Records the string a tree was parsed from, for the fast `text` reads. */
export function rememberSource(tree: Tree, text: string): void {
  (tree as unknown as { [SOURCE]: string })[SOURCE] = text;
}

type Mutable = { [k: string]: unknown };
interface RawNode {
  0: number;
  id: number;
  startIndex: number;
  startPosition: { row: number; column: number };
  tree: Tree & { 0: number; language: Language };
}

let installed = false;

export function fastNodesInstalled(): boolean {
  return installed;
}

/**
 * Patches Node (and Tree.rootNode) once per process. `binding` is the object that was passed to `Parser.init`;
 * `parser` is used for the self-check. Returns whether the fast accessors are in use.
 */
export function installFastNodes(binding: object, parser: Parser): boolean {
  if (installed || process.env.NEURON_LENS_STOCK_NODES) return installed;
  const C = binding as Partial<Binding>;
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const required = ['_ts_init', '_free', '_ts_node_parent_wasm', '_ts_node_symbol_wasm', '_ts_node_end_index_wasm', '_ts_node_end_point_wasm', '_ts_node_children_wasm', '_ts_node_named_children_wasm', '_ts_node_child_by_field_id_wasm', '_ts_node_descendant_for_index_wasm', '_ts_node_first_child_for_byte_wasm', '_ts_tree_root_node_wasm'] as const;
  if (!littleEndian || !(C.HEAP32 instanceof Int32Array) || required.some((f) => typeof C[f] !== 'function')) return false;
  const B = C as Binding;
  const TB = B._ts_init(); // returns the static transfer buffer (and rewrites two version words in it; harmless)
  const TBi = TB >> 2;

  const proto = Node.prototype as unknown as Mutable;
  const treeProto = Tree.prototype as unknown as Mutable;
  const saved = new Map<object, Map<string, PropertyDescriptor>>([[proto, new Map()], [treeProto, new Map()]]);
  const define = (target: Mutable, name: string, d: PropertyDescriptor) => {
    saved.get(target)!.set(name, Object.getOwnPropertyDescriptor(target, name)!);
    Object.defineProperty(target, name, { configurable: true, enumerable: false, ...d });
  };

  // Every patched read builds this (one hidden class for all of them). Built with plain named fields: the library's own `[0]` element store (the subtree pointer) and the eager
  // `startPosition` object made node construction the costliest part of a read. Both are getters here, for
  // the library code that still reads them (TreeCursor, Query, Node methods not patched below).
  // `declare`: no class-field initialisers (define semantics cost as much as the rest of the constructor).
  class FastNode {
    declare _p: number;
    declare _children: unknown;
    declare _namedChildren: unknown;
    declare id: number;
    declare startIndex: number;
    declare _row: number;
    declare _col: number;
    declare tree: RawNode['tree'];
    // Memoised reads (a node never changes within its tree; the library itself keeps startIndex the same way):
    // several rules look at the same hit, its type and its chain of parents.
    declare _type: number;
    declare _end: number;
    declare _parent: Node | null | undefined;
    constructor(other: number, id: number, tree: RawNode['tree'], startIndex: number, row: number, column: number) {
      this._p = other;
      this._children = undefined;
      this._namedChildren = undefined;
      this.id = id;
      this.startIndex = startIndex;
      this._row = row;
      this._col = column;
      this.tree = tree;
      this._type = -1;
      this._end = -1;
      this._parent = undefined;
    }
    get 0(): number {
      return this._p;
    }
    set 0(v: number) {
      this._p = v;
    }
    get startPosition(): { row: number; column: number } {
      return { row: this._row, column: this._col };
    }
    // Node.edit() (shift a node by an edit) assigns it.
    set startPosition(p: { row: number; column: number }) {
      this._row = p.row;
      this._col = p.column;
      this._end = -1;
    }
  }
  Object.setPrototypeOf(FastNode.prototype, Node.prototype);

  const marshal = (n: RawNode & { _row?: number; _col?: number; _p?: number }, slot = 0) => {
    const h = B.HEAP32; // re-read: memory growth replaces the view
    const i = TBi + slot * SIZE_OF_NODE;
    h[i] = n.id;
    h[i + 1] = n.startIndex;
    if (n._row !== undefined) {
      h[i + 2] = n._row;
      h[i + 3] = n._col!;
      h[i + 4] = n._p!;
    } else {
      // a node the library built (TreeCursor.currentNode, query captures)
      h[i + 2] = n.startPosition.row;
      h[i + 3] = n.startPosition.column;
      h[i + 4] = n[0];
    }
  };
  const unmarshal = (tree: RawNode['tree'], i = TBi): Node | null => {
    const h = B.HEAP32;
    const id = h[i];
    if (id === 0) return null;
    return new FastNode(h[i + 4], id, tree, h[i + 1], h[i + 2], h[i + 3]) as unknown as Node;
  };
  // A child's parent is the node it was read from (tree-sitter's parent is the nearest visible ancestor, and
  // children lists skip hidden nodes the same way): record it and save the walk from the root a parent read costs.
  const list = (tree: RawNode['tree'], parentNode: object): Node[] => {
    const h = B.HEAP32;
    const count = h[TBi];
    const buffer = h[TBi + 1];
    const out = new Array<Node>(count);
    if (count > 0) {
      for (let k = 0, i = buffer >> 2; k < count; k++, i += SIZE_OF_NODE) {
        const c = unmarshal(tree, i) as unknown as FastNode;
        c._parent = parentNode as Node;
        out[k] = c as unknown as Node;
      }
      B._free(buffer);
    }
    return out;
  };
  const fieldIds = new WeakMap<Language, Map<string, number>>();
  const fieldId = (lang: Language, name: string): number => {
    let m = fieldIds.get(lang);
    if (!m) fieldIds.set(lang, (m = new Map()));
    let id = m.get(name);
    if (id === undefined) m.set(name, (id = lang.fields.indexOf(name)));
    return id;
  };
  const nodeCall = (fn: string) => {
    const f = B[`_ts_${fn}`];
    return function (this: RawNode): Node | null {
      marshal(this);
      f(this.tree[0]);
      return unmarshal(this.tree);
    };
  };
  const intCall = (fn: string) => {
    const f = B[`_ts_${fn}`];
    return function (this: RawNode): number {
      marshal(this);
      return f(this.tree[0]);
    };
  };

  type Memo = RawNode & { _type?: number; _end?: number; _parent?: Node | null };
  const symbol = intCall('node_symbol_wasm');
  const typeId = function (this: Memo): number {
    let t = this._type;
    if (t === undefined) return symbol.call(this); // a node the library built
    if (t < 0) this._type = t = symbol.call(this);
    return t;
  };
  define(proto, 'typeId', { get: typeId });
  define(proto, 'type', { get(this: Memo) { return this.tree.language.types[typeId.call(this)] || 'ERROR'; } });
  const endIndex = intCall('node_end_index_wasm');
  define(proto, 'endIndex', {
    get(this: Memo) {
      let e = this._end;
      if (e === undefined) return endIndex.call(this);
      if (e < 0) this._end = e = endIndex.call(this);
      return e;
    },
  });
  // Text: one slice of the parsed string (`PythonParser.parse` keeps it on the tree) instead of the library's
  // callback + slice-to-the-end + slice again and a start-position object per read.
  const stockText = Object.getOwnPropertyDescriptor(proto, 'text')!.get!;
  define(proto, 'text', {
    get(this: RawNode & { tree: { [SOURCE]?: string } }) {
      const source = this.tree[SOURCE];
      if (source === undefined) return stockText.call(this);
      return source.slice(this.startIndex, (this as unknown as Node).endIndex);
    },
  });
  // Every finding's range reads it.
  const endPoint = B._ts_node_end_point_wasm;
  define(proto, 'endPosition', {
    get(this: RawNode) {
      marshal(this);
      endPoint(this.tree[0]);
      const h = B.HEAP32;
      return { row: h[TBi] >>> 0, column: h[TBi + 1] >>> 0 };
    },
  });
  define(proto, 'childCount', { get: intCall('node_child_count_wasm') });
  define(proto, 'namedChildCount', { get: intCall('node_named_child_count_wasm') });
  const isNamed = intCall('node_is_named_wasm');
  define(proto, 'isNamed', { get(this: RawNode) { return isNamed.call(this) === 1; } });
  const hasError = intCall('node_has_error_wasm');
  define(proto, 'hasError', { get(this: RawNode) { return hasError.call(this) === 1; } });
  const isMissing = intCall('node_is_missing_wasm');
  define(proto, 'isMissing', { get(this: RawNode) { return isMissing.call(this) === 1; } });
  const parent = nodeCall('node_parent_wasm');
  define(proto, 'parent', {
    get(this: Memo) {
      const p = this._parent;
      if (p !== undefined) return p;
      const q = parent.call(this);
      if ('_parent' in this) this._parent = q;
      return q;
    },
  });
  for (const [name, fn] of [['nextSibling', 'node_next_sibling_wasm'], ['previousSibling', 'node_prev_sibling_wasm'], ['nextNamedSibling', 'node_next_named_sibling_wasm'], ['previousNamedSibling', 'node_prev_named_sibling_wasm']] as const) {
    define(proto, name, { get: nodeCall(fn) });
  }
  const childAt = (fn: string) => {
    const f = B[`_ts_${fn}`];
    return function (this: RawNode, index: number): Node | null {
      marshal(this);
      f(this.tree[0], index);
      const c = unmarshal(this.tree) as unknown as FastNode | null;
      if (c) c._parent = this as unknown as Node;
      return c as unknown as Node | null;
    };
  };
  const child = childAt('node_child_wasm');
  const namedChild = childAt('node_named_child_wasm');
  const childForFieldId = childAt('node_child_by_field_id_wasm');
  define(proto, 'child', { value: child, writable: true });
  define(proto, 'namedChild', { value: namedChild, writable: true });
  define(proto, 'childForFieldId', { value: childForFieldId, writable: true });
  define(proto, 'childForFieldName', {
    value(this: RawNode, name: string) {
      const id = fieldId(this.tree.language, name);
      return id !== -1 ? childForFieldId.call(this, id) : null;
    },
    writable: true,
  });
  const childrenByField = B._ts_node_children_by_field_id_wasm;
  const childrenForFieldId = function (this: RawNode, id: number): Node[] {
    marshal(this);
    childrenByField(this.tree[0], id);
    return list(this.tree, this);
  };
  define(proto, 'childrenForFieldId', { value: childrenForFieldId, writable: true });
  // The library looks the name up in the field list on every call.
  define(proto, 'childrenForFieldName', {
    value(this: RawNode, name: string) {
      const id = fieldId(this.tree.language, name);
      return id > 0 ? childrenForFieldId.call(this, id) : [];
    },
    writable: true,
  });
  // `children` / `namedChildren`: one wasm call for the list, kept on the node like the library does.
  const cachedList = (field: '_children' | '_namedChildren', fn: (tree: number) => number): PropertyDescriptor => ({
    get(this: RawNode & { _children?: Node[]; _namedChildren?: Node[] }) {
      let kids = this[field];
      if (!kids) {
        marshal(this);
        fn(this.tree[0]);
        this[field] = kids = list(this.tree, this);
      }
      return kids;
    },
  });
  define(proto, 'children', cachedList('_children', B._ts_node_children_wasm));
  define(proto, 'namedChildren', cachedList('_namedChildren', B._ts_node_named_children_wasm));
  const forIndex = (fn: string) => {
    const f = B[`_ts_${fn}`];
    return function (this: RawNode, start: number, end = start): Node | null {
      if (typeof start !== 'number' || typeof end !== 'number') throw new Error('Arguments must be numbers');
      marshal(this);
      const h = B.HEAP32;
      h[TBi + SIZE_OF_NODE] = start;
      h[TBi + SIZE_OF_NODE + 1] = end;
      f(this.tree[0]);
      return unmarshal(this.tree);
    };
  };
  define(proto, 'descendantForIndex', { value: forIndex('node_descendant_for_index_wasm'), writable: true });
  // The first child (hidden nodes looked through) that ends after the index: its parent is this node.
  const firstChildForByte = B._ts_node_first_child_for_byte_wasm;
  define(proto, 'firstChildForIndex', {
    value(this: RawNode, index: number): Node | null {
      marshal(this);
      B.HEAP32[TBi + SIZE_OF_NODE] = index;
      firstChildForByte(this.tree[0]);
      const c = unmarshal(this.tree) as unknown as FastNode | null;
      if (c) c._parent = this as unknown as Node;
      return c as unknown as Node | null;
    },
    writable: true,
  });
  define(proto, 'namedDescendantForIndex', { value: forIndex('node_named_descendant_for_index_wasm'), writable: true });
  const rootNode = B._ts_tree_root_node_wasm;
  define(treeProto, 'rootNode', {
    get(this: RawNode['tree']) {
      rootNode(this[0]);
      return unmarshal(this);
    },
  });

  installed = true;
  if (!selfCheck(parser, saved)) {
    for (const [target, props] of saved) for (const [name, d] of props) Object.defineProperty(target, name, d);
    installed = false;
  }
  return installed;
}

const SAMPLE = `import torch as T
from a.b import c as d
@deco(1)
class M(T.nn.Module):
    def forward(self, x, *a, k=2, **kw):
        if x.sum() > 0 and not k:
            return [y for y in x if y]  # comment
        s = f"{x!r:>4} é 😀"
        return lambda q: q[1:2, ...] @ x
`;

/** Walks a sample tree with the stock accessors and the patched ones; any difference means "do not patch". */
function selfCheck(parser: Parser, saved: Map<object, Map<string, PropertyDescriptor>>): boolean {
  const tree = parser.parse(SAMPLE);
  if (!tree) return false;
  rememberSource(tree, SAMPLE);
  try {
    const fast = describe(tree.rootNode);
    const stock = (target: object, name: string) => saved.get(target)!.get(name)!;
    const proto = Node.prototype as unknown as object;
    const call = (n: Node, name: string, ...args: unknown[]): unknown => {
      const d = stock(proto, name);
      return d.get ? d.get.call(n) : (d.value as (...a: unknown[]) => unknown).apply(n, args);
    };
    const slowRoot = stock(Tree.prototype, 'rootNode').get!.call(tree) as Node;
    const slow = describe(slowRoot, call);
    return fast === slow;
  } catch {
    return false;
  } finally {
    tree.delete();
  }
}

type Reader = (n: Node, name: string, ...args: unknown[]) => unknown;
const direct: Reader = (n, name, ...args) => {
  const v = (n as unknown as Record<string, unknown>)[name];
  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).apply(n, args) : v;
};

/** One line per node with everything the patched accessors return (exported for the equivalence test). */
export function describe(root: Node, read: Reader = direct): string {
  const out: string[] = [];
  // Node ids are addresses in wasm memory; name nodes by kind and span so dumps compare across processes.
  const id = (n: unknown) => (n ? `${read(n as Node, 'typeId')}@${(n as Node).startIndex}-${read(n as Node, 'endIndex')}` : '-');
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const kids = read(n, 'children') as Node[];
    const named = read(n, 'namedChildren') as Node[];
    out.push([
      id(n), read(n, 'type'), read(n, 'typeId'), read(n, 'endIndex'), read(n, 'childCount'), read(n, 'namedChildCount'),
      read(n, 'isNamed'), read(n, 'hasError'), read(n, 'isMissing'), id(read(n, 'parent')), id(read(n, 'nextSibling')),
      id(read(n, 'previousSibling')), id(read(n, 'nextNamedSibling')), id(read(n, 'previousNamedSibling')),
      id(read(n, 'child', 0)), id(read(n, 'namedChild', 0)), id(read(n, 'childForFieldName', 'name')),
      id(read(n, 'childForFieldName', 'body')), (read(n, 'childrenForFieldId', 1) as Node[]).map(id).join(','), (read(n, 'childrenForFieldName', 'name') as Node[]).map(id).join(','),
      id(read(n, 'descendantForIndex', n.startIndex, n.startIndex + 1)), id(read(n, 'namedDescendantForIndex', n.startIndex)), JSON.stringify(read(n, 'text')),
      id(read(n, 'firstChildForIndex', n.startIndex)), id(read(n, 'firstChildForIndex', n.startIndex + 1)),
      `${n.startPosition.row}:${n.startPosition.column}`, JSON.stringify(read(n, 'endPosition')), named.map(id).join(','),
      // parents of nodes read through each kind of child access (the patched reads record them)
      ...[read(n, 'child', 0), read(n, 'namedChild', 0), read(n, 'childForFieldName', 'name'), read(n, 'childForFieldName', 'body'), read(n, 'firstChildForIndex', n.startIndex + 1), ...(read(n, 'childrenForFieldId', 1) as Node[])]
        .map((c) => (c ? id(read(c as Node, 'parent')) : '-')).join(','),
    ].join('|'));
    for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
  }
  return out.join('\n');
}
