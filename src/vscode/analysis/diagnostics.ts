import * as vscode from 'vscode';
import type { DocumentFindings } from './documentAnalyzer';
import { toDiagnostics } from './convert';

/** Problems-panel entries for heavy imports and unbounded queries (source "Memory Budget"). */
export class AnalysisDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('memoryBudget');

  show(result: DocumentFindings): void {
    // The import prelude alone judges nothing: keep what the last full analysis said until the next one.
    if (result.provisional) return;
    this.collection.set(result.uri, toDiagnostics(result.findings, result.uri));
  }

  setForFile(uri: vscode.Uri, diagnostics: vscode.Diagnostic[]): void {
    this.collection.set(uri, diagnostics);
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
