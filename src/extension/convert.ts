// Engine findings → VS Code diagnostics.
import * as vscode from 'vscode';
import type { Finding, Range } from '../core/types';

export const SOURCE = 'Neuron';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** A diagnostic that remembers its finding, so code actions and hovers need not re-analyse. */
export class NeuronDiagnostic extends vscode.Diagnostic {
  constructor(readonly finding: Finding, uri: vscode.Uri, hints: ReadonlySet<string>, cellUri?: (cell: number) => vscode.Uri | undefined) {
    super(toRange(finding.range), finding.message, hints.has(finding.rule) || hints.has(finding.category) ? vscode.DiagnosticSeverity.Hint : SEVERITY[finding.severity]);
    this.source = SOURCE;
    this.code = { value: finding.rule, target: vscode.Uri.parse(finding.docs) };
    if (finding.related.length) {
      this.relatedInformation = finding.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location((r.cell !== undefined && cellUri?.(r.cell)) || uri, toRange(r.range)), r.message),
      );
    }
  }
}

export function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== SOURCE) return undefined;
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c !== undefined ? String(c) : undefined;
}
