import * as vscode from 'vscode';
import { formatGrowth, formatLiveBytes, samplingStatus, siteLabel } from '../../core/allocations/display';
import { treeRows } from '../../core/allocations/liveView';
import type { LocatedRow } from '../../core/allocations/sourceLocator';
import { commandLink, Commands } from '../commands';
import type { AllocationSampling } from './allocationSampling';

export const ALLOCATIONS_VIEW_ID = 'memoryBudgetAllocations';

/** "Allocations by Line": every allocating function, largest live bytes first; a click opens it. */
export class AllocationTree implements vscode.TreeDataProvider<LocatedRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<LocatedRow>;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly sampling: AllocationSampling) {
    this.view = vscode.window.createTreeView(ALLOCATIONS_VIEW_ID, { treeDataProvider: this });
    this.subscription = sampling.onDidChange(() => this.refresh());
  }

  getChildren(element?: LocatedRow): LocatedRow[] {
    const live = this.sampling.current;
    return element || !live ? [] : treeRows(live);
  }

  getTreeItem(row: LocatedRow): vscode.TreeItem {
    const item = new vscode.TreeItem(siteLabel(row), vscode.TreeItemCollapsibleState.None);
    item.description = `${formatLiveBytes(row.liveBytes)} live · ${formatGrowth(row.growthBytesPerHour)}`;
    item.tooltip = row.file ? `${row.file}:${row.line}:${row.column}` : `${row.url || '(native code)'} — not on this machine`;
    item.iconPath = new vscode.ThemeIcon(row.file ? 'symbol-function' : 'question');
    item.command = commandLink(Commands.OpenAllocationSite, 'Open', { url: row.url, file: row.file, line: row.line, column: row.column });
    return item;
  }

  private refresh(): void {
    const live = this.sampling.current;
    this.view.message = live
      ? samplingStatus({ target: live.targetName, intervalBytes: live.intervalBytes, time: live.time, detachedAt: live.detachedAt })
      : undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
