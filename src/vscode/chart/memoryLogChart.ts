import path from 'node:path';
import * as vscode from 'vscode';
import { chartSeries, type ChartSeries } from '../../core/report/chartData';
import { describeSkipped, processSummaryLine } from '../../core/report/display';
import { MemoryLogReader, type MemoryLogFile } from '../../core/report/memoryLogFile';
import { buildReport } from '../../core/report/runReport';
import { parseChartViewMessage, type ChartHostMessage } from '../../webview/chartProtocol';
import { chartPage } from '../../webview/pages';
import { showPage, webviewOptions } from '../webviewPage';

export const LOG_CHART_VIEW_TYPE = 'memoryBudget.logChart';

/**
 * A memory_debug.jsonl (an agent's or the CLI's, downloaded from a server, say) in the chart: one
 * series per pid, picked in the chart's list, with the budget line, the events and marks, and the
 * projected time to the budget. Read-only: a finished run has nothing to pause, collect or snapshot.
 */
export class MemoryLogChart implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private current: string | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly series: Array<ChartSeries & { summary: string }>,
    private readonly skipped: string,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Reads the file with a cancellable progress notification, then opens its chart. */
  static async open(extensionUri: vscode.Uri, file: vscode.Uri): Promise<MemoryLogChart | undefined> {
    const name = path.basename(file.fsPath);
    const log = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Memory Budget: reading ${name}`, cancellable: true },
      (_progress, token) => readLog(file, token),
    );
    if (!log) return undefined;
    const report = buildReport(log);
    if (log.processes.length === 0) {
      void vscode.window.showWarningMessage(
        `Memory Budget: ${name} holds no memory log records${log.skipped ? ` (${describeSkipped(report)})` : ''}. ` +
          'Open a memory_debug.jsonl written by an agent or by `memory-budget watch --log`.',
      );
      return undefined;
    }
    const series = log.processes.map((p, i) => ({ ...chartSeries(p, i), summary: processSummaryLine(report.processes[i]) }));
    const panel = vscode.window.createWebviewPanel(LOG_CHART_VIEW_TYPE, `Memory log — ${name}`, vscode.ViewColumn.Active, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    showPage(panel.webview, extensionUri, { ...chartPage, title: `Memory log — ${name}` });
    return new MemoryLogChart(panel, series, describeSkipped(report));
  }

  private onMessage(raw: unknown): void {
    const message = parseChartViewMessage(raw);
    if (message?.type === 'ready') this.sendInit(this.current);
    else if (message?.type === 'selectTarget') this.sendInit(message.targetId);
  }

  private sendInit(id: string | undefined): void {
    const s = this.series.find((x) => x.id === id) ?? this.series[0];
    this.current = s.id;
    const message: ChartHostMessage = {
      type: 'init',
      targets: this.series.map((x) => ({ id: x.id, name: x.name })),
      targetId: s.id,
      budget: s.budget,
      heapLimitBytes: s.heapLimitBytes,
      history: s.history,
      events: s.events,
      canSnapshot: false,
      canGc: false,
      live: false,
      summary: [s.summary, this.skipped].filter(Boolean).join(' · '),
    };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Line by line from the file system VS Code sees (local or remote), stopping when cancelled. */
async function readLog(file: vscode.Uri, token: vscode.CancellationToken): Promise<MemoryLogFile | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(file);
  } catch (err) {
    void vscode.window.showErrorMessage(`Memory Budget: cannot read ${file.fsPath}: ${(err as Error).message}`);
    return undefined;
  }
  const reader = new MemoryLogReader();
  const text = new TextDecoder('utf-8').decode(bytes);
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    const end = text.indexOf('\n', start);
    reader.addLine(text.slice(start, end < 0 ? undefined : end), n);
    if (end < 0) break;
    start = end + 1;
    // Yield now and then: a month of logs must not freeze the extension host, and cancel must work.
    if (n % 20_000 === 0) {
      await new Promise((r) => setImmediate(r));
      if (token.isCancellationRequested) return undefined;
    }
  }
  return reader.result();
}
