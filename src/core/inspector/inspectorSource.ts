import { realpath } from 'node:fs/promises';
import { totalmem } from 'node:os';
import path from 'node:path';
import { CdpSession } from './cdpSession';
import { connectInspector } from './connectInspector';
import { CapabilityError, endpointHost, RemoteEvaluationError, type Endpoint, type InspectorSession } from './inspectorSession';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource, SourceOptions } from './memorySource';
import { processUptimeSeconds, readDescendantsRssBytes, readProcess, readRssBytes } from './procfs';
import {
  CLOSE_INSPECTOR_EXPRESSION,
  FACTS_EXPRESSION,
  HEAP_SPACES_EXPRESSION,
  MEMORY_EXPRESSION,
  type RemoteFacts,
  type RemoteMemoryUsage,
} from './remoteExpressions';
import type { RuntimeName } from './runtimes';
import { isLoopbackHost } from './targetSpec';

/** Above this a "constrained memory" is no constraint (cgroup v1 reports ~2^63 for none). */
const NO_CONSTRAINT_ABOVE = 2 ** 50;

export interface InspectorSourceOptions extends SourceOptions {
  /** A VS Code debug session's CDP proxy: it forwards events only after `JsDebug.subscribe`. */
  viaJsDebug?: boolean;
  /** The inspector was opened by us (SIGUSR1): close it again when done, so it does not stay listening. */
  closeInspectorOnExit?: boolean;
}

/** A Node, Deno or Bun process read over its inspector (CDP or WebKit), plus /proc when it runs here. */
export class InspectorSource implements MemorySource {
  private constructor(
    private readonly inspector: InspectorSession,
    readonly facts: TargetFacts,
    private readonly options: InspectorSourceOptions,
  ) {}

  static async open(endpoint: Endpoint, options: InspectorSourceOptions, requestTimeoutMs = 5000): Promise<InspectorSource> {
    const session = options.viaJsDebug
      ? await CdpSession.connect(endpoint, requestTimeoutMs)
      : await connectInspector(endpoint, { timeoutMs: requestTimeoutMs });
    try {
      // Heap snapshot chunks are events; js-debug's proxy forwards none without this.
      if (options.viaJsDebug && session instanceof CdpSession)
        await session.sendUntyped('JsDebug.subscribe', { events: ['HeapProfiler.*'] });
      const answer = await session.evaluate<Record<string, unknown>>(FACTS_EXPRESSION, requestTimeoutMs).catch((err: unknown) => {
        throw err instanceof RemoteEvaluationError
          ? new Error(`the target is not a JavaScript runtime this tool knows: ${err.message}`)
          : err;
      });
      const remote = readFacts(answer);
      const capabilities = await session.capabilities();
      const facts = await describe(remote, endpoint);
      return new InspectorSource(
        session,
        {
          ...facts,
          capabilities: {
            gc: capabilities.gc,
            heapSnapshot: capabilities.heapSnapshot,
            allocationSampling: capabilities.allocationSampling,
          },
        },
        options,
      );
    } catch (err) {
      await session.close().catch(() => undefined);
      throw err;
    }
  }

  /** The inspector connection, for features that need more than samples (snapshots, GC). */
  get session(): InspectorSession {
    return this.inspector;
  }

  async read(): Promise<MemorySample> {
    const timeoutMs = 5000;
    const [usage, heap] = await Promise.all([
      this.inspector.evaluate<RemoteMemoryUsage>(MEMORY_EXPRESSION, timeoutMs),
      this.inspector.heapUsage(timeoutMs),
    ]);
    if (finite(usage?.rss) === undefined) throw new Error('the target answered memoryUsage() without an rss figure');
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
      heapUsedBytes: heap ? heap.usedSize : finite(usage.heapUsed),
      heapTotalBytes: heap ? heap.totalSize : finite(usage.heapTotal),
      externalBytes: finite(usage.external),
      arrayBuffersBytes: finite(usage.arrayBuffers),
    };
  }

  /** Heap used and its large-object part (what a snapshot will cost), or undefined where the runtime does not say. */
  async heapComposition(): Promise<{ heapUsedBytes: number; largeObjectBytes: number } | undefined> {
    const spaces = await this.inspector.evaluate<{ used?: unknown; large?: unknown } | undefined>(HEAP_SPACES_EXPRESSION, 5000);
    const used = finite(spaces?.used);
    return used === undefined ? undefined : { heapUsedBytes: used, largeObjectBytes: finite(spaces?.large) ?? 0 };
  }

  /** Forces a full GC; returns nothing (the next sample shows what it freed). Throws `CapabilityError` where there is none. */
  async collectGarbage(): Promise<void> {
    if (!this.facts.capabilities?.gc) throw new CapabilityError('gc', this.facts.runtime);
    await this.inspector.collectGarbage(30_000);
  }

  onClose(listener: () => void): void {
    this.inspector.onClose(listener);
  }

  async close(): Promise<void> {
    if (this.options.closeInspectorOnExit && !this.inspector.isClosed) {
      await this.inspector.evaluate<boolean>(CLOSE_INSPECTOR_EXPRESSION, 2000).catch(() => false);
    }
    await this.inspector.close();
  }
}

