import * as vscode from 'vscode';
import type { BudgetEvent } from '../../core/budget/budgetEvents';
import { isEscalation } from '../../core/budget/budgetTracker';
import { describeEvent } from '../../core/budget/display';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { Commands, executeCommand } from '../commands';
import { onWatchSet } from '../watchEvents';

const OPEN_CHART = 'Open Chart';
const TAKE_SNAPSHOT = 'Take Heap Snapshot';

/**
 * One non-modal notification per crossing into critical or over (the tracker's hysteresis
 * keeps a series on the line from crossing again and again), with the two things to do next.
 */
export class BudgetNotifier implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(watches: WatchSet) {
    this.subscription = onWatchSet(watches, 'event', (entry, event) => void this.notify(entry, event));
  }

  private async notify(entry: WatchEntry, event: BudgetEvent): Promise<void> {
    const critical = event.type === 'level' && isEscalation(event) && (event.to === 'critical' || event.to === 'over');
    if (!critical && event.type !== 'leak') return;
    const text = `Memory Budget: ${entry.watch.name} — ${describeEvent(event)}`;
    const actions = entry.watch.target.facts?.hasInspector ? [OPEN_CHART, TAKE_SNAPSHOT] : [OPEN_CHART];
    const show = event.type === 'level' && event.to === 'over' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(text, ...actions);
    if (choice === OPEN_CHART) await executeCommand(Commands.OpenChart, entry.id);
    if (choice === TAKE_SNAPSHOT) await executeCommand(Commands.TakeHeapSnapshot, entry.id);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
