// Every command this extension registers or runs, with its arguments and result. Register and
// run commands only through the functions below: a wrong id or argument is a compile error, and
// `contributes.commands` in package.json lists exactly the `Commands` (an extension-host test
// checks both ways).
import * as vscode from 'vscode';
import type { ForcedGcResult } from '../core/watch/memoryWatch';
import type { WatchEntry } from '../core/watch/watchSet';

/** This extension's commands: each is contributed in package.json. */
export enum Commands {
  Attach = 'memoryBudget.attach',
  AttachMany = 'memoryBudget.attachMany',
  Detach = 'memoryBudget.detach',
  OpenChart = 'memoryBudget.openChart',
  OpenMemoryLog = 'memoryBudget.openMemoryLog',
  OpenMemoryLogInChart = 'memoryBudget.openMemoryLogInChart',
  ForceGc = 'memoryBudget.forceGc',
  ScanWorkspace = 'memoryBudget.scanWorkspace',
  ShowImportCost = 'memoryBudget.showImportCost',
  ShowStartupLedger = 'memoryBudget.showStartupLedger',
  TakeHeapSnapshot = 'memoryBudget.takeHeapSnapshot',
  CompareHeapSnapshots = 'memoryBudget.compareHeapSnapshots',
  ShowHeapSnapshotSummary = 'memoryBudget.showHeapSnapshotSummary',
  StartAllocationSampling = 'memoryBudget.startAllocationSampling',
  StopAllocationSampling = 'memoryBudget.stopAllocationSampling',
  OpenAllocationSite = 'memoryBudget.openAllocationSite',
}

/** Commands of VS Code and of other extensions that this one runs. */
export enum ForeignCommands {
  SetContext = 'setContext',
  ShowProblems = 'workbench.actions.view.problems',
  /** js-debug: a WebSocket that speaks CDP to a debug session's target. */
  RequestCdpProxy = 'extension.js-debug.requestCDPProxy',
  /** VS Code's own command for the "Allocations by Line" view (its id has no dot, so it is not one of ours). */
  FocusAllocationsView = 'memoryBudgetAllocations.focus',
}

/** Context keys this extension sets (used in package.json `when` clauses). */
export enum ContextKeys {
  Attached = 'memoryBudget.attached',
  AllocationSampling = 'memoryBudget.allocationSampling',
}

/** Where an allocating function starts, as the lens and the tree pass it (see core/allocations). */
export interface AllocationSiteArg {
  readonly url: string;
  readonly file: string | null;
  readonly line: number;
  readonly column: number;
}

/** A heap snapshot file: an Explorer selection passes a Uri, code may pass a path. */
export type SnapshotFileArg = vscode.Uri | string;

export interface CommandTypes {
  /** With a target (`127.0.0.1:9229`, `ws://…`, `pid:123`) it attaches without asking. */
  [Commands.Attach](target?: string): WatchEntry[];
  [Commands.AttachMany](): WatchEntry[];
  [Commands.Detach](targetId?: string): void;
  [Commands.OpenChart](targetId?: string): void;
  [Commands.OpenMemoryLog](): void;
  /** The Explorer's context menu and the editor title pass the JSONL; without it, the active one or a dialog. */
  [Commands.OpenMemoryLogInChart](file?: vscode.Uri): void;
  [Commands.ForceGc](targetId?: string): ForcedGcResult | undefined;
  [Commands.ScanWorkspace](): void;
  /** The code lens's click: the import on `line` (0-based) of `uri`. */
  [Commands.ShowImportCost](uri: vscode.Uri, line: number): void;
  /** Builds the startup ledger of every folder and reveals its view. */
  [Commands.ShowStartupLedger](): void;
  /** Resolves to the snapshot's path, or undefined when none was written. */
  [Commands.TakeHeapSnapshot](targetId?: string): string | undefined;
  /** The Explorer's context menu passes the clicked file and the whole selection. */
  [Commands.CompareHeapSnapshots](clicked?: SnapshotFileArg, selection?: readonly SnapshotFileArg[]): void;
  [Commands.ShowHeapSnapshotSummary](file?: SnapshotFileArg): void;
  /** With a target id it samples that target; without, the only one attached, or it asks. Resolves true once sampling runs. */
  [Commands.StartAllocationSampling](targetId?: string): boolean;
  [Commands.StopAllocationSampling](): void;
  [Commands.OpenAllocationSite](site: AllocationSiteArg): void;
  [ForeignCommands.SetContext](key: ContextKeys, value: boolean): void;
  [ForeignCommands.FocusAllocationsView](): void;
  [ForeignCommands.ShowProblems](): void;
  [ForeignCommands.RequestCdpProxy](sessionId: string): { host: string; port: number; path?: string } | undefined;
}

type Args<K extends keyof CommandTypes> = Parameters<CommandTypes[K]>;
type Result<K extends keyof CommandTypes> = ReturnType<CommandTypes[K]>;

export function registerCommand<K extends Commands>(
  id: K,
  handler: (...args: Args<K>) => Result<K> | Thenable<Result<K>>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown);
}

export function executeCommand<K extends keyof CommandTypes>(id: K, ...args: Args<K>): Thenable<Result<K>> {
  return vscode.commands.executeCommand<Result<K>>(id, ...args);
}

/** A command for a status bar item, code lens or message link. */
export function commandLink<K extends Commands>(id: K, title: string, ...args: Args<K>): vscode.Command {
  return { command: id, title, arguments: args };
}
