import * as vscode from 'vscode';
import type { DocumentAnalyzer } from './documentAnalyzer';
import { toRange, toWorkspaceEdit } from './convert';

/** Quick fixes: add a bound, stream with an iterator/cursor, load an import lazily. */
export class AnalysisCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly analyzer: DocumentAnalyzer) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const result = this.analyzer.findingsFor(document.uri);
    // Fix offsets belong to the analysed text: never apply them to a newer version.
    if (!result || result.version !== document.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const finding of result.findings) {
      if (finding.fixes.length === 0) continue;
      const where = toRange(finding.range);
      if (!where.intersection(range) && !where.contains(range.start)) continue;
      const diagnostic = context.diagnostics.find((d) => d.source === 'Memory Budget' && d.code === finding.rule && d.range.isEqual(where));
      finding.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document, fix);
        if (diagnostic) action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}
