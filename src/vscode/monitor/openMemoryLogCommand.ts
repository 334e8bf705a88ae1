import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { LogFiles } from '../../core/budget/logFiles';
import { LOG_FILE } from '../../core/budget/memoryLog';
import { Commands, registerCommand } from '../commands';

/**
 * "Open Memory Log": the memory log this window writes (it outlives crashes) — memory_debug.log, or
 * memory_debug-<pid>.log when another window holds that one — else the workspace's memory_debug.log.
 */
export function registerOpenMemoryLogCommand(directory: () => string): vscode.Disposable {
  return registerCommand(Commands.OpenMemoryLog, async () => {
    const file = LogFiles.writtenIn(directory()) ?? path.join(directory(), LOG_FILE);
    if (!existsSync(file)) {
      void vscode.window.showInformationMessage(
        `Memory Budget: no memory log yet at ${file}. Attach to a target first; every session writes one.`,
      );
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    // The newest entries are at the end.
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    editor.revealRange(new vscode.Range(end, end));
    editor.selection = new vscode.Selection(end, end);
  });
}
