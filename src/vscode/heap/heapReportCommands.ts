import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../core/heap/display';
import { HeapAnalysisError, type HeapAnalysisClient, type RunningAnalysis } from '../../core/heap/heapAnalysisClient';
import type { AnalysisProgress, HeapDiff } from '../../core/heap/model';
import { HeapReportPanel } from './heapReportPanel';
import type { HeapFeatureDeps } from './registerHeapFeature';

const BROWSE = 'Browse…';

/** What a comparison panel shows: enough rows and objects to browse, not the whole heap. */
export const REPORT_COMPARE_OPTIONS = { top: 300, detailRows: 30, objectsPerClass: 10 };

/** "Compare Heap Snapshots…" and "Show Heap Snapshot Summary": pick files, analyse in the worker, show the panel. */
export class HeapReportCommands implements vscode.Disposable {
  private readonly panels = new Set<HeapReportPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: HeapAnalysisClient,
    private readonly deps: Pick<HeapFeatureDeps, 'snapshotsDir'>,
  ) {}

  async summary(uri?: vscode.Uri): Promise<void> {
    const file = uri?.fsPath ?? (await this.pick(false))?.[0];
    if (!file) return;
    const result = await this.withProgress(`Analysing ${basename(file)}`, (onProgress) =>
      this.client.summarize({ file, options: { top: 500, detailRows: 40, objectsPerClass: 10 } }, onProgress),
    );
    if (result) this.show(`Heap summary: ${basename(file)}`).showSummary(result);
  }

  async compare(uris: vscode.Uri[]): Promise<void> {
    const files = uris.length >= 2 ? uris.map((u) => u.fsPath) : await this.pick(true);
    if (!files) return;
    if (files.length < 2 || files.length > 3) {
      void vscode.window.showWarningMessage(
        `Memory Budget: pick 2 snapshots (before, after) or 3 (baseline, target, final); you picked ${files.length}.`,
      );
      return;
    }
    // Oldest first: the first is the baseline, the last the snapshot compared.
    const ordered = [...files].sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
    const result = await this.withProgress(`Comparing ${ordered.length} heap snapshots`, (onProgress) =>
      this.client.compare({ files: ordered, options: REPORT_COMPARE_OPTIONS }, onProgress),
    );
    if (result) this.showComparison(ordered, result);
  }

  /** A comparison already made (by an automatic snapshot series), with the same options as `compare`. */
  showComparison(files: readonly string[], diff: HeapDiff): void {
    this.show(`Heap comparison: ${files.map((f) => basename(f)).join(' → ')}`).showDiff(diff);
  }

  private async pick(many: boolean): Promise<string[] | undefined> {
    const dir = this.deps.snapshotsDir();
    const items: (vscode.QuickPickItem & { file?: string })[] = listSnapshots(dir).map((s) => ({
      label: basename(s.file),
      description: `${formatBytes(s.bytes)} · ${new Date(s.mtimeMs).toLocaleString()}`,
      file: s.file,
    }));
    items.push({ label: BROWSE, description: 'pick .heapsnapshot files anywhere' });
    const title = many ? 'Pick 2 snapshots (before, after) or 3 (baseline, target, final)' : 'Pick a heap snapshot';
    const picked = many
      ? await vscode.window.showQuickPick(items, { canPickMany: true, title })
      : await vscode.window.showQuickPick(items, { title }).then((p) => (p ? [p] : undefined));
    if (!picked || picked.length === 0) return undefined;
    if (picked.some((p) => p.label === BROWSE)) {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: many,
        filters: { 'Heap snapshots': ['heapsnapshot'] },
        defaultUri: vscode.Uri.file(dir),
      });
      return uris?.map((u) => u.fsPath);
    }
    return picked.map((p) => p.file!);
  }

  private async withProgress<R>(
    title: string,
    start: (onProgress: (p: AnalysisProgress) => void) => RunningAnalysis<R>,
  ): Promise<R | undefined> {
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          const running = start((p) => progress.report({ message: describe(p) }));
          token.onCancellationRequested(() => running.cancel());
          return running.result;
        },
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof HeapAnalysisError && /cancelled/.test(message)) return undefined;
      void vscode.window.showErrorMessage(`Memory Budget: ${message}`);
      return undefined;
    }
  }

  private show(title: string): HeapReportPanel {
    const panel = new HeapReportPanel(this.extensionUri, title);
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    return panel;
  }

  dispose(): void {
    for (const panel of this.panels) panel.dispose();
  }
}

function describe(p: AnalysisProgress): string {
  const name = basename(p.file);
  if (p.phase === 'reading' && p.totalBytes) return `reading ${name} (${((100 * (p.bytesRead ?? 0)) / p.totalBytes).toFixed(0)} %)`;
  return `${p.phase} ${name}`;
}

function listSnapshots(dir: string): { file: string; bytes: number; mtimeMs: number }[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.heapsnapshot') && !n.startsWith('.'))
      .map((n) => {
        const s = statSync(join(dir, n));
        return { file: join(dir, n), bytes: s.size, mtimeMs: s.mtimeMs };
      })
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  } catch {
    return [];
  }
}
