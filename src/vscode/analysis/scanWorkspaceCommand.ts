import * as vscode from 'vscode';
import type { AnalysisWorkerClient } from '../../core/analysis/analysisWorkerClient';
import type { RuleId } from '../../core/analysis/model';
import type { AnalysisDiagnostics } from './diagnostics';
import type { DocumentAnalyzer } from './documentAnalyzer';
import { toDiagnostic } from './convert';
import { executeCommand, ForeignCommands } from '../commands';
import { RULE_SETTINGS, readSettings } from '../settings';

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
        const settings = readSettings(folder.uri.fsPath).analysis;
        const excludes = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, boolean>>('exclude') ?? {};
        let reported = 0;
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        const scan = await worker
          .scan(
            {
              root: folder.uri.fsPath,
              excludeGlobs: Object.entries(excludes)
                .filter(([, on]) => on)
                .map(([glob]) => glob),
              thresholds: settings.thresholds,
              disabledRules: (Object.keys(RULE_SETTINGS) as RuleId[]).filter((r) => !settings.isRuleEnabled(r)),
              measure: settings.measureImports && vscode.workspace.isTrusted,
              nodePath: settings.nodePath,
              pythonPath: settings.pythonPath,
              cacheFile: analyzer.costCacheFile,
            },
            {
              signal: abort.signal,
              onProgress: (done, total) => {
                const pct = total ? Math.floor((done / total) * 100) : 0;
                if (pct > reported) {
                  progress.report({ increment: pct - reported, message: `${folder.name}: ${done}/${total} files` });
                  reported = pct;
                }
              },
            },
          )
          .finally(() => cancel.dispose());
        files += scan.files;
        const byFile = new Map<string, vscode.Diagnostic[]>();
        for (const { file, finding } of scan.findings) {
          if (finding.kind === 'heavy-import') imports++;
          else queries++;
          const list = byFile.get(file) ?? [];
          list.push(toDiagnostic(finding));
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
  const summary = `${totals.files} files: ${totals.imports} heavy startup import(s), ${totals.queries} unbounded query(ies)${totals.cancelled ? ' (cancelled)' : ''}.`;
  const choice = await vscode.window.showInformationMessage(`Memory Budget: ${summary}`, 'Show Problems');
  if (choice === 'Show Problems') await executeCommand(ForeignCommands.ShowProblems);
}
