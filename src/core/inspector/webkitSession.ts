import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  CapabilityError,
  connectReason,
  RemoteEvaluationError,
  type Endpoint,
  type HeapSnapshotSink,
  type InspectorSession,
  type SessionCapabilities,
} from './inspectorSession';
import { findStringValue, unescapeJsonString } from './jsonStringStream';
import type { FixedExpression } from './remoteExpressions';
import { withTimeout } from './withTimeout';

/** A heap snapshot arrives as one message; past this the connection is refused rather than the process risked. */
const MAX_MESSAGE_BYTES = 1024 * 2 ** 20;
/** Messages above this size are looked at raw first: only a snapshot reply is that big. */
const RAW_CANDIDATE_BYTES = 256 * 1024;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  /** Resolve with the message bytes, unparsed (the snapshot reply). */
  raw?: boolean;
}

interface WebKitReply {
  id?: number;
  result?: unknown;
  error?: { message?: string };
  method?: string;
}

/**
 * WebKit's inspector protocol as Bun speaks it (`bun --inspect`): JSON messages over a WebSocket at
 * the path Bun prints, no `/json/list`, a `Heap` domain instead of `HeapProfiler`, and snapshots in
 * JavaScriptCore's format, answered whole in one message.
 */
export class WebKitSession extends EventEmitter implements InspectorSession {
  readonly protocol = 'webkit';
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private asked?: Promise<SessionCapabilities>;

  private constructor(
    private readonly socket: WebSocket,
    readonly endpoint: Endpoint,
  ) {
    super();
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  static async connect(url: string, timeoutMs = 5000): Promise<WebKitSession> {
    const socket = new WebSocket(url, {
      handshakeTimeout: timeoutMs,
      maxPayload: MAX_MESSAGE_BYTES,
      followRedirects: false,
      perMessageDeflate: false,
    });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
          socket.once('unexpected-response', (_req, res) => reject(new Error(`Unexpected server response: ${res.statusCode}`)));
        }),
        timeoutMs,
        `timed out after ${timeoutMs} ms`,
      );
    } catch (err) {
      socket.terminate();
      throw new Error(`cannot attach to ${url}: ${connectReason(err)}`, { cause: err });
    }
    return new WebKitSession(socket, { webSocketUrl: url });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(method: string, params?: object): Promise<unknown> {
    return this.request(method, params, false);
  }

  async evaluate<T>(expression: FixedExpression, timeoutMs: number): Promise<T> {
    const reply = (await withTimeout(
      this.send('Runtime.evaluate', {
        expression,
        returnByValue: true,
        includeCommandLineAPI: true,
        doNotPauseOnExceptionsAndMuteConsole: true,
      }),
      timeoutMs,
      'the target did not answer (paused at a breakpoint, or busy)',
    )) as { result: { value?: unknown; description?: string }; wasThrown?: boolean };
    if (reply.wasThrown) throw new RemoteEvaluationError((reply.result.description ?? 'exception').split('\n')[0]!);
    return reply.result.value as T;
  }

  /** The `Heap` domain carries both GC and snapshots; `Heap.enable` is the harmless way to ask for it. */
  capabilities(): Promise<SessionCapabilities> {
    this.asked ??= withTimeout(this.send('Heap.enable'), 5000).then(
      (): SessionCapabilities => ({ heapUsage: false, gc: true, heapSnapshot: 'jsc', allocationSampling: false }),
      (): SessionCapabilities => ({ heapUsage: false, gc: false, heapSnapshot: undefined, allocationSampling: false }),
    );
    return this.asked;
  }

  /** WebKit's protocol reports no heap figures of its own; `process.memoryUsage()` carries JSC's. */
  async heapUsage(): Promise<undefined> {
    return undefined;
  }

  async collectGarbage(timeoutMs: number): Promise<void> {
    if (!(await this.capabilities()).gc) throw new CapabilityError('gc', 'this target');
    await withTimeout(this.send('Heap.gc'), timeoutMs);
  }

  /**
   * `Heap.snapshot` answers with `{"result":{"timestamp":…,"snapshotData":"<the snapshot as a JSON
   * string>"},"id":N}`. The string is unescaped from the message bytes into the sink.
   */
  async takeHeapSnapshot(sink: HeapSnapshotSink): Promise<void> {
    if (!(await this.capabilities()).heapSnapshot) throw new CapabilityError('heapSnapshot', 'this target');
    const message = (await this.request('Heap.snapshot', undefined, true)) as Buffer;
    const start = findStringValue(message, 'snapshotData');
    if (start < 0) throw new Error('the Heap.snapshot reply carries no snapshotData');
    unescapeJsonString(message, start, (chunk) => sink.write(chunk));
  }

  onClose(listener: () => void): () => void {
    this.once('close', listener);
    return () => this.off('close', listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 1000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
    this.markClosed();
  }

  private request(method: string, params: object | undefined, raw: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the inspector connection is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, raw });
      this.socket.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }), (err) => {
        if (!err) return;
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private receive(data: Buffer): void {
    if (data.length > RAW_CANDIDATE_BYTES) {
      // The reply's id comes last: `…},"id":N}`.
      const id = /"id"\s*:\s*(\d+)\s*\}\s*$/.exec(data.subarray(Math.max(0, data.length - 48)).toString('latin1'))?.[1];
      const waiting = id === undefined ? undefined : this.pending.get(Number(id));
      if (waiting?.raw) {
        this.pending.delete(Number(id));
        waiting.resolve(data);
        return;
      }
    }
    let message: WebKitReply;
    try {
      message = JSON.parse(data.toString('utf8')) as WebKitReply;
    } catch {
      return; // not a protocol message; nothing waits on it
    }
    if (message.id === undefined) {
      if (message.method) this.emit('event', message);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error) waiting.reject(new Error(message.error.message ?? 'the target refused the command'));
    else waiting.resolve(waiting.raw ? data : message.result);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const gone = new Error('the inspector connection is closed');
    for (const p of this.pending.values()) p.reject(gone);
    this.pending.clear();
    this.emit('close');
  }
}
