import path from 'node:path';
import * as vscode from 'vscode';
import type { HeapAnalysisClient } from '../../core/heap/heapAnalysisClient';
import type { HeapDiff } from '../../core/heap/model';
import { SnapshotSeries } from '../../core/series/snapshotSeries';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import type { SnapshotSeriesSettings } from '../settings';
import { onWatchSet } from '../watchEvents';
import { REPORT_COMPARE_OPTIONS } from './heapReportCommands';

/** Comparisons kept for "Open Comparison": the latest few, by their files. */
const KEPT_COMPARISONS = 10;

export interface AutoSnapshotDeps {
  /** Usually `<workspace>/.memory-budget/snapshots`; series go in its `series/`. */
  snapshotsDir(): string;
  /** "leaky-bot (pid 4242)", as manual snapshots name their files. */
  label(entry: WatchEntry): string;
}

/**
 * `memoryBudget.autoSnapshots: series`: a SnapshotSeries on every attached target, comparing in the
 * heap worker with the options of the comparison panel, so "Open Comparison" shows the very result
 * the verdict came from.
 */
export class AutoSnapshots implements vscode.Disposable {
  private readonly series = new Map<string, SnapshotSeries>();
  private readonly comparisons = new Map<string, HeapDiff>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly watches: WatchSet,
    private readonly client: HeapAnalysisClient,
    private readonly deps: AutoSnapshotDeps,
    private settings: SnapshotSeriesSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      onWatchSet(watches, 'added', (entry) => this.follow(entry)),
      onWatchSet(watches, 'removed', (entry) => this.unfollow(entry.id)),
    ];
    this.apply(settings);
  }

  apply(settings: SnapshotSeriesSettings): void {
    this.settings = settings;
    if (settings.thresholdsProblem)
      void vscode.window.showWarningMessage(
        `Memory Budget: memoryBudget.autoSnapshotAt: ${settings.thresholdsProblem}; using ${settings.thresholds.join(', ')} %.`,
      );
    for (const entry of this.watches.all) {
      if (!settings.enabled) this.unfollow(entry.id);
      else if (this.series.has(entry.id)) this.series.get(entry.id)!.setOptions(this.options());
      else this.follow(entry);
    }
  }

  /** The comparison a verdict came from, while it is kept. */
  comparisonOf(files: readonly string[]): HeapDiff | undefined {
    return this.comparisons.get(files.join('\n'));
  }

  private follow(entry: WatchEntry): void {
    if (!this.settings.enabled || this.series.has(entry.id)) return;
    const series = new SnapshotSeries(entry.watch, this.deps.label(entry), this.options(), async (files) => {
      const diff = await this.client.compare({ files, options: REPORT_COMPARE_OPTIONS }).result;
      this.comparisons.set(files.join('\n'), diff);
      for (const key of [...this.comparisons.keys()].slice(0, -KEPT_COMPARISONS)) this.comparisons.delete(key);
      return diff;
    });
    series.on('failed', (err) => this.log.warn(`${entry.label}: automatic snapshot: ${err.message}`));
    this.series.set(entry.id, series);
  }

  private unfollow(id: string): void {
    this.series.get(id)?.dispose();
    this.series.delete(id);
  }

  private options() {
    return {
      thresholds: this.settings.thresholds,
      root: path.join(this.deps.snapshotsDir(), 'series'),
      keepSeries: this.settings.keepSeries,
      maxTotalBytes: this.settings.maxTotalBytes,
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const id of [...this.series.keys()]) this.unfollow(id);
  }
}
