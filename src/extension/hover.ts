// Hover over a Neuron diagnostic: what the rule means, why, the fix, and the docs link.
import * as vscode from 'vscode';
import { ruleById } from '../core/rules';
import { ruleHoverMarkdown } from '../core/report/rulesDoc';
import { ruleIdOf } from './convert';
import type { DiagnosticsController } from './diagnostics';

export function registerHover(diagnostics: DiagnosticsController): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    [{ language: 'python' }],
    {
      provideHover(doc, position) {
        const here = (diagnostics.collection.get(doc.uri) ?? []).filter((d) => d.range.contains(position));
        if (!here.length) return undefined;
        const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
        const target = diagnostics.lastTarget.get((nb?.uri ?? doc.uri).toString()) ?? 'xla';
        const seen = new Set<string>();
        const parts: vscode.MarkdownString[] = [];
        for (const d of here) {
          const id = ruleIdOf(d);
          const rule = id ? ruleById(id) : undefined;
          if (!rule || seen.has(rule.id)) continue;
          seen.add(rule.id);
          const md = new vscode.MarkdownString(ruleHoverMarkdown(rule, target));
          md.isTrusted = false;
          parts.push(md);
        }
        return parts.length ? new vscode.Hover(parts, here[0].range) : undefined;
      },
    },
  );
}
