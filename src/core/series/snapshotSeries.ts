import { EventEmitter } from 'node:events';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LeakSuspectEvent } from '../budget/budgetEvents';
import { formatBytes } from '../heap/display';
import { captureHeapSnapshot, snapshotFileName, uniqueSnapshotPath } from '../heap/capture';
import type { HeapDiff } from '../heap/model';
import { InspectorSource } from '../inspector/inspectorSource';
import type { MemoryWatch, WatchUpdate } from '../watch/memoryWatch';
import { guardReason } from './display';
import {
  estimateCaptureCost,
  guardCapture,
  leakVerdict,
  newlyCrossed,
  seriesToPrune,
  topRows,
  type HeapComposition,
  type PreviousCapture,
  type SeriesOnDisk,
} from './model';

export interface SnapshotSeriesOptions {
  /** Percent of the budget, ascending (parseThresholds). */
  readonly thresholds: readonly number[];
  /** Each series gets a directory here, named by its start time. */
  readonly root: string;
  readonly keepSeries: number;
  readonly maxTotalBytes: number;
}

/** Compares 2 or 3 snapshots (in a worker thread: the caller's HeapAnalysisClient). */
export type CompareSnapshots = (files: string[]) => Promise<HeapDiff>;

export interface SnapshotSeriesEvents {
  /** A comparison named a suspect; the event is also in the memory log and the JSONL. */
  verdict: [LeakSuspectEvent, HeapDiff];
  /** A capture or comparison failed; the memory log has the line. */
  failed: [Error];
  /** Work for the current crossing is done (captured, skipped or failed): tests and the CLI wait on it. */
  settled: [];
}

/**
 * One watched target's budget-driven series: when RSS first crosses each threshold, a heap
 * snapshot is streamed to the series's directory through the watch's own inspector session (so
 * object ids match across the series), unless the capture guard says it would not fit. From two
 * snapshots on, the comparison runs and its verdict is published as a `leak-suspect` event. A new
 * inspector session (the target reconnected or restarted) starts a new series.
 */
export class SnapshotSeries extends EventEmitter<SnapshotSeriesEvents> {
  private source: InspectorSource | undefined;
  private dir: string | undefined;
  private readonly files: string[] = [];
  private readonly captured = new Set<number>();
  private previous: PreviousCapture | undefined;
  private busy = false;
  private disposed = false;
  private readonly onUpdate = (update: WatchUpdate) => void this.check(update);

  constructor(
    private readonly watch: MemoryWatch,
    private readonly label: string,
    private options: SnapshotSeriesOptions,
    private readonly compare: CompareSnapshots,
  ) {
    super();
    watch.on('update', this.onUpdate);
  }

  /** New thresholds or limits; thresholds already captured in this series stay captured. */
  setOptions(options: SnapshotSeriesOptions): void {
    this.options = options;
  }

  /** The snapshots of the current series, oldest first. */
  get snapshots(): readonly string[] {
    return this.files;
  }

  dispose(): void {
    this.disposed = true;
    this.watch.off('update', this.onUpdate);
  }

  private async check(update: WatchUpdate): Promise<void> {
    if (this.busy || this.disposed) return;
    const source = this.watch.target.source;
    if (!(source instanceof InspectorSource) || !source.facts.capabilities?.heapSnapshot) return;
    if (source !== this.source) this.restart(source);
    const crossed = newlyCrossed(update.status.percent, this.options.thresholds, this.captured);
    if (crossed.length === 0) return;
    for (const t of crossed) this.captured.add(t);
    this.busy = true;
    try {
      await this.captureAt(Math.max(...crossed), source, update);
    } catch (err) {
      const error = err as Error;
      this.note(`auto snapshot failed: ${error.message}`);
      this.emit('failed', error);
    } finally {
      this.busy = false;
      this.emit('settled');
    }
  }

  private restart(source: InspectorSource): void {
    this.source = source;
    this.dir = undefined;
    this.files.length = 0;
    this.captured.clear();
    this.previous = undefined;
  }

