import * as vscode from 'vscode';
import type { WatchEntry } from '../../core/watch/watchSet';
import type { AttachService } from '../attach/attachService';
import type { JsDebugSessions } from '../attach/jsDebugSessions';
import { pickTargets, resolveChoice } from '../attach/targetPicker';
import { Commands, registerCommand } from '../commands';
import { readSettings } from '../settings';

/**
 * "Attach Memory Budget Monitor" (one target) and "Attach to…" (several). With a target
 * argument (`127.0.0.1:9229`, `ws://…`, `pid:123`) it attaches without asking.
 */
export function registerAttachCommands(service: AttachService, jsDebug: JsDebugSessions): vscode.Disposable[] {
  const run = async (many: boolean, target?: string): Promise<WatchEntry[]> => {
    if (target !== undefined) {
      const entry = await service.attachText(String(target));
      return entry ? [entry] : [];
    }
    const choices = await pickTargets({ many, ports: readSettings().monitor.discoveryPorts, jsDebug });
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
  return [registerCommand(Commands.Attach, (target) => run(false, target)), registerCommand(Commands.AttachMany, () => run(true))];
}
