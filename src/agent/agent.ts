import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { BudgetEvent, MarkCounters } from '../core/budget/budgetEvents';
import { BudgetTracker, type BudgetStatus } from '../core/budget/budgetTracker';
import { DEFAULT_MEMORY_LOG_OPTIONS, LOG_FILE, MemoryLog, JSONL_FILE, stamp } from '../core/budget/memoryLog';
import { resolveBudget } from '../core/budget/presets';
import { RunStats } from '../core/budget/runStats';
import { sampleRecord } from '../core/budget/sampleRecord';
import type { MemorySample, TargetFacts } from '../core/inspector/memorySample';
import { startMetricsServer, type MetricsServer } from '../core/metrics/metricsServer';
import { metricsText } from '../core/metrics/prometheusText';
import type { AgentConfig } from './config';
import { containerLimitBytes } from './containerLimit';
import { readPreviousRun } from './previousRun';

/** Set by the first agent of a process tree, so children (cluster workers, forks) know they are. */
const ROOT_PID_ENV = 'MEMORY_BUDGET_AGENT_PID';
const MAX_COUNTERS = 20;
const MAX_TEXT = 200;

/** Who this process is among its relatives: workers write their own files, named by pid. */
interface ProcessRole {
  worker: boolean;
  description: string;
}

/**
 * Memory Budget inside the process: samples `process.memoryUsage()`, feeds the same tracker and
 * memory log as the CLI, serves `/metrics` when asked. Every entry point swallows its errors: an
 * agent must never break the app it watches.
 */
export class MemoryAgent {
  private readonly pid = process.pid;
  private readonly service: string;
  private readonly tracker: BudgetTracker;
  private readonly stats = new RunStats();
  private readonly log: MemoryLog | undefined;
  private readonly role: ProcessRole;
  private timer: NodeJS.Timeout | undefined;
  private metrics: MetricsServer | undefined;
  private latest: BudgetStatus | undefined;
  private facts: TargetFacts;
  private restarts = 0;
  private finished = false;
  private readonly signalHandlers = new Map<NodeJS.Signals, () => void>();
  private readonly exitHandler = (code: number) => this.shutdown(code === 0 ? 'exit' : `exit code ${code}`);

  constructor(
    private readonly config: AgentConfig,
    private readonly warn: (message: string) => void,
  ) {
    this.role = processRole();
    this.service = config.service ?? defaultServiceName();
    this.facts = this.readFacts();
    this.tracker = new BudgetTracker(resolveBudget(config.budget, this.facts.constrainedMemoryBytes));
    this.log = this.openLog();
  }

  get metricsAddress(): { host: string; port: number } | undefined {
    return this.metrics && { host: this.metrics.host, port: this.metrics.port };
  }

  get status(): BudgetStatus | undefined {
    return this.latest;
  }

  start(): void {
    if (!process.env[ROOT_PID_ENV]) process.env[ROOT_PID_ENV] = String(this.pid);
    this.sample();
    this.timer = setInterval(() => this.sample(), this.config.intervalMs);
    this.timer.unref();
    process.on('exit', this.exitHandler);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const handler = () => this.onSignal(signal);
      this.signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
    if (this.config.metricsPort !== undefined && !this.role.worker) void this.serveMetrics(this.config.metricsPort);
  }

  /** An operation of the app, with its counters: kept for the critical block and the JSONL. */
  mark(name: unknown, counters?: unknown): void {
    if (this.finished || typeof name !== 'string' || name.trim() === '') return;
    const event: BudgetEvent = {
      type: 'mark',
      time: Date.now(),
      name: name.trim().slice(0, MAX_TEXT),
      rssBytes: process.memoryUsage.rss(),
      counters: cleanCounters(counters),
    };
    if (!event.counters) delete event.counters;
    this.record(event);
  }

