import CDP from 'chrome-remote-interface';
import { EventEmitter } from 'node:events';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import {
  CapabilityError,
  connectReason,
  describeEndpoint,
  RemoteEvaluationError,
  type Endpoint,
  type HeapSnapshotSink,
  type InspectorSession,
  type SessionCapabilities,
} from './inspectorSession';
import type { FixedExpression } from './remoteExpressions';
import { withTimeout } from './withTimeout';

export type CdpCommand = keyof ProtocolMapping.Commands;
export type CdpEvent = keyof ProtocolMapping.Events;
type Params<M extends CdpCommand> = ProtocolMapping.Commands[M]['paramsType'][0];
type Result<M extends CdpCommand> = ProtocolMapping.Commands[M]['returnType'];
type EventPayload<E extends CdpEvent> = ProtocolMapping.Events[E][0];

/** JSON-RPC's "Invalid params": the method exists and refused what it was given. */
const INVALID_PARAMS = -32602;

/**
 * A typed CDP connection to one inspector target (Node, Deno, a VS Code debug session's proxy).
 * Emits `close` once, when the socket goes away for any reason (target exit, network, our own `close()`).
 */
export class CdpSession extends EventEmitter implements InspectorSession {
  readonly protocol = 'cdp';
  private closed = false;
  private asked?: Promise<SessionCapabilities>;

  private constructor(
    private readonly client: Awaited<ReturnType<typeof CDP>>,
    readonly endpoint: Endpoint,
  ) {
    super();
    client.on('disconnect', () => this.markClosed());
  }

  static async connect(endpoint: Endpoint, timeoutMs = 5000): Promise<CdpSession> {
    const options =
      'webSocketUrl' in endpoint
        ? { target: endpoint.webSocketUrl, local: true }
        : { host: endpoint.host, port: endpoint.port, local: true };
    try {
      const client = await withTimeout(CDP(options), timeoutMs, `timed out after ${timeoutMs} ms`);
      return new CdpSession(client, endpoint);
    } catch (err) {
      throw new Error(`cannot attach to ${describeEndpoint(endpoint)}: ${connectReason(err)}`, { cause: err });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send<M extends CdpCommand>(method: M, ...params: Params<M> extends undefined ? [] : [Params<M>]): Promise<Result<M>> {
    if (this.closed) return Promise.reject(new Error('the inspector connection is closed'));
    return this.client.send(method, params[0] as object | undefined) as Promise<Result<M>>;
  }

  /**
   * A command outside the CDP typings: js-debug's proxy speaks `JsDebug.subscribe`, without
   * which it forwards no events.
   */
  sendUntyped(method: string, params?: object): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the inspector connection is closed'));
    return this.client.send(method, params);
  }

  /** Subscribes to a CDP event; returns the function that unsubscribes. */
  onEvent<E extends CdpEvent>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    const listener = (payload: EventPayload<E>) => handler(payload);
    this.client.on(event, listener);
    return () => this.client.off(event, listener);
  }

  async evaluate<T>(expression: FixedExpression, timeoutMs: number): Promise<T> {
    const reply = await withTimeout(
      this.send('Runtime.evaluate', { expression, returnByValue: true, includeCommandLineAPI: true, silent: true }),
      timeoutMs,
      'the target did not answer (paused at a breakpoint, or busy)',
    );
    if (reply.exceptionDetails) {
      const text = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text;
      throw new RemoteEvaluationError(text.split('\n')[0]!);
    }
    return reply.result.value as T;
  }

  /**
   * `Schema.getDomains` where the runtime still answers it, else a harmless `HeapProfiler.enable`.
   * Snapshots are asked of the method itself: `takeHeapSnapshot` with a malformed parameter is
   * refused as "Invalid parameters" where it exists (V8 checks parameters before acting) and as
   * "not found" where it does not (Bun's node:inspector bridge has HeapProfiler but no snapshots).
   */
  capabilities(): Promise<SessionCapabilities> {
    this.asked ??= (async () => {
      const timeoutMs = 5000;
      const domains = await withTimeout(this.sendUntyped('Schema.getDomains'), timeoutMs)
        .then((r) => new Set((r as { domains?: { name: string }[] }).domains?.map((d) => d.name)))
        .catch(() => undefined);
      const heapProfiler =
        domains?.has('HeapProfiler') ??
        (await withTimeout(this.send('HeapProfiler.enable'), timeoutMs).then(
          () => true,
          () => false,
        ));
      const snapshots =
        heapProfiler &&
        (await withTimeout(this.sendUntyped('HeapProfiler.takeHeapSnapshot', { reportProgress: 'probe' }), timeoutMs).then(
          () => true,
          (err: { response?: { code?: number } }) => err.response?.code === INVALID_PARAMS,
        ));
      // Asked the same way: a malformed interval is refused as invalid where the sampler exists.
      const allocationSampling =
        heapProfiler &&
        (await withTimeout(this.sendUntyped('HeapProfiler.startSampling', { samplingInterval: 'probe' }), timeoutMs).then(
          // A runtime that took the probe anyway is sampling now: stop it again.
          () =>
            this.sendUntyped('HeapProfiler.stopSampling').then(
              () => true,
              () => true,
            ),
          (err: { response?: { code?: number } }) => err.response?.code === INVALID_PARAMS,
        ));
      const heapUsage = await withTimeout(this.send('Runtime.getHeapUsage'), timeoutMs).then(
        (u) => u.usedSize > 0 || u.totalSize > 0,
        () => false,
      );
      return { heapUsage, gc: heapProfiler, heapSnapshot: snapshots ? 'v8' : undefined, allocationSampling };
    })();
    return this.asked;
  }

  async heapUsage(timeoutMs: number): Promise<{ usedSize: number; totalSize: number } | undefined> {
    if (!(await this.capabilities()).heapUsage) return undefined;
    return withTimeout(this.send('Runtime.getHeapUsage'), timeoutMs).catch(() => undefined);
  }

  async collectGarbage(timeoutMs: number): Promise<void> {
    if (!(await this.capabilities()).gc) throw new CapabilityError('gc', 'this target');
    await withTimeout(this.send('HeapProfiler.collectGarbage'), timeoutMs);
  }

  /** V8 sends the snapshot as `addHeapSnapshotChunk` events before it answers the command. */
  async takeHeapSnapshot(sink: HeapSnapshotSink): Promise<void> {
    if (!(await this.capabilities()).heapSnapshot) throw new CapabilityError('heapSnapshot', 'this target');
    const offChunk = this.onEvent('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => sink.write(chunk));
    const offProgress = this.onEvent('HeapProfiler.reportHeapSnapshotProgress', ({ done, total }) => sink.onProgress?.(done, total));
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true });
    } finally {
      offChunk();
      offProgress();
    }
  }

  onClose(listener: () => void): () => void {
    this.once('close', listener);
    return () => this.off('close', listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.client.close();
    } finally {
      this.markClosed();
    }
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}
