import type { BudgetStatus } from '../core/budget/budgetTracker';
import { describeTrend, formatMB, levelWord } from '../core/budget/display';

/** "245 MB / 512 MB (48%) · heap 80/120 MB · growing +15.3 MB/h — budget in ≈ 3 h · ok" */
export function readoutLine(name: string, status: BudgetStatus): string {
  const s = status.sample;
  const heap = s.heapUsedBytes !== undefined ? ` · heap ${formatMB(s.heapUsedBytes)} / ${formatMB(s.heapTotalBytes ?? 0)}` : ' · RSS only';
  return `${name}: ${formatMB(s.rssBytes)} / ${formatMB(status.budget.bytes)} (${status.percent.toFixed(0)}%)${heap} · ${describeTrend(status.trend)} · ${levelWord(status.level)}`;
}
