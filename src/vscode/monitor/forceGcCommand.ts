import * as vscode from 'vscode';
import { formatMB1 } from '../../core/budget/display';
import type { WatchSet } from '../../core/watch/watchSet';
import { Commands, registerCommand } from '../commands';

/** "Force Garbage Collection": what a full GC frees was garbage; what stays is live. */
export function registerForceGcCommand(watches: WatchSet): vscode.Disposable {
  return registerCommand(Commands.ForceGc, async (targetId) => {
    const entry = targetId !== undefined ? watches.get(targetId) : watches.all[0];
    if (!entry) {
      void vscode.window.showInformationMessage('Memory Budget: nothing is attached.');
      return undefined;
    }
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Forcing GC in ${entry.watch.name}` },
        () => entry.watch.forceGc(),
      );
      void vscode.window.showInformationMessage(
        `Memory Budget: a forced GC freed ${formatMB1(result.freedHeapBytes)} of heap in ${entry.watch.name} (RSS now ${formatMB1(result.after.rssBytes)}).`,
      );
      return result;
    } catch (err) {
      void vscode.window.showErrorMessage(`Memory Budget: force GC failed: ${(err as Error).message}`);
      return undefined;
    }
  });
}
