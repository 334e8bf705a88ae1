import * as vscode from 'vscode';
import type { BudgetStatus } from './core/budget/budgetTracker';
import { WatchSet, type WatchEntry } from './core/watch/watchSet';
import { registerAnalysisFeature } from './vscode/analysis/registerAnalysisFeature';
import { monitorSnapshotDeps } from './vscode/snapshots/monitorSnapshotDeps';
import { registerSnapshotFeature } from './vscode/snapshots/snapshotFeature';
import { AttachService } from './vscode/attach/attachService';
import { AutoAttach } from './vscode/attach/autoAttach';
import { cdpProxyFor, JsDebugSessions } from './vscode/attach/jsDebugSessions';
import { ChartPanels } from './vscode/chart/chartPanel';
import { registerAttachCommands } from './vscode/commands/attach';
import { registerDetachCommand } from './vscode/commands/detach';
import { registerForceGcCommand } from './vscode/commands/forceGc';
import { registerOpenChartCommand } from './vscode/commands/openChart';
import { registerOpenMemoryLogCommand } from './vscode/commands/openMemoryLog';
import { registerOpenMemoryLogInChartCommand } from './vscode/commands/openMemoryLogInChart';
import { logDirectory } from './vscode/logLocation';
import { BudgetNotifier } from './vscode/notifications/budgetNotifier';
import { onSettingsChanged, readSettings, type MonitorSettings } from './vscode/settings';
import { MemoryStatusBar } from './vscode/statusBar/memoryStatusBar';

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

export function activate(context: vscode.ExtensionContext): MemoryBudgetApi {
  let settings = readSettings();
  const logDir = () => logDirectory(settings.logDirectory, context.globalStorageUri);
  const watchOptions = (s: MonitorSettings) => ({
    budget: s.budget,
    intervalMs: s.sampleIntervalMs,
    includeChildren: s.includeChildren,
    logDirectory: logDir(),
  });

  const output = vscode.window.createOutputChannel('Memory Budget', { log: true });
  const watches = new WatchSet(watchOptions(settings));
  const attachService = new AttachService(watches, output);
  const jsDebug = new JsDebugSessions();
  const charts = new ChartPanels(context.extensionUri, watches);
  const autoAttach = new AutoAttach(watches, attachService);
  autoAttach.configure(settings);

  context.subscriptions.push(
    output,
    jsDebug,
    charts,
    charts.register(),
    autoAttach,
    new MemoryStatusBar(watches),
    new BudgetNotifier(watches),
    ...registerAttachCommands(attachService, jsDebug),
    registerDetachCommand(watches),
    registerOpenChartCommand(charts),
    registerOpenMemoryLogCommand(logDir),
    registerOpenMemoryLogInChartCommand(context.extensionUri, logDir),
    registerForceGcCommand(watches),
    onSettingsChanged((next) => {
      settings = next;
      output.info(`settings changed: budget ${JSON.stringify(next.budget)}, interval ${next.sampleIntervalMs} ms`);
      watches.applyOptions(watchOptions(next));
      autoAttach.configure(next);
    }),
    { dispose: () => void watches.detachAll() },
  );
  const attachedContext = () => void vscode.commands.executeCommand('setContext', 'memoryBudget.attached', watches.all.length > 0);
  watches.on('added', attachedContext);
  watches.on('removed', attachedContext);
  registerAnalysisFeature(context);
  registerSnapshotFeature(context, monitorSnapshotDeps(watches, logDir));
  watches.on('sampleError', (entry, err) => output.warn(`${entry.label}: sample failed: ${err.message}`));
  watches.on('event', (entry, event) => output.info(`${entry.label}: ${event.type}`));

  const summary = (e: WatchEntry) => ({ id: e.id, label: e.label, name: e.watch.name });
  return {
    attach: async (target) => {
      const entry = await attachService.attachText(target);
      return entry ? { id: entry.id, name: entry.watch.name } : undefined;
    },
    attachDebugSession: async (session) => {
      const entry = await attachService.attach(await cdpProxyFor(session));
      return entry ? { id: entry.id, name: entry.watch.name } : undefined;
    },
    detach: (id) => watches.detach(id),
    status: (id) => watches.get(id)?.watch.status,
    targets: () => watches.all.map(summary),
    logDirectory: logDir,
  };
}

export function deactivate(): void {}
