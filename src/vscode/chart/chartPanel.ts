import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BudgetEvent } from '../../core/budget/budgetEvents';
import { describeEvent, describeTrend, formatMB, formatMB1, levelWord } from '../../core/budget/display';
import type { ResolvedBudget } from '../../core/budget/presets';
import type { WatchUpdate } from '../../core/watch/memoryWatch';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { CHART_BODY } from '../../webview/chartBody';
import { parseFromWebview, type ChartBudget, type ChartEvent, type ToWebview } from './chartProtocol';

export const CHART_VIEW_TYPE = 'memoryBudget.chart';
const SNAPSHOT_COMMAND = 'memoryBudget.takeHeapSnapshot';

/**
 * The chart webview: one panel, showing one attached target at a time (a selector switches).
 * Survives a reload through the serializer registered in `register`.
 */
export class ChartPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private targetId: string | undefined;
  private readonly panelDisposables: vscode.Disposable[] = [];
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly watches: WatchSet,
  ) {
    const onUpdate = (entry: WatchEntry, update: WatchUpdate) => this.onUpdate(entry, update);
    const onEvent = (entry: WatchEntry, event: BudgetEvent) => this.post({ type: 'event', targetId: entry.id, event: chartEvent(event) });
    const onMembership = () => this.sendInit();
    watches.on('update', onUpdate);
    watches.on('event', onEvent);
    watches.on('added', onMembership);
    watches.on('removed', onMembership);
    this.listeners.push(
      () => watches.off('update', onUpdate),
      () => watches.off('event', onEvent),
      () => watches.off('added', onMembership),
      () => watches.off('removed', onMembership),
    );
  }

  register(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const saved = state as { targetId?: string } | undefined;
        this.adopt(panel, saved?.targetId);
      },
    });
  }

  show(targetId?: string): void {
    if (targetId) this.targetId = targetId;
    if (this.panel) {
      this.panel.reveal();
      this.sendInit();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPE, 'Memory Budget', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')],
    });
    this.adopt(panel, targetId);
  }

  private adopt(panel: vscode.WebviewPanel, targetId: string | undefined): void {
    this.panel = panel;
    this.targetId = targetId ?? this.targetId;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'media')] };
    panel.webview.html = this.html(panel.webview);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        return this.sendInit();
      case 'selectTarget':
        this.targetId = message.targetId;
        return this.sendInit();
      case 'forceGc': {
        const entry = this.current();
        if (!entry) return;
        try {
          const result = await entry.watch.forceGc();
          this.post({
            type: 'gcResult',
            text: `Forced GC freed ${formatMB1(result.freedHeapBytes)} of heap (heap ${formatMB1(result.after.heapUsedBytes ?? 0)}, RSS ${formatMB1(result.after.rssBytes)}). What remains is live.`,
          });
        } catch (err) {
          this.post({ type: 'error', text: `Force GC failed: ${(err as Error).message}` });
        }
        return;
      }
      case 'takeSnapshot':
        return void vscode.commands.executeCommand(SNAPSHOT_COMMAND, this.current()?.id);
    }
  }

  private current(): WatchEntry | undefined {
    const all = this.watches.all;
    return all.find((e) => e.id === this.targetId) ?? all[0];
  }

  private async sendInit(): Promise<void> {
    if (!this.panel) return;
    const entry = this.current();
    this.targetId = entry?.id;
    const canSnapshot =
      entry !== undefined &&
      entry.watch.target.facts?.hasInspector === true &&
      (await vscode.commands.getCommands(true)).includes(SNAPSHOT_COMMAND);
    this.post({
      type: 'init',
      targets: this.watches.all.map((e) => ({ id: e.id, name: `${e.watch.name} (${e.label})` })),
      targetId: entry?.id,
      budget: chartBudget(entry?.watch.status?.budget ?? this.watches.budget()),
      heapLimitBytes: entry?.watch.target.facts?.heapLimitBytes,
      history: entry?.series.all() ?? [],
      events: entry?.events.map(chartEvent) ?? [],
      canSnapshot,
      canGc: entry?.watch.target.facts?.hasInspector === true,
    });
  }

  private onUpdate(entry: WatchEntry, update: WatchUpdate): void {
    if (!this.panel || entry.id !== this.current()?.id) return;
    const s = update.status.sample;
    this.post({
      type: 'sample',
      targetId: entry.id,
      point: {
        t: s.time,
        rss: s.rssBytes,
        heapUsed: s.heapUsedBytes ?? NaN,
        heapTotal: s.heapTotalBytes ?? NaN,
        external: s.externalBytes ?? NaN,
      },
      budget: chartBudget(update.status.budget),
      summary: `${entry.watch.name}: ${formatMB(s.rssBytes)} / ${formatMB(update.status.budget.bytes)} (${update.status.percent.toFixed(0)} %, ${levelWord(update.status.level)}) · ${describeTrend(update.status.trend)}`,
    });
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    return chartPageHtml(webview, this.extensionUri);
  }

  dispose(): void {
    for (const off of this.listeners) off();
    this.panel?.dispose();
  }
}

function chartBudget(b: ResolvedBudget): ChartBudget {
  return { bytes: b.bytes, label: b.label, warnBytes: b.warnBytes, criticalBytes: b.criticalBytes };
}

function chartEvent(e: BudgetEvent): ChartEvent {
  return { time: e.time, type: e.type, text: describeEvent(e) };
}

/** The chart webview's page (CSP with a nonce, the bundled script and CSS from dist/media). */
export function chartPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'media', file));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${nonce}'; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('chart.css')}" nonce="${nonce}">
<title>Memory Budget</title>
</head>
<body>
${CHART_BODY}
<script nonce="${nonce}" src="${media('chart.js')}"></script>
</body>
</html>`;
}
