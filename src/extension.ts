import * as vscode from 'vscode';
import type { BudgetStatus } from './core/budget/budgetTracker';
import { registerAllocationFeature } from './vscode/allocations/registerAllocationFeature';
import { registerAnalysisFeature } from './vscode/analysis/registerAnalysisFeature';
import { cdpProxyFor } from './vscode/attach/jsDebugSessions';
import { monitorHeapDeps } from './vscode/heap/monitorHeapDeps';
import { registerHeapFeature } from './vscode/heap/registerHeapFeature';
import { registerMonitorFeature, type Monitor } from './vscode/monitor/registerMonitorFeature';

/** What other extensions and the extension-host tests can call. */
export interface MemoryBudgetApi {
  attach(target: string): Promise<{ id: string; name: string } | undefined>;
  /** Attaches through js-debug's CDP proxy to a running JavaScript debug session. */
  attachDebugSession(session: vscode.DebugSession): Promise<{ id: string; name: string } | undefined>;
  detach(id: string): Promise<void>;
  status(id: string): BudgetStatus | undefined;
  targets(): Array<{ id: string; label: string; name: string }>;
  logDirectory(): string;
}

/** Each feature registers itself and pushes what it creates into `context.subscriptions`. */
export function activate(context: vscode.ExtensionContext): MemoryBudgetApi {
  const log = vscode.window.createOutputChannel('Memory Budget', { log: true });
  context.subscriptions.push(log);
  const monitor = registerMonitorFeature(context, { log });
  registerHeapFeature(context, monitorHeapDeps(monitor.watches, monitor.logDirectory, log));
  registerAnalysisFeature(context, { log });
  registerAllocationFeature(context, { watches: monitor.watches, chart: monitor.chart, log });
  return api(monitor);
}

export function deactivate(): void {}

function api({ watches, attachService, logDirectory }: Monitor): MemoryBudgetApi {
  const attached = (entry: { id: string; watch: { name: string } } | undefined) =>
    entry ? { id: entry.id, name: entry.watch.name } : undefined;
  return {
    attach: async (target) => attached(await attachService.attachText(target)),
    attachDebugSession: async (session) => attached(await attachService.attach(await cdpProxyFor(session))),
    detach: (id) => watches.detach(id),
    status: (id) => watches.get(id)?.watch.status,
    targets: () => watches.all.map((e) => ({ id: e.id, label: e.label, name: e.watch.name })),
    logDirectory,
  };
}
