import path from 'node:path';
import * as vscode from 'vscode';

/**
 * Where memory_debug.log goes: `memoryBudget.logDirectory` (absolute, or relative to the first
 * workspace folder), else `.memory-budget/` in the workspace, else the extension's global storage.
 */
export function logDirectory(setting: string, globalStorage: vscode.Uri): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const base = folder?.scheme === 'file' ? folder.fsPath : undefined;
  if (setting.trim())
    return path.isAbsolute(setting) || !base ? path.resolve(base ?? globalStorage.fsPath, setting) : path.join(base, setting);
  return base ? path.join(base, '.memory-budget') : globalStorage.fsPath;
}
