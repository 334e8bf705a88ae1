import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { CdpSession, type Endpoint } from './cdpSession';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource, SourceOptions } from './memorySource';
import { processUptimeSeconds, readDescendantsRssBytes, readProcess, readRssBytes } from './procfs';
import { isLoopbackHost } from './targetSpec';
import { withTimeout } from './withTimeout';

// The only expressions ever evaluated in a target: fixed text, nothing a user or a target supplies.
const FACTS_EXPRESSION = `(() => {
  const v8 = globalThis.process?.getBuiltinModule?.('v8') ?? (typeof require === 'function' ? require('v8') : undefined);
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  return {
    pid: process.pid,
    execPath: process.execPath,
    argv: process.argv,
    uptime: process.uptime(),
    version: process.version,
    bun: typeof Bun === 'undefined' ? undefined : Bun.version,
    heapLimit: v8 ? v8.getHeapStatistics().heap_size_limit : undefined,
    constrained,
  };
})()`;
const MEMORY_EXPRESSION = 'process.memoryUsage()';
// Heap used, and how much of it is large objects (one snapshot node each): what a snapshot will cost.
const HEAP_SPACES_EXPRESSION = `(() => {
  const v8 = globalThis.process?.getBuiltinModule?.('v8') ?? (typeof require === 'function' ? require('v8') : undefined);
  if (!v8 || typeof v8.getHeapSpaceStatistics !== 'function') return undefined;
  let used = 0;
  let large = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    used += s.space_used_size;
    if (s.space_name.includes('large_object')) large += s.space_used_size;
  }
  return { used, large };
})()`;

interface RemoteFacts {
  pid: number;
  execPath: string;
  argv: string[];
  uptime: number;
  version: string;
  bun?: string;
  heapLimit?: number;
  constrained?: number;
}

interface RemoteMemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers?: number;
}

/** Above this a "constrained memory" is no constraint (cgroup v1 reports ~2^63 for none). */
const NO_CONSTRAINT_ABOVE = 2 ** 50;

/** A Node (or Bun) process read over the V8 inspector, plus /proc when it runs here. */
export class InspectorSource implements MemorySource {
  /** Bun answers zeros to Runtime.getHeapUsage; then process.memoryUsage() alone is used. */
  private heapUsageWorks = true;

  private constructor(
    private readonly session: CdpSession,
    readonly facts: TargetFacts,
    private readonly options: SourceOptions,
  ) {}

  static async open(
    endpoint: Endpoint,
    options: SourceOptions & { viaJsDebug?: boolean },
    requestTimeoutMs = 5000,
  ): Promise<InspectorSource> {
    const session = await CdpSession.connect(endpoint, requestTimeoutMs);
    try {
      // Heap snapshot chunks are events; js-debug's proxy forwards none without this.
      if (options.viaJsDebug) await session.sendUntyped('JsDebug.subscribe', { events: ['HeapProfiler.*'] });
      const remote = await evaluate<RemoteFacts>(session, FACTS_EXPRESSION, requestTimeoutMs);
      const facts = await describe(remote, endpoint);
      return new InspectorSource(session, facts, options);
    } catch (err) {
      await session.close().catch(() => undefined);
      throw err;
    }
  }

  /** The CDP session, for features that need more than samples (snapshots, GC). */
  get cdp(): CdpSession {
    return this.session;
  }

  async read(): Promise<MemorySample> {
    const timeoutMs = 5000;
    const [usage, heap] = await Promise.all([
      evaluate<RemoteMemoryUsage>(this.session, MEMORY_EXPRESSION, timeoutMs),
      this.heapUsageWorks ? withTimeout(this.session.send('Runtime.getHeapUsage'), timeoutMs).catch(() => undefined) : undefined,
    ]);
    if (heap && heap.usedSize === 0 && heap.totalSize === 0) this.heapUsageWorks = false;
    const useHeapUsage = heap !== undefined && this.heapUsageWorks;
    let rss = usage.rss;
    let children = 0;
    if (this.facts.local && this.facts.pid !== undefined) {
      rss = (await readRssBytes(this.facts.pid)) ?? rss;
      if (this.options.includeChildren) children = await readDescendantsRssBytes(this.facts.pid);
    }
    return {
      time: Date.now(),
      pid: this.facts.pid,
      rssBytes: rss + children,
      childrenRssBytes: children,
      heapUsedBytes: useHeapUsage ? heap.usedSize : usage.heapUsed,
      heapTotalBytes: useHeapUsage ? heap.totalSize : usage.heapTotal,
      externalBytes: usage.external,
      arrayBuffersBytes: usage.arrayBuffers,
    };
  }

  /** Heap used and its large-object part, or undefined when the runtime does not say. */
  async heapComposition(): Promise<{ heapUsedBytes: number; largeObjectBytes: number } | undefined> {
    const spaces = await evaluate<{ used: number; large: number } | undefined>(this.session, HEAP_SPACES_EXPRESSION, 5000);
    return spaces && { heapUsedBytes: spaces.used, largeObjectBytes: spaces.large };
  }

  /** Forces a full GC; returns nothing (the next sample shows what it freed). */
  async collectGarbage(): Promise<void> {
    await withTimeout(this.session.send('HeapProfiler.collectGarbage'), 30_000);
  }

  onClose(listener: () => void): void {
    this.session.once('close', listener);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}

async function evaluate<T>(session: CdpSession, expression: string, timeoutMs: number): Promise<T> {
  const reply = await withTimeout(
    session.send('Runtime.evaluate', { expression, returnByValue: true, includeCommandLineAPI: true, silent: true }),
    timeoutMs,
    'the target did not answer (paused at a breakpoint, or busy)',
  );
  if (reply.exceptionDetails) {
    const text = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text;
    throw new Error(`the target is not a Node.js-compatible runtime: ${text.split('\n')[0]}`);
  }
  return reply.result.value as T;
}

async function describe(remote: RemoteFacts, endpoint: Endpoint): Promise<TargetFacts> {
  const script = remote.argv.slice(1).find((a) => !a.startsWith('-'));
  const local = await localProcessArgv(remote, endpoint);
  return {
    name: script ? path.basename(script) : path.basename(remote.execPath),
    pid: remote.pid,
    runtime: remote.bun ? `bun ${remote.bun}` : `node ${remote.version}`,
    heapLimitBytes: remote.heapLimit,
    constrainedMemoryBytes: remote.constrained && remote.constrained < NO_CONSTRAINT_ABOVE ? remote.constrained : undefined,
    local: local !== undefined,
    // The OS's command line where it can be read: it is what a restarted service repeats.
    argv: local ?? remote.argv,
    hasInspector: true,
  };
}

/**
 * A forwarded port (`fly proxy`, `kubectl port-forward`) is on loopback too, and its pid may
 * name an unrelated local process: local only if the executable and the start time agree.
 * Returns the OS's command line of the process when it is local.
 */
async function localProcessArgv(remote: RemoteFacts, endpoint: Endpoint): Promise<string[] | undefined> {
  const host = 'webSocketUrl' in endpoint ? new URL(endpoint.webSocketUrl).hostname : endpoint.host;
  if (!isLoopbackHost(host)) return undefined;
  const info = await readProcess(remote.pid);
  if (!info) return undefined;
  const exe = await realpath(`/proc/${remote.pid}/exe`).catch(() => undefined);
  const remoteExe = await realpath(remote.execPath).catch(() => remote.execPath);
  if (exe !== undefined && exe !== remoteExe) return undefined;
  const uptime = await processUptimeSeconds(remote.pid);
  return uptime === undefined || Math.abs(uptime - remote.uptime) < 5 ? info.argv : undefined;
}
