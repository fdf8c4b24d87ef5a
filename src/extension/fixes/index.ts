// Quick fixes, fix-all and the workspace port (issue #4), on top of the pure fix engine in
// src/core/fixes:
// - a CodeActionProvider: per Neuron diagnostic the rewrite for the detected stack (isPreferred when
//   it is a safe mechanical fix), the other stack's rewrite when it differs, and a TODO(neuron)
//   comment; plus `source.fixAll.neuron` (works with `editor.codeActionsOnSave`);
// - "Neuron: Fix All in File" (`neuron.fixAll`);
// - "Neuron: Port Workspace…" (`neuron.portWorkspace`): every safe fix in every Python file, as one
//   WorkspaceEdit shown in the refactor preview (needsConfirmation) before anything is written.
import * as vscode from 'vscode';
import type { EngineService } from '../engineService';
import type { DiagnosticsController } from '../diagnostics';
import { ruleIdOf } from '../convert';
import { FixEngine, applyEdits, fixAll, readOptimumNeuronPin, type FixAllResult } from '../../core/fixes';
import { joinCells, splitCellEdits, type CellProgram } from '../../core/fixes/notebook';
import { collectFiles } from '../../core/workspace/files';
import type { Finding, Target, TextEdit } from '../../core/types';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('neuron');
const SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'untitled' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
  { language: 'python', scheme: 'vscode-remote' },
];

const toRange = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

function addEdits(edit: vscode.WorkspaceEdit, uri: vscode.Uri, edits: readonly TextEdit[], metadata?: vscode.WorkspaceEditEntryMetadata): void {
  for (const e of edits) {
    if (metadata) edit.replace(uri, toRange(e.range), e.newText, metadata);
    else edit.replace(uri, toRange(e.range), e.newText);
  }
}

function counts(ids: readonly string[]): string {
  const m = new Map<string, number>();
  for (const id of ids) m.set(id, (m.get(id) ?? 0) + 1);
  return [...m.entries()].map(([id, n]) => (n > 1 ? `${id}×${n}` : id)).join(', ');
}

export class NeuronFixes {
  readonly fixer: FixEngine;
  constructor(
    private readonly engine: EngineService,
    private readonly diagnostics: DiagnosticsController,
  ) {
    // One tree-sitter parser per extension host: share the analyzer's.
    this.fixer = new FixEngine(engine.analyzer.parser);
  }

  private options(uri: vscode.Uri) {
    return { optimumNeuronVersion: uri.scheme === 'file' ? readOptimumNeuronPin(uri.fsPath) : null };
  }

