// The one HTML shell every webview gets: a fresh nonce, a Content-Security-Policy that allows
// only the extension's own bundled files (scripts by nonce), and the page's body. Neither
// `vscode`, DOM nor Node here: the host passes the webview's CSP source and resolved URLs.

export interface WebviewPage {
  /** The webview's `cspSource` (which origins serve the extension's files). */
  readonly cspSource: string;
  readonly title: string;
  /** Resolved URLs of the stylesheets and scripts (already `asWebviewUri`). */
  readonly styles: readonly string[];
  readonly scripts: readonly string[];
  /** Trusted markup: written by this extension, never built from a target's or a file's data. */
  readonly body: string;
}

/** 128 random bits, base64: a new one per page, so an injected script tag cannot guess it. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewHtml(page: WebviewPage, nonce = newNonce()): string {
  const attr = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(page.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${page.styles.map((href) => `<link rel="stylesheet" href="${attr(href)}" nonce="${nonce}">`).join('\n')}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
${page.scripts.map((src) => `<script nonce="${nonce}" src="${attr(src)}"></script>`).join('\n')}
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
