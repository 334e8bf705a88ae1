import fs from 'node:fs';
import path from 'node:path';
import type { BudgetEvent, MarkCounters } from './budgetEvents';
import type { BudgetStatus } from './budgetTracker';
import { verdictDetails } from '../series/display';
import { describeCounters, describeEvent, describeTrend, formatDuration, formatMB, formatMB1, formatRate } from './display';

export const LOG_FILE = 'memory_debug.log';
export const JSONL_FILE = 'memory_debug.jsonl';

export interface MemoryLogOptions {
  /** A periodic line every this often (hand-written logs often use 5 minutes; a minute reads better). */
  periodicMs: number;
  /** A JSONL sample record every this often; events are always written. */
  jsonlSampleMs: number;
  /** Operations quoted in a critical entry ("last 5 before crash"). */
  recentCount: number;
  /** Past this size the log is rotated to `.1`, so a week of watching stays small. */
  maxBytes: number;
  /** The JSONL record of a sample; by default the watcher's own. Agents write `watch --json`'s record. */
  sampleRecord?: (target: string, status: BudgetStatus) => object;
  /** The files' name without extension (default `memory_debug`); a worker process puts its pid in it. */
  fileBase?: string;
}

export const DEFAULT_MEMORY_LOG_OPTIONS: MemoryLogOptions = {
  periodicMs: 60_000,
  jsonlSampleMs: 10_000,
  recentCount: 5,
  maxBytes: 20 * 1024 * 1024,
};

const RULE = '-'.repeat(80);
const HEAVY_RULE = '='.repeat(80);

/**
 * The `memory_debug.log` people write by hand today, plus a JSONL twin for machines. Every
 * line is written synchronously with `O_APPEND`, so what was logged survives a crash of the
 * target or of the watcher; critical entries are also fsync'ed.
 */
export class MemoryLog {
  private readonly logPath: string;
  private readonly jsonlPath: string;
  private logFd: number;
  private jsonlFd: number;
  private logBytes: number;
  private lastPeriodic = -Infinity;
  private lastJsonlSample = -Infinity;
  private readonly recent: string[] = [];
  /** The latest value of every counter the app's operations reported. */
  private readonly counters: MarkCounters = {};

  constructor(
    readonly directory: string,
    private readonly title: string,
    private readonly options: MemoryLogOptions = DEFAULT_MEMORY_LOG_OPTIONS,
  ) {
    fs.mkdirSync(directory, { recursive: true });
    const base = options.fileBase;
    this.logPath = path.join(directory, base ? `${base}.log` : LOG_FILE);
    this.jsonlPath = path.join(directory, base ? `${base}.jsonl` : JSONL_FILE);
    this.logFd = fs.openSync(this.logPath, 'a');
    this.jsonlFd = fs.openSync(this.jsonlPath, 'a');
    this.logBytes = fs.fstatSync(this.logFd).size;
    this.header();
  }

  get file(): string {
    return this.logPath;
  }

  get jsonlFile(): string {
    return this.jsonlPath;
  }

  /** Call for every sample; writes only when a periodic line or JSONL record is due. */
  sample(target: string, status: BudgetStatus): void {
    const { sample, budget } = status;
    if (sample.time - this.lastJsonlSample >= this.options.jsonlSampleMs) {
      this.lastJsonlSample = sample.time;
      this.jsonl(
        this.options.sampleRecord?.(target, status) ??
          withIsoTime({
            kind: 'sample',
            target,
            ...sample,
            budgetBytes: budget.bytes,
            level: status.level,
            growthBytesPerHour: status.trend?.bytesPerHour ?? null,
          }),
      );
    }
    if (sample.time - this.lastPeriodic < this.options.periodicMs) return;
    this.lastPeriodic = sample.time;
    const heap =
      sample.heapUsedBytes !== undefined
        ? ` | Heap: ${formatMB1(sample.heapUsedBytes)} / ${formatMB1(sample.heapTotalBytes ?? 0)} | External: ${formatMB1(sample.externalBytes ?? 0)}`
        : '';
    const line = `${formatMB1(sample.rssBytes)} / ${formatMB(budget.bytes)} (${status.percent.toFixed(0)}%)`;
    this.write(
      `[${stamp(sample.time)}] 📊 Periodic Snapshot: ${line}\n   ${target}${sample.pid ? ` pid ${sample.pid}` : ''}${heap} | ${describeTrend(status.trend)}\n\n`,
    );
    this.remember(sample.time, `Periodic check - ${formatMB1(sample.rssBytes)}`);
  }

