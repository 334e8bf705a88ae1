import * as vscode from 'vscode';
import type { HeapDiff, HeapSummary } from '../../core/heap/model';
import { parseHeapViewMessage, reportScriptUrls, type HeapHostMessage } from '../../webview/heapProtocol';
import { heapReportPage } from '../../webview/pages';
import { showPage, webviewOptions } from '../webviewPage';
import { resolveSnapshotScript } from './scriptLocation';

/** A webview showing one heap summary or comparison; clicking a location opens the source. */
export class HeapReportPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private report: HeapHostMessage | undefined;
  private ready = false;

  constructor(extensionUri: vscode.Uri, title: string) {
    const page = heapReportPage(title);
    this.panel = vscode.window.createWebviewPanel('memoryBudget.heapReport', page.title, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    showPage(this.panel.webview, extensionUri, page);
    this.disposables.push(this.panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  readonly onDidDispose = (listener: () => void) => this.panel.onDidDispose(listener);

  showSummary(summary: HeapSummary): void {
    this.show({ type: 'summary', summary });
  }

  showDiff(diff: HeapDiff): void {
    this.show({ type: 'diff', diff });
  }

  private show(report: HeapHostMessage): void {
    this.report = report;
    if (this.ready) void this.panel.webview.postMessage(report);
  }

  private receive(raw: unknown): void {
    const message = parseHeapViewMessage(raw);
    if (message?.type === 'ready') {
      this.ready = true;
      if (this.report) void this.panel.webview.postMessage(this.report);
    } else if (message?.type === 'openLocation') {
      // The view may only ask for a script its report names; where that opens is decided here.
      if (this.report && reportScriptUrls(this.report).has(message.url)) void openScript(message.url, message.line, message.column);
    }
  }

  dispose(): void {
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

async function openScript(url: string, line: number, column: number): Promise<void> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const script = resolveSnapshotScript(url, folders);
  if ('refused' in script) {
    void vscode.window.showInformationMessage(`Memory Budget: cannot open the source: ${script.refused}.`);
    return;
  }
  try {
    const position = new vscode.Position(line, column);
    await vscode.window.showTextDocument(vscode.Uri.file(script.file), { selection: new vscode.Range(position, position), preview: true });
  } catch (err) {
    void vscode.window.showWarningMessage(`Memory Budget: cannot open ${script.file}: ${(err as Error).message}`);
  }
}
