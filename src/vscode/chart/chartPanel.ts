import * as vscode from 'vscode';
import type { BudgetEvent } from '../../core/budget/budgetEvents';
import { describeEvent, describeTrend, formatMB, formatMB1, levelWord } from '../../core/budget/display';
import type { ResolvedBudget } from '../../core/budget/presets';
import { heapCapLineFor } from '../../core/heapCap/display';
import type { WatchUpdate } from '../../core/watch/memoryWatch';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { allocationSamplingUnavailable } from '../../core/allocations/allocationSampler';
import {
  parseChartViewMessage,
  type AllocationSamplingState,
  type ChartBudget,
  type ChartEvent,
  type ChartHostMessage,
} from '../../webview/chartProtocol';
import { chartPage } from '../../webview/pages';
import { isRecord } from '../../webview/validate';
import { Commands, executeCommand } from '../commands';
import { onWatchSet, onWatchSetAny } from '../watchEvents';
import { showPage, webviewOptions } from '../webviewPage';

export const CHART_VIEW_TYPE = 'memoryBudget.chart';

/** What the chart needs of the allocation feature: which target is sampled, and when that changes. */
export interface ChartSamplingSource {
  readonly runningTargetId: string | undefined;
  readonly onDidChange: vscode.Event<unknown>;
}

/**
 * The chart webview: a single panel showing one attached target at a time (a selector in the
 * page switches). It survives a reload through the serializer from `registerSerializer`.
 */
export class ChartPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private targetId: string | undefined;
  private sampling: ChartSamplingSource | undefined;
  private readonly panelDisposables: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly watches: WatchSet,
  ) {
    this.subscriptions = [
      onWatchSet(watches, 'update', (entry, update) => this.onUpdate(entry, update)),
      onWatchSet(watches, 'event', (entry, event) => this.post({ type: 'event', targetId: entry.id, event: chartEvent(event) })),
      ...onWatchSetAny(watches, ['added', 'removed'], () => void this.sendInit()),
    ];
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(CHART_VIEW_TYPE, {
      // The state is what the page saved with setState: a webview's word, so checked.
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) =>
        this.adopt(panel, isRecord(state) && typeof state.targetId === 'string' ? state.targetId : undefined),
    });
  }

  show(targetId?: string): void {
    if (targetId) this.targetId = targetId;
    if (this.panel) {
      this.panel.reveal();
      this.sendInit();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHART_VIEW_TYPE, chartPage.title, vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: true,
    });
    this.adopt(panel, targetId);
  }

  private adopt(panel: vscode.WebviewPanel, targetId: string | undefined): void {
    this.panel = panel;
    this.targetId = targetId ?? this.targetId;
    showPage(panel.webview, this.extensionUri, chartPage);
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw) => void this.onMessage(raw)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseChartViewMessage(raw);
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
        return void executeCommand(Commands.TakeHeapSnapshot, this.current()?.id);
      case 'toggleAllocationSampling': {
        const id = this.current()?.id;
        if (id && this.sampling?.runningTargetId === id) return void executeCommand(Commands.StopAllocationSampling);
        return void executeCommand(Commands.StartAllocationSampling, id);
      }
    }
  }

  private current(): WatchEntry | undefined {
    const all = this.watches.all;
    return all.find((e) => e.id === this.targetId) ?? all[0];
  }

  private sendInit(): void {
    if (!this.panel) return;
    const entry = this.current();
    this.targetId = entry?.id;
    // What the target's inspector offers, as asked of its protocol when attaching: the rest is not shown.
    const capabilities = entry?.watch.target.facts?.capabilities;
    this.post({
      type: 'init',
      targets: this.watches.all.map((e) => ({ id: e.id, name: `${e.watch.name} (${e.label})` })),
      targetId: entry?.id,
      budget: chartBudget(entry?.watch.status?.budget ?? this.watches.budget()),
      heapLimitBytes: entry?.watch.target.facts?.heapLimitBytes,
      history: entry?.series.all() ?? [],
      events: entry?.events.map(chartEvent) ?? [],
      canSnapshot: capabilities?.heapSnapshot !== undefined,
      canGc: capabilities?.gc === true,
      allocationSampling: this.samplingState(entry),
    });
  }

  /** The chart's "Allocation sampling" button follows the allocation feature's state. */
  followAllocationSampling(sampling: ChartSamplingSource): vscode.Disposable {
    this.sampling = sampling;
    return sampling.onDidChange(() => {
      const entry = this.current();
      if (entry) this.post({ type: 'allocationSampling', targetId: entry.id, state: this.samplingState(entry) });
    });
  }

  private samplingState(entry: WatchEntry | undefined): AllocationSamplingState {
    const unavailable = this.sampling ? allocationSamplingUnavailable(entry?.watch.target.facts) : 'allocation sampling is not loaded';
    return { running: entry !== undefined && this.sampling?.runningTargetId === entry.id, ...(unavailable ? { unavailable } : {}) };
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
      advice: heapCapLineFor(entry.watch.target.facts, update.status),
    });
  }

  private post(message: ChartHostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.panel?.dispose();
  }
}

function chartBudget(b: ResolvedBudget): ChartBudget {
  return { bytes: b.bytes, label: b.label, warnBytes: b.warnBytes, criticalBytes: b.criticalBytes };
}

function chartEvent(e: BudgetEvent): ChartEvent {
  return { time: e.time, type: e.type, text: describeEvent(e) };
}
