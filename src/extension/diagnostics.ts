// Diagnostics on open, change (debounced, incremental re-parse) and close (cleared), for Python
// files and notebook cells.
import * as vscode from 'vscode';
import picomatch from 'picomatch';
import type { EngineService } from './engineService';
import { NeuronDiagnostic } from './convert';
import type { Target } from '../core/types';
import type { Logger } from './log';

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('neuron');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly targetEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; target: Target }>();
  /** Fires after each analysis with the target in effect (the status bar listens). */
  readonly onDidAnalyze = this.targetEmitter.event;
  readonly lastTarget = new Map<string, Target>();

  constructor(private readonly engine: EngineService, private readonly log: Logger) {
    this.disposables.push(
      this.collection,
      this.targetEmitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.isPython(e.document) || e.contentChanges.length === 0) return;
        if (e.document.uri.scheme === 'vscode-notebook-cell') {
          const nb = this.notebookOf(e.document);
          if (nb) this.scheduleNotebook(nb);
          return;
        }
        this.engine.onChange(e);
        this.schedule(e.document, undefined, 'fast');
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === 'vscode-notebook-cell') return; // the notebook's close clears its cells
        this.cancel(d.uri.toString());
        this.collection.delete(d.uri);
        this.engine.forget(d.uri);
      }),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb, 0)),
      vscode.workspace.onDidChangeNotebookDocument((e) => this.scheduleNotebook(e.notebook)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        this.cancel(nb.uri.toString());
        for (const c of nb.getCells()) this.collection.delete(c.document.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('neuron')) this.refreshAll();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // pyproject.toml / requirements pins change the auto target and config.
        if (/(?:pyproject\.toml|requirements[^/]*\.txt|setup\.py)$/.test(d.uri.path)) {
          void import('../core/config/project').then((m) => m.clearProjectConfigCache()).then(() => this.refreshAll());
        }
      }),
    );
  }

  private isPython(d: vscode.TextDocument): boolean {
    return d.languageId === 'python' && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled' || d.uri.scheme === 'vscode-notebook-cell' || d.uri.scheme === 'vscode-remote');
  }

  private notebookOf(cellDoc: vscode.TextDocument): vscode.NotebookDocument | undefined {
    return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === cellDoc));
  }

  private matchers = new Map<string, (p: string) => boolean>();
  private excluded(uri: vscode.Uri, globs: string[]): boolean {
    if (!globs.length || uri.scheme === 'untitled') return false;
    const key = globs.join('\u0000');
    let isMatch = this.matchers.get(key);
    if (!isMatch) this.matchers.set(key, (isMatch = picomatch(globs, { dot: true })));
    return isMatch(vscode.workspace.asRelativePath(uri, false)) || isMatch(uri.fsPath);
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme !== 'vscode-notebook-cell') this.schedule(d, 0);
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb, 0);
  }

  private cancel(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /**
   * Typing schedules a fast pass (only the definitions that changed) after the debounce, then a
   * full pass once typing has paused for a while, which settles effects across definitions.
   */
  schedule(doc: vscode.TextDocument, delay?: number, mode: 'fast' | 'full' = 'full'): void {
    if (!this.isPython(doc) || doc.uri.scheme === 'vscode-notebook-cell') return;
    const key = doc.uri.toString();
    this.cancel(key);
    const debounce = this.engine.settings(doc.uri).debounceMs;
    const ms = delay ?? debounce;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (doc.isClosed) return;
        this.analyze(doc, mode);
        if (mode === 'fast') {
          this.timers.set(
            key,
            setTimeout(() => {
              this.timers.delete(key);
              if (!doc.isClosed) this.analyze(doc, 'full');
            }, Math.max(400, debounce * 3)),
          );
        }
      }, ms),
    );
  }

  /** Analyse now. */
  analyze(doc: vscode.TextDocument, mode: 'fast' | 'full' = 'full'): NeuronDiagnostic[] {
    const s = this.engine.settings(doc.uri);
    if (!s.enable || this.excluded(doc.uri, s.exclude)) {
      this.collection.delete(doc.uri);
      return [];
    }
    try {
      const t0 = performance.now();
      const r = this.engine.analyzeDocument(doc, s, mode);
      if (r.skipped) this.log.info(`${vscode.workspace.asRelativePath(doc.uri)}: not analysed, ${r.skipped}`);
      const diags = r.findings.map((f) => new NeuronDiagnostic(f, doc.uri, s.hints));
      this.collection.set(doc.uri, diags);
      this.lastTarget.set(doc.uri.toString(), r.target);
      this.targetEmitter.fire({ uri: doc.uri, target: r.target });
      this.log.trace(`${vscode.workspace.asRelativePath(doc.uri)}: ${diags.length} findings in ${(performance.now() - t0).toFixed(1)} ms (${mode})`);
      return diags;
    } catch (e) {
      this.log.error(`analysis of ${doc.uri.toString()} failed`, e);
      return [];
    }
  }

  scheduleNotebook(nb: vscode.NotebookDocument, delay?: number): void {
    const key = nb.uri.toString();
    this.cancel(key);
    const ms = delay ?? this.engine.settings(nb.uri).debounceMs;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!nb.isClosed) this.analyzeNotebook(nb);
      }, ms),
    );
  }

  analyzeNotebook(nb: vscode.NotebookDocument): void {
    const s = this.engine.settings(nb.uri);
    const cells = nb.getCells();
    if (!s.enable || this.excluded(nb.uri, s.exclude)) {
      for (const c of cells) this.collection.delete(c.document.uri);
      return;
    }
    try {
      const r = this.engine.analyzeNotebook(nb, s);
      const cellUri = (i: number) => (i < nb.cellCount ? nb.cellAt(i).document.uri : undefined);
      for (const c of cells) {
        const fs = r.byCell.get(c.document.uri.toString()) ?? [];
        this.collection.set(
          c.document.uri,
          fs.map((f) => new NeuronDiagnostic(f, c.document.uri, s.hints, cellUri)),
        );
      }
      this.lastTarget.set(nb.uri.toString(), r.target);
      this.targetEmitter.fire({ uri: nb.uri, target: r.target });
    } catch (e) {
      this.log.error(`analysis of notebook ${nb.uri.toString()} failed`, e);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
