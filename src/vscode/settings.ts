import * as vscode from 'vscode';
import { DEFAULT_DISCOVERY_PORTS, parsePorts } from '../core/inspector/discovery';
import type { BudgetSettings } from '../core/budget/presets';

/** `memoryBudget.*` settings, typed, with the defaults package.json documents. */
export interface MonitorSettings {
  budget: BudgetSettings;
  sampleIntervalMs: number;
  discoveryPorts: number[];
  includeChildren: boolean;
  logDirectory: string;
  autoAttach: string[];
}

export const SECTION = 'memoryBudget';

export function readSettings(): MonitorSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const budgetMB = c.get<number>('budgetMB', 0);
  const ports = c.get<string>('discoveryPorts', '9229-9239');
  return {
    budget: {
      preset: c.get<string>('preset', 'auto'),
      budgetMB: budgetMB > 0 ? budgetMB : undefined,
      warnPercent: c.get<number>('warnPercent', 80),
      criticalPercent: c.get<number>('criticalPercent', 94),
    },
    sampleIntervalMs: Math.max(100, c.get<number>('sampleIntervalMs', 1000)),
    discoveryPorts: ports.trim() ? parsePorts(ports) : [...DEFAULT_DISCOVERY_PORTS],
    includeChildren: c.get<boolean>('includeChildren', true),
    logDirectory: c.get<string>('logDirectory', ''),
    autoAttach: c.get<string[]>('autoAttach', []),
  };
}

/** Calls `listener` with fresh settings whenever any `memoryBudget.*` setting changes. */
export function onSettingsChanged(listener: (settings: MonitorSettings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener(readSettings());
  });
}
