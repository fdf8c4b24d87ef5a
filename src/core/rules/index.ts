// The rule catalog: every category module contributes its rules here.
import type { Rule } from './api';
import type { Category } from '../types';
import { CATEGORIES } from '../types';
import { rules as cudaDevice } from './cuda-device';
import { rules as cudaApi } from './cuda-api';
import { rules as mixedPrecision } from './mixed-precision';
import { rules as distributed } from './distributed';
import { rules as lazyExecution } from './lazy-execution';
import { rules as hostSync } from './host-sync';
import { rules as dynamicShape } from './dynamic-shape';
import { rules as dtype } from './dtype';
import { rules as unsupportedOp } from './unsupported-op';
import { rules as gpuLibrary } from './gpu-library';
import { rules as compile } from './compile';
import { rules as jax } from './jax';
import { rules as optimumNeuron } from './optimum-neuron';
import { rules as lightning } from './lightning';
import { FIXABLE_RULES } from '../fixes/catalog';

export const ALL_RULES: readonly Rule[] = [
  ...cudaDevice,
  ...cudaApi,
  ...mixedPrecision,
  ...distributed,
  ...lazyExecution,
  ...hostSync,
  ...dynamicShape,
  ...dtype,
  ...unsupportedOp,
  ...gpuLibrary,
  ...compile,
  ...jax,
  ...optimumNeuron,
  ...lightning,
].sort((a, b) => a.id.localeCompare(b.id));
// Rules the fix engine rewrites automatically (issue #4).
for (const r of ALL_RULES) if (FIXABLE_RULES.has(r.id)) r.fixable = true;

const byId = new Map(ALL_RULES.map((r) => [r.id, r]));
export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}

const selectionCache = new Map<string, readonly Rule[]>();
/**
 * Rules enabled by `select` (ids or categories; empty = all) minus `ignore`. Returns the same array
 * for the same selection, so the engine's per-selection dispatch tables are reused.
 */
export function selectRules(select: readonly string[] = [], ignore: readonly string[] = []): readonly Rule[] {
  const key = `${[...select].sort().join(',')}|${[...ignore].sort().join(',')}`;
  let rules = selectionCache.get(key);
  if (!rules) {
    const sel = new Set(select.map((s) => s.trim()).filter(Boolean));
    const ign = new Set(ignore.map((s) => s.trim()).filter(Boolean));
    rules = ALL_RULES.filter((r) => (sel.size === 0 || sel.has(r.id) || sel.has(r.category)) && !ign.has(r.id) && !ign.has(r.category));
    selectionCache.set(key, rules);
  }
  return rules;
}

/** Unknown ids/categories in a selection list (for a clear usage error). */
export function unknownSelectors(list: readonly string[]): string[] {
  return list.filter((s) => s && !byId.has(s) && !isCategory(s));
}