  event(target: string, event: BudgetEvent): void {
    this.jsonl(withIsoTime({ kind: 'event', target, ...event }));
    const at = `[${stamp(event.time)}]`;
    const text = describeEvent(event);
    switch (event.type) {
      case 'level':
        if (event.to === 'critical' || event.to === 'over') {
          const word = event.to === 'over' ? 'OVER BUDGET - OOM KILL LIKELY' : 'CRITICAL MEMORY - CRASH IMMINENT';
          this.write(
            `${at} ${'🚨'.repeat(40)}\n${at} 🚨 ${word}: ${formatMB1(event.rssBytes)} / ${formatMB(event.budgetBytes)}\n` +
              `Target: ${target}\n${this.countersLine()}Last ${this.recent.length} operations before this:\n` +
              this.recent.map((r, i) => `  ${i + 1}. ${r}`).join('\n') +
              `\n${RULE}\n\n`,
            true,
          );
        } else if (event.to === 'warn' && event.from === 'ok') {
          this.write(`${at} ⚠️ HIGH MEMORY: ${formatMB1(event.rssBytes)} / ${formatMB(event.budgetBytes)}\n   ${target}\n${RULE}\n\n`);
        } else {
          this.write(`${at} ✅ ${text}\n\n`);
        }
        break;
      case 'spike':
        this.write(`${at} ⚠️ MEMORY SPIKE: +${formatMB1(event.deltaBytes)} → ${formatMB1(event.rssBytes)}\n   ${target}\n${RULE}\n\n`);
        break;
      case 'gc':
        this.write(`${at} 🗑️ ${text}\n${RULE}\n\n`);
        break;
      case 'restart': {
        const crashed = event.cleanExit === false ? 'Previous run ended without a shutdown summary: crash or OOM kill likely\n' : '';
        this.write(
          `${at} 🔄 TARGET RESTARTED: pid ${event.previousPid ?? '?'} → ${event.pid ?? '?'} (${target})\n${crashed}${RULE}\n\n`,
          true,
        );
        break;
      }
      case 'mark':
        // Operations go to the JSONL and into the critical block, not a line each: an app may mark often.
        Object.assign(this.counters, event.counters);
        break;
      case 'shutdown':
        this.write(
          `${at} 🏁 SHUTDOWN SUMMARY (${event.reason}) - ran ${formatDuration(event.uptimeMs)}\n` +
            `   Peak: ${formatMB1(event.peakRssBytes)} / ${formatMB(event.budgetBytes)} (${((event.peakRssBytes / event.budgetBytes) * 100).toFixed(0)}%) at ${stamp(event.peakTime)}\n` +
            `   Growth: ${event.growthBytesPerHour === undefined ? 'not enough samples' : `${formatRate(event.growthBytesPerHour)} over the run`}\n` +
            `   Time over warn: ${formatDuration(event.overWarnMs)}\n` +
            `   Restarts seen: ${event.restarts}\n${RULE}\n\n`,
          true,
        );
        break;
      case 'disconnect':
        this.write(`${at} 🔌 ${text}\n\n`, true);
        break;
      case 'leak':
        this.write(`${at} 📈 POSSIBLE LEAK: ${describeTrend(event)}\n\n`);
        break;
      case 'leak-suspect':
        this.write(
          `${at} ${text}\n${verdictDetails(event)
            .map((l) => `   ${l}\n`)
            .join('')}   ${target}\n${RULE}\n\n`,
          true,
        );
        break;
      case 'snapshot-skipped':
        this.write(`${at} ⛔ ${text}\n   ${target}\n\n`);
        break;
      default:
        this.write(`${at} ${event.type === 'snapshot' ? '📸' : 'ℹ️'} ${text}\n\n`);
    }
    this.remember(event.time, text);
  }

  close(): void {
    for (const fd of [this.logFd, this.jsonlFd]) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
  }

  private header(): void {
    this.write(
      `${HEAVY_RULE}\nMEMORY DEBUG LOG - ${this.title}\nStarted: ${stamp(Date.now())}\n${HEAVY_RULE}\n\n` +
        `This file captures memory events to help debug out-of-memory crashes.\n` +
        `It is appended as events happen, so it survives a crash of the target.\n\n${RULE}\n\n`,
    );
  }

  private countersLine(): string {
    return Object.keys(this.counters).length > 0 ? `Latest counters: ${describeCounters(this.counters)}\n` : '';
  }

  private remember(time: number, text: string): void {
    this.recent.push(`[${stamp(time).slice(11)}] ${text}`);
    if (this.recent.length > this.options.recentCount) this.recent.shift();
  }

  private write(text: string, sync = false): void {
    if (this.logBytes > this.options.maxBytes) this.rotate();
    const buffer = Buffer.from(text, 'utf8');
    fs.writeSync(this.logFd, buffer);
    this.logBytes += buffer.length;
    if (sync) fs.fdatasyncSync(this.logFd);
  }

  private jsonl(record: object): void {
    fs.writeSync(this.jsonlFd, JSON.stringify(record) + '\n');
  }

  private rotate(): void {
    fs.closeSync(this.logFd);
    fs.renameSync(this.logPath, `${this.logPath}.1`);
    this.logFd = fs.openSync(this.logPath, 'a');
    this.logBytes = 0;
    this.header();
  }
}

function withIsoTime<T extends { time?: number }>(record: T): T & { isoTime: string } {
  return { ...record, isoTime: new Date(record.time ?? Date.now()).toISOString() };
}

/** Local time as hand-written memory logs put it: 2025-10-27 14:35:22. */
export function stamp(time: number): string {
  const d = new Date(time);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
