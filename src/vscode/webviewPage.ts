import * as vscode from 'vscode';
import { webviewHtml } from '../webview/html';
import type { PageSpec } from '../webview/pages';

/** The only folder a webview may load from: the bundles esbuild writes. */
export function mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'media');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot(extensionUri)] };
}

/** Loads `page` into `webview` inside the shared shell (nonce, CSP). */
export function showPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageSpec): void {
  const asset = (ext: string) => webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot(extensionUri), `${page.bundle}.${ext}`)).toString();
  webview.options = webviewOptions(extensionUri);
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    title: page.title,
    styles: [asset('css')],
    scripts: [asset('js')],
    body: page.body,
  });
}
