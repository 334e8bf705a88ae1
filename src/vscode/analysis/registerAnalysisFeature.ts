import { join } from 'node:path';
import * as vscode from 'vscode';
import { AnalysisWorkerClient } from '../../core/analysis/analysisWorkerClient';
import { AnalysisCodeActions } from './analysisCodeActions';
import { AnalysisDiagnostics } from './diagnostics';
import { DocumentAnalyzer } from './documentAnalyzer';
import { Commands, registerCommand } from '../commands';
import { ImportCostLensProvider } from './importCostLensProvider';
import { scanWorkspace } from './scanWorkspaceCommand';
import { STARTUP_LEDGER_VIEW, StartupLedgerView } from './startupLedgerView';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'typescriptreact' },
];
const DEBOUNCE_MS = 400;
const ANALYSIS_SETTINGS = ['heavyImportHeapMB', 'heavyImportMs', 'measureImports', 'nodePath', 'pythonPath', 'rules', 'budgetMB', 'preset'];

export interface AnalysisFeatureDeps {
  /** The extension's log: files the parser could not handle are noted there. */
  readonly log: vscode.LogOutputChannel;
}

/**
 * Static analysis in the editor: code lenses over heavy startup imports, diagnostics and quick
 * fixes for lazy-load candidates and unbounded queries, the startup ledger view, and the
 * workspace scan command. Call once from `activate`; everything it creates is disposed with
 * the extension.
 */
export function registerAnalysisFeature(context: vscode.ExtensionContext, deps: AnalysisFeatureDeps): void {
  const worker = new AnalysisWorkerClient(join(context.extensionPath, 'dist', 'workers', 'analysisWorker.js'));
  const analyzer = new DocumentAnalyzer(context.globalStorageUri, context.extensionPath, worker);
  const diagnostics = new AnalysisDiagnostics();
  const lenses = new ImportCostLensProvider(analyzer);
  const ledger = new StartupLedgerView(analyzer, worker);
  const timers = new Map<string, NodeJS.Timeout>();

  const analyse = (document: vscode.TextDocument): void => {
    if (vscode.languages.match(SELECTOR, document) === 0) return;
    analyzer.analyse(document).catch((err: unknown) => {
      // A file the parser cannot handle must not take anything else down.
      deps.log.error(`could not analyse ${document.fileName}: ${String(err)}`);
    });
  };
  const analyseSoon = (document: vscode.TextDocument): void => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        analyse(document);
      }, DEBOUNCE_MS),
    );
  };
  const reanalyseAll = (): void => vscode.workspace.textDocuments.forEach(analyse);

  context.subscriptions.push(
    analyzer,
    diagnostics,
    lenses,
    ledger,
    analyzer.onDidAnalyse((r) => diagnostics.show(r)),
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new AnalysisCodeActions(analyzer), {
      providedCodeActionKinds: AnalysisCodeActions.kinds,
    }),
    vscode.window.registerTreeDataProvider(STARTUP_LEDGER_VIEW, ledger),
    registerCommand(Commands.ShowImportCost, (uri, line) => lenses.showDetails(uri, line)),
    registerCommand(Commands.ScanWorkspace, () => scanWorkspace(analyzer, diagnostics, worker)),
    registerCommand(Commands.ShowStartupLedger, async () => {
      await vscode.commands.executeCommand(`${STARTUP_LEDGER_VIEW}.focus`);
      await ledger.refresh();
    }),
    vscode.workspace.onDidOpenTextDocument(analyse),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) analyseSoon(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      analyzer.forget(d.uri);
      diagnostics.clear(d.uri);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reanalyseAll),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Monitor settings change nothing here; only the analysis's own (and the budget the ledger uses) do.
      if (ANALYSIS_SETTINGS.some((key) => e.affectsConfiguration(`memoryBudget.${key}`))) reanalyseAll();
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    { dispose: () => worker.dispose() },
  );
  vscode.workspace.textDocuments.forEach(analyse);
}
