// Quick-fix-only helpers: a dtype swap that changes numerics (so never in fix-all), and the
// documented TODO for findings with no mechanical rewrite (Triton kernels, data-dependent control
// flow, …): a `# TODO(neuron): …` line above the statement with the rule's guidance.
import type { Finding } from '../../types';
import type { Fixer, FixOutcome, FixPlan } from '../api';
import type { FixContext } from '../context';
import { ruleById } from '../../rules';

/** float64 → float32 where the dtype rule says what to use (`data.replacement`). */
export const dtypeSwap: Fixer = {
  name: 'dtype-swap',
  categories: ['dtype'],
  plan(f, cx): FixOutcome {
    const replacement = f.data?.replacement;
    if (typeof replacement !== 'string' || !/^[\w.]+$/.test(replacement)) return null;
    const node = cx.nodeAt(f.range);
    if (!node || !/^(?:identifier|attribute)$/.test(node.type)) return null;
    const chain = node.parent?.type === 'attribute' && node.parent.childForFieldName('attribute')?.id === node.id ? node.parent : node;
    if (!/float64|double|Double|complex/.test(chain.text)) return null;
    // `.double()` → `.float()`: replace the method name only.
    const text = chain.type === 'attribute' && !replacement.includes('.') ? chain.text.replace(/\w+$/, replacement) : replacement.replace(/^torch\./, rootOf(chain.text) ? `${rootOf(chain.text)}.` : 'torch.');
    if (text === chain.text) return null;
    return { title: `Use \`${text}\` (NeuronCores have no FP64; changes numerics, review)`, edits: [{ start: chain.startIndex, end: chain.endIndex, text }], safe: false };
  },
};

function rootOf(dotted: string): string | null {
  const m = /^(\w+)\./.exec(dotted);
  return m ? m[1] : null;
}

function oneLine(markdown: string): string {
  const s = markdown.replace(/\s+/g, ' ').trim();
  return s.length > 160 ? s.slice(0, 157) + '…' : s;
}

/** The TODO plan for any finding (offered next to, or instead of, a rewrite). */
export function todoPlan(f: Finding, cx: FixContext): FixPlan | null {
  const node = cx.nodeAt(f.range);
  const stmt = node ? cx.statementOf(node) : null;
  if (!stmt) return null;
  const ls = cx.idx.lineStart(stmt.startPosition.row);
  const prev = stmt.startPosition.row > 0 ? cx.text.slice(cx.idx.lineStart(stmt.startPosition.row - 1), ls) : '';
  if (prev.includes(`TODO(neuron)`) && prev.includes(f.rule)) return null;
  const rule = ruleById(f.rule);
  const guidance = oneLine(rule?.fix ?? f.message);
  return {
    title: `Add a TODO(neuron) comment for ${f.rule}`,
    edits: [cx.insertAbove(stmt, `# TODO(neuron): ${f.rule}: ${guidance}`)],
    safe: false,
  };
}

export const manualFixers: Fixer[] = [dtypeSwap];
