// Shared helpers for the dtype, unsupported-op, gpu-library, compile, jax and optimum-neuron rule
// modules. Pure syntax-tree and Semantic queries; no engine changes.
import type { Node } from 'web-tree-sitter';
import type { CallInfo, Semantic } from '../../semantic/semantic';
import type { RuleContext } from '../api';
import { TORCH_FAMILY } from '../../engine';

/** Rules that read both PyTorch and JAX code (dtype names exist in both). */
export const TORCH_OR_JAX: readonly string[] = [...TORCH_FAMILY, 'jax', 'jaxlib', 'flax', 'ml_dtypes'];

export const NEURON = 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/';
export const OPTN = 'https://huggingface.co/docs/optimum-neuron/';

export { same, chainOf, qnameAt } from './nodes';
import { same, chainOf } from './nodes';
import { cached } from './ra';
import { escapeRe, lineMatches } from '../../text';

/** The import statement enclosing `node`, if any. */
export function importStatementOf(node: Node): Node | null {
  for (let n: Node | null = node; n; n = n.parent) {
    if (n.type === 'import_statement' || n.type === 'import_from_statement') return n;
    if (n.type === 'block' || n.type === 'module' || n.type === 'expression_statement') return null;
  }
  return null;
}

/** If `node` is the name of a `keyword_argument`, that keyword_argument. */
export function keywordArgOf(node: Node): Node | null {
  const p = node.parent;
  if (p && p.type === 'keyword_argument' && same(p.childForFieldName('name'), node)) return p;
  return null;
}

/** True when the dotted expression ending at `node` is used as a decorator (`@torch.compile`). */
export function isDecorator(node: Node): boolean {
  return chainOf(node).parent?.type === 'decorator';
}

const AVAILABILITY = /\bTYPE_CHECKING\b|available|installed|find_spec|\bHAS_|_AVAILABLE\b|\bhas_\w+/i;

/** True when `node` sits in a branch chosen by an availability check (`x if torch.cuda.is_available() else y`). */
export function underAvailabilityCheck(node: Node): boolean {
  for (let n: Node | null = node, depth = 0; n && n.parent && depth < 4; n = n.parent, depth++) {
    const p: Node = n.parent;
    if (p.type === 'conditional_expression') {
      const kids = p.namedChildren.filter((c) => c && c.type !== 'comment');
      const cond = kids[1];
      if (cond && !same(cond, n) && /available|cuda|gpu|flash/i.test(cond.text)) return true;
    }
  }
  return false;
}

function exceptCatchesImportError(handler: Node): boolean {
  // except_clause: `except:` / `except ImportError:` / `except (ImportError, OSError) as e:`
  const text = handler.text.split(':')[0];
  if (/^except\s*$/.test(text.trim())) return true;
  return /\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b/.test(text);
}

/**
 * `except ImportError: raise ImportError("Please install bitsandbytes")`: the handler logs and raises, so the
 * library is required where the import runs (diffusers' `--use_8bit_adam`), not optional.
 */
function onlyRaises(handler: Node): boolean {
  const block = handler.namedChildren.find((k) => k.type === 'block');
  const body = block?.namedChildren.filter((k) => k.type !== 'comment') ?? [];
  return body.some((k) => k.type === 'raise_statement') && body.every((k) => k.type === 'raise_statement' || (k.type === 'expression_statement' && k.namedChildren[0]?.type === 'call'));
}

/**
 * True when an import is optional: inside a `try:` body whose handlers catch ImportError (and do more than
 * raise), or under
 * `if TYPE_CHECKING:`. The code then runs without the library, so a GPU-only import is not a blocker.
 */