  private async captureAt(threshold: number, source: InspectorSource, update: WatchUpdate): Promise<void> {
    const { rssBytes } = update.status.sample;
    const budgetBytes = update.status.budget.bytes;
    const skip = (reason: string, estimateBytes: number) =>
      this.watch.publish({
        type: 'snapshot-skipped',
        time: Date.now(),
        thresholdPercent: threshold,
        rssBytes,
        estimateBytes,
        budgetBytes,
        reason,
      });
    const held = this.dir ? directoryBytes(this.dir) : 0;
    if (held >= this.options.maxTotalBytes) {
      return skip(`the series already holds ${formatBytes(held)}, its cap is ${formatBytes(this.options.maxTotalBytes)}`, 0);
    }
    const composition: HeapComposition = (await source.heapComposition().catch(() => undefined)) ?? {
      heapUsedBytes: update.status.sample.heapUsedBytes ?? 0,
      largeObjectBytes: 0,
    };
    const guard = guardCapture(rssBytes, budgetBytes, estimateCaptureCost(composition, this.previous));
    if (!guard.capture) return skip(guardReason(rssBytes, guard.estimateBytes, budgetBytes), guard.estimateBytes);

    this.dir ??= this.startSeriesDirectory();
    const file = uniqueSnapshotPath(this.dir, `${this.label}-at-${threshold}pct`);
    const result = await captureHeapSnapshot({ session: source.session, file });
    if (this.source !== source) return;
    this.files.push(result.file);
    const nodeCount = snapshotNodeCount(result.file);
    this.previous = nodeCount > 0 ? { nodeCount, composition } : undefined;
    this.watch.publish({ type: 'snapshot', time: Date.now(), file: path.basename(result.file), bytes: result.bytes, rssBytes });
    this.prune();
    if (this.files.length >= 2) await this.judge(this.files.slice(-3), source);
  }

  private async judge(files: string[], source: InspectorSource): Promise<void> {
    const diff = await this.compare(files);
    if (this.source !== source || this.disposed) return;
    const verdict = leakVerdict(diff);
    if (!verdict) {
      this.note(`auto snapshots compared (${files.length}): no class of the program grew`);
      return;
    }
    const event: LeakSuspectEvent = {
      type: 'leak-suspect',
      time: Date.now(),
      className: verdict.className,
      countDelta: verdict.countDelta,
      sizeDelta: verdict.sizeDelta,
      retainedSize: verdict.retainedSize,
      ...(verdict.retainerPath ? { retainerPath: verdict.retainerPath } : {}),
      ...(verdict.leakFinder ? { leakFinder: verdict.leakFinder } : {}),
      growingCollections: verdict.growingCollections.map(({ id: _id, ...c }) => c),
      files,
      rows: topRows(diff),
    };
    this.watch.publish(event);
    this.emit('verdict', event, diff);
  }

  /** `<root>/<time>-<label>/`, and old series pruned now that a new one starts. */
  private startSeriesDirectory(): string {
    const dir = path.join(this.options.root, snapshotFileName(this.label).replace(/\.heapsnapshot$/, ''));
    let unique = dir;
    for (let n = 2; existsDir(unique); n++) unique = `${dir}-${n}`;
    mkdirSync(unique, { recursive: true });
    return unique;
  }

  private prune(): void {
    const all = listSeries(this.options.root);
    for (const s of seriesToPrune(all, this.dir, this.options.keepSeries, this.options.maxTotalBytes)) {
      rmSync(s.dir, { recursive: true, force: true });
      this.note(`auto snapshots: removed the old series ${s.name} (${formatBytes(s.bytes)})`);
    }
  }

  private note(text: string): void {
    this.watch.publish({ type: 'note', time: Date.now(), text });
  }
}

function listSeries(root: string): SeriesOnDisk[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => ({ dir: path.join(root, d.name), name: d.name, bytes: directoryBytes(path.join(root, d.name)) }));
  } catch {
    return [];
  }
}

function directoryBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, name) => {
      try {
        return sum + statSync(path.join(dir, name)).size;
      } catch {
        return sum;
      }
    }, 0);
  } catch {
    return 0;
  }
}

function existsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The header's node_count (the first few KB of the file); 0 when it cannot be read. */
function snapshotNodeCount(file: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(8192);
    const n = readSync(fd, head, 0, head.length, 0);
    return Number(/"node_count":(\d+)/.exec(head.subarray(0, n).toString('latin1'))?.[1] ?? 0);
  } catch {
    return 0;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
