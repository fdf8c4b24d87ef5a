// Shared knowledge about device placement: which call arguments take a device.
import type { Node } from 'web-tree-sitter';
import type { CallInfo, Semantic } from '../../semantic/semantic';
import type { Target } from '../../types';

/** `cuda`, `cuda:0`, and the literal prefix of f"cuda:{rank}". */
export function isCudaDeviceString(value: string, fstring: boolean): boolean {
  return fstring ? /^cuda(?::|$)/.test(value) : /^cuda(?::\d+)?$/.test(value);
}

/** Keyword names that take a device anywhere (torch factories, from_pretrained, user code). */
const DEVICE_KEYWORDS = new Set(['device', 'map_location', 'device_type_hint']);

/** Calls whose mixed-precision/AMP rules own the device string (they give a better message). */
const AMP_CALLEES = /^torch\.(?:autocast|amp\.autocast|amp\.GradScaler|cuda\.amp\.\w+|amp\.grad_scaler\.GradScaler)$/;

/** True when `arg` (the position in `call`) is a device: `.to(x)`, `torch.device(x)`, `device=x`, `map_location=x`. */
export function isDeviceSlot(call: CallInfo, index: number | null, keyword: string | null): boolean {
  if (call.qname && AMP_CALLEES.test(call.qname)) return false;
  if (keyword && DEVICE_KEYWORDS.has(keyword)) return true;
  if (call.method === 'to' && (index === 0 || keyword === 'device')) return true;
  if (call.qname === 'torch.device' && (index === 0 || keyword === 'type')) return true;
  if (call.qname === 'torch.set_default_device' && index === 0) return true;
  return false;
}

/** The `"…".format(…)` call, `"…" % x` or `"…" + x` expression a string literal is the head of, or null. */
export function templateExpr(str: Node): Node | null {
  const p = str.parent;
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === str.id && p.childForFieldName('attribute')?.text === 'format' && p.parent?.type === 'call') return p.parent;
  if (p?.type === 'binary_operator' && p.childForFieldName('left')?.id === str.id && ['%', '+'].includes(p.childForFieldName('operator')?.type ?? '')) return p;
  return null;
}

/** Climb from a value through `(…)` and `a if c else b` to the expression that is used. */
export function outerValue(node: Node): Node {
  let n = node;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'conditional_expression' && n.parent.namedChildren[1]?.id !== n.id))) n = n.parent;
  return n;
}

/** If `use` (an expression) lands in a device slot, possibly through `torch.device(use)`, return that node. */
export function deviceSinkOf(sem: Semantic, use: Node): Node | null {
  const arg = sem.argumentOf(outerValue(use));
  if (!arg) return null;
  if (arg.call.qname === 'torch.device') {
    // torch.device(x) is itself a device; where it goes does not matter for the diagnosis.
    return arg.index === 0 || arg.keyword === 'type' ? arg.call.node : null;
  }
  return isDeviceSlot(arg.call, arg.index, arg.keyword) ? use : null;
}

export function neuronDevice(target: Target): string {
  return target === 'native' ? '"neuron"' : 'torch_xla.device()';
}