/** A number the target sent, or undefined for null, NaN and anything else. */
function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The facts as sent, checked field by field: a target's answer is input. WebKit's by-value results
 * turn an undefined field into null, which must read as "not reported", not as a value.
 */
function readFacts(raw: Record<string, unknown> | undefined): RemoteFacts {
  const number = finite;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const pid = number(raw?.pid);
  if (pid === undefined) throw new Error('the target did not say its pid: not a JavaScript runtime this tool knows');
  return {
    pid,
    execPath: text(raw?.execPath),
    argv: Array.isArray(raw?.argv) ? raw.argv.filter((a): a is string => typeof a === 'string') : undefined,
    uptime: number(raw?.uptime),
    version: text(raw?.version),
    bun: text(raw?.bun),
    deno: text(raw?.deno),
    heapLimit: number(raw?.heapLimit),
    constrained: number(raw?.constrained),
    physical: number(raw?.physical),
  };
}

function runtimeOf(remote: RemoteFacts): { name: RuntimeName; label: string } {
  if (remote.bun) return { name: 'bun', label: `bun ${remote.bun}` };
  if (remote.deno) return { name: 'deno', label: `deno ${remote.deno}` };
  return { name: 'node', label: `node ${remote.version ?? '(unknown version)'}` };
}

async function describe(remote: RemoteFacts, endpoint: Endpoint): Promise<TargetFacts> {
  const argv = remote.argv ?? [];
  const script = argv.slice(1).find((a) => !a.startsWith('-') && a !== 'run');
  const local = await localProcessArgv(remote, endpoint);
  const runtime = runtimeOf(remote);
  const physical = remote.physical ?? (local ? totalmem() : undefined);
  const constrained = remote.constrained;
  return {
    name: script ? path.basename(script) : path.basename(remote.execPath ?? runtime.name),
    pid: remote.pid,
    runtime: runtime.label,
    runtimeName: runtime.name,
    heapLimitBytes: remote.heapLimit,
    // A "limit" at or above the machine's memory limits nothing: Bun reports the host's RAM without a cgroup.
    constrainedMemoryBytes:
      constrained && constrained < NO_CONSTRAINT_ABOVE && (physical === undefined || constrained < physical) ? constrained : undefined,
    physicalMemoryBytes: physical,
    local: local !== undefined,
    // The OS's command line where it can be read: it is what a restarted service repeats.
    argv: local ?? argv,
    hasInspector: true,
  };
}

/**
 * A forwarded port (`fly proxy`, `kubectl port-forward`) is on loopback too, and its pid may
 * name an unrelated local process: local only if the executable and the start time agree.
 * Returns the OS's command line of the process when it is local.
 */
async function localProcessArgv(remote: RemoteFacts, endpoint: Endpoint): Promise<string[] | undefined> {
  if (!isLoopbackHost(endpointHost(endpoint)) || !Number.isInteger(remote.pid)) return undefined;
  const info = await readProcess(remote.pid);
  if (!info) return undefined;
  const exe = await realpath(`/proc/${remote.pid}/exe`).catch(() => undefined);
  const remoteExe = remote.execPath ? await realpath(remote.execPath).catch(() => remote.execPath) : undefined;
  if (exe !== undefined && remoteExe !== undefined && exe !== remoteExe) return undefined;
  const uptime = await processUptimeSeconds(remote.pid);
  return uptime === undefined || remote.uptime === undefined || Math.abs(uptime - remote.uptime) < 5 ? info.argv : undefined;
}
