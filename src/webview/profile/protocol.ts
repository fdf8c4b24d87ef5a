// The typed message protocol between the profile viewer webview and the extension host.
// Imported by both sides (src/extension/profile/** and src/webview/profile/**): no `vscode`, no DOM.
import type { ProfileModel } from '../../core/profile/model';

/** What the panel explains when it is handed an .ntff file (binary, needs `neuron-explorer view`). */
export interface NtffInfo {
  /** The tool found on PATH (`neuron-explorer` or `neuron-profile`), or null. */
  tool: string | null;
  /** `vscode.workspace.isTrusted`: conversion runs a local program, so it needs trust. */
  trusted: boolean;
  /** True when the host can run the conversion itself (tool found, workspace trusted, NEFF found). */
  canConvert: boolean;
  /** The command line to run on the Trainium/Inferentia instance, shown verbatim (copyable). */
  command: string;
  /** The NEFF paired with the NTFF, when one was found next to it. */
  neff: string | null;
  /** Extra explanation (why conversion is unavailable). */
  reason: string | null;
}

/** Extension host → webview. */
export type HostToWebview =
  | { type: 'loading'; source: string; message: string }
  | { type: 'progress'; source: string; message: string; fraction: number | null }
  | { type: 'model'; source: string; model: ProfileModel }
  | { type: 'error'; source: string; message: string; detail: string | null; canRetry: boolean }
  | { type: 'ntff'; source: string; info: NtffInfo };

/** Webview → extension host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openSource'; file: string; line: number }
  | { type: 'convertNtff' }
  | { type: 'retry' }
  | { type: 'cancel' }
  | { type: 'openOther' }
  /** Save a CSV the webview built (the ops table as sorted and filtered); the host asks where. */
  | { type: 'exportCsv'; fileName: string; csv: string }
  /** Sent after each render: what sections were drawn (used by tests and the e2e harness). */
  | { type: 'rendered'; sections: string[]; timelineEvents: number; warnings: number };

/** What the webview keeps with `vscode.setState` (restored on reload by the WebviewPanelSerializer). */
export interface WebviewState {
  /** Absolute path (or URI string) of the profile shown. */
  source?: string;
  /** The visible timeline window, ns. */
  view?: { t0: number; t1: number } | null;
  /** Top-ops table: sort column and direction, search text. */
  sort?: { key: string; dir: 'asc' | 'desc' } | null;
  search?: string;
}

const WEBVIEW_TYPES = new Set(['ready', 'openSource', 'convertNtff', 'retry', 'cancel', 'openOther', 'rendered', 'exportCsv']);
/** Largest CSV the host accepts from the webview. */
export const MAX_CSV_CHARS = 64 * 1024 * 1024;

/** Validates a message received from the webview (never trust its shape). */
export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (typeof t !== 'string' || !WEBVIEW_TYPES.has(t)) return false;
  if (t === 'openSource') {
    const o = m as { file?: unknown; line?: unknown };
    return typeof o.file === 'string' && o.file.length > 0 && o.file.length < 4096 && typeof o.line === 'number' && Number.isFinite(o.line);
  }
  if (t === 'exportCsv') {
    const o = m as { fileName?: unknown; csv?: unknown };
    return typeof o.fileName === 'string' && o.fileName.length < 256 && typeof o.csv === 'string' && o.csv.length <= MAX_CSV_CHARS;
  }
  return true;
}

/** One CSV cell: quoted when needed; cells that a spreadsheet would run as a formula are prefixed with '. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  if (/^[=+\-@\t\r]/.test(s) && !(typeof v === 'number')) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const HOST_TYPES = new Set(['loading', 'progress', 'model', 'error', 'ntff']);

export function isHostToWebview(m: unknown): m is HostToWebview {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return typeof t === 'string' && HOST_TYPES.has(t);
}
