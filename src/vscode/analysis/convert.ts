import * as vscode from 'vscode';
import type { Finding, Fix, SourceRange } from '../../core/analysis/model';

/** Core positions and edits → VS Code's. */

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

export function toWorkspaceEdit(document: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.startOffset), document.positionAt(e.endOffset)), e.newText);
  }
  return edit;
}

/**
 * A Problems-panel entry, or none: a heavy import the app needs at load (its framework, its
 * ORM) is information for the lens and the ledger, not a problem, so it gets no squiggle.
 */
export function toDiagnostic(f: Finding, uri: vscode.Uri): vscode.Diagnostic | undefined {
  if (f.kind === 'heavy-import' && f.verdict.severity !== 'warning') return undefined;
  const d = new vscode.Diagnostic(toRange(f.range), f.message, vscode.DiagnosticSeverity.Warning);
  d.source = 'Memory Budget';
  d.code = f.rule;
  if (f.kind === 'unbounded-query' && f.related.length > 0) {
    d.relatedInformation = f.related.map(
      (r) =>
        new vscode.DiagnosticRelatedInformation(new vscode.Location(r.file ? vscode.Uri.file(r.file) : uri, toRange(r.range)), r.message),
    );
  }
  return d;
}

export function toDiagnostics(findings: readonly Finding[], uri: vscode.Uri): vscode.Diagnostic[] {
  return findings.map((f) => toDiagnostic(f, uri)).filter((d): d is vscode.Diagnostic => d !== undefined);
}
