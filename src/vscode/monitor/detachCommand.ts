import * as vscode from 'vscode';
import type { WatchSet } from '../../core/watch/watchSet';
import { Commands, registerCommand } from '../commands';

/** "Detach": the given target, the only one, or a pick among several (with "all"). */
export function registerDetachCommand(watches: WatchSet): vscode.Disposable {
  return registerCommand(Commands.Detach, async (targetId) => {
    const entries = watches.all;
    if (targetId !== undefined) return watches.detach(targetId);
    if (entries.length === 0) {
      void vscode.window.showInformationMessage('Memory Budget: nothing is attached.');
      return;
    }
    if (entries.length === 1) return watches.detach(entries[0].id);
    const all = { label: '$(close-all) Detach all', id: undefined as string | undefined };
    const pick = await vscode.window.showQuickPick(
      [all, ...entries.map((e) => ({ label: e.watch.name, description: e.label, id: e.id as string | undefined }))],
      { title: 'Detach Memory Budget from…' },
    );
    if (!pick) return;
    if (pick.id === undefined) await watches.detachAll();
    else await watches.detach(pick.id);
  });
}
