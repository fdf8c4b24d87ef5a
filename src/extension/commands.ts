// Palette commands that belong to the analysis itself: rule docs and the workspace scan.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { ALL_RULES } from '../core/rules';
import { ruleHoverMarkdown } from '../core/report/rulesDoc';
import { scanFiles } from '../core/workspace/scan';
import type { EngineService } from './engineService';
import type { DiagnosticsController } from './diagnostics';
import { NeuronDiagnostic } from './convert';
import type { FileResult } from '../core/workspace/analyzeFile';
import { buildPortingReport, reportMarkdown } from '../core/report/porting';
import { checkOutputOf } from '../core/report/findings';

export async function showRuleDocs(id?: string): Promise<void> {
  let rule = id ? ALL_RULES.find((r) => r.id === id) : undefined;
  if (!rule) {
    const pick = await vscode.window.showQuickPick(
      ALL_RULES.map((r) => ({ label: r.id, description: r.category, detail: r.title.replace(/`/g, ''), rule: r })),
      { title: 'Neuron: rule documentation', matchOnDescription: true, matchOnDetail: true },
    );
    rule = pick?.rule;
  }
  if (!rule) return;
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# ${rule.id}: ${rule.title}\n\n${ruleHoverMarkdown(rule, 'xla')}\n` });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
}

/** Analyses every Python file and notebook in the workspace on worker threads, with progress and cancel. */
export async function analyzeWorkspace(
  engine: EngineService,
  diagnostics: DiagnosticsController,
  extensionUri: vscode.Uri,
  quiet = false,
): Promise<{ files: number; findings: number; results: FileResult[] }> {
  const s = engine.settings(undefined);
  const exclude = `{${['**/node_modules/**', '**/.git/**', ...s.exclude].join(',')}}`;
  const uris = [...(await vscode.workspace.findFiles('**/*.py', exclude)), ...(await vscode.workspace.findFiles('**/*.ipynb', exclude))].filter((u) => u.scheme === 'file');
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Neuron: analysing workspace', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let last = 0;
      const results = await scanFiles(
        engine.analyzer,
        uris.map((u) => u.fsPath),
        { target: s.target, select: [...(s.select ?? [])], ignore: [...(s.ignore ?? [])], severity: Object.fromEntries(s.severity ?? []), maxBytes: s.maxBytes },
        {
          workerScript: join(vscode.Uri.joinPath(extensionUri, 'dist').fsPath, 'worker.js'),
          signal: ac.signal,
          onProgress(done, total, path) {
            const pct = (done / total) * 100;
            progress.report({ increment: pct - last, message: `${done}/${total} ${vscode.workspace.asRelativePath(path)}` });
            last = pct;
          },
        },
      );
      let findings = 0;
      for (const r of results) {
        const uri = vscode.Uri.file(r.path);
        // Open documents keep their live (possibly unsaved) diagnostics; notebooks' are per cell.
        if (open.has(uri.toString()) || r.path.endsWith('.ipynb')) {
          findings += r.findings.length;
          continue;
        }
        diagnostics.collection.set(uri, r.findings.map((f) => new NeuronDiagnostic(f, uri, s.hints)));
        findings += r.findings.length;
      }
      if (!token.isCancellationRequested && !quiet) {
        void vscode.window.showInformationMessage(`Neuron: ${findings} finding${findings === 1 ? '' : 's'} in ${results.length} file${results.length === 1 ? '' : 's'}.`, 'Show Problems').then((a) => a && vscode.commands.executeCommand('workbench.actions.view.problems'));
      }
      return { files: results.length, findings, results };
    },
  );
}

/** "Neuron: Show Porting Report": analyse the workspace, then open the report as rendered markdown. */
export async function showPortingReport(engine: EngineService, diagnostics: DiagnosticsController, extensionUri: vscode.Uri): Promise<string> {
  const { results } = await analyzeWorkspace(engine, diagnostics, extensionUri, true);
  const report = buildPortingReport(checkOutputOf(results, (p) => vscode.workspace.asRelativePath(p, false), 'xla'));
  const text = reportMarkdown(report);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
  return text;
}
