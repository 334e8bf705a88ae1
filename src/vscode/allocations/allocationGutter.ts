import * as vscode from 'vscode';
import { formatGrowth, formatLiveBytes } from '../../core/allocations/display';
import { rowsInFile } from '../../core/allocations/liveView';
import { INTENSITY_LEVELS } from '../../core/allocations/model';
import type { AllocationSampling } from './allocationSampling';

/**
 * A bar in the gutter of each allocating line, stronger the larger its share of the sampled live
 * bytes; faded when the target has gone. Light and dark themes each get a colour of their own, and
 * the overview ruler takes a themable colour (`memoryBudget.allocationRuler`).
 */
export class AllocationGutter implements vscode.Disposable {
  private readonly types: { live: vscode.TextEditorDecorationType[]; faded: vscode.TextEditorDecorationType[] };
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly sampling: AllocationSampling) {
    const levels = Array.from({ length: INTENSITY_LEVELS }, (_, i) => (i + 1) / INTENSITY_LEVELS);
    this.types = { live: levels.map((share) => decorationType(share)), faded: levels.map((share) => decorationType(share * 0.35)) };
    this.subscriptions = [sampling.onDidChange(() => this.render()), vscode.window.onDidChangeVisibleTextEditors(() => this.render())];
  }

  private render(): void {
    const live = this.sampling.current;
    for (const editor of vscode.window.visibleTextEditors) {
      const byType = new Map<vscode.TextEditorDecorationType, vscode.DecorationOptions[]>();
      if (live && editor.document.uri.scheme === 'file') {
        const types = live.detachedAt === undefined ? this.types.live : this.types.faded;
        for (const { row, level } of rowsInFile(live, editor.document.uri.fsPath)) {
          if (row.line - 1 >= editor.document.lineCount) continue;
          const share = live.totalLiveBytes > 0 ? ((100 * row.liveBytes) / live.totalLiveBytes).toFixed(0) : '0';
          const hover = new vscode.MarkdownString(
            `**${row.functionName}** — ${formatLiveBytes(row.liveBytes)} live (${share} % of what was sampled), ${formatGrowth(row.growthBytesPerHour)}`,
          );
          const type = types[level - 1]!;
          byType.set(type, [...(byType.get(type) ?? []), { range: editor.document.lineAt(row.line - 1).range, hoverMessage: hover }]);
        }
      }
      for (const type of [...this.types.live, ...this.types.faded]) editor.setDecorations(type, byType.get(type) ?? []);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of [...this.types.live, ...this.types.faded]) t.dispose();
  }
}

function decorationType(opacity: number): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    light: { gutterIconPath: bar('#c2410c', opacity), gutterIconSize: 'contain' },
    dark: { gutterIconPath: bar('#fb923c', opacity), gutterIconSize: 'contain' },
    overviewRulerColor: new vscode.ThemeColor('memoryBudget.allocationRuler'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
}

/** A bar as an SVG data URI: nothing to ship, nothing to read from disk. */
function bar(color: string, opacity: number): vscode.Uri {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="5" y="0" width="6" height="16" rx="1" fill="${color}" fill-opacity="${opacity.toFixed(2)}"/></svg>`;
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
}
