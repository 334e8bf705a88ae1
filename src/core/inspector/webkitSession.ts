import {
  CapabilityError,
  connectReason,
  RemoteEvaluationError,
  type Endpoint,
  type HeapSnapshotSink,
  type InspectorSession,
  type SessionCapabilities,
  evaluatedValue,
} from './inspectorSession';
import { SocketSession } from './socketSession';
import { findStringValue, unescapeJsonString } from './jsonStringStream';
import type { FixedExpression } from './remoteExpressions';
import { RpcSocket } from './rpcSocket';

/** A heap snapshot arrives as one message; past this the connection is refused rather than the process risked. */
const MAX_MESSAGE_BYTES = 1024 * 2 ** 20;
/** Messages above this size are looked at raw first: only a snapshot reply is that big. */
const RAW_CANDIDATE_BYTES = 256 * 1024;

/**
 * WebKit's inspector protocol as Bun speaks it (`bun --inspect`): JSON messages over a WebSocket at
 * the path Bun prints, no `/json/list`, a `Heap` domain instead of `HeapProfiler`, and snapshots in
 * JavaScriptCore's format, answered whole in one message.
 */
export class WebKitSession extends SocketSession implements InspectorSession {
  readonly protocol = 'webkit';
  private asked?: Promise<SessionCapabilities>;

  private constructor(socket: RpcSocket, endpoint: Endpoint) {
    super(socket, endpoint);
  }

  static async connect(url: string, timeoutMs = 5000): Promise<WebKitSession> {
    try {
      const socket = await RpcSocket.open(url, { timeoutMs, maxMessageBytes: MAX_MESSAGE_BYTES, rawCandidateBytes: RAW_CANDIDATE_BYTES });
      return new WebKitSession(socket, { webSocketUrl: url });
    } catch (err) {
      throw new Error(`cannot attach to ${url}: ${connectReason(err)}`, { cause: err });
    }
  }

  send(method: string, params?: object): Promise<unknown> {
    return this.socket.request(method, params);
  }

  async evaluate<T>(expression: FixedExpression, timeoutMs: number): Promise<T> {
    const reply = (await this.socket.request(
      'Runtime.evaluate',
      { expression, returnByValue: true, includeCommandLineAPI: true, doNotPauseOnExceptionsAndMuteConsole: true },
      { timeoutMs, timeoutMessage: 'the target did not answer (paused at a breakpoint, or busy)' },
    )) as { result?: { value?: unknown; description?: unknown }; wasThrown?: boolean };
    if (reply.wasThrown) throw new RemoteEvaluationError(String(reply.result?.description ?? 'exception').split('\n')[0]!);
    return evaluatedValue<T>(reply.result);
  }

  /** The `Heap` domain carries both GC and snapshots; `Heap.enable` is the harmless way to ask for it. */
  capabilities(): Promise<SessionCapabilities> {
    this.asked ??= this.call('Heap.enable', undefined, 5000).then(
      (): SessionCapabilities => ({ heapUsage: false, gc: true, heapSnapshot: 'jsc', allocationSampling: false }),
      (): SessionCapabilities => {
        this.socket.assertOpen();
        return { heapUsage: false, gc: false, heapSnapshot: undefined, allocationSampling: false };
      },
    );
    return this.asked;
  }

  /** WebKit's protocol reports no heap figures of its own; `process.memoryUsage()` carries JSC's. */
  async heapUsage(): Promise<undefined> {
    return undefined;
  }

  async collectGarbage(timeoutMs: number): Promise<void> {
    if (!(await this.capabilities()).gc) throw new CapabilityError('gc', 'this target');
    await this.call('Heap.gc', undefined, timeoutMs);
  }

  /**
   * `Heap.snapshot` answers with `{"result":{"timestamp":…,"snapshotData":"<the snapshot as a JSON
   * string>"},"id":N}`. The string is unescaped from the message bytes into the sink.
   */
  async takeHeapSnapshot(sink: HeapSnapshotSink): Promise<void> {
    if (!(await this.capabilities()).heapSnapshot) throw new CapabilityError('heapSnapshot', 'this target');
    const message = (await this.socket.request('Heap.snapshot', undefined, { raw: true })) as Buffer;
    const start = findStringValue(message, 'snapshotData');
    if (start < 0) throw new Error('the Heap.snapshot reply carries no snapshotData');
    unescapeJsonString(message, start, (chunk) => sink.write(chunk));
  }
}
