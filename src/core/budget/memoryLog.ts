import fs from 'node:fs';
import path from 'node:path';
import type { BudgetEvent } from './budgetEvents';
import type { BudgetStatus } from './budgetTracker';
import { describeEvent, describeTrend, formatMB, formatMB1 } from './display';

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

  constructor(
    readonly directory: string,
    private readonly title: string,
    private readonly options: MemoryLogOptions = DEFAULT_MEMORY_LOG_OPTIONS,
  ) {
    fs.mkdirSync(directory, { recursive: true });
    this.logPath = path.join(directory, LOG_FILE);
    this.jsonlPath = path.join(directory, JSONL_FILE);
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
      this.jsonl({
        kind: 'sample',
        target,
        ...sample,
        budgetBytes: budget.bytes,
        level: status.level,
        growthBytesPerHour: status.trend?.bytesPerHour ?? null,
      });
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
    this.jsonl({ kind: 'event', target, ...event });
    const at = `[${stamp(event.time)}]`;
    const text = describeEvent(event);
    switch (event.type) {
      case 'level':
        if (event.to === 'critical' || event.to === 'over') {
          const word = event.to === 'over' ? 'OVER BUDGET - OOM KILL LIKELY' : 'CRITICAL MEMORY - CRASH IMMINENT';
          this.write(
            `${at} ${'🚨'.repeat(40)}\n${at} 🚨 ${word}: ${formatMB1(event.rssBytes)} / ${formatMB(event.budgetBytes)}\n` +
              `Target: ${target}\nLast ${this.recent.length} operations before this:\n` +
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
      case 'restart':
        this.write(`${at} 🔄 TARGET RESTARTED: pid ${event.previousPid ?? '?'} → ${event.pid ?? '?'} (${target})\n${RULE}\n\n`, true);
        break;
      case 'disconnect':
        this.write(`${at} 🔌 ${text}\n\n`, true);
        break;
      case 'leak':
        this.write(`${at} 📈 POSSIBLE LEAK: ${describeTrend(event)}\n\n`);
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
    fs.writeSync(
      this.jsonlFd,
      JSON.stringify({ ...record, isoTime: new Date((record as { time?: number }).time ?? Date.now()).toISOString() }) + '\n',
    );
  }

  private rotate(): void {
    fs.closeSync(this.logFd);
    fs.renameSync(this.logPath, `${this.logPath}.1`);
    this.logFd = fs.openSync(this.logPath, 'a');
    this.logBytes = 0;
    this.header();
  }
}

/** Local time as hand-written memory logs put it: 2025-10-27 14:35:22. */
function stamp(time: number): string {
  const d = new Date(time);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
