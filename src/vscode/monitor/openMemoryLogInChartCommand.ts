import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { MemoryLogChart } from '../chart/memoryLogChart';
import { Commands, registerCommand } from '../commands';

/**
 * `memoryBudget.openMemoryLogInChart`: a memory_debug.jsonl in the chart — the file clicked in the
 * Explorer, else the JSONL open in the editor, else one picked from a dialog (starting in the log folder).
 */
export function registerOpenMemoryLogInChartCommand(extensionUri: vscode.Uri, logDirectory: () => string): vscode.Disposable {
  const charts = new Set<MemoryLogChart>();
  const command = registerCommand(Commands.OpenMemoryLogInChart, async (clicked) => {
    const file = clicked instanceof vscode.Uri ? clicked : await chooseFile(logDirectory());
    if (!file) return;
    const chart = await MemoryLogChart.open(extensionUri, file);
    if (chart) charts.add(chart);
  });
  return { dispose: () => [command, ...charts].forEach((d) => d.dispose()) };
}

async function chooseFile(directory: string): Promise<vscode.Uri | undefined> {
  // The JSONL in front: the active editor, or the active tab (a large file may have no text editor).
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const active = vscode.window.activeTextEditor?.document.uri ?? (tab instanceof vscode.TabInputText ? tab.uri : undefined);
  if (active && /\.jsonl$/i.test(active.path)) return active;
  const picked = await vscode.window.showOpenDialog({
    title: 'Open Memory Log in Chart',
    openLabel: 'Open in Chart',
    canSelectMany: false,
    defaultUri: existsSync(directory) ? vscode.Uri.file(directory) : vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'Memory log (JSONL)': ['jsonl'], 'All files': ['*'] },
  });
  return picked?.[0];
}
