import * as vscode from 'vscode';
import { HeapAnalysisClient } from '../../core/heap/heapAnalysisClient';
import type { InspectorSession } from '../../core/inspector/inspectorSession';
import { Commands, registerCommand, type SnapshotFileArg } from '../commands';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { readSettings } from '../settings';
import { AutoSnapshots } from './autoSnapshots';
import { HeapReportCommands } from './heapReportCommands';
import { notifyLeakSuspects } from './leakSuspectNotifier';
import { TakeSnapshotCommand } from './takeSnapshotCommand';

const SERIES_SETTINGS = ['autoSnapshots', 'autoSnapshotAt', 'autoSnapshotKeepSeries', 'autoSnapshotMaxTotalMB', 'logDirectory'];

/** The attached process, as the monitor knows it. */
export interface SnapshotTarget {
  /** The monitor's id for the target, so the snapshot lands on its chart and log. */
  readonly id: string;
  readonly session: InspectorSession;
  /** Shown in file names and messages, e.g. "leaky-bot (pid 4242)". */
  readonly label: string;
  readonly rssBytes?: number;
  readonly budgetBytes: number;
}

/** What the heap feature needs from the monitor (see monitorHeapDeps). */
export interface HeapFeatureDeps {
  /** The attached targets: automatic snapshot series follow each of them. */
  readonly watches: WatchSet;
  /** "leaky-bot (pid 4242)": snapshot file names and messages. */
  label(entry: WatchEntry): string;
  /** The extension's log: failures of automatic snapshots go there (and to the memory log). */
  readonly output: vscode.LogOutputChannel;
  /** The session snapshots are taken through (the given target's, else the first attached). */
  activeSession(targetId?: string): SnapshotTarget | undefined;
  /** Usually `<workspace>/.memory-budget/snapshots`. */
  snapshotsDir(): string;
  /** A snapshot was written: mark it on the chart, note it in the memory log. */
  onSnapshot(target: SnapshotTarget, file: string, bytes: number): void;
  /** A line for the target's memory log (the pre-capture budget warning goes here). */
  log(target: SnapshotTarget, line: string): void;
}

/**
 * Heap snapshots: "Take Heap Snapshot", "Compare Heap Snapshots…" and "Show Heap Snapshot
 * Summary", and the automatic series of `memoryBudget.autoSnapshots` with its LEAK SUSPECT
 * notification. Analysis runs in a worker thread (dist/workers/heapWorker.js) with a memory cap.
 */
export function registerHeapFeature(context: vscode.ExtensionContext, deps: HeapFeatureDeps): void {
  const client = new HeapAnalysisClient(context.asAbsolutePath('dist/workers/heapWorker.js'));
  const reports = new HeapReportCommands(context.extensionUri, client, deps);
  const take = new TakeSnapshotCommand(deps, reports);
  const series = new AutoSnapshots(deps.watches, client, deps, readSettings().snapshotSeries, deps.output);
  context.subscriptions.push(
    reports,
    series,
    notifyLeakSuspects(deps.watches, series, reports),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (SERIES_SETTINGS.some((key) => e.affectsConfiguration(`memoryBudget.${key}`))) series.apply(readSettings().snapshotSeries);
    }),
    registerCommand(Commands.TakeHeapSnapshot, (targetId) => take.run(targetId)),
    registerCommand(Commands.CompareHeapSnapshots, (clicked, selection) => reports.compare(snapshotUris([clicked, ...(selection ?? [])]))),
    registerCommand(Commands.ShowHeapSnapshotSummary, (file) => reports.summary(snapshotUris([file])[0])),
  );
}

/** The files named, once each (the Explorer passes the clicked file again in the selection). */
function snapshotUris(files: ReadonlyArray<SnapshotFileArg | undefined>): vscode.Uri[] {
  const uris = files
    .map((f) => (f instanceof vscode.Uri ? f : typeof f === 'string' ? vscode.Uri.file(f) : undefined))
    .filter((u): u is vscode.Uri => u !== undefined);
  return [...new Map(uris.map((u) => [u.toString(), u])).values()];
}
