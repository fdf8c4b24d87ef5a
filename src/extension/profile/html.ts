// The profile webview's HTML. Pure (no `vscode` import) so the browser tests load exactly this page.
import { randomBytes } from 'node:crypto';

export interface ProfileHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  nonce: string;
  /** `asWebviewUri(dist/webview-profile.js)` etc., as strings. */
  scriptUri: string;
  chartUri: string;
  styleUri: string;
  title?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Strict CSP: no inline styles or scripts except the nonce'd bundle, no network, images only from the extension or data:. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; script-src 'nonce-${nonce}';`;
}

export function profileHtml(o: ProfileHtmlOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${attr(o.title ?? 'Neuron Profile')}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.chartUri)}"></script>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