  private notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
    if (doc.uri.scheme !== 'vscode-notebook-cell') return undefined;
    return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === doc));
  }

  /** Fresh findings for a document (a notebook cell: its own findings, the notebook analysed as a whole). */
  findings(doc: vscode.TextDocument): { findings: Finding[]; target: Target } {
    const nb = this.notebookOf(doc);
    if (nb) {
      const r = this.engine.analyzeNotebook(nb);
      return { findings: r.byCell.get(doc.uri.toString()) ?? [], target: r.target };
    }
    const r = this.engine.analyzeDocument(doc);
    return { findings: r.findings, target: r.target };
  }

  /** All safe fixes for a Python file, to a fixpoint. */
  fixAllText(doc: vscode.TextDocument, text = doc.getText()): FixAllResult {
    const settings = this.engine.settings(doc.uri);
    const analyze = (t: string, target?: Target) => this.engine.analyzer.analyzeText(t, target ? { ...settings, target } : settings);
    return fixAll(this.fixer, text, analyze, this.options(doc.uri));
  }

  /** The code cells of the notebook `doc` belongs to, joined as one program (imports land in the import cell). */
  private cellProgram(doc: vscode.TextDocument): { nb: vscode.NotebookDocument; cells: vscode.TextDocument[]; at: number; program: CellProgram } | undefined {
    const nb = this.notebookOf(doc);
    if (!nb) return undefined;
    const cells = nb
      .getCells()
      .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python')
      .map((c) => c.document);
    const at = cells.indexOf(doc);
    if (at < 0) return undefined;
    return { nb, cells, at, program: joinCells(cells.map((c) => c.getText())) };
  }

  /** A WorkspaceEdit over the notebook's cells turning the joined program into `after`. */
  private cellsEdit(cells: readonly vscode.TextDocument[], program: CellProgram, after: string): vscode.WorkspaceEdit | undefined {
    const split = splitCellEdits(program, after);
    if (!split || split.every((e) => e.length === 0)) return undefined;
    const edit = new vscode.WorkspaceEdit();
    split.forEach((edits, i) => addEdits(edit, cells[i].uri, edits));
    return edit;
  }

  /** Fix-all for `doc`: the file, or for a notebook cell the whole notebook. */
  private fixAllEdit(doc: vscode.TextDocument): { edit?: vscode.WorkspaceEdit; result: FixAllResult } {
    const cp = this.cellProgram(doc);
    if (cp) {
      const settings = this.engine.settings(cp.nb.uri);
      const analyze = (t: string, target?: Target) => this.engine.analyzer.analyzeText(t, target ? { ...settings, target } : settings);
      const result = fixAll(this.fixer, cp.program.text, analyze, this.options(cp.nb.uri));
      return { edit: this.cellsEdit(cp.cells, cp.program, result.text), result };
    }
    const result = this.fixAllText(doc);
    if (!result.edits.length) return { result };
    const edit = new vscode.WorkspaceEdit();
    addEdits(edit, doc.uri, result.edits);
    return { edit, result };
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const only = context.only;
    const wantQuick = !only || only.contains(vscode.CodeActionKind.QuickFix) || vscode.CodeActionKind.QuickFix.contains(only);
    const wantFixAll = !!only && (only.contains(FIX_ALL_KIND) || FIX_ALL_KIND.contains(only));
    if (wantFixAll) {
      const { edit, result } = this.fixAllEdit(doc);
      if (edit) {
        const a = new vscode.CodeAction(`Fix all Neuron issues (${result.applied.length})`, FIX_ALL_KIND);
        a.edit = edit;
        out.push(a);
      }
    }
    const ours = context.diagnostics.filter((d) => ruleIdOf(d));
    if (!wantQuick || ours.length === 0) return out;
    const { findings, target } = this.findings(doc);
    // In a notebook, fix the cells as one program: the finding moves to its line in the joined text.
    const cp = this.cellProgram(doc);
    const text = cp ? cp.program.text : doc.getText();
    const shift = cp ? cp.program.startLines[cp.at] : 0;
    const options = this.options(cp ? cp.nb.uri : doc.uri);
    let fixable = 0;
    for (const d of ours) {
      if (token.isCancellationRequested) break;
      const found = findings.find((x) => x.rule === ruleIdOf(d) && toRange(x.range).isEqual(d.range));
      if (!found) continue;
      const move = (p: { line: number; character: number }) => ({ line: p.line + shift, character: p.character });
      const f: Finding = cp ? { ...found, range: { start: move(found.range.start), end: move(found.range.end) }, related: [], cell: undefined } : found;
      for (const q of this.fixer.quickFixes(text, f, target, options)) {
        const a = new vscode.CodeAction(q.title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.isPreferred = q.preferred;
        if (cp) {
          const edit = this.cellsEdit(cp.cells, cp.program, applyEdits(text, q.edits));
          if (!edit) continue;
          a.edit = edit;
        } else {
          a.edit = new vscode.WorkspaceEdit();
          addEdits(a.edit, doc.uri, q.edits);
        }
        out.push(a);
        if (q.kind === 'fix' && q.preferred) fixable++;
      }
    }
    if (fixable > 0) {
      const all = findings.filter((f) => f.rule);
      if (all.length > 1) {
        const a = new vscode.CodeAction('Fix all auto-fixable Neuron issues in this file', vscode.CodeActionKind.QuickFix);
        a.command = { title: a.title, command: 'neuron.fixAll', arguments: [doc.uri] };
        out.push(a);
      }
    }
    return out;
  }

  /** "Neuron: Fix All in File". Returns what was done (the integration tests read it). */
  async fixAllCommand(uri?: vscode.Uri): Promise<{ applied: string[]; skipped: number } | undefined> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'python') {
      void vscode.window.showInformationMessage('Neuron: open a Python file to fix.');
      return undefined;
    }
    const { edit, result: res } = this.fixAllEdit(doc);
    if (edit) {
      await vscode.workspace.applyEdit(edit);
      const nb = this.notebookOf(doc);
      if (nb) this.diagnostics.analyzeNotebook(nb);
      else this.diagnostics.analyze(doc);
    }
    const msg = res.applied.length
      ? `Neuron: applied ${res.applied.length} fix${res.applied.length === 1 ? '' : 'es'} (${counts(res.applied)}).${res.skipped.length ? ` ${res.skipped.length} finding${res.skipped.length === 1 ? '' : 's'} need a manual change.` : ''}`
      : `Neuron: nothing to fix automatically${res.skipped.length ? ` (${res.skipped.length} finding${res.skipped.length === 1 ? '' : 's'} need a manual change)` : ''}.`;
    void vscode.window.showInformationMessage(msg);
    return { applied: res.applied, skipped: res.skipped.length };
  }

  /**
   * "Neuron: Port Workspace…": every safe fix in every Python file of the workspace, as one
   * WorkspaceEdit. `preview: false` (tests) builds the edit without applying it.
   */
  async portWorkspace(opts: { preview?: boolean } = {}): Promise<{ files: number; fixes: number; skipped: number; edit: vscode.WorkspaceEdit } | undefined> {
    const preview = opts.preview !== false;
    const edit = new vscode.WorkspaceEdit();
    let files = 0;
    let fixes = 0;
    let skipped = 0;
    const report: string[] = [];
    const done = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Neuron: porting the workspace', cancellable: true },
      async (progress, token) => {
        const uris = await this.portFiles(token);
        let i = 0;
        for (const uri of uris) {
          if (token.isCancellationRequested) return false;
          progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(1, uris.length) });
          i++;
          const settings = this.engine.settings(uri);
          if (!settings.enable) continue;
          if (uri.path.endsWith('.ipynb')) {
            // Notebooks: open the model (not an editor), fix the code cells as one program.
            let nb: vscode.NotebookDocument;
            try {
              nb = await vscode.workspace.openNotebookDocument(uri);
            } catch {
              continue;
            }
            const first = nb.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
            const cp = first ? this.cellProgram(first.document) : undefined;
            if (!cp) continue;
            const analyze = (t: string, target?: Target) => this.engine.analyzer.analyzeText(t, target ? { ...settings, target } : settings);
            const res = fixAll(this.fixer, cp.program.text, analyze, this.options(uri));
            skipped += res.skipped.length;
            for (const s of res.skipped) report.push(`${vscode.workspace.asRelativePath(uri)}: ${s.rule} not fixed: ${s.reason}`);
            const split = res.text === cp.program.text ? null : splitCellEdits(cp.program, res.text);
            if (!split || split.every((e) => e.length === 0)) continue;
            files++;
            fixes += res.applied.length;
            const metadata = { needsConfirmation: true, label: `${vscode.workspace.asRelativePath(uri)}: ${res.applied.length} Neuron fix${res.applied.length === 1 ? '' : 'es'}`, description: counts(res.applied) };
            split.forEach((edits, k) => addEdits(edit, cp.cells[k].uri, edits, metadata));
            continue;
          }
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
          let text: string;
          try {
            text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          } catch {
            continue;
          }
          if (text.length > settings.maxBytes) continue;
          const analyze = (t: string, target?: Target) => this.engine.analyzer.analyzeText(t, target ? { ...settings, target } : settings);
          const res = fixAll(this.fixer, text, analyze, this.options(uri));
          skipped += res.skipped.length;
          for (const s of res.skipped) report.push(`${vscode.workspace.asRelativePath(uri)}:${s.line + 1}: ${s.rule} not fixed: ${s.reason}`);
          if (!res.edits.length) continue;
          files++;
          fixes += res.applied.length;
          addEdits(edit, uri, res.edits, {
            needsConfirmation: true,
            label: `${vscode.workspace.asRelativePath(uri)}: ${res.applied.length} Neuron fix${res.applied.length === 1 ? '' : 'es'}`,
            description: counts(res.applied),
          });
          if (i % 20 === 0) await new Promise((r) => setTimeout(r, 0)); // keep the host responsive
        }
        return true;
      },
    );
    if (!done) {
      void vscode.window.showInformationMessage('Neuron: port cancelled; nothing was changed.');
      return undefined;
    }
    this.writeReport(report);
    if (!preview) return { files, fixes, skipped, edit };
    if (fixes === 0) {
      void vscode.window.showInformationMessage(`Neuron: nothing to port automatically${skipped ? ` (${skipped} findings need a manual change; see the Neuron Fixes output)` : ''}.`);
      return { files, fixes, skipped, edit };
    }
    // needsConfirmation + isRefactoring: VS Code shows the refactor preview; nothing is written until accepted.
    const ok = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
    if (ok) void vscode.window.showInformationMessage(`Neuron: ${fixes} fixes in ${files} files staged (review, then save). ${skipped} findings need a manual change; see the Neuron Fixes output.`);
    return { files, fixes, skipped, edit };
  }

  /**
   * The files Port Workspace covers: the same set as `neuron-lens check <folder>` (.gitignore,
   * pyproject excludes) plus `neuron.exclude`, for local folders; findFiles elsewhere.
   */
  private async portFiles(token: vscode.CancellationToken): Promise<vscode.Uri[]> {
    const out: vscode.Uri[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme === 'file') {
        const settings = this.engine.settings(folder.uri);
        const { files } = collectFiles([folder.uri.fsPath], settings.exclude, folder.uri.fsPath);
        out.push(...files.map((f) => vscode.Uri.file(f)));
      } else {
        out.push(...(await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{py,ipynb}'), '**/{node_modules,.venv,venv,.git,site-packages,__pycache__,.ipynb_checkpoints}/**', undefined, token)));
      }
    }
    return out;
  }

  private output?: vscode.OutputChannel;
  private writeReport(lines: string[]): void {
    this.output ??= vscode.window.createOutputChannel('Neuron Fixes');
    this.output.clear();
    this.output.appendLine(`Neuron: findings the port could not fix automatically (${lines.length})`);
    for (const l of lines) this.output.appendLine(l);
  }

  dispose(): void {
    this.output?.dispose();
  }
}

export function registerFixes(context: vscode.ExtensionContext, engine: EngineService, diagnostics: DiagnosticsController): void {
  const fixes = new NeuronFixes(engine, diagnostics);
  context.subscriptions.push(
    fixes,
    vscode.languages.registerCodeActionsProvider(SELECTOR, fixes, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
      documentation: [{ kind: FIX_ALL_KIND, command: { title: 'Neuron fixes', command: 'neuron.fixAll' } }],
    }),
    vscode.commands.registerCommand('neuron.fixAll', (uri?: vscode.Uri) => fixes.fixAllCommand(uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('neuron.portWorkspace', (opts?: { preview?: boolean }) => fixes.portWorkspace(opts && typeof opts === 'object' && 'preview' in opts ? opts : {})),
  );
}
