// docs/RULES.md, generated from the catalog (`npm run docs`).
import { ALL_RULES } from '../rules';
import { CATEGORIES } from '../types';
import type { Rule } from '../rules/api';

const sev = (r: Rule) => `xla: ${r.severity.xla} · native: ${r.severity.native}`;

export function rulesMarkdown(): string {
  const out: string[] = [
    '# neuron-lens rules',
    '',
    '<!-- Generated from src/core/rules by `npm run docs`; do not edit by hand. -->',
    '',
    `${ALL_RULES.length} rules in ${CATEGORIES.length} categories. Severity is per target stack: **xla** (torch-neuronx ≤ 2.9 on PyTorch/XLA, Optimum Neuron) and **native** (TorchNeuron, torch-neuronx ≥ 2.14). \`off\` means the rule does not apply to that stack.`,
    '',
    'Suppress one line with `# neuron: ignore` or `# neuron: ignore[NRN101,host-sync]`; a whole file with `# neuron: ignore-file` in its first 20 lines.',
    '',
  ];
  for (const cat of CATEGORIES) {
    const rules = ALL_RULES.filter((r) => r.category === cat);
    out.push(`## ${cat}`, '');
    if (!rules.length) out.push('_No rules yet._', '');
    out.push('| id | name | severity | summary |', '| --- | --- | --- | --- |');
    for (const r of rules) out.push(`| [${r.id}](#${r.id.toLowerCase()}) | ${r.name} | ${sev(r)} | ${r.title.replace(/\|/g, '\\|')} |`);
    out.push('');
    for (const r of rules) {
      out.push(`### ${r.id}`, '', `**${r.name}** · \`${r.category}\` · ${sev(r)}${r.fixable ? ' · fixable' : ''}`, '', r.title, '');
      out.push(`**Why.** ${r.why}`, '', `**Fix.** ${r.fix}`, '');
      if (r.stackNote) out.push(`**Stacks.** ${r.stackNote}`, '');
      out.push(`**Source.** <${r.docs}>${r.source ? ` (research row ${r.source})` : ''}`, '');
    }
  }
  return out.join('\n');
}

export function ruleHoverMarkdown(r: Rule, target: string): string {
  return [
    `**${r.id}** ${r.name} · \`${r.category}\` · ${target}: ${r.severity[target as 'xla' | 'native']}`,
    '',
    r.why,
    '',
    `**Fix:** ${r.fix}`,
    ...(r.stackNote ? ['', `**Stacks:** ${r.stackNote}`] : []),
    '',
    `[Neuron documentation](${r.docs}) · suppress with \`# neuron: ignore[${r.id}]\``,
  ].join('\n');
}
