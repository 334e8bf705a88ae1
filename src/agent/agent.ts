import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { MarkCounters } from '../core/budget/budgetEvents';
import { DEFAULT_MEMORY_LOG_OPTIONS, LOG_FILE, MemoryLog, JSONL_FILE, stamp } from '../core/budget/memoryLog';
import { resolveBudget } from '../core/budget/presets';
import type { TargetFacts } from '../core/inspector/memorySample';
import { startMetricsServer, type MetricsServer } from '../core/metrics/metricsServer';
import { metricsText } from '../core/metrics/prometheusText';
import type { AgentConfig } from './config';
import { containerLimitBytes } from './containerLimit';
import { readPreviousRun } from './previousRun';
import { AgentRecorder, agentSampleRecord } from './recorder';

/** Set by the first agent of a process tree, so children (cluster workers, forks) know they are. */
const ROOT_PID_ENV = 'MEMORY_BUDGET_AGENT_PID';
const MAX_COUNTERS = 20;
const MAX_TEXT = 200;
/** The heap and container limits rarely move, and reading cgroup files costs ~0.1 ms: once a minute. */
const LIMITS_EVERY_MS = 60_000;

/** Who this process is among its relatives: workers write their own files, named by pid. */
interface ProcessRole {
  worker: boolean;
  description: string;
}

/**
 * Memory Budget inside the process: reads `process.memoryUsage()`, the V8 heap limit and the
 * container limit every interval into an `AgentRecorder` (the CLI's tracker and memory log), and
 * serves `/metrics` when asked. Every entry point swallows its errors: an agent must never break
 * the app it watches.
 */
export class MemoryAgent {
  private readonly pid = process.pid;
  private readonly service: string;
  private readonly recorder: AgentRecorder;
  private readonly role: ProcessRole;
  private facts: TargetFacts;
  private timer: NodeJS.Timeout | undefined;
  private limitsReadAt = Date.now();
  private metrics: MetricsServer | undefined;
  private readonly warned = new Set<string>();
  private readonly signalHandlers = new Map<NodeJS.Signals, () => void>();
  private readonly exitHandler = (code: number) => this.shutdown(code === 0 ? 'exit' : `exit code ${code}`);

  constructor(
    private readonly config: AgentConfig,
    private readonly warn: (message: string) => void,
  ) {
    this.role = processRole();
    this.service = config.service ?? defaultServiceName();
    this.facts = this.readFacts();
    const previous = this.role.worker ? undefined : readPreviousRun(path.join(config.directory, JSONL_FILE));
    this.recorder = new AgentRecorder(this.service, this.openLog(), config.budget, this.facts.constrainedMemoryBytes, (err) =>
      this.warnOnce('write', `could not write to ${config.directory}: ${err.message}`),
    );
    if (previous && previous.pid !== this.pid)
      this.recorder.restarted(Date.now(), previous.pid, this.pid, previous.restarts, previous.cleanExit);
  }

  get metricsAddress(): { host: string; port: number } | undefined {
    return this.metrics && { host: this.metrics.host, port: this.metrics.port };
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
    if (typeof name !== 'string' || name.trim() === '') return;
    this.recorder.mark(Date.now(), name.trim().slice(0, MAX_TEXT), process.memoryUsage.rss(), cleanCounters(counters));
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
    if (this.recorder.done) return;
    clearInterval(this.timer);
    process.off('exit', this.exitHandler);
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    this.sample(false);
    this.recorder.shutdown(Date.now(), reason);
    void this.metrics?.close();
  }

  private sample(logged = true): void {
    try {
      const usage = process.memoryUsage();
      if (Date.now() - this.limitsReadAt >= LIMITS_EVERY_MS) this.refreshLimits();
      this.recorder.observe(
        {
          time: Date.now(),
          pid: this.pid,
          rssBytes: usage.rss,
          heapUsedBytes: usage.heapUsed,
          heapTotalBytes: usage.heapTotal,
          externalBytes: usage.external,
          arrayBuffersBytes: usage.arrayBuffers,
        },
        logged,
      );
    } catch (err) {
      this.warnOnce('sample', `sampling failed: ${(err as Error).message}`);
    }
  }

  /** A new container limit moves an `auto` budget. */
  private refreshLimits(): void {
    this.limitsReadAt = Date.now();
    const before = this.facts.constrainedMemoryBytes;
    this.facts = { ...this.facts, heapLimitBytes: v8.getHeapStatistics().heap_size_limit, constrainedMemoryBytes: containerLimitBytes() };
    if (this.facts.constrainedMemoryBytes !== before) this.recorder.containerLimitChanged(this.facts.constrainedMemoryBytes);
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

  private openLog(): MemoryLog | undefined {
    const dir = this.config.directory;
    try {
      const budget = resolveBudget(this.config.budget, this.facts.constrainedMemoryBytes);
      const log = new MemoryLog(
        dir,
        `${this.service} (${this.role.description}, node ${process.version}) — budget ${budget.label} — Memory Budget agent`,
        {
          ...DEFAULT_MEMORY_LOG_OPTIONS,
          periodicMs: this.config.periodicMs,
          jsonlSampleMs: this.config.jsonlIntervalMs,
          sampleRecord: (target, status) => agentSampleRecord(target, status, this.facts),
          fileBase: this.role.worker ? `memory_debug-${this.pid}` : undefined,
        },
      );
      if (this.role.worker) announceWorker(dir, this.role.description, path.basename(log.file));
      return log;
    } catch (err) {
      this.warn(`cannot write the memory log in ${dir}: ${(err as Error).message}; sampling without it`);
      return undefined;
    }
  }

  private async serveMetrics(port: number): Promise<void> {
    try {
      this.metrics = await startMetricsServer(() => this.metricsBody(), port, this.config.metricsHost);
      if (this.recorder.done) return void (await this.metrics.close());
      // Said in the log so whoever scrapes (or a test on port 0) can find it.
      const host = this.metrics.host.includes(':') ? `[${this.metrics.host}]` : this.metrics.host;
      this.recorder.note(Date.now(), `metrics on http://${host}:${this.metrics.port}/metrics`);
    } catch (err) {
      this.warn(`cannot serve /metrics on ${this.config.metricsHost}:${port}: ${(err as Error).message}`);
    }
  }

  private metricsBody(): string {
    const status = this.recorder.status;
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
        restarts: this.recorder.restarts,
      },
    ]);
  }

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
function announceWorker(dir: string, description: string, file: string): void {
  try {
    fs.appendFileSync(path.join(dir, LOG_FILE), `[${stamp(Date.now())}] 👷 WORKER STARTED: ${description} → ${file}\n\n`);
  } catch {
    // the worker's own log still says who it is
  }
}
