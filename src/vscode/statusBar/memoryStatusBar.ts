import * as vscode from 'vscode';
import type { BudgetStatus } from '../../core/budget/budgetTracker';
import { describeTrend, formatDuration, formatMB, formatRate, levelWord } from '../../core/budget/display';
import type { BudgetLevel } from '../../core/budget/thresholds';
import { heapCapLineFor } from '../../core/heapCap/display';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { commandLink, Commands } from '../commands';
import { onWatchSetAny } from '../watchEvents';

/**
 * `$(pulse) 245 MB / 512 MB` for the target (or the combined total of several), with a warning
 * or error background from the budget level. Hidden when nothing is attached.
 */
export class MemoryStatusBar implements vscode.Disposable {
  private readonly main: vscode.StatusBarItem;
  private readonly perTarget = new Map<string, vscode.StatusBarItem>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly watches: WatchSet) {
    this.main = vscode.window.createStatusBarItem('memoryBudget.status', vscode.StatusBarAlignment.Left, 100);
    this.main.name = 'Memory Budget';
    this.subscriptions = onWatchSetAny(watches, ['update', 'added', 'removed', 'event'], () => this.refresh());
    this.refresh();
  }

  refresh(): void {
    const entries = this.watches.all;
    if (entries.length === 0) {
      this.main.hide();
      this.disposeTargetItems(new Set());
      return;
    }
    if (entries.length === 1) {
      this.disposeTargetItems(new Set());
      this.render(this.main, entries[0], '');
    } else {
      this.renderCombined(entries);
      const keep = new Set(entries.map((e) => e.id));
      this.disposeTargetItems(keep);
      entries.forEach((entry, i) => {
        let item = this.perTarget.get(entry.id);
        if (!item) {
          item = vscode.window.createStatusBarItem(`memoryBudget.target.${entry.id}`, vscode.StatusBarAlignment.Left, 99 - i);
          item.name = `Memory Budget: ${entry.watch.name}`;
          this.perTarget.set(entry.id, item);
        }
        this.render(item, entry, `${entry.watch.name} `);
      });
    }
  }

  private render(item: vscode.StatusBarItem, entry: WatchEntry, prefix: string): void {
    const status = entry.watch.status;
    const connected = entry.watch.target.connected;
    const icon = connected ? '$(pulse)' : '$(debug-disconnect)';
    item.text = status
      ? `${icon} ${prefix}${formatMB(status.sample.rssBytes)} / ${formatMB(status.budget.bytes)}`
      : `${icon} ${prefix}attaching…`;
    item.backgroundColor = background(status?.level);
    item.tooltip = tooltip(entry, status, connected);
    item.command = commandLink(Commands.OpenChart, 'Open Memory Chart', entry.id);
    item.accessibilityInformation = {
      label: `Memory Budget: ${entry.watch.name} ${status ? `${formatMB(status.sample.rssBytes)} of ${formatMB(status.budget.bytes)}, ${levelWord(status.level)}` : 'attaching'}`,
    };
    item.show();
  }

  private renderCombined(entries: WatchEntry[]): void {
    const combined = this.watches.combined();
    this.main.text = combined ? `$(pulse) Σ ${formatMB(combined.rssBytes)} / ${formatMB(combined.budget.bytes)}` : '$(pulse) attaching…';
    this.main.backgroundColor = background(combined?.level);
    const md = new vscode.MarkdownString(`**Memory Budget** — ${entries.length} targets, one budget\n\n`);
    for (const e of entries)
      md.appendMarkdown(`- ${escape(e.watch.name)}: ${e.watch.status ? formatMB(e.watch.status.sample.rssBytes) : '—'}\n`);
    if (combined)
      md.appendMarkdown(
        `\n**Total ${formatMB(combined.rssBytes)} of ${combined.budget.label}** (${combined.percent.toFixed(0)} %, ${levelWord(combined.level)})`,
      );
    this.main.tooltip = md;
    this.main.command = commandLink(Commands.OpenChart, 'Open Memory Chart');
    this.main.show();
  }

  private disposeTargetItems(keep: Set<string>): void {
    for (const [id, item] of this.perTarget) {
      if (keep.has(id)) continue;
      item.dispose();
      this.perTarget.delete(id);
    }
  }

  dispose(): void {
    this.main.dispose();
    this.disposeTargetItems(new Set());
    for (const d of this.subscriptions) d.dispose();
  }
}

function background(level: BudgetLevel | undefined): vscode.ThemeColor | undefined {
  if (level === 'critical' || level === 'over') return new vscode.ThemeColor('statusBarItem.errorBackground');
  if (level === 'warn') return new vscode.ThemeColor('statusBarItem.warningBackground');
  return undefined;
}

function tooltip(entry: WatchEntry, status: BudgetStatus | undefined, connected: boolean): vscode.MarkdownString {
  const facts = entry.watch.target.facts;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(
    `**${escape(entry.watch.name)}** — ${escape(entry.label)}${facts?.pid ? `, pid ${facts.pid}` : ''}${facts ? `, ${escape(facts.runtime)}` : ''}\n\n`,
  );
  if (!connected) md.appendMarkdown(`$(debug-disconnect) disconnected — reconnecting…\n\n`);
  if (!status) return md;
  const s = status.sample;
  const rows: Array<[string, string]> = [
    ['RSS', `${formatMB(s.rssBytes)} of ${status.budget.label} (${status.percent.toFixed(0)} %, ${levelWord(status.level)})`],
  ];
  if (s.childrenRssBytes) rows.push(['…of which children', formatMB(s.childrenRssBytes)]);
  if (s.heapUsedBytes !== undefined) {
    rows.push(['Heap used / total', `${formatMB(s.heapUsedBytes)} / ${formatMB(s.heapTotalBytes ?? 0)}`]);
    rows.push(['External', formatMB(s.externalBytes ?? 0)]);
    rows.push(['Array buffers', formatMB(s.arrayBuffersBytes ?? 0)]);
  }
  if (facts?.heapLimitBytes) rows.push(['V8 heap limit', formatMB(facts.heapLimitBytes)]);
  rows.push(['Growth', status.trend ? formatRate(status.trend.bytesPerHour) : 'collecting samples…']);
  rows.push(['Budget reached in', status.trend?.msToBudget !== undefined ? `≈ ${formatDuration(status.trend.msToBudget)}` : '—']);
  md.appendMarkdown(`| | |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`);
  const advice = heapCapLineFor(facts, status);
  if (advice) md.appendMarkdown(`$(lightbulb) ${escape(advice)}\n\n`);
  md.appendMarkdown(`${describeTrend(status.trend)} · click to open the chart`);
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
