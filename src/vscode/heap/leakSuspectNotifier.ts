import * as vscode from 'vscode';
import { suspectText } from '../../core/series/display';
import type { WatchSet } from '../../core/watch/watchSet';
import { Commands, executeCommand } from '../commands';
import { onWatchSet } from '../watchEvents';
import type { AutoSnapshots } from './autoSnapshots';
import type { HeapReportCommands } from './heapReportCommands';

const OPEN_COMPARISON = 'Open Comparison';
const OPEN_LOG = 'Open Memory Log';

/** A notification per verdict of a snapshot series, with the comparison it came from one click away. */
export function notifyLeakSuspects(watches: WatchSet, series: AutoSnapshots, reports: HeapReportCommands): vscode.Disposable {
  return onWatchSet(watches, 'event', (entry, event) => {
    if (event.type !== 'leak-suspect') return;
    void vscode.window
      .showWarningMessage(`Memory Budget: 🔎 LEAK SUSPECT in ${entry.watch.name}: ${suspectText(event)}`, OPEN_COMPARISON, OPEN_LOG)
      .then((choice) => {
        if (choice === OPEN_LOG) return executeCommand(Commands.OpenMemoryLog);
        if (choice !== OPEN_COMPARISON) return;
        const diff = series.comparisonOf(event.files);
        if (diff) reports.showComparison(event.files, diff);
        else return reports.compare(event.files.map((f) => vscode.Uri.file(f)));
      });
  });
}
