import * as vscode from 'vscode';
import { WatchSet, type WatchOptions } from '../../core/watch/watchSet';
import { AttachService } from '../attach/attachService';
import { AutoAttach } from '../attach/autoAttach';
import { JsDebugSessions } from '../attach/jsDebugSessions';
import { ChartPanel } from '../chart/chartPanel';
import { Commands, ContextKeys, executeCommand, ForeignCommands, registerCommand } from '../commands';
import { BudgetNotifier } from '../notifications/budgetNotifier';
import { onSettingsChanged, readSettings, type MonitorSettings } from '../settings';
import { MemoryStatusBar } from '../statusBar/memoryStatusBar';
import { onWatchSet, onWatchSetAny } from '../watchEvents';
import { registerAttachCommands } from './attachCommands';
import { registerDetachCommand } from './detachCommand';
import { registerForceGcCommand } from './forceGcCommand';
import { logDirectory } from './logLocation';
import { registerOpenMemoryLogCommand } from './openMemoryLogCommand';
import { registerOpenMemoryLogInChartCommand } from './openMemoryLogInChartCommand';

export interface MonitorFeatureDeps {
  readonly log: vscode.LogOutputChannel;
}

/** What the other features and the extension's API use of the monitor. */
export interface Monitor {
  readonly watches: WatchSet;
  readonly attachService: AttachService;
  /** The chart panel: other features add their buttons' state to it. */
  readonly chart: ChartPanel;
  /** Where memory_debug.log goes, following `memoryBudget.logDirectory` as it changes. */
  logDirectory(): string;
}

/**
 * The live monitor: attaching (by hand, automatically, through a debug session), the status
 * bar, the chart, budget notifications and the memory log. Everything it creates, listeners on
 * the watch set included, goes into `context.subscriptions`; attached targets are detached on
 * the way out.
 */
export function registerMonitorFeature(context: vscode.ExtensionContext, deps: MonitorFeatureDeps): Monitor {
  let settings = readSettings().monitor;
  const logDir = () => logDirectory(settings.logDirectory, context.globalStorageUri);
  const watchOptions = (s: MonitorSettings): WatchOptions => ({
    budget: s.budget,
    intervalMs: s.sampleIntervalMs,
    includeChildren: s.includeChildren,
    logDirectory: logDir(),
  });

  const watches = new WatchSet(watchOptions(settings));
  const attachService = new AttachService(watches, deps.log);
  const jsDebug = new JsDebugSessions();
  const chart = new ChartPanel(context.extensionUri, watches);
  const autoAttach = new AutoAttach(watches, attachService);
  autoAttach.configure(settings);
  const updateAttachedContext = () => void executeCommand(ForeignCommands.SetContext, ContextKeys.Attached, watches.all.length > 0);

  context.subscriptions.push(
    { dispose: () => void watches.detachAll() },
    jsDebug,
    chart,
    chart.registerSerializer(),
    autoAttach,
    new MemoryStatusBar(watches),
    new BudgetNotifier(watches),
    ...registerAttachCommands(attachService, jsDebug),
    registerDetachCommand(watches),
    registerCommand(Commands.OpenChart, (targetId) => chart.show(targetId)),
    registerOpenMemoryLogCommand(logDir),
    registerOpenMemoryLogInChartCommand(context.extensionUri, logDir),
    registerForceGcCommand(watches),
    ...onWatchSetAny(watches, ['added', 'removed'], updateAttachedContext),
    onWatchSet(watches, 'sampleError', (entry, err) => deps.log.warn(`${entry.label}: sample failed: ${err.message}`)),
    onWatchSet(watches, 'event', (entry, event) => deps.log.info(`${entry.label}: ${event.type}`)),
    onSettingsChanged((next) => {
      settings = next.monitor;
      deps.log.info(`settings changed: budget ${JSON.stringify(settings.budget)}, interval ${settings.sampleIntervalMs} ms`);
      watches.applyOptions(watchOptions(settings));
      autoAttach.configure(settings);
    }),
  );
  return { watches, attachService, chart, logDirectory: logDir };
}
