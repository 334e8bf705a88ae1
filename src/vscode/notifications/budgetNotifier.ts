import * as vscode from 'vscode';
import type { BudgetEvent } from '../../core/budget/budgetEvents';
import { isEscalation } from '../../core/budget/budgetTracker';
import { describeEvent } from '../../core/budget/display';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';

const OPEN_CHART = 'Open Chart';
const TAKE_SNAPSHOT = 'Take Heap Snapshot';

/**
 * One non-modal notification per crossing into critical or over (the tracker's hysteresis
 * keeps a series on the line from crossing again and again), with the two things to do next.
 */
export class BudgetNotifier implements vscode.Disposable {
  private readonly onEvent = (entry: WatchEntry, event: BudgetEvent) => void this.notify(entry, event);

  constructor(private readonly watches: WatchSet) {
    watches.on('event', this.onEvent);
  }

  private async notify(entry: WatchEntry, event: BudgetEvent): Promise<void> {
    const critical = event.type === 'level' && isEscalation(event) && (event.to === 'critical' || event.to === 'over');
    if (!critical && event.type !== 'leak') return;
    const text = `Memory Budget: ${entry.watch.name} — ${describeEvent(event)}`;
    const actions = [OPEN_CHART];
    if ((await vscode.commands.getCommands(true)).includes('memoryBudget.takeHeapSnapshot')) actions.push(TAKE_SNAPSHOT);
    const show = event.type === 'level' && event.to === 'over' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(text, ...actions);
    if (choice === OPEN_CHART) await vscode.commands.executeCommand('memoryBudget.openChart', entry.id);
    if (choice === TAKE_SNAPSHOT) await vscode.commands.executeCommand('memoryBudget.takeHeapSnapshot', entry.id);
  }

  dispose(): void {
    this.watches.off('event', this.onEvent);
  }
}
