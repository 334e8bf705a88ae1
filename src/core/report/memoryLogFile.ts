import fs from 'node:fs';
import readline from 'node:readline';
import type { BudgetLevel } from '../budget/thresholds';

/** One sample read back from a memory_debug.jsonl, whichever writer (agent or CLI) wrote it. */
export interface LoggedPoint {
  time: number;
  rssBytes: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
  heapLimitBytes?: number;
  budgetBytes?: number;
  level?: BudgetLevel;
}

/** An event record as written (`type`, `time` and its own fields), `kind`/`target`/`isoTime` dropped. */
export interface LoggedEvent {
  type: string;
  time: number;
  [field: string]: unknown;
}

/** One process's part of the file: the agent writes one pid per file, a restart adds the next. */
export interface LoggedProcess {
  /** `pid 1234`, or the target's name when the writer knew no pid. */
  key: string;
  pid?: number;
  target: string;
  source: 'agent' | 'cli';
  points: LoggedPoint[];
  events: LoggedEvent[];
}

export interface MemoryLogFile {
  processes: LoggedProcess[];
  /** Non-blank lines read. */
  lines: number;
  /** Lines that were not a record we know: counted, never fatal. */
  skipped: number;
  /** Line numbers (1-based) of the first few skipped lines, to point at. */
  skippedLines: number[];
}

const LEVELS: readonly string[] = ['ok', 'warn', 'critical', 'over'];
const MAX_SKIPPED_LINES_KEPT = 20;

type Json = Record<string, unknown>;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalNumber = (v: unknown) => (isNumber(v) ? v : undefined);

/** The fields each known event type must have; an unknown type is kept as it is (newer writers). */
const EVENT_FIELDS: Record<string, (e: Json) => boolean> = {
  level: (e) => LEVELS.includes(e.from as string) && LEVELS.includes(e.to as string) && isNumber(e.rssBytes) && isNumber(e.budgetBytes),
  spike: (e) => isNumber(e.deltaBytes) && isNumber(e.rssBytes),
  gc: (e) => isNumber(e.freedBytes) && isNumber(e.heapUsedBytes) && isNumber(e.rssBytes),
  leak: (e) => isNumber(e.bytesPerHour),
  restart: () => true,
  disconnect: (e) => typeof e.reason === 'string',
  reconnect: () => true,
  snapshot: (e) => typeof e.file === 'string' && isNumber(e.bytes),
  note: (e) => typeof e.text === 'string',
  mark: (e) =>
    typeof e.name === 'string' &&
    isNumber(e.rssBytes) &&
    (e.counters === undefined || (typeof e.counters === 'object' && e.counters !== null)),
  shutdown: (e) =>
    typeof e.reason === 'string' && isNumber(e.uptimeMs) && isNumber(e.peakRssBytes) && isNumber(e.budgetBytes) && isNumber(e.overWarnMs),
  allocations: (e) => Array.isArray(e.sites),
};

/**
 * Reads memory_debug.jsonl line by line: the agent's records (`watch --json`'s fields plus
 * `source`) and the CLI's (`kind: "sample"`), events of both. Records are grouped by pid in file
 * order; an event belongs to the process whose sample came last before it.
 */
export class MemoryLogReader {
  private readonly processes = new Map<string, LoggedProcess>();
  private current: LoggedProcess | undefined;
  private lines = 0;
  private skipped = 0;
  private readonly skippedLines: number[] = [];

  addLine(text: string, lineNumber: number): void {
    if (text.trim() === '') return;
    this.lines++;
    if (!this.accept(text)) {
      this.skipped++;
      if (this.skippedLines.length < MAX_SKIPPED_LINES_KEPT) this.skippedLines.push(lineNumber);
    }
  }

  result(): MemoryLogFile {
    return {
      processes: [...this.processes.values()].filter((p) => p.points.length > 0 || p.events.length > 0),
      lines: this.lines,
      skipped: this.skipped,
      skippedLines: this.skippedLines,
    };
  }

  private accept(text: string): boolean {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
    const r = record as Json;
    if (r.kind === 'event') return this.acceptEvent(r);
    if (r.kind === 'sample' || r.source !== undefined || 'state' in r) return this.acceptSample(r);
    return false;
  }

  private acceptSample(r: Json): boolean {
    const time = typeof r.time === 'string' ? Date.parse(r.time) : r.time;
    const level = (r.state ?? r.level) as string | undefined;
    if (!isNumber(time) || !isNumber(r.rssBytes) || r.rssBytes < 0 || (level !== undefined && !LEVELS.includes(level))) return false;
    const pid = isNumber(r.pid) ? r.pid : undefined;
    const target = typeof r.target === 'string' ? r.target : 'unknown';
    this.current = this.process(pid, target, r.source === 'agent' ? 'agent' : 'cli');
    this.current.source = r.source === 'agent' ? 'agent' : 'cli';
    this.current.points.push({
      time,
      rssBytes: r.rssBytes,
      heapUsedBytes: optionalNumber(r.heapUsedBytes),
      heapTotalBytes: optionalNumber(r.heapTotalBytes),
      externalBytes: optionalNumber(r.externalBytes),
      heapLimitBytes: optionalNumber(r.heapLimitBytes),
      budgetBytes: optionalNumber(r.budgetBytes),
      level: level as BudgetLevel | undefined,
    });
    return true;
  }

  private acceptEvent(r: Json): boolean {
    const { kind: _kind, target, isoTime: _iso, ...event } = r;
    if (typeof event.type !== 'string' || !isNumber(event.time)) return false;
    const valid = EVENT_FIELDS[event.type];
    if (valid && !valid(event)) return false;
    const name = typeof target === 'string' ? target : (this.current?.target ?? 'unknown');
    // A restart names the new pid itself: it opens that process's part of the file.
    const owner =
      event.type === 'restart' && isNumber(event.pid)
        ? (this.current = this.process(event.pid, name, this.current?.source ?? 'agent'))
        : (this.current ?? (this.current = this.process(undefined, name, 'cli')));
    owner.events.push(event as LoggedEvent);
    return true;
  }

  private process(pid: number | undefined, target: string, source: 'agent' | 'cli'): LoggedProcess {
    const key = pid !== undefined ? `pid ${pid}` : target;
    let p = this.processes.get(key);
    if (!p) {
      p = { key, pid, target, source, points: [], events: [] };
      this.processes.set(key, p);
    }
    return p;
  }
}

export function parseMemoryLog(text: string): MemoryLogFile {
  const reader = new MemoryLogReader();
  text.split('\n').forEach((line, i) => reader.addLine(line, i + 1));
  return reader.result();
}

/** Streams the file: a log of months need not fit in one string. */
export async function readMemoryLogFile(file: string): Promise<MemoryLogFile> {
  const reader = new MemoryLogReader();
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) reader.addLine(line, ++n);
  return reader.result();
}
