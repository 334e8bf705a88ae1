import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { HeapDiff, HeapSummary } from '../../core/heap/model';
import type { HostMessage, ViewMessage } from '../../../media/snapshots/protocol';

/** A webview showing one summary or comparison; clicking a location opens the source. */
export class SnapshotPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: HostMessage | undefined;
  private ready = false;

  constructor(extensionUri: vscode.Uri, title: string) {
    const media = vscode.Uri.joinPath(extensionUri, 'dist', 'media', 'snapshots');
    this.panel = vscode.window.createWebviewPanel('memoryBudget.heapSnapshot', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    const nonce = randomBytes(16).toString('base64');
    const script = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'snapshotView.js'));
    const style = this.panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'snapshotView.css'));
    const csp = `default-src 'none'; style-src ${this.panel.webview.cspSource}; script-src 'nonce-${nonce}';`;
    this.panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${style}"><title>${escapeHtml(title)}</title></head>
<body><main id="root" aria-live="polite">Loading…</main><script nonce="${nonce}" src="${script}"></script></body></html>`;
    this.disposables.push(this.panel.webview.onDidReceiveMessage((m: ViewMessage) => this.receive(m)));
  }

  readonly onDidDispose = (listener: () => void) => this.panel.onDidDispose(listener);

  showSummary(summary: HeapSummary): void {
    this.post({ type: 'summary', summary });
  }

  showDiff(diff: HeapDiff): void {
    this.post({ type: 'diff', diff });
  }

  private post(message: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.pending = message;
  }

  private receive(message: ViewMessage): void {
    if (message.type === 'ready') {
      this.ready = true;
      if (this.pending) void this.panel.webview.postMessage(this.pending);
      this.pending = undefined;
    } else if (message.type === 'openLocation') {
      void openLocation(message.url, message.line, message.column);
    }
  }

  dispose(): void {
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Opens a script the snapshot names: absolute paths and file:// URLs; Node's own modules have no file. */
async function openLocation(url: string, line: number, column: number): Promise<void> {
  const uri = url.startsWith('file://') ? vscode.Uri.parse(url) : isAbsolute(url) ? vscode.Uri.file(url) : undefined;
  if (!uri) {
    void vscode.window.showInformationMessage(`Memory Budget: ${url} is not a file on this machine.`);
    return;
  }
  try {
    const position = new vscode.Position(line, column);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
  } catch (err) {
    void vscode.window.showWarningMessage(`Memory Budget: cannot open ${uri.fsPath}: ${(err as Error).message}`);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
