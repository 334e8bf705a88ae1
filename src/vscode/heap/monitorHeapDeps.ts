import path from 'node:path';
import { InspectorSource } from '../../core/inspector/inspectorSource';
import type * as vscode from 'vscode';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import type { HeapFeatureDeps, SnapshotTarget } from './registerHeapFeature';

/** The heap feature's view of the monitor: which session to capture, where files go, what to log. */
export function monitorHeapDeps(watches: WatchSet, logDirectory: () => string, output: vscode.LogOutputChannel): HeapFeatureDeps {
  const entryOf = (target: SnapshotTarget) => watches.get(target.id);
  return {
    watches,
    output,
    label: targetLabel,
    activeSession(targetId?: string): SnapshotTarget | undefined {
      // Only targets whose inspector offers snapshots (asked of the protocol when attaching).
      const candidates = watches.all.filter(
        (e) => e.watch.target.source instanceof InspectorSource && e.watch.target.facts?.capabilities?.heapSnapshot,
      );
      const entry = candidates.find((e) => e.id === targetId) ?? candidates[0];
      const source = entry?.watch.target.source;
      if (!entry || !(source instanceof InspectorSource)) return undefined;
      return {
        id: entry.id,
        session: source.session,
        label: targetLabel(entry),
        rssBytes: entry.watch.status?.sample.rssBytes,
        budgetBytes: entry.watch.status?.budget.bytes ?? watches.budget().bytes,
      };
    },
    snapshotsDir: () => path.join(logDirectory(), 'snapshots'),
    onSnapshot(target, file, bytes) {
      entryOf(target)?.watch.publish({ type: 'snapshot', time: Date.now(), file: path.basename(file), bytes, rssBytes: target.rssBytes });
    },
    log(target, line) {
      entryOf(target)?.watch.publish({ type: 'note', time: Date.now(), text: line });
    },
  };
}

/** "leaky-bot (pid 4242)": the script without its extension, and the pid. */
function targetLabel(entry: WatchEntry): string {
  const pid = entry.watch.target.facts?.pid;
  return `${entry.watch.name.replace(/\.[cm]?[jt]s$/, '')}${pid ? ` (pid ${pid})` : ''}`;
}
