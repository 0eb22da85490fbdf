// The trace webview's HTML shell, shared by the VS Code panel (client/src/propagation/tracePanel.ts) and the
// browser tests, so the tests run under the same Content-Security-Policy as the product.
export interface ShellOptions {
  /** webview.cspSource: the origin VS Code serves local resources from. */
  cspSource: string;
  /** Fresh per page: only scripts carrying it run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title?: string;
  /** Which view the bundle starts: the trace (default), the benchmark explorer or the compare table. */
  view?: 'trace' | 'explorer' | 'compare' | 'search';
}

/** A random nonce (base64url, 32 bytes of entropy) from Web Crypto, available in node and browsers. */
export function makeNonce(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewHtml(o: ShellOptions): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(o.nonce)) throw new Error('webviewHtml: the nonce must be at least 16 base64url characters');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${attr(o.title ?? 'Propagation trace')}</title>
</head>
<body data-view="${attr(o.view ?? 'trace')}">
<main id="app" aria-live="polite"></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}
