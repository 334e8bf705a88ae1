import * as vscode from 'vscode';
import { lensTitle } from '../../core/allocations/display';
import { rowsInFile } from '../../core/allocations/liveView';
import { ForeignCommands } from '../commands';
import type { AllocationSampling } from './allocationSampling';

/** `▲ 38 MB live · +12.0 MB/h` over each line where an allocating function starts. */
export class AllocationLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly sampling: AllocationSampling) {
    this.subscription = sampling.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const live = this.sampling.current;
    if (!live || document.uri.scheme !== 'file') return [];
    return rowsInFile(live, document.uri.fsPath)
      .filter(({ row }) => row.line - 1 < document.lineCount)
      .map(({ row }) => {
        const line = document.lineAt(row.line - 1);
        return new vscode.CodeLens(line.range, {
          title: lensTitle(row, live.detachedAt),
          command: ForeignCommands.FocusAllocationsView,
          tooltip: `${row.functionName}: sampled live bytes of ${live.targetName} allocated here — open "Allocations by Line"`,
        });
      });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
