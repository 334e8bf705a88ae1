/**
 * One connection to a JavaScript runtime's inspector, whatever protocol it speaks: Chrome's DevTools
 * protocol (Node, Deno) or WebKit's inspector protocol (Bun). Features ask `capabilities()` what the
 * target offers instead of assuming it, so a missing domain becomes a sentence, never a protocol error.
 */
import type { FixedExpression } from './remoteExpressions';

/** Where an inspector listens: `host:port` (first `/json/list` target) or a WebSocket URL. */
export type Endpoint = { host: string; port: number } | { webSocketUrl: string };

export function describeEndpoint(endpoint: Endpoint): string {
  return 'webSocketUrl' in endpoint ? endpoint.webSocketUrl : `${endpoint.host}:${endpoint.port}`;
}

export function endpointHost(endpoint: Endpoint): string {
  return 'webSocketUrl' in endpoint ? new URL(endpoint.webSocketUrl).hostname : endpoint.host;
}

export type InspectorProtocol = 'cdp' | 'webkit';

/** The heap snapshot formats the readers understand: V8's `.heapsnapshot` and JavaScriptCore's. */
export type HeapSnapshotFormat = 'v8' | 'jsc';

/** What a target's inspector offers, asked of the protocol once per session. */
export interface SessionCapabilities {
  /** V8's `Runtime.getHeapUsage`: heap figures without evaluating anything. */
  readonly heapUsage: boolean;
  /** A forced full collection: `HeapProfiler.collectGarbage` (V8) or `Heap.gc` (WebKit). */
  readonly gc: boolean;
  /** Heap snapshots, and in which format they come; undefined when the target offers none. */
  readonly heapSnapshot: HeapSnapshotFormat | undefined;
  /** V8's sampling heap profiler (`HeapProfiler.startSampling`): live bytes per allocating function. */
  readonly allocationSampling: boolean;
}

export type Capability = 'gc' | 'heapSnapshot';

/** A feature the target's inspector does not offer; the message is one line for the user. */
export class CapabilityError extends Error {
  override name = 'CapabilityError';
  constructor(
    readonly capability: Capability,
    runtime: string,
  ) {
    super(
      capability === 'gc'
        ? `${runtime} offers no way to force a garbage collection over its inspector`
        : `${runtime} offers no heap snapshots over its inspector`,
    );
  }
}

/** An exception thrown by the evaluated expression in the target. */
export class RemoteEvaluationError extends Error {
  override name = 'RemoteEvaluationError';
}

/** Where a heap snapshot's text goes as it arrives. `write` is synchronous: the protocols have no backpressure. */
export interface HeapSnapshotSink {
  write(chunk: string | Uint8Array): void;
  /** The runtime's own progress while it walks the heap (V8 only). */
  onProgress?(done: number, total: number): void;
}

export interface InspectorSession {
  readonly protocol: InspectorProtocol;
  readonly endpoint: Endpoint;
  readonly isClosed: boolean;
  /** Evaluates one of the fixed expressions of `remoteExpressions.ts` and returns its value. */
  evaluate<T>(expression: FixedExpression, timeoutMs: number): Promise<T>;
  capabilities(): Promise<SessionCapabilities>;
  /** V8's heap figures, or undefined where the protocol has none (WebKit) or the answer is empty. */
  heapUsage(timeoutMs: number): Promise<{ usedSize: number; totalSize: number } | undefined>;
  /** Throws `CapabilityError` when the target cannot. */
  collectGarbage(timeoutMs: number): Promise<void>;
  /** Takes a heap snapshot, handing its text to `sink` as it arrives; resolves when it is complete. */
  takeHeapSnapshot(sink: HeapSnapshotSink): Promise<void>;
  /** Called once when the connection goes away for any reason; returns the function that unsubscribes. */
  onClose(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Turns a connection failure into a reason a user can act on. */
export function connectReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED') return 'connection refused (nothing listens there, or the process has exited)';
  if (e?.code === 'ENOTFOUND') return 'host not found';
  if (e instanceof Error && /No inspectable targets/.test(e.message)) return 'the inspector lists no targets';
  if (e instanceof Error && /Unexpected server response: 404/.test(e.message))
    return 'no inspector session at that path (a stale or mistyped URL?)';
  return e instanceof Error ? e.message : String(err);
}
