import * as vscode from 'vscode';
import type { AnalysisWorkerClient } from '../../core/analysis/analysisWorkerClient';
import type { AnalysisDiagnostics } from './diagnostics';
import type { DocumentAnalyzer } from './documentAnalyzer';
import { toDiagnostic } from './convert';
import { executeCommand, ForeignCommands } from '../commands';

/** "Memory Budget: Scan Workspace for Memory Risks": every folder, with progress and cancel. */
export async function scanWorkspace(
  analyzer: DocumentAnalyzer,
  diagnostics: AnalysisDiagnostics,
  worker: AnalysisWorkerClient,
): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('Memory Budget: open a folder to scan it.');
    return;
  }
  const totals = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Memory Budget: scanning for memory risks', cancellable: true },
    async (progress, token) => {
      let imports = 0;
      let queries = 0;
      let files = 0;
      for (const folder of folders) {
        if (token.isCancellationRequested) break;
        let reported = 0;
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        const scan = await worker
          .scan(analyzer.paramsFor(folder.uri.fsPath), {
            signal: abort.signal,
            onProgress: (done, total) => {
              const pct = total ? Math.floor((done / total) * 100) : 0;
              if (pct > reported) {
                progress.report({ increment: pct - reported, message: `${folder.name}: ${done}/${total} files` });
                reported = pct;
              }
            },
          })
          .finally(() => cancel.dispose());
        files += scan.files;
        const byFile = new Map<string, vscode.Diagnostic[]>();
        for (const { file, finding } of scan.findings) {
          const diagnostic = toDiagnostic(finding, vscode.Uri.file(file));
          if (!diagnostic) continue;
          if (finding.kind === 'heavy-import') imports++;
          else queries++;
          const list = byFile.get(file) ?? [];
          list.push(diagnostic);
          byFile.set(file, list);
        }
        for (const [file, list] of byFile) {
          const uri = vscode.Uri.file(file);
          // Open documents keep their live analysis (with quick fixes).
          if (!analyzer.findingsFor(uri)) diagnostics.setForFile(uri, list);
        }
      }
      return { imports, queries, files, cancelled: token.isCancellationRequested };
    },
  );
  const summary = `${totals.files} files: ${totals.imports} lazy-load candidate import(s), ${totals.queries} unbounded query(ies)${totals.cancelled ? ' (cancelled)' : ''}.`;
  const choice = await vscode.window.showInformationMessage(`Memory Budget: ${summary}`, 'Show Problems');
  if (choice === 'Show Problems') await executeCommand(ForeignCommands.ShowProblems);
}
