// Serialisations of findings: the CLI's JSON (CONTRACTS.md §1), SARIF 2.1.0, and compiler-style text.
import type { Finding, Target } from '../types';
import type { Rule } from '../rules/api';
import type { FileResult } from '../workspace/analyzeFile';
import { ALL_RULES } from '../rules';

export const TOOL = { name: 'neuron-lens', version: '0.1.0' } as const;

export interface PathFinding {
  /** Relative to the current directory, `/` separators. */
  path: string;
  finding: Finding;
}

export interface Note {
  path: string;
  message: string;
}

export interface CheckOutput {
  target: Target;
  filesAnalyzed: number;
  findings: PathFinding[];
  notes: Note[];
}

/** A file that was read and analysed (an empty file counts; a skipped one does not). */
export const wasAnalysed = (r: FileResult): boolean => r.target !== null || r.note === 'empty file';

/**
 * The scan of many files as one output. `target` is the stack most files were analysed for (auto
 * detection is per file), else `fallbackTarget`; paths go through `rel` (relative, `/` separators).
 */
export function checkOutputOf(results: readonly FileResult[], rel: (path: string) => string, fallbackTarget: Target): CheckOutput {
  const counts = new Map<Target, number>();
  for (const r of results) if (r.target) counts.set(r.target, (counts.get(r.target) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return {
    target: majority ?? fallbackTarget,
    filesAnalyzed: results.filter(wasAnalysed).length,
    findings: results.flatMap((r) => r.findings.map((finding) => ({ path: rel(r.path), finding }))),
    notes: results.filter((r) => r.note && r.note !== 'empty file').map((r) => ({ path: rel(r.path), message: r.note! })),
  };
}

const pos = (p: { line: number; character: number }) => ({ line: p.line + 1, column: p.character + 1 });

export function toJson(o: CheckOutput): string {
  const doc = {
    tool: TOOL,
    target: o.target,
    filesAnalyzed: o.filesAnalyzed,
    findings: o.findings.map(({ path, finding: f }) => ({
      path,
      cell: f.cell ?? null,
      rule: f.rule,
      category: f.category,
      severity: f.severity,
      message: f.message,
      start: pos(f.range.start),
      end: pos(f.range.end),
      fixable: f.fixable,
      docs: f.docs,
      related: f.related.map((r) => ({ message: r.message, cell: r.cell ?? f.cell ?? null, start: pos(r.range.start), end: pos(r.range.end) })),
    })),
    notes: o.notes,
  };
  return JSON.stringify(doc, null, 2);
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function sarifRule(r: Rule) {
  return {
    id: r.id,
    name: r.name,
    shortDescription: { text: r.title.replace(/`/g, '') },
    fullDescription: { text: r.why.replace(/`/g, '') },
    help: { text: r.fix.replace(/`/g, ''), markdown: r.fix },
    helpUri: r.docs,
    defaultConfiguration: { level: LEVEL[r.severity.xla === 'off' ? (r.severity.native === 'off' ? 'info' : r.severity.native) : r.severity.xla] },
    properties: { category: r.category, tags: [r.category] },
  };
}

export function toSarif(o: CheckOutput): string {
  const used = new Set(o.findings.map((f) => f.finding.rule));
  const rules = ALL_RULES.filter((r) => used.has(r.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: TOOL.name, version: TOOL.version, informationUri: 'https://github.com/neuron-lens/neuron-lens', rules: rules.map(sarifRule) } },
        properties: { target: o.target },
        results: o.findings.map(({ path, finding: f }) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(path) },
                region: {
                  startLine: f.range.start.line + 1,
                  startColumn: f.range.start.character + 1,
                  endLine: f.range.end.line + 1,
                  endColumn: f.range.end.character + 1,
                },
              },
              ...(f.cell !== undefined ? { properties: { cell: f.cell } } : {}),
            },
          ],
          relatedLocations: f.related.map((r, i) => ({
            id: i,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: encodeURI(path) }, region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 } },
          })),
        })),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: o.notes.map((n) => ({ level: 'note', message: { text: `${n.path}: ${n.message}` } })) }],
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

export function summaryLine(o: CheckOutput): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of o.findings) n[f.finding.severity]++;
  const files = `${o.filesAnalyzed} file${o.filesAnalyzed === 1 ? '' : 's'}`;
  if (o.findings.length === 0) return `No Neuron issues found in ${files} (target: ${o.target}).`;
  const fixable = o.findings.filter((f) => f.finding.fixable).length;
  return (
    `Found ${o.findings.length} issue${o.findings.length === 1 ? '' : 's'} in ${files} (target: ${o.target}): ` +
    `${n.error} error${n.error === 1 ? '' : 's'}, ${n.warning} warning${n.warning === 1 ? '' : 's'}, ${n.info} info` +
    (fixable ? `; ${fixable} fixable with --fix.` : '.')
  );
}

export function toText(o: CheckOutput, color = false): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sev = { error: c('31', 'error'), warning: c('33', 'warning'), info: c('36', 'info') };
  const lines = o.findings.map(({ path, finding: f }) => {
    const where = f.cell !== undefined ? `${path}[cell ${f.cell}]` : path;
    return `${c('1', `${where}:${f.range.start.line + 1}:${f.range.start.character + 1}:`)} ${sev[f.severity]} ${c('1', f.rule)} ${f.message}`;
  });
  lines.push(summaryLine(o));
  return lines.join('\n') + '\n';
}
