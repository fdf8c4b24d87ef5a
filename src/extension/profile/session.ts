// One profile shown in one webview (a custom editor or the `neuron.openProfile` panel): loads the profile
// with progress and cancellation, answers the webview's messages, converts .ntff, opens source locations.
import { promises as fsp } from 'node:fs';
import { basename, dirname, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { detectProfileFormatDetailed, loadProfile } from '../../core/profile';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../../webview/profile/protocol';
import { makeNonce, profileHtml } from './html';
import { planNtff, runConversion } from './ntff';
import { sourceCandidates } from './tools';

export interface RenderedInfo {
  sections: string[];
  timelineEvents: number;
  warnings: number;
}

export interface SessionHost {
  extensionUri: vscode.Uri;
  output: vscode.OutputChannel;
  /** Opens another profile (the "Open another profile…" button). */
  openOther(): void;
  onDispose(s: ProfileSession): void;
  /** The session now shows another profile (e.g. after an NTFF conversion). */
  onShown(s: ProfileSession): void;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /aborted|cancel/i.test(e.message));
}

/** Loads quicker than this show no notification (the webview shows progress either way). */
const NOTIFY_AFTER_MS = 400;

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

export class ProfileSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private abort: AbortController | null = null;
  private ready = false;
  private disposed = false;
  private readonly renderedWaiters: ((r: RenderedInfo) => void)[] = [];
  /** What is currently shown (after an NTFF conversion, the converted output). */
  uri: vscode.Uri;

  constructor(readonly panel: vscode.WebviewPanel, uri: vscode.Uri, private readonly host: SessionHost) {
    this.uri = uri;
    const webview = panel.webview;
    webview.options = webviewOptions(host.extensionUri);
    const dist = vscode.Uri.joinPath(host.extensionUri, 'dist');
    webview.html = profileHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview-profile.js')).toString(),
      chartUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'chart.umd.min.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'profile.css')).toString(),
      title: basename(uri.fsPath),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (isWebviewToHost(m)) void this.onMessage(m);
      }),
      panel.onDidDispose(() => this.dispose()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (/\.ntff$/i.test(this.uri.fsPath) && this.ready) void this.load();
      }),
    );
    void this.watch();
  }

  private watcher: vscode.Disposable | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  /** Reloads when the profile is rewritten on disk (a new capture or conversion into the same place). */
  private async watch(): Promise<void> {
    this.watcher?.dispose();
    this.watcher = null;
    if (this.uri.scheme !== 'file' || this.uri.path === '/' || this.uri.path === '') return;
    let isDir = false;
    try {
      isDir = (await fsp.stat(this.path)).isDirectory();
    } catch {
      return;
    }
    if (this.disposed) return;
    const pattern = isDir
      ? new vscode.RelativePattern(this.uri, '*.{parquet,json,txt,ntff}')
      : new vscode.RelativePattern(vscode.Uri.file(dirname(this.path)), basename(this.path));
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    const onChange = (): void => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        if (!this.disposed && this.ready) {
          this.host.output.appendLine(`${this.path} changed on disk; reloading.`);
          void this.load();
        }
      }, 1000);
    };
    this.watcher = vscode.Disposable.from(w, w.onDidChange(onChange), w.onDidCreate(onChange), w.onDidDelete(onChange));
  }

  get path(): string {
    return this.uri.fsPath;
  }

  /** Resolves on the next render of the webview (used by the command's return value and tests). */
  whenRendered(): Promise<RenderedInfo> {
    return new Promise((r) => this.renderedWaiters.push(r));
  }

  private post(m: HostToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(m);
  }

  private async onMessage(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        // First load, or the webview was recreated (no retained context): load again.
        await this.load();
        break;
      case 'retry': await this.load(); break;
      case 'cancel': this.abort?.abort(); break;
      case 'openOther': this.host.openOther(); break;
      case 'openSource': await openSourceLocation(m.file, m.line, this.path, this.panel.viewColumn); break;
      case 'convertNtff': await this.convert(); break;
      case 'exportCsv': await this.exportCsv(m.fileName, m.csv); break;
      case 'rendered': {
        const info = { sections: m.sections, timelineEvents: m.timelineEvents, warnings: m.warnings };
        for (const w of this.renderedWaiters.splice(0)) w(info);
        break;
      }
    }
  }

  /** Shows another profile in this webview. */
  async show(uri: vscode.Uri): Promise<void> {
    this.uri = uri;
    this.panel.title = `Profile: ${basename(uri.fsPath)}`;
    this.host.onShown(this);
    void this.watch();
    if (this.ready) await this.load();
  }

  async load(): Promise<void> {
    if (this.disposed) return;
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    const source = this.path;
    if (this.uri.scheme === 'file' && (this.uri.path === '' || this.uri.path === '/')) {
      this.post({ type: 'error', source: '', message: 'This panel was restored without its profile. Open the profile again.', detail: null, canRetry: false });
      return;
    }
    if (this.uri.scheme !== 'file') {
      this.post({ type: 'error', source, message: `Only local files can be opened as profiles (this is a ${this.uri.scheme}: resource).`, detail: null, canRetry: false });
      return;
    }
    this.post({ type: 'loading', source, message: `Reading ${basename(source)}…` });
    try {
      const det = await detectProfileFormatDetailed(source);
      if (det.format === 'ntff') {
        const plan = await planNtff(det.path);
        if (this.abort === ac) this.post({ type: 'ntff', source: det.path, info: plan.info });
        return;
      }
      // Progress goes to the webview at once; the (cancellable) notification only appears when loading
      // takes longer than a blink, so small summaries do not flash a toast.
      let reporter: vscode.Progress<{ message?: string; increment?: number }> | null = null;
      let last = 0;
      let lastPost = 0;
      const loading = loadProfile(source, {
        signal: ac.signal,
        onProgress: (f: number) => {
          if (!Number.isFinite(f)) return;
          const frac = Math.max(0, Math.min(1, f));
          if (frac > last) reporter?.report({ increment: (frac - last) * 100, message: `${Math.round(frac * 100)} %` });
          last = Math.max(last, frac);
          const now = Date.now();
          if (now - lastPost > 100 || frac >= 1) {
            lastPost = now;
            this.post({ type: 'progress', source, message: `Reading ${basename(source)}… ${Math.round(frac * 100)} %`, fraction: frac });
          }
        },
      });
      const quick = await Promise.race([loading.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), NOTIFY_AFTER_MS))]);
      if (!quick) {
        void vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Neuron: opening ${basename(source)}`, cancellable: true },
          async (progress, token) => {
            reporter = progress;
            if (last > 0) progress.report({ increment: last * 100, message: `${Math.round(last * 100)} %` });
            token.onCancellationRequested(() => ac.abort());
            await loading.catch(() => undefined);
          },
        );
      }
      const model = await loading;
      if (this.abort !== ac) return; // superseded by a newer load (reload, file changed): it posts its own result
      if (ac.signal.aborted) throw Object.assign(new Error('Loading was cancelled.'), { name: 'AbortError' });
      this.host.output.appendLine(`Opened ${source} (${model.format}${model.timeline ? `, ${model.timeline.start.length} timeline events` : ''}, ${model.warnings.length} warnings).`);
      this.post({ type: 'model', source, model });
    } catch (e) {
      if (this.disposed || this.abort !== ac) return;
      if (isAbort(e) || ac.signal.aborted) {
        this.post({ type: 'error', source, message: 'Loading was cancelled.', detail: null, canRetry: true });
        return;
      }
      const code = (e as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `${source} does not exist (was it moved or deleted?).`
        : code === 'EACCES' ? `${source} cannot be read (permission denied).`
          : `Reading the profile failed: ${errMessage(e)}`;
      this.host.output.appendLine(`Failed to open ${source}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      this.post({ type: 'error', source, message, detail: null, canRetry: true });
    } finally {
      if (this.abort === ac) this.abort = null;
    }
  }

  private async exportCsv(fileName: string, csv: string): Promise<void> {
    const safe = fileName.replace(/[^\w.@+-]+/g, '_').replace(/^\.+/, '') || 'profile-ops.csv';
    const dir = this.uri.scheme === 'file' ? vscode.Uri.file(dirname(this.path)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export the ops table as CSV',
      defaultUri: dir ? vscode.Uri.joinPath(dir, safe.endsWith('.csv') ? safe : `${safe}.csv`) : undefined,
      filters: { CSV: ['csv'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(csv, 'utf8'));
    void vscode.window.showInformationMessage(`Saved ${basename(target.fsPath)}.`);
  }

  private async convert(): Promise<void> {
    const det = await detectProfileFormatDetailed(this.path).catch(() => null);
    const ntff = det?.format === 'ntff' ? det.path : this.path;
    const plan = await planNtff(ntff);
    if (!plan.info.canConvert) {
      this.post({ type: 'ntff', source: ntff, info: plan.info });
      return;
    }
    this.host.output.show(true);
    try {
      const out = await runConversion(plan, ntff, this.host.output);
      void vscode.window.showInformationMessage(`Converted ${basename(ntff)} → ${basename(out)}.`);
      await this.show(vscode.Uri.file(out));
    } catch (e) {
      this.post({ type: 'error', source: ntff, message: errMessage(e), detail: (e as { detail?: string }).detail ?? 'See the “Neuron Profile” output channel.', canRetry: true });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort?.abort();
    clearTimeout(this.reloadTimer);
    this.watcher?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.host.onDispose(this);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves a profile's source location (absolute, relative to a workspace folder, relative to the profile
 * or its parents, or by file name in the workspace) and opens it at the line, next to the profile.
 */
export async function resolveSourceFile(file: string, profilePath: string): Promise<vscode.Uri | null> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const candidates = sourceCandidates(file, profilePath, folders);
  if (!candidates) return null;
  for (const p of candidates) if (await exists(p)) return vscode.Uri.file(p);
  if (isAbsolute(file)) return null;
  // Last resort: the file name anywhere in the workspace, preferring a path that ends with the given one.
  const rel = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const name = basename(rel);
  if (!/^[\w.@+-]+$/.test(name)) return null;
  const hits = await vscode.workspace.findFiles(`**/${name}`, '{**/node_modules/**,**/.venv/**,**/site-packages/**}', 20);
  const best = hits.find((u) => u.fsPath.replace(/\\/g, '/').endsWith(`/${rel}`)) ?? (hits.length === 1 ? hits[0] : undefined);
  return best ?? null;
}

export async function openSourceLocation(file: string, line: number, profilePath: string, panelColumn: vscode.ViewColumn | undefined): Promise<void> {
  const uri = await resolveSourceFile(file, profilePath);
  if (!uri) {
    void vscode.window.showWarningMessage(`Neuron: ${file} was not found in the workspace or next to the profile.`);
    return;
  }
  const ln = Math.max(0, Math.floor(line) - 1);
  // Prefer the column that already shows code; else open beside the profile.
  const codeColumn = vscode.window.visibleTextEditors.map((e) => e.viewColumn).find((c) => c !== undefined && c !== panelColumn);
  const editor = await vscode.window.showTextDocument(uri, {
    viewColumn: codeColumn ?? vscode.ViewColumn.Beside,
    selection: new vscode.Range(ln, 0, ln, 0),
    preserveFocus: false,
  });
  editor.revealRange(new vscode.Range(ln, 0, ln, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