export function isGuardedImport(stmt: Node): boolean {
  for (let n: Node | null = stmt; n && n.parent; n = n.parent) {
    const p: Node = n.parent;
    if (p.type === 'try_statement' && same(p.childForFieldName('body'), n)) {
      for (let i = 0; i < p.namedChildCount; i++) {
        const c = p.namedChild(i);
        if (c && c.type === 'except_clause' && exceptCatchesImportError(c) && !onlyRaises(c)) return true;
      }
    }
    // `if TYPE_CHECKING:` / `if is_flash_attn_2_available():` / `if HAS_APEX:` / `if importlib.util.find_spec("x"):`
    if (p.type === 'if_statement' && same(p.childForFieldName('consequence'), n) && AVAILABILITY.test(p.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

function dottedNamesOf(stmt: Node, field: string): Node[] {
  const out: Node[] = [];
  for (const c of stmt.childrenForFieldName(field)) {
    if (!c) continue;
    if (c.type === 'dotted_name') out.push(c);
    else if (c.type === 'aliased_import') {
      const d = c.childForFieldName('name');
      if (d) out.push(d);
    }
  }
  return out;
}

function matchesModule(name: string, modules: readonly string[]): boolean {
  return modules.some((m) => name === m || name.startsWith(m + '.'));
}

/**
 * The dotted_name nodes in an import statement that import one of `modules` (or a submodule):
 * `import flash_attn.ops` → `flash_attn.ops`; `from jax.experimental import pallas` (modules
 * `jax.experimental.pallas`) → `pallas`; relative imports never match.
 */
export function importSites(stmt: Node, modules: readonly string[]): Node[] {
  if (stmt.type === 'import_statement') return dottedNamesOf(stmt, 'name').filter((d) => matchesModule(d.text, modules));
  if (stmt.type !== 'import_from_statement') return [];
  const mod = stmt.childForFieldName('module_name');
  if (!mod || mod.type !== 'dotted_name') return [];
  if (matchesModule(mod.text, modules)) return [mod];
  return dottedNamesOf(stmt, 'name').filter((d) => matchesModule(`${mod.text}.${d.text}`, modules));
}

/**
 * Report a GPU-only import once per import statement, at the module name. Returns true if `node`
 * was inside an import statement (reported or not).
 */
export function reportImport(node: Node, ctx: RuleContext, modules: readonly string[], message?: string): boolean {
  const stmt = importStatementOf(node);
  if (!stmt) return false;
  if (isGuardedImport(stmt)) return true;
  const sites = importSites(stmt, modules);
  if (sites.length > 0) ctx.report(sites[0], message ? { message } : undefined);
  return true;
}

export type Tri = 'true' | 'false' | 'unknown';

/** Static truthiness of an expression: `True`, `1`, `"x"` → true; `False`, `None`, `0`, `""` → false. */
export function truthy(sem: Semantic, value: Node | undefined | null): Tri {
  if (!value) return 'unknown';
  const v = sem.constValue(value);
  if (!v) return 'unknown';
  const one = (c: NonNullable<typeof v>): Tri => {
    switch (c.kind) {
      case 'bool':
        return c.value ? 'true' : 'false';
      case 'none':
        return 'false';
      case 'num':
        return c.value !== 0 ? 'true' : 'false';
      case 'str':
        return c.value !== '' ? 'true' : 'false';
      case 'fstr':
        return c.prefix !== '' ? 'true' : 'unknown';
      case 'union': {
        const rs = c.options.map(one);
        if (rs.every((r) => r === 'false')) return 'false';
        if (rs.some((r) => r === 'true')) return 'true';
        return 'unknown';
      }
    }
  };
  return one(v);
}

/** The call whose callee is the dotted expression ending at `node` (also `T.compile` through aliases). */
export function callAt(sem: Semantic, node: Node): CallInfo | null {
  return sem.callOf(node);
}

/** Value node of keyword `name` of a call, or positional argument `index` when given. */
export function argOf(call: CallInfo, name: string, index?: number): Node | undefined {
  const k = call.kwargs.get(name);
  if (k) return k;
  if (index !== undefined && index < call.args.length) return call.args[index];
  return undefined;
}

/** Strings a value may hold (through variables); empty when unknown. */
export function stringsOf(sem: Semantic, value: Node | undefined): { value: string; node: Node }[] {
  if (!value) return [];
  return sem.possibleStrings(value).filter((s) => !s.fstring);
}

// ---------------------------------------------------------------------------------------------
// Static integer-dtype inference for tensors (precision first: unknown → null).

export type IntKind = 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'bool';

const TORCH_INT_DTYPES: Record<string, IntKind> = {
  'torch.int64': 'int64',
  'torch.long': 'int64',
  'torch.int32': 'int32',
  'torch.int': 'int32',
  'torch.int16': 'int16',
  'torch.short': 'int16',
  'torch.int8': 'int8',
  'torch.uint8': 'uint8',
  'torch.uint32': 'uint32',
  'torch.uint64': 'uint64',
  'torch.bool': 'bool',
  'torch.LongTensor': 'int64',
  'torch.IntTensor': 'int32',
  'torch.ShortTensor': 'int16',
  'torch.CharTensor': 'int8',
  'torch.ByteTensor': 'uint8',
  'torch.BoolTensor': 'bool',
  'jax.numpy.int64': 'int64',
  'jax.numpy.int32': 'int32',
  'jax.numpy.int16': 'int16',
  'jax.numpy.int8': 'int8',
  'jax.numpy.uint8': 'uint8',
  'jax.numpy.uint32': 'uint32',
  'numpy.int64': 'int64',
  'numpy.int32': 'int32',
};

const CAST_METHODS: Record<string, IntKind> = { long: 'int64', int: 'int32', short: 'int16', char: 'int8', byte: 'uint8', bool: 'bool' };

/** Integer dtype named by an expression (`torch.int64`, `jnp.int32`, `"int32"` for JAX), or null. */
export function intDtypeOf(sem: Semantic, node: Node | undefined): IntKind | null {
  if (!node) return null;
  if (node.type === 'identifier' || node.type === 'attribute') {
    const q = sem.qualifiedName(node);
    if (q && TORCH_INT_DTYPES[q]) return TORCH_INT_DTYPES[q];
  }
  return null;
}

const INT_FACTORIES = new Set(['torch.randint', 'torch.randperm', 'torch.argmax', 'torch.argmin', 'torch.argsort', 'torch.bincount', 'torch.searchsorted', 'torch.bucketize']);
const DTYPE_FACTORIES = new Set([
  'torch.zeros', 'torch.ones', 'torch.full', 'torch.empty', 'torch.tensor', 'torch.as_tensor', 'torch.arange',
  'torch.zeros_like', 'torch.ones_like', 'torch.full_like', 'torch.empty_like', 'torch.randint', 'torch.randint_like',
  'jax.numpy.zeros', 'jax.numpy.ones', 'jax.numpy.full', 'jax.numpy.array', 'jax.numpy.asarray', 'jax.numpy.arange',
]);
const INT_METHODS = new Set(['argmax', 'argmin', 'argsort']);

function isIntLiteralList(node: Node): boolean {
  if (node.type === 'integer') return true;
  if (node.type === 'unary_operator') return node.namedChildren.every((c) => !!c && isIntLiteralList(c));
  if (node.type === 'list' || node.type === 'tuple') {
    const kids = node.namedChildren.filter((c): c is Node => !!c);
    return kids.length > 0 && kids.every(isIntLiteralList);
  }
  return false;
}

/** A Python int: literal, `len(x)`, `int(x)`, `x.shape[0]`, `x.size(0)`, `x.numel()`. */
function isIntScalarExpr(sem: Semantic, node: Node): boolean {
  if (node.type === 'integer') return true;
  if (node.type === 'call') {
    const f = node.childForFieldName('function');
    if (f?.type === 'identifier' && (f.text === 'len' || f.text === 'int') && !sem.qualifiedName(f)) return true;
    if (f?.type === 'attribute' && ['numel', 'size', 'dim'].includes(f.childForFieldName('attribute')?.text ?? '')) {
      const args = node.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
      return f.childForFieldName('attribute')?.text !== 'size' || args.length === 1;
    }
  }
  if (node.type === 'subscript') {
    const v = node.childForFieldName('value');
    const idx = node.childForFieldName('subscript');
    return v?.type === 'attribute' && v.childForFieldName('attribute')?.text === 'shape' && idx?.type !== 'slice';
  }
  return false;
}

/**
 * Integer dtype of a tensor expression when it is statically clear: `x.long()`, `x.to(torch.int32)`,
 * `torch.arange(10)`, `torch.randint(...)`, `torch.tensor([1, 2])`, `torch.zeros(n, dtype=torch.long)`,
 * `a.astype(jnp.int32)`, or a name bound once to one of these. Otherwise null.
 */
const kindCache = new WeakMap<Semantic, Map<number, IntKind | null>>();

export function intTensorKind(sem: Semantic, expr: Node | undefined | null, depth = 0): IntKind | null {
  if (!expr || depth > 4) return null;
  let cache = kindCache.get(sem);
  if (!cache) kindCache.set(sem, (cache = new Map()));
  const hit = cache.get(expr.id);
  if (hit !== undefined) return hit;
  cache.set(expr.id, null); // cycle guard (`x = x.long()`)
  const kind = intTensorKindUncached(sem, expr, depth);
  cache.set(expr.id, kind);
  return kind;
}

function intTensorKindUncached(sem: Semantic, expr: Node, depth: number): IntKind | null {
  if (expr.type === 'parenthesized_expression') return intTensorKind(sem, expr.namedChild(0), depth + 1);
  if (expr.type === 'identifier') {
    if (sem.qualifiedName(expr)) return null;
    const rhs = sem.assignmentsOf(expr.text, expr);
    if (rhs.length === 0) return null;
    const kinds = rhs.map((r) => intTensorKind(sem, r, depth + 1));
    return kinds.every((k) => k !== null && k === kinds[0]) ? kinds[0] : null;
  }
  if (expr.type !== 'call') return null;
  const call = sem.call(expr);
  if (call.method && call.receiver && !call.qname) {
    if (sem.isUserObject(call.receiver)) return null;
    if (CAST_METHODS[call.method] && call.args.length === 0 && call.kwargs.size === 0 && sem.imports_('torch')) return CAST_METHODS[call.method];
    if ((call.method === 'to' || call.method === 'type') && sem.imports_('torch')) {
      const d = intDtypeOf(sem, call.kwargs.get('dtype') ?? call.args[0]);
      if (d) return d;
      // x.to(device) keeps the receiver's dtype
      if (call.method === 'to' && !call.kwargs.get('dtype') && call.args.every((a) => intDtypeOf(sem, a) === null)) {
        const first = call.args[0];
        const firstIsDtype = first && (first.type === 'attribute' || first.type === 'identifier') && /dtype|float|half|bfloat/i.test(first.text);
        if (!firstIsDtype) return intTensorKind(sem, call.receiver, depth + 1);
      }
      return null;
    }
    if (call.method === 'astype' && sem.imports_('jax')) return intDtypeOf(sem, call.args[0] ?? call.kwargs.get('dtype'));
    if (INT_METHODS.has(call.method) && sem.imports_('torch') && intTensorKind(sem, call.receiver, depth + 1) === null) {
      // argmax of any torch tensor is int64, but the receiver may be numpy: only trust a torch receiver
      const rq = call.receiver.type === 'call' ? sem.call(call.receiver).qname : null;
      if (rq && rq.startsWith('torch.')) return 'int64';
    }
    return null;
  }
  const q = call.qname;
  if (!q) return null;
  if (DTYPE_FACTORIES.has(q) || INT_FACTORIES.has(q)) {
    const dt = call.kwargs.get('dtype');
    if (dt) return intDtypeOf(sem, dt);
    if (INT_FACTORIES.has(q)) return 'int64';
    if (q === 'torch.arange' && call.args.length > 0 && call.args.every((a) => isIntScalarExpr(sem, a))) return 'int64';
    if (q === 'jax.numpy.arange' && call.args.length > 0 && call.args.every((a) => isIntScalarExpr(sem, a))) return 'int32';
    if ((q === 'jax.numpy.array' || q === 'jax.numpy.asarray') && call.args[0] && isIntLiteralList(call.args[0])) return 'int32';
    if ((q === 'torch.tensor' || q === 'torch.as_tensor') && call.args[0] && (isIntLiteralList(call.args[0]) || isIntScalarExpr(sem, call.args[0]))) return 'int64';
    if (q.endsWith('_like') && call.args[0]) return intTensorKind(sem, call.args[0], depth + 1);
    return null;
  }
  if (TORCH_INT_DTYPES[q] && q.endsWith('Tensor')) return TORCH_INT_DTYPES[q];
  return null;
}

const NOT_TENSOR_FACTORIES =
  /^torch\.(nn|optim|utils|cuda|distributed|backends|jit|compile|hub|load|save|device|Size|dtype|Generator|finfo|iinfo|get_\w+|set_\w+|is_\w+|manual_seed|no_grad|enable_grad|inference_mode|autocast|amp|profiler|autograd|onnx|export|fx|library|ops|testing|multiprocessing|package|overrides|_\w+)\b/;

/** The receiver looks like a torch tensor: built by a `torch.*` call (or a name bound once to one). */
const tensorCache = new WeakMap<Semantic, Map<number, boolean>>();

export function isTorchTensorExpr(sem: Semantic, expr: Node | null | undefined, depth = 0): boolean {
  if (!expr || depth > 4) return false;
  let cache = tensorCache.get(sem);
  if (!cache) tensorCache.set(sem, (cache = new Map()));
  const hit = cache.get(expr.id);
  if (hit !== undefined) return hit;
  cache.set(expr.id, false);
  const v = isTorchTensorExprUncached(sem, expr, depth);
  cache.set(expr.id, v);
  return v;
}

function isTorchTensorExprUncached(sem: Semantic, expr: Node, depth: number): boolean {
  if (expr.type === 'parenthesized_expression') return isTorchTensorExpr(sem, expr.namedChild(0), depth + 1);
  if (expr.type === 'identifier') {
    if (sem.qualifiedName(expr)) return false;
    const rhs = sem.assignmentsOf(expr.text, expr);
    return rhs.length > 0 && rhs.every((r) => isTorchTensorExpr(sem, r, depth + 1));
  }
  if (expr.type !== 'call') return false;
  const call = sem.call(expr);
  if (call.qname) return call.qname.startsWith('torch.') && !NOT_TENSOR_FACTORIES.test(call.qname);
  if (call.method && call.receiver && !sem.isUserObject(call.receiver)) return isTorchTensorExpr(sem, call.receiver, depth + 1);
  return false;
}

/** Enclosing function_definition of `node` (any depth), innermost first. */
export function enclosingFunctions(node: Node): Node[] {
  const out: Node[] = [];
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') out.push(n);
  return out;
}

/** Decorators of a function_definition (the expression nodes after `@`). */
export function decoratorsOf(fn: Node): Node[] {
  const p = fn.parent;
  if (!p || p.type !== 'decorated_definition') return [];
  return p.namedChildren.filter((c): c is Node => !!c && c.type === 'decorator').map((d) => d.namedChild(0)).filter((c): c is Node => !!c);
}

/** Range helper for a keyword argument value or any node. */
export function rangeOf(sem: Semantic, node: Node) {
  return sem.rangeOf(node);
}

/** Descendants of `root` of a given type (iterative). */
export function descendantsOfType(root: Node, type: string): Node[] {
  return root.descendantsOfType(type).filter((n): n is Node => !!n);
}

/** `x.dtype == torch.float64`, `dtype in (torch.float64, …)`, `{"fp64": torch.float64}`: asks or maps, does not create. */
export function isDtypeQuery(expr: Node): boolean {
  // An enumeration of dtypes (`{torch.float32, torch.float64}`, `(torch.float16, torch.float64)`) is metadata.
  const box = expr.parent;
  if (box && (box.type === 'tuple' || box.type === 'list' || box.type === 'set') && box.namedChildren.filter((c) => c && c.type !== 'comment').length >= 2) {
    if (box.namedChildren.every((c) => !c || c.type === 'comment' || c.type === 'attribute')) return true;
  }
  let n = expr;
  while (n.parent && (n.parent.type === 'tuple' || n.parent.type === 'list' || n.parent.type === 'set' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  return p.type === 'comparison_operator' || p.type === 'pair' || p.type === 'dictionary';
}

/**
 * For a string key of an environment variable or config option, the node holding its value:
 * `os.environ["K"] = v`, `os.environ.setdefault("K", v)`, `os.putenv("K", v)`, `{"K": v}`,
 * `jax.config.update("k", v)`. Null when the string is not used as such a key.
 */
export function valueForKey(sem: Semantic, str: Node): Node | null {
  const p = str.parent;
  if (!p) return null;
  if (p.type === 'subscript' && same(p.childForFieldName('subscript'), str)) {
    const asg = p.parent;
    if (asg?.type === 'assignment' && same(asg.childForFieldName('left'), p)) return asg.childForFieldName('right');
    return null;
  }
  if (p.type === 'pair' && same(p.childForFieldName('key'), str)) return p.childForFieldName('value');
  const a = sem.argumentOf(str);
  if (a && a.index === 0 && a.call.args.length >= 2) {
    const q = a.call.qname ?? '';
    if (/^os\.(environ\.(setdefault|__setitem__)|putenv)$/.test(q) || /(^|\.)config\.update$/.test(q) || a.call.method === 'setdefault' || a.call.method === 'update') return a.call.args[1];
  }
  return null;
}

/** A `class`/`def` name or a module-level assignment target, at a line start (see `lineMatches`). */
const DEFINED_NAME = /[ \t]*(?:class|(?:async[ \t]+)?def)[ \t]+(\w+)|(\w+)[ \t]*=[^=]/y;

/**
 * True when the file itself defines `name` (class, def, or a module-level assignment), which
 * rebinds an imported name of the same spelling. The semantic layer resolves `name` to its import
 * regardless (see the report), so the HF rules check this before trusting the qualified name.
 */
export function isShadowed(ctx: RuleContext, name: string): boolean {
  return cached(ctx, `shadowed:${name}`, () => {
    if (!/^\w+$/.test(name)) {
      const esc = escapeRe(name);
      return new RegExp(`^[ \\t]*(?:class|(?:async[ \\t]+)?def)[ \\t]+${esc}\\b|^${esc}[ \\t]*=[^=]`, 'm').test(ctx.text);
    }
    // One pass over the file for every name asked about (a regex per name scanned the file each time).
    const names = cached(ctx, 'definedNames', () => {
      const out = new Set<string>();
      for (const d of lineMatches(ctx.text, DEFINED_NAME)) out.add(d[1] ?? d[2]);
      return out;
    });
    return names.has(name);
  });
}
