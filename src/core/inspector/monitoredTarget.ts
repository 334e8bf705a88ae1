import { EventEmitter } from 'node:events';
import { fetchInspectorList } from './inspectorHttp';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource } from './memorySource';
import { checkOfferedUrl } from './offeredHost';
import { openSource, type OpenOptions } from './openSource';
import { listProcesses, processExists } from './procfs';
import { formatTargetSpec, type TargetSpec } from './targetSpec';

export interface MonitoredTargetOptions extends OpenOptions {
  intervalMs: number;
  /** Backoff ceiling between reconnection attempts. */
  maxBackoffMs?: number;
}

export interface MonitoredTargetEvents {
  sample: [MemorySample, TargetFacts];
  /** A reading failed while the connection stayed up (target paused, say). */
  sampleError: [Error];
  disconnected: [reason: string];
  /** The same process is back (a dropped port-forward, say). */
  reconnected: [TargetFacts];
  /** A different process answers for the same target: the service restarted. */
  restarted: [current: TargetFacts, previous: TargetFacts];
}

/**
 * Samples one target every `intervalMs`, reconnecting with backoff when it goes away. A target
 * that comes back with another pid is reported as restarted.
 */
export class MonitoredTarget extends EventEmitter<MonitoredTargetEvents> {
  private current: MemorySource | undefined;
  private lastFacts: TargetFacts | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private reconnecting = false;
  private sampling = false;

  constructor(
    readonly spec: TargetSpec,
    private options: MonitoredTargetOptions,
  ) {
    super();
  }

  get label(): string {
    return formatTargetSpec(this.spec);
  }

  get source(): MemorySource | undefined {
    return this.current;
  }

  get facts(): TargetFacts | undefined {
    return this.lastFacts;
  }

  get connected(): boolean {
    return this.current !== undefined;
  }

  /**
   * Connects (throws with a clear reason when it cannot) and starts sampling. The first sample
   * is taken on the next macrotask, so listeners attached right after `await start()` see it.
   */
  async start(): Promise<TargetFacts> {
    const source = await openSource(this.spec, this.options);
    this.adopt(source);
    this.schedule(0);
    return source.facts;
  }

  /** New interval or child-counting takes effect from the next sample. */
  updateOptions(options: Partial<MonitoredTargetOptions>): void {
    this.options = { ...this.options, ...options };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const source = this.current;
    this.current = undefined;
    await source?.close().catch(() => undefined);
  }

  private adopt(source: MemorySource): void {
    this.current = source;
    this.lastFacts = source.facts;
    source.onClose(() => {
      if (this.current !== source || this.stopped) return;
      this.current = undefined;
      this.emit('disconnected', 'the target closed the connection');
      void this.reconnect();
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    const source = this.current;
    if (!source || this.sampling) return;
    this.sampling = true;
    const started = Date.now();
    try {
      const sample = await source.read();
      if (this.current === source) this.emit('sample', sample, source.facts);
    } catch (err) {
      if (this.current === source && !this.stopped) this.emit('sampleError', err as Error);
    } finally {
      this.sampling = false;
    }
    if (this.current === source) this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started)));
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    let backoff = 250;
    const ceiling = this.options.maxBackoffMs ?? 10_000;
    try {
      while (!this.stopped) {
        await new Promise((r) => (this.timer = setTimeout(r, backoff)));
        if (this.stopped) return;
        const source = await this.openAgain().catch(() => undefined);
        if (source) {
          if (this.stopped) {
            await source.close().catch(() => undefined);
            return;
          }
          const previous = this.lastFacts;
          this.adopt(source);
          if (previous?.pid !== undefined && source.facts.pid !== previous.pid) this.emit('restarted', source.facts, previous);
          else this.emit('reconnected', source.facts);
          this.schedule(0);
          return;
        }
        backoff = Math.min(ceiling, backoff * 2);
      }
    } finally {
      this.reconnecting = false;
    }
  }

  /** The same endpoint first; then, for a local service, a process with the same command line. */
  private async openAgain(): Promise<MemorySource> {
    const spec = this.spec;
    if (spec.kind === 'websocket') {
      const same = await openSource(spec, this.options).catch(() => undefined);
      if (same) return same;
      // Node gives every run a new WebSocket path: after a restart, ask the port what it serves now.
      const url = new URL(spec.url);
      const list = await fetchInspectorList(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 80));
      const ws = list?.[0]?.webSocketDebuggerUrl;
      if (ws) {
        await checkOfferedUrl(url.hostname, ws, this.options.confirmOfferedHost);
        return openSource({ kind: 'websocket', url: ws }, this.options);
      }
    } else if (spec.kind !== 'pid') {
      try {
        return await openSource(spec, this.options);
      } catch (err) {
        if (!this.lastFacts?.local) throw err;
      }
    } else if (await processExists(spec.pid)) {
      return openSource(spec, this.options);
    }
    const successor = await this.findSuccessor();
    if (!successor) throw new Error('the target has not come back yet');
    return openSource({ kind: 'pid', pid: successor }, this.options);
  }

  private async findSuccessor(): Promise<number | undefined> {
    const argv = this.lastFacts?.argv;
    if (!argv || !this.lastFacts?.local) return undefined;
    const wanted = argv.join('\0');
    const match = (await listProcesses()).find(
      (p) => p.pid !== this.lastFacts?.pid && p.pid !== process.pid && p.argv.join('\0') === wanted,
    );
    return match?.pid;
  }
}
