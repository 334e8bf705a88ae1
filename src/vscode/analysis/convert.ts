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

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, vscode.DiagnosticSeverity.Warning);
  d.source = 'Memory Budget';
  d.code = f.rule;
  return d;
}
