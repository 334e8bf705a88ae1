import * as vscode from 'vscode';
import { HeapAnalysisClient } from '../../core/heap/heapAnalysisClient';
import type { InspectorSession } from '../../core/inspector/inspectorSession';
import { SnapshotAnalysisCommands } from './analysisCommands';
import { TakeSnapshotCommand } from './takeSnapshotCommand';

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

/** What the snapshot feature needs from the monitor; extension.ts passes it in. */
export interface SnapshotFeatureDeps {
  /** The session snapshots are taken through (the given target's, else the first attached). */
  activeSession(targetId?: string): SnapshotTarget | undefined;
  /** Usually `<workspace>/.memory-budget/snapshots`. */
  snapshotsDir(): string;
  /** A snapshot was written: mark it on the chart, note it in the memory log. */
  onSnapshot(target: SnapshotTarget, file: string, bytes: number): void;
  /** A line for the target's memory log (the pre-capture budget warning goes here). */
  log(target: SnapshotTarget, line: string): void;
}

export const COMMANDS = {
  take: 'memoryBudget.takeHeapSnapshot',
  compare: 'memoryBudget.compareHeapSnapshots',
  summary: 'memoryBudget.showHeapSnapshotSummary',
} as const;

/**
 * Registers "Take Heap Snapshot", "Compare Heap Snapshots…" and "Show Heap Snapshot Summary".
 * Analysis runs in a worker thread (dist/workers/heapWorker.js) with a memory cap.
 */
export function registerSnapshotFeature(context: vscode.ExtensionContext, deps: SnapshotFeatureDeps): vscode.Disposable {
  const client = new HeapAnalysisClient(context.asAbsolutePath('dist/workers/heapWorker.js'));
  const analysis = new SnapshotAnalysisCommands(context.extensionUri, client, deps);
  const take = new TakeSnapshotCommand(deps, analysis);
  const disposables = [
    analysis,
    vscode.commands.registerCommand(COMMANDS.take, (targetId?: unknown) => take.run(typeof targetId === 'string' ? targetId : undefined)),
    vscode.commands.registerCommand(COMMANDS.compare, (...uris: unknown[]) => analysis.compare(urisFrom(uris))),
    vscode.commands.registerCommand(COMMANDS.summary, (uri?: unknown) => analysis.summary(urisFrom([uri])[0])),
  ];
  context.subscriptions.push(...disposables);
  return vscode.Disposable.from(...disposables);
}

/** Explorer context menus pass (uri, selectedUris); code may pass file paths. */
function urisFrom(args: unknown[]): vscode.Uri[] {
  const flat = args.flat().filter((a) => a !== undefined);
  const uris = flat
    .map((a) => (a instanceof vscode.Uri ? a : typeof a === 'string' ? vscode.Uri.file(a) : undefined))
    .filter((u): u is vscode.Uri => !!u);
  return [...new Map(uris.map((u) => [u.toString(), u])).values()];
}
