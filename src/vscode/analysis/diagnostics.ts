import * as vscode from 'vscode';
import type { DocumentFindings } from './documentAnalyzer';
import { toDiagnostic } from './convert';

/** Problems-panel entries for heavy imports and unbounded queries (source "Memory Budget"). */
export class AnalysisDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('memoryBudget');

  show(result: DocumentFindings): void {
    this.collection.set(result.uri, result.findings.map(toDiagnostic));
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
