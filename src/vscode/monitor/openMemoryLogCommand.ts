import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { LOG_FILE } from '../../core/budget/memoryLog';
import { Commands, registerCommand } from '../commands';

/** "Open Memory Log": the memory_debug.log of this workspace (it outlives crashes). */
export function registerOpenMemoryLogCommand(directory: () => string): vscode.Disposable {
  return registerCommand(Commands.OpenMemoryLog, async () => {
    const file = path.join(directory(), LOG_FILE);
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
