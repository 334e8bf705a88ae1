import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatMB } from '../../core/analysis/display';
import type { LedgerRow, ProcessLedger, StartupLedger } from '../../core/analysis/project/ledger';
import type { AnalysisWorkerClient } from '../../core/analysis/analysisWorkerClient';
import type { DocumentAnalyzer } from './documentAnalyzer';

// Not under `memoryBudget.`: VS Code derives commands (`<view>.focus`…) from a view's id, and
// the extension's own command ids are exactly those package.json contributes.
export const STARTUP_LEDGER_VIEW = 'memoryBudgetStartupLedger';

type Node =
  | { kind: 'process'; folder: string; ledger: StartupLedger; process: ProcessLedger }
  | { kind: 'row'; folder: string; row: LedgerRow }
  | { kind: 'summary'; text: string; tooltip?: string }
  | { kind: 'note'; text: string };

const STATE_TEXT: Record<LedgerRow['state'], string> = {
  candidate: 'lazy-load candidate',
  unused: 'unused: remove it',
  needed: 'needed at load',
  'unknown-cost': 'cost unknown (not measured)',
};

/**
 * The startup ledger in the Explorer: per process, every package it loads when it starts,
 * its cost, the total against the budget and what the lazy-load candidates would save.
 * "Memory Budget: Show Startup Ledger" computes it (in the analysis worker) and reveals it.
 */
export class StartupLedgerView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private ledgers: Array<{ folder: string; ledger: StartupLedger }> = [];
  private note = '';

  constructor(
    private readonly analyzer: DocumentAnalyzer,
    private readonly worker: AnalysisWorkerClient,
  ) {}

  async refresh(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      this.note = 'Open a folder to see what its processes load at startup.';
      this.ledgers = [];
      this.changed.fire(undefined);
      return;
    }
    await vscode.window.withProgress(
      { location: { viewId: STARTUP_LEDGER_VIEW }, title: 'Memory Budget: reading the startup import graph' },
      async () => {
        try {
          this.ledgers = await Promise.all(
            folders.map(async (f) => ({
              folder: f.uri.fsPath,
              ledger: (await this.worker.ledger(this.analyzer.paramsFor(f.uri.fsPath))).ledger,
            })),
          );
          this.note = '';
        } catch (err) {
          this.ledgers = [];
          this.note = `Could not build the ledger: ${err instanceof Error ? err.message : String(err)}`;
        }
      },
    );
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'process': {
        const p = node.process;
        const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `≈ ${formatMB(p.totalHeapMB)} MB heap of ${node.ledger.budgetMB} MB`;
        item.tooltip = `${p.source}\n${p.files} project file(s) loaded at startup\nRSS up to ${formatMB(p.totalRssMB)} MB (RSS deltas overlap)`;
        item.iconPath = new vscode.ThemeIcon('server-process');
        return item;
      }
      case 'row': {
        const r = node.row;
        const item = new vscode.TreeItem(r.packageName, vscode.TreeItemCollapsibleState.None);
        const cost = r.heapMB === undefined ? '' : `${formatMB(r.heapMB)} MB · ${r.label} · `;
        item.description = `${cost}${STATE_TEXT[r.state]}`;
        item.tooltip = `First loaded at ${r.file}:${r.line}${r.sites > 1 ? ` (${r.sites} imports)` : ''}${r.neededBy ? `\nNeeded at load: ${r.neededBy}` : ''}`;
        const warn = r.heavy && (r.state === 'candidate' || r.state === 'unused');
        item.iconPath = new vscode.ThemeIcon(
          warn ? 'warning' : r.state === 'unknown-cost' ? 'question' : 'package',
          warn ? new vscode.ThemeColor('list.warningForeground') : undefined,
        );
        item.command = {
          command: 'vscode.open',
          title: 'Open the import',
          arguments: [vscode.Uri.file(join(node.folder, r.file)), { selection: new vscode.Range(r.line - 1, 0, r.line - 1, 0) }],
        };
        return item;
      }
      case 'summary': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('lightbulb');
        item.tooltip = node.tooltip;
        return item;
      }
      default:
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      if (this.note) return [{ kind: 'note', text: this.note }];
      const out: Node[] = [];
      for (const { folder, ledger } of this.ledgers) {
        if (ledger.mode === 'per-file')
          out.push({ kind: 'note', text: 'No entry point found: no startup ledger (each file is judged on its own).' });
        for (const process of ledger.processes) out.push({ kind: 'process', folder, ledger, process });
      }
      return out;
    }
    if (node.kind !== 'process') return [];
    return [
      {
        kind: 'summary',
        text: node.process.summary,
        tooltip: `${node.ledger.notStartupFiles} file(s) are loaded by no entry point at startup`,
      },
      ...node.process.rows.map((row): Node => ({ kind: 'row', folder: node.folder, row })),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
