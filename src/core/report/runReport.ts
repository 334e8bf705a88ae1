import type { MarkCounters } from '../budget/budgetEvents';
import { RunStats } from '../budget/runStats';
import { severity, type BudgetLevel } from '../budget/thresholds';
import { TrendWindow, type Trend } from '../budget/trend';
import type { LoggedEvent, LoggedProcess, MemoryLogFile } from './memoryLogFile';

/** Marks of one name in the minutes before a crossing: what the app was doing. */
export interface MarksBefore {
  name: string;
  count: number;
  /** The counters of the last of them. */
  counters?: MarkCounters;
}

export interface Crossing {
  time: number;
  to: BudgetLevel;
  rssBytes: number;
  budgetBytes: number;
  marksBefore: MarksBefore[];
}

export interface ProcessReport {
  key: string;
  pid?: number;
  target: string;
  source: 'agent' | 'cli';
  samples: number;
  startTime?: number;
  endTime?: number;
  budgetBytes?: number;
  peakRssBytes: number;
  peakTime: number;
  /** Least squares over the whole run. */
  growthBytesPerHour?: number;
  /** The last window's trend, with the projected time to the budget. */
  recentTrend?: Trend;
  overWarnMs: number;
  /** This process started after a restart (the restart event the agent wrote). */
  restart?: { previousPid?: number; cleanExit?: boolean; restarts?: number };
  /** How the process ended, when it said so. */
  shutdownReason?: string;
  crossings: Crossing[];
}

export interface MemoryReport {
  processes: ProcessReport[];
  restarts: number;
  lines: number;
  skipped: number;
  skippedLines: number[];
}

export interface ReportOptions {
  /** How far before a crossing marks are counted. */
  marksWindowMs: number;
  /** Most frequent mark names listed per crossing. */
  topMarks: number;
}

export const DEFAULT_REPORT_OPTIONS: ReportOptions = { marksWindowMs: 10 * 60_000, topMarks: 3 };

export function buildReport(file: MemoryLogFile, options: ReportOptions = DEFAULT_REPORT_OPTIONS): MemoryReport {
  const processes = file.processes.map((p) => reportProcess(p, options));
  return {
    processes,
    restarts: processes.filter((p) => p.restart).length,
    lines: file.lines,
    skipped: file.skipped,
    skippedLines: file.skippedLines,
  };
}

export function reportProcess(p: LoggedProcess, options: ReportOptions = DEFAULT_REPORT_OPTIONS): ProcessReport {
  const stats = new RunStats();
  const trend = new TrendWindow();
  let budgetBytes: number | undefined;
  let level: BudgetLevel = 'ok';
  // A CLI record without a level takes the latest crossing's.
  const levelEvents = p.events.filter((e) => e.type === 'level');
  let nextLevelEvent = 0;
  for (const point of p.points) {
    while (nextLevelEvent < levelEvents.length && levelEvents[nextLevelEvent].time <= point.time) {
      level = levelEvents[nextLevelEvent++].to as BudgetLevel;
    }
    budgetBytes = point.budgetBytes ?? budgetBytes;
    stats.add(point.time, point.rssBytes, point.level ?? level);
    trend.add({ time: point.time, bytes: point.rssBytes });
  }
  const summary = stats.summary(budgetBytes ?? 0, 0);
  // Samples may be sparse (one JSONL record every 10 s); events carry RSS too, and an agent's
  // shutdown summary saw every sample: its figures win.
  for (const e of p.events) {
    if (typeof e.rssBytes === 'number' && e.rssBytes > summary.peakRssBytes)
      [summary.peakRssBytes, summary.peakTime] = [e.rssBytes, e.time];
  }
  const restart = p.events.find((e) => e.type === 'restart');
  const shutdown = p.events.find((e) => e.type === 'shutdown');
  if (shutdown) {
    if ((shutdown.peakRssBytes as number) >= summary.peakRssBytes) {
      [summary.peakRssBytes, summary.peakTime] = [
        shutdown.peakRssBytes as number,
        (shutdown.peakTime as number | undefined) ?? shutdown.time,
      ];
    }
    summary.overWarnMs = shutdown.overWarnMs as number;
    summary.growthBytesPerHour = (shutdown.growthBytesPerHour as number | undefined) ?? summary.growthBytesPerHour;
  }
  return {
    key: p.key,
    pid: p.pid,
    target: p.target,
    source: p.source,
    samples: stats.samples,
    startTime: stats.startTime ?? p.events[0]?.time,
    endTime: lastTime(stats.endTime, p.events.at(-1)?.time),
    budgetBytes,
    peakRssBytes: summary.peakRssBytes,
    peakTime: summary.peakTime,
    growthBytesPerHour: summary.growthBytesPerHour,
    recentTrend: trend.current(budgetBytes),
    overWarnMs: summary.overWarnMs,
    restart: restart && {
      previousPid: restart.previousPid as number | undefined,
      cleanExit: restart.cleanExit as boolean | undefined,
      restarts: restart.restarts as number | undefined,
    },
    shutdownReason: shutdown?.reason as string | undefined,
    crossings: levelEvents.filter(isEscalation).map((e) => crossing(e, p.events, options)),
  };
}

function isEscalation(e: LoggedEvent): boolean {
  return e.to !== 'ok' && severity(e.to as BudgetLevel) > severity(e.from as BudgetLevel);
}

function crossing(e: LoggedEvent, events: readonly LoggedEvent[], options: ReportOptions): Crossing {
  const byName = new Map<string, MarksBefore>();
  for (const m of events) {
    if (m.type !== 'mark' || m.time > e.time || m.time < e.time - options.marksWindowMs) continue;
    const entry = byName.get(m.name as string) ?? { name: m.name as string, count: 0 };
    entry.count++;
    entry.counters = (m.counters as MarkCounters | undefined) ?? entry.counters;
    byName.set(entry.name, entry);
  }
  return {
    time: e.time,
    to: e.to as BudgetLevel,
    rssBytes: e.rssBytes as number,
    budgetBytes: e.budgetBytes as number,
    marksBefore: [...byName.values()].sort((a, b) => b.count - a.count).slice(0, options.topMarks),
  };
}

function lastTime(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
