// The engine as the editor sees it: one Analyzer, an incremental tree cache per document, and
// notebooks analysed as one program. Other editor features (fixes, reports) go through here.
import * as vscode from 'vscode';
import { Analyzer } from '../core/analyzer';
import { TreeCache } from '../core/python/treeCache';
import { IncrementalAnalysis } from '../core/incremental';
import type { Finding, Target } from '../core/types';
import { buildNotebookProgram, mapNotebookFindings } from '../core/notebook';
import { settingsFor, type EditorSettings } from './settings';

export interface DocumentAnalysis {
  findings: Finding[];
  target: Target;
  /** Set when the document was not analysed (too large, disabled…). */
  skipped?: string;
}

export interface NotebookAnalysis {
  /** Findings per cell document (cell.document.uri.toString()). */
  byCell: Map<string, Finding[]>;
  target: Target;
}

export class EngineService implements vscode.Disposable {
  readonly trees: TreeCache;
  /** Per-document memo of findings per top-level definition (keystroke-speed re-analysis). */
  private readonly memos = new Map<string, IncrementalAnalysis>();
  constructor(readonly analyzer: Analyzer) {
    this.trees = new TreeCache(analyzer.parser, 64);
  }

  static async create(context: vscode.ExtensionContext): Promise<EngineService> {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist').fsPath;
    return new EngineService(await Analyzer.create({ wasmDir: dist }));
  }

  settings(uri: vscode.Uri | undefined): EditorSettings {
    return settingsFor(uri);
  }

  /**
   * Findings for a Python text document, re-parsing incrementally from the cached tree. `fast`
   * re-analyses only the definitions that changed (while typing); `full` re-analyses everything
   * (on open, on save, and when typing pauses, to settle effects across definitions).
   */
  analyzeDocument(doc: vscode.TextDocument, settings = this.settings(doc.uri), mode: 'fast' | 'full' = 'full'): DocumentAnalysis {
    const text = doc.getText();
    if (text.length > settings.maxBytes) return { findings: [], target: 'xla', skipped: `larger than neuron.maxFileSizeKb (${Math.round(settings.maxBytes / 1024)} KB)` };
    const key = doc.uri.toString();
    const tree = this.trees.get(key, doc.version, text);
    let memo = this.memos.get(key);
    if (!memo) this.memos.set(key, (memo = new IncrementalAnalysis(this.analyzer)));
    const r = mode === 'fast' ? memo.analyze(text, settings, tree) : memo.analyzeFull(text, settings, tree);
    return { findings: r.findings, target: r.target };
  }

  /** Findings for every code cell of a notebook, analysed as one program. */
  analyzeNotebook(nb: vscode.NotebookDocument, settings = this.settings(nb.uri)): NotebookAnalysis {
    const cells = nb
      .getCells()
      .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
    const program = buildNotebookProgram(cells.map((c) => ({ index: c.index, source: c.document.getText() })));
    const r = this.analyzer.analyzeText(program.text, settings);
    const byCell = new Map<string, Finding[]>();
    for (const c of cells) byCell.set(c.document.uri.toString(), []);
    for (const f of mapNotebookFindings(program, r.findings)) {
      const cell = nb.cellAt(f.cell);
      byCell.get(cell.document.uri.toString())?.push(f);
    }
    return { byCell, target: r.target };
  }

  /** Forward editor changes to the tree cache so the next analysis re-parses incrementally. */
  onChange(e: vscode.TextDocumentChangeEvent): void {
    this.trees.applyChanges(
      e.document.uri.toString(),
      e.contentChanges.map((c) => ({
        rangeOffset: c.rangeOffset,
        rangeLength: c.rangeLength,
        text: c.text,
        start: c.range.start,
        oldEnd: c.range.end,
      })),
    );
  }

  forget(uri: vscode.Uri): void {
    this.trees.delete(uri.toString());
    this.memos.delete(uri.toString());
  }

  dispose(): void {
    this.trees.clear();
    this.memos.clear();
    this.analyzer.parser.dispose();
  }
}
