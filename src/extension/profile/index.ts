// The profile viewer: a read-only custom editor for profile files (viewTypes neuron.profile and
// neuron.profile.option), the `neuron.openProfile` command (files and Parquet folders, in a panel beside
// the code) and a serializer so panels survive a window reload.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { WebviewState } from '../../webview/profile/protocol';
import { ProfileSession, webviewOptions, type RenderedInfo, type SessionHost } from './session';

export const PANEL_VIEW_TYPE = 'neuron.profilePanel';
export const EDITOR_VIEW_TYPES = ['neuron.profile', 'neuron.profile.option'] as const;

class ProfileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    /* nothing held: the session owns the loaded model */
  }
}

/** Profile files and folders found in the workspace, for the quick pick. */
async function workspaceProfiles(): Promise<vscode.Uri[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const exclude = '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**,**/.git/**}';
  const [files, parquet] = await Promise.all([
    vscode.workspace.findFiles('**/{*.ntff,*.neuron-profile.json,*summary*.json,ntff.json,system_profile*.json,device_profile_model_*.json,*.pt.trace.json,neuron_trace.json}', exclude, 200),
    vscode.workspace.findFiles('**/{Summary,Instruction}.parquet', exclude, 100),
  ]);
  const dirs = new Map<string, vscode.Uri>();
  for (const p of parquet) {
    const d = vscode.Uri.joinPath(p, '..');
    dirs.set(d.toString(), d);
  }
  return [...dirs.values(), ...files].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

interface PickItem extends vscode.QuickPickItem {
  action: 'file' | 'folder' | 'uri';
  uri?: vscode.Uri;
}

async function pickProfile(): Promise<vscode.Uri | undefined> {
  const found = await workspaceProfiles();
  const items: PickItem[] = [
    { label: '$(file) Open a profile file…', description: 'summary JSON/text, legacy JSON, trace JSON, .ntff, neuron-monitor', action: 'file' },
    { label: '$(folder) Open a profile folder…', description: 'Parquet output of neuron-explorer view, or a capture directory', action: 'folder' },
  ];
  if (found.length) {
    items.push({ label: 'In this workspace', kind: vscode.QuickPickItemKind.Separator, action: 'uri' });
    for (const u of found) items.push({ label: basename(u.fsPath), description: vscode.workspace.asRelativePath(u, true), action: 'uri', uri: u });
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Neuron: Open Profile', placeHolder: 'Pick a profile, or browse for a file or a Parquet folder', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.action === 'uri') return pick.uri;
  const folder = pick.action === 'folder';
  const res = await vscode.window.showOpenDialog({
    canSelectFiles: !folder,
    canSelectFolders: folder,
    canSelectMany: false,
    openLabel: 'Open Profile',
    title: folder ? 'Open a Neuron profile folder (Parquet tables or a capture directory)' : 'Open a Neuron profile file',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: folder ? undefined : { 'Neuron profiles': ['json', 'txt', 'ntff', 'ndjson', 'jsonl', 'parquet'], 'All files': ['*'] },
  });
  return res?.[0];
}

/** workspaceState key: sources of the open panels, a fallback for the serializer when a webview lost its state. */
const OPEN_PANELS_KEY = 'neuron.profilePanels';

class ProfileViewer implements vscode.CustomReadonlyEditorProvider<ProfileDocument>, SessionHost {
  readonly sessions = new Set<ProfileSession>();
  readonly extensionUri: vscode.Uri;
  private readonly memento: vscode.Memento;

  constructor(context: vscode.ExtensionContext, readonly output: vscode.OutputChannel) {
    this.extensionUri = context.extensionUri;
    this.memento = context.workspaceState;
  }

  private rememberPanels(): void {
    const open = [...this.sessions].filter((s) => s.panel.viewType === PANEL_VIEW_TYPE && s.path && s.path !== '/').map((s) => s.path);
    void this.memento.update(OPEN_PANELS_KEY, open);
  }

  // ---- SessionHost
  openOther(): void {
    void vscode.commands.executeCommand('neuron.openProfile');
  }
  onDispose(s: ProfileSession): void {
    this.sessions.delete(s);
    // Forget it a little later: when the window reloads, panels are disposed too but the extension host
    // stops before the timer fires, so they stay remembered for the serializer.
    setTimeout(() => this.rememberPanels(), 2000);
  }
  onShown(_s: ProfileSession): void {
    this.rememberPanels();
  }

  // ---- custom editor
  openCustomDocument(uri: vscode.Uri): ProfileDocument {
    return new ProfileDocument(uri);
  }
  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    this.sessions.add(new ProfileSession(panel, document.uri, this));
  }

  // ---- command
  async open(arg?: unknown): Promise<RenderedInfo | undefined> {
    let uri: vscode.Uri | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else if (typeof arg === 'string' && arg) uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
    else uri = await pickProfile();
    if (!uri) return undefined;
    // Same profile already open in a panel: reveal it.
    for (const s of this.sessions) {
      if (s.panel.viewType === PANEL_VIEW_TYPE && s.uri.toString() === uri.toString()) {
        s.panel.reveal(undefined, false);
        return { sections: [], timelineEvents: 0, warnings: 0 };
      }
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      `Profile: ${basename(uri.fsPath)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { ...webviewOptions(this.extensionUri), retainContextWhenHidden: true, enableFindWidget: true },
    );
    const session = new ProfileSession(panel, uri, this);
    this.sessions.add(session);
    this.rememberPanels();
    return session.whenRendered();
  }

  // ---- serializer
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const st = (state ?? {}) as WebviewState;
    let source = typeof st.source === 'string' && st.source ? st.source : null;
    if (!source) {
      // The webview's state did not survive: take a remembered panel that is not open yet.
      const open = new Set([...this.sessions].map((s) => s.path));
      source = this.memento.get<string[]>(OPEN_PANELS_KEY, []).find((p) => !open.has(p)) ?? null;
    }
    const uri = source ? vscode.Uri.file(source) : vscode.Uri.file('');
    const session = new ProfileSession(panel, uri, this);
    this.sessions.add(session);
    if (source) {
      panel.title = `Profile: ${basename(source)}`;
      this.rememberPanels();
    } else {
      panel.title = 'Neuron Profile';
      void session.whenRendered();
    }
  }
}

export function registerProfileViewer(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Neuron Profile');
  const viewer = new ProfileViewer(context, output);
  context.subscriptions.push(output);
  for (const viewType of EDITOR_VIEW_TYPES) {
    context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, viewer, {
      // Profiles can be large: keep the rendered webview (and its timeline arrays) while the tab is hidden.
      webviewOptions: { retainContextWhenHidden: true, enableFindWidget: true },
      supportsMultipleEditorsPerDocument: true,
    }));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand('neuron.openProfile', (arg?: unknown) => viewer.open(arg)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => viewer.revive(panel, state),
    }),
    { dispose: () => { for (const s of [...viewer.sessions]) s.dispose(); } },
  );
}