  /** Stops sampling and serving, after writing the shutdown summary. */
  async stop(reason = 'agent stopped'): Promise<void> {
    this.shutdown(reason);
    await this.metrics?.close();
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.shutdown(signal);
    // Alone on this signal, our listener would swallow Node's default (exit): hand it back.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  }

  private shutdown(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    process.off('exit', this.exitHandler);
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    try {
      this.sample(true);
      const budget = this.tracker.currentBudget.bytes;
      this.record({ type: 'shutdown', time: Date.now(), reason, ...this.stats.summary(budget, this.restarts, Date.now()) });
      this.log?.close();
    } catch (err) {
      this.warn(`could not write the shutdown summary: ${(err as Error).message}`);
    }
    void this.metrics?.close();
  }

  private sample(final = false): void {
    try {
      const usage = process.memoryUsage();
      const sample: MemorySample = {
        time: Date.now(),
        pid: this.pid,
        rssBytes: usage.rss,
        heapUsedBytes: usage.heapUsed,
        heapTotalBytes: usage.heapTotal,
        externalBytes: usage.external,
        arrayBuffersBytes: usage.arrayBuffers,
      };
      this.refreshFacts();
      const { status, events } = this.tracker.add(sample);
      this.latest = status;
      this.stats.add(sample.time, sample.rssBytes, status.level);
      if (!final) this.log?.sample(this.service, status);
      for (const event of events) this.record(event);
    } catch (err) {
      this.warnOnce('sample', `sampling failed: ${(err as Error).message}`);
    }
  }

  private record(event: BudgetEvent): void {
    try {
      this.log?.event(this.service, event);
    } catch (err) {
      this.warnOnce('write', `could not write to ${this.config.directory}: ${(err as Error).message}`);
    }
  }

  private readFacts(): TargetFacts {
    return {
      name: this.service,
      pid: this.pid,
      runtime: `node ${process.version}`,
      heapLimitBytes: v8.getHeapStatistics().heap_size_limit,
      constrainedMemoryBytes: containerLimitBytes(),
      local: true,
      argv: process.argv,
      hasInspector: false,
    };
  }

  /** The heap and container limits, re-read each sample; a new container limit moves an `auto` budget. */
  private refreshFacts(): void {
    const before = this.facts.constrainedMemoryBytes;
    this.facts = { ...this.facts, heapLimitBytes: v8.getHeapStatistics().heap_size_limit, constrainedMemoryBytes: containerLimitBytes() };
    if (this.facts.constrainedMemoryBytes !== before) {
      for (const event of this.tracker.setBudget(resolveBudget(this.config.budget, this.facts.constrainedMemoryBytes))) this.record(event);
    }
  }

  private openLog(): MemoryLog | undefined {
    const fileBase = this.role.worker ? `memory_debug-${this.pid}` : undefined;
    const dir = this.config.directory;
    try {
      const previous = this.role.worker ? undefined : readPreviousRun(path.join(dir, JSONL_FILE));
      const budget = resolveBudget(this.config.budget, this.facts.constrainedMemoryBytes);
      const log = new MemoryLog(
        dir,
        `${this.service} (${this.role.description}, node ${process.version}) — budget ${budget.label} — Memory Budget agent`,
        {
          ...DEFAULT_MEMORY_LOG_OPTIONS,
          periodicMs: this.config.periodicMs,
          jsonlSampleMs: this.config.jsonlIntervalMs,
          sampleRecord: (target, status) => ({ ...sampleRecord(target, status, this.facts), source: 'agent' }),
          fileBase,
        },
      );
      if (this.role.worker) announceWorker(dir, this.pid, this.role.description, path.basename(log.file));
      if (previous && previous.pid !== this.pid) {
        this.restarts = previous.restarts + 1;
        log.event(this.service, {
          type: 'restart',
          time: Date.now(),
          previousPid: previous.pid,
          pid: this.pid,
          restarts: this.restarts,
          cleanExit: previous.cleanExit,
        });
      }
      return log;
    } catch (err) {
      this.warn(`cannot write the memory log in ${dir}: ${(err as Error).message}; sampling without it`);
      return undefined;
    }
  }

  private async serveMetrics(port: number): Promise<void> {
    try {
      this.metrics = await startMetricsServer(() => this.metricsBody(), port, this.config.metricsHost);
      if (this.finished) return void (await this.metrics.close());
      // Said in the log so whoever scrapes (or a test on port 0) can find it.
      const host = this.metrics.host.includes(':') ? `[${this.metrics.host}]` : this.metrics.host;
      this.record({ type: 'note', time: Date.now(), text: `metrics on http://${host}:${this.metrics.port}/metrics` });
    } catch (err) {
      this.warn(`cannot serve /metrics on ${this.config.metricsHost}:${port}: ${(err as Error).message}`);
    }
  }

  private metricsBody(): string {
    const status = this.latest;
    if (!status) return metricsText([]);
    const s = status.sample;
    return metricsText([
      {
        service: this.service,
        pid: this.pid,
        rssBytes: s.rssBytes,
        heapUsedBytes: s.heapUsedBytes,
        heapTotalBytes: s.heapTotalBytes,
        externalBytes: s.externalBytes,
        heapLimitBytes: this.facts.heapLimitBytes,
        budgetBytes: status.budget.bytes,
        growthBytesPerHour: status.trend?.bytesPerHour,
        level: status.level,
        restarts: this.restarts,
      },
    ]);
  }

  private readonly warned = new Set<string>();

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

function cleanCounters(raw: unknown): MarkCounters | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const counters: MarkCounters = {};
  for (const [key, value] of Object.entries(raw).slice(0, MAX_COUNTERS)) {
    if (typeof value === 'number' && Number.isFinite(value)) counters[key.slice(0, MAX_TEXT)] = value;
    else if (typeof value === 'boolean') counters[key.slice(0, MAX_TEXT)] = value;
    else if (typeof value === 'string') counters[key.slice(0, MAX_TEXT)] = value.slice(0, MAX_TEXT);
  }
  return Object.keys(counters).length > 0 ? counters : undefined;
}

function processRole(): ProcessRole {
  const rootPid = Number(process.env[ROOT_PID_ENV]);
  if (cluster.isWorker) {
    return { worker: true, description: `cluster worker ${cluster.worker?.id ?? '?'}, pid ${process.pid}, primary pid ${process.ppid}` };
  }
  if (rootPid > 0 && rootPid !== process.pid) {
    return { worker: true, description: `child process pid ${process.pid}, parent pid ${process.ppid}` };
  }
  return { worker: false, description: `pid ${process.pid}` };
}

function defaultServiceName(): string {
  const script = process.argv[1];
  return script ? path.basename(script) : 'node';
}

/** One line in the main log, so whoever reads it knows which file is which worker's. */
function announceWorker(dir: string, pid: number, description: string, file: string): void {
  try {
    fs.appendFileSync(path.join(dir, LOG_FILE), `[${stamp(Date.now())}] 👷 WORKER STARTED: ${description} → ${file}\n\n`);
  } catch {
    // the worker's own log still says who it is
  }
}
