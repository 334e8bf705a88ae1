import * as vscode from 'vscode';
import type { ChartPanels } from '../chart/chartPanel';

export function registerOpenChartCommand(charts: ChartPanels): vscode.Disposable {
  return vscode.commands.registerCommand('memoryBudget.openChart', (targetId?: unknown) =>
    charts.show(typeof targetId === 'string' ? targetId : undefined),
  );
}
