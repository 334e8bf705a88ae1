import * as vscode from 'vscode';
import { captureHeapSnapshot, captureRiskWarning, CaptureError, uniqueSnapshotPath } from '../../core/heap/capture';
import { formatBytes } from '../../core/heap/display';
import { Commands, executeCommand } from '../commands';
import type { HeapReportCommands } from './heapReportCommands';
import type { HeapFeatureDeps } from './registerHeapFeature';

/** "Take Heap Snapshot": warn near the budget, stream to disk with a cancellable progress notification. */
export class TakeSnapshotCommand {
  private busy = false;

  constructor(
    private readonly deps: HeapFeatureDeps,
    private readonly reports: HeapReportCommands,
  ) {}

  async run(targetId?: string): Promise<string | undefined> {
    const target = this.deps.activeSession(targetId);
    if (!target) {
      const choice = await vscode.window.showWarningMessage('Memory Budget: attach to a process before taking a heap snapshot.', 'Attach…');
      if (choice) await executeCommand(Commands.Attach);
      return undefined;
    }
    if (this.busy) {
      void vscode.window.showInformationMessage('Memory Budget: a heap snapshot is already being taken.');
      return undefined;
    }
    const warning = captureRiskWarning(target.rssBytes, target.budgetBytes);
    if (warning) {
      this.deps.log(target, `⚠️ heap snapshot of ${target.label} requested near the budget: ${warning}`);
      const go = await vscode.window.showWarningMessage(warning, { modal: true }, 'Take Snapshot Anyway');
      if (go !== 'Take Snapshot Anyway') {
        this.deps.log(target, `heap snapshot of ${target.label} not taken (declined near the budget)`);
        return undefined;
      }
    }
    const file = uniqueSnapshotPath(this.deps.snapshotsDir(), target.label);
    this.busy = true;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Heap snapshot of ${target.label}`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          return captureHeapSnapshot({
            session: target.session,
            file,
            signal: abort.signal,
            onProgress: (done, total) => {
              const percent = total > 0 ? Math.min(100, (done / total) * 100) : 0;
              progress.report({ increment: percent - reported, message: `walking the heap ${percent.toFixed(0)} %` });
              reported = percent;
            },
            onBytes: (bytes) => progress.report({ message: `${formatBytes(bytes)} written` }),
          });
        },
      );
      this.deps.onSnapshot(target, result.file, result.bytes);
      void vscode.window
        .showInformationMessage(`Heap snapshot saved (${formatBytes(result.bytes)}).`, 'Show Summary', 'Compare…')
        .then((choice) => {
          if (choice === 'Show Summary') void this.reports.summary(vscode.Uri.file(result.file));
          if (choice === 'Compare…') void this.reports.compare([]);
        });
      return result.file;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.log(target, `heap snapshot of ${target.label} failed: ${message}`);
      if (err instanceof CaptureError && err.reason === 'cancelled') void vscode.window.showInformationMessage(`Memory Budget: ${message}`);
      else void vscode.window.showErrorMessage(`Memory Budget: ${message}`);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
