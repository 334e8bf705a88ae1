import { describeCounters, describeTrend, formatDuration, formatMB, formatMB1, formatRate, levelWord } from '../budget/display';
import { stamp } from '../budget/memoryLog';
import type { LoggedEvent } from './memoryLogFile';
import type { Crossing, MemoryReport, ProcessReport } from './runReport';

/** The Python agent's tracemalloc report, in one line: its top site (as the agent says it). */
export function describeAllocations(e: LoggedEvent): string {
  const top = (e.sites as Array<{ file?: unknown; line?: unknown; sizeBytes?: unknown }>)[0];
  if (!top || typeof top.file !== 'string' || typeof top.sizeBytes !== 'number') return 'no allocations traced';
  return `top allocation: ${top.file}:${String(top.line)} ${formatMB1(top.sizeBytes)}`;
}

/** "3 lines skipped" — how much of the file could not be read, said once. */
export function describeSkipped(report: Pick<MemoryReport, 'skipped' | 'skippedLines'>): string {
  if (report.skipped === 0) return '';
  const where = report.skippedLines.slice(0, 5).join(', ');
  return `${report.skipped} line${report.skipped === 1 ? '' : 's'} skipped (not a memory log record${where ? `: line ${where}${report.skipped > 5 ? ', …' : ''}` : ''})`;
}

export function processTitle(p: ProcessReport): string {
  return `${p.pid !== undefined ? `pid ${p.pid} · ` : ''}${p.target} (${p.source === 'agent' ? 'agent' : 'watched'})`;
}

/** One line for the chart's header: peak, growth, time to budget. */
export function processSummaryLine(p: ProcessReport): string {
  const percent = p.budgetBytes ? ` (${Math.round((p.peakRssBytes / p.budgetBytes) * 100)} %)` : '';
  return [
    `peak ${formatMB1(p.peakRssBytes)}${p.budgetBytes ? ` / ${formatMB(p.budgetBytes)}` : ''}${percent}`,
    describeTrend(p.recentTrend),
    p.overWarnMs > 0 ? `${formatDuration(p.overWarnMs)} over warn` : '',
    p.restart ? `restarted${p.restart.cleanExit === false ? ' after a crash' : ''}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function describeCrossing(c: Crossing): string {
  const marks = c.marksBefore.map((m) => `${m.name} ×${m.count}${m.counters ? ` (${describeCounters(m.counters)})` : ''}`).join(', ');
  return `${stamp(c.time).slice(11)}  ${levelWord(c.to)} ${formatMB1(c.rssBytes)} / ${formatMB(c.budgetBytes)}${marks ? ` — before it: ${marks}` : ''}`;
}

/** The text `memory-budget report` prints. */
export function reportText(file: string, report: MemoryReport): string {
  const out: string[] = [];
  const n = report.processes.length;
  out.push(
    `${file} — ${n} process${n === 1 ? '' : 'es'}, ${report.restarts} restart${report.restarts === 1 ? '' : 's'}` +
      (report.skipped ? `, ${describeSkipped(report)}` : ''),
  );
  if (n === 0) out.push('', 'No samples or events in this file.');
  for (const p of report.processes) {
    const span =
      p.startTime !== undefined && p.endTime !== undefined
        ? `${stamp(p.startTime)} → ${stamp(p.endTime).slice(11)} (${formatDuration(p.endTime - p.startTime)})`
        : '';
    out.push('', `${processTitle(p)} · ${span}`);
    if (p.budgetBytes) out.push(`  budget      ${formatMB(p.budgetBytes)}`);
    const percent = p.budgetBytes ? ` (${Math.round((p.peakRssBytes / p.budgetBytes) * 100)} %)` : '';
    out.push(`  peak        ${formatMB1(p.peakRssBytes)}${percent} at ${stamp(p.peakTime).slice(11)}`);
    out.push(
      `  growth      ${p.growthBytesPerHour === undefined ? 'not enough samples' : `${formatRate(p.growthBytesPerHour)} over the run`}; recent: ${describeTrend(p.recentTrend)}`,
    );
    const share =
      p.startTime !== undefined && p.endTime !== undefined && p.endTime > p.startTime ? p.overWarnMs / (p.endTime - p.startTime) : 0;
    out.push(`  over warn   ${formatDuration(p.overWarnMs)}${share > 0 ? ` (${Math.round(share * 100)} %)` : ''}`);
    if (p.restart) {
      const how = p.restart.cleanExit === false ? ', which ended without a shutdown summary (crash or OOM kill)' : '';
      out.push(`  restart     after pid ${p.restart.previousPid ?? '?'}${how}; ${p.restart.restarts ?? 1} seen in this log`);
    }
    out.push(
      `  ended       ${p.shutdownReason ? `shutdown (${p.shutdownReason})` : 'no shutdown summary: crashed, killed or still running'}`,
    );
    if (p.crossings.length > 0) {
      out.push('  crossings');
      for (const c of p.crossings) out.push(`    ${describeCrossing(c)}`);
    }
  }
  return out.join('\n') + '\n';
}
