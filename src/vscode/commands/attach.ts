import * as vscode from 'vscode';
import type { WatchEntry } from '../../core/watch/watchSet';
import type { AttachService } from '../attach/attachService';
import type { JsDebugSessions } from '../attach/jsDebugSessions';
import { pickTargets, resolveChoice } from '../attach/targetPicker';
import { readSettings } from '../settings';

/**
 * `memoryBudget.attach` (one target) and `memoryBudget.attachMany` ("Attach to…", several).
 * With a string argument (`127.0.0.1:9229`, `ws://…`, `pid:123`) it attaches without asking.
 */
export function registerAttachCommands(service: AttachService, jsDebug: JsDebugSessions): vscode.Disposable[] {
  const run = async (many: boolean, target?: unknown): Promise<WatchEntry[]> => {
    if (typeof target === 'string') {
      const entry = await service.attachText(target);
      return entry ? [entry] : [];
    }
    const choices = await pickTargets({ many, ports: readSettings().discoveryPorts, jsDebug });
    const attached: WatchEntry[] = [];
    for (const choice of choices) {
      try {
        const entry = await service.attach(await resolveChoice(choice));
        if (entry) attached.push(entry);
      } catch (err) {
        void vscode.window.showErrorMessage(`Memory Budget: cannot attach to ${choice.name}: ${(err as Error).message}`);
      }
    }
    return attached;
  };
  return [
    vscode.commands.registerCommand('memoryBudget.attach', (target?: unknown) => run(false, target)),
    vscode.commands.registerCommand('memoryBudget.attachMany', () => run(true)),
  ];
}
