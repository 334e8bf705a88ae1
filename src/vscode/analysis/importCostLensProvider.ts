import * as vscode from 'vscode';
import { importDetails, lensTitle } from '../../core/analysis/display';
import type { HeavyImportFinding } from '../../core/analysis/model';
import { commandLink, Commands } from '../commands';
import type { DocumentAnalyzer } from './documentAnalyzer';
import { toRange, toWorkspaceEdit } from './convert';

/**
 * A lens above every startup import of a heavy package: what the line adds, and why —
 * `⚠ openai: lazy-load candidate · … · saves 25 MB`, `express · needed at load · …`,
 * `sqlalchemy already loaded by app/db.py:3 · 0 MB more`.
 */
export class ImportCostLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly analyzer: DocumentAnalyzer) {
    this.subscription = analyzer.onDidAnalyse(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const result = this.analyzer.findingsFor(document.uri);
    if (!result || result.version !== document.version) return [];
    const tooltip = 'Memory Budget: show the cost and the fix';
    if (result.provisional) {
      return result.provisional.map((p) => new vscode.CodeLens(toRange(p.range), { title: p.title, command: '', tooltip }));
    }
    return result.findings
      .filter((f): f is HeavyImportFinding => f.kind === 'heavy-import')
      .map(
        (f) =>
          new vscode.CodeLens(toRange(f.range), {
            ...commandLink(Commands.ShowImportCost, lensTitle(f), document.uri, f.range.start.line),
            tooltip,
          }),
      );
  }

  /** The lens click: details, and the fix (lazy-load or removal) when there is one. */
  async showDetails(uri: vscode.Uri, line: number): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    const result = this.analyzer.findingsFor(uri);
    const finding = result?.findings.find((f): f is HeavyImportFinding => f.kind === 'heavy-import' && f.range.start.line === line);
    if (!result || !finding) return;
    const fix = finding.fixes[0];
    const actions = fix && result.version === document.version ? ['Apply fix'] : [];
    const choice = await vscode.window.showInformationMessage(
      `${finding.startupImport.module}: ${lensTitle(finding)}`,
      { modal: true, detail: importDetails(finding, result.notes[finding.startupImport.module]) },
      ...actions,
    );
    if (choice === 'Apply fix' && fix) await vscode.workspace.applyEdit(toWorkspaceEdit(document, fix));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
