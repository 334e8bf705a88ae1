import { leakSuspectLine, skippedText } from '../series/display';
import type { BudgetEvent, MarkCounters, RunSummary } from './budgetEvents';
import type { BudgetLevel } from './thresholds';

const MB = 1024 * 1024;

/**
 * "12,345.6": thousands separated by commas, as en-US writes them. By hand, not toLocaleString:
 * the first call to Intl maps ICU's data, which costs an agent 7 MB of the app's RSS.
 */
export function groupThousands(fixed: string): string {
  const [whole, fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** "245 MB" for readouts; one decimal below 10 MB so small numbers still move. */
export function formatMB(bytes: number): string {
  const mb = bytes / MB;
  return `${mb < 10 ? mb.toFixed(1) : groupThousands(String(Math.round(mb)))} MB`;
}

/** "145.3 MB", as hand-written memory logs put it. */
export function formatMB1(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

export function formatRate(bytesPerHour: number): string {
  const mb = bytesPerHour / MB;
  return `${mb >= 0 ? '+' : '−'}${groupThousands(Math.abs(mb).toFixed(1))} MB/h`;
}

/** "3 h 20 m", "45 s", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "growing +15.3 MB/h — budget in ≈ 3 h 20 m", or "steady". */
export function describeTrend(trend: { bytesPerHour: number; msToBudget?: number } | undefined): string {
  if (!trend) return 'trend: collecting samples';
  if (Math.abs(trend.bytesPerHour) < 0.5 * MB) return `steady (${formatRate(trend.bytesPerHour)})`;
  if (trend.bytesPerHour < 0) return `shrinking ${formatRate(trend.bytesPerHour)}`;
  const eta = trend.msToBudget !== undefined ? ` — budget in ≈ ${formatDuration(trend.msToBudget)}` : '';
  return `growing ${formatRate(trend.bytesPerHour)}${eta}`;
}

export function levelWord(level: BudgetLevel): string {
  return { ok: 'ok', warn: 'high', critical: 'critical', over: 'over budget' }[level];
}

/** One line for an event, as the log, the chart's hover and notifications show it. */
export function describeEvent(e: BudgetEvent): string {
  switch (e.type) {
    case 'level':
      return e.to === 'ok'
        ? `back to normal: ${formatMB1(e.rssBytes)} / ${formatMB(e.budgetBytes)}`
        : `${levelWord(e.to)}: ${formatMB1(e.rssBytes)} / ${formatMB(e.budgetBytes)}${severityDrop(e.from, e.to) ? ` (down from ${levelWord(e.from)})` : ''}`;
    case 'spike':
      return `spike: +${formatMB1(e.deltaBytes)} → ${formatMB1(e.rssBytes)}`;
    case 'gc':
      return `${e.forced ? 'forced GC' : 'GC'} freed ${formatMB1(e.freedBytes)} of heap → heap ${formatMB1(e.heapUsedBytes)}, RSS ${formatMB1(e.rssBytes)}`;
    case 'leak':
      return `possible leak: ${describeTrend(e)}`;
    case 'restart':
      return `target restarted: pid ${e.previousPid ?? '?'} → ${e.pid ?? '?'}`;
    case 'disconnect':
      return `target disconnected: ${e.reason}`;
    case 'reconnect':
      return `reconnected${e.pid ? ` (pid ${e.pid})` : ''}`;
    case 'snapshot':
      return `heap snapshot: ${e.file} (${formatMB1(e.bytes)})`;
    case 'note':
      return e.text;
    case 'leak-suspect':
      return leakSuspectLine(e);
    case 'snapshot-skipped':
      return skippedText(e);
    case 'mark':
      return `${e.name} - ${formatMB1(e.rssBytes)}${e.counters && Object.keys(e.counters).length > 0 ? ` - ${describeCounters(e.counters)}` : ''}`;
    case 'shutdown':
      return `shutdown (${e.reason}) after ${formatDuration(e.uptimeMs)}: ${describeRun(e)}`;
  }
}

/** "sessions: 12 | queue: 3", as hand-written memory logs list their counters. */
export function describeCounters(counters: MarkCounters): string {
  return Object.entries(counters)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' | ');
}

/** "peak 412.3 MB, +15.3 MB/h, 12 m over warn, 2 restarts seen". */
export function describeRun(run: RunSummary): string {
  const growth = run.growthBytesPerHour === undefined ? 'growth unknown' : formatRate(run.growthBytesPerHour);
  return `peak ${formatMB1(run.peakRssBytes)}, ${growth}, ${formatDuration(run.overWarnMs)} over warn, ${run.restarts} restart${run.restarts === 1 ? '' : 's'} seen`;
}

function severityDrop(from: BudgetLevel, to: BudgetLevel): boolean {
  const order: BudgetLevel[] = ['ok', 'warn', 'critical', 'over'];
  return order.indexOf(to) < order.indexOf(from);
}
