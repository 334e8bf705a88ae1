import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import { readInspectorList } from './inspectorHttp';
import {
  CapabilityError,
  connectReason,
  describeEndpoint,
  RemoteEvaluationError,
  type Endpoint,
  type HeapSnapshotSink,
  type InspectorSession,
  type SessionCapabilities,
  evaluatedValue,
} from './inspectorSession';
import { checkOfferedUrl, type OfferedHostConsent } from './offeredHost';
import type { FixedExpression } from './remoteExpressions';
import { RpcError, RpcSocket } from './rpcSocket';
import { SocketSession } from './socketSession';

export type CdpCommand = keyof ProtocolMapping.Commands;
export type CdpEvent = keyof ProtocolMapping.Events;
type Params<M extends CdpCommand> = ProtocolMapping.Commands[M]['paramsType'][0];
type Result<M extends CdpCommand> = ProtocolMapping.Commands[M]['returnType'];
type EventPayload<E extends CdpEvent> = ProtocolMapping.Events[E][0];

const NO_ANSWER = 'the target did not answer (paused at a breakpoint, or busy)';

/** JSON-RPC's "Invalid params": the method exists and refused what it was given. */
const INVALID_PARAMS = -32602;
/** V8 sends snapshots in chunks of about 100 KB and nothing else comes near; a bigger message is not CDP. */
const MAX_CDP_MESSAGE_BYTES = 64 * 2 ** 20;

/**
 * A typed CDP connection to one inspector target (Node, Deno, a VS Code debug session's proxy).
 * Emits `close` once, when the socket goes away for any reason (target exit, network, our own `close()`).
 */
export class CdpSession extends SocketSession implements InspectorSession {
  readonly protocol = 'cdp';
  private asked?: Promise<SessionCapabilities>;

  private constructor(socket: RpcSocket, endpoint: Endpoint) {
    super(socket, endpoint);
  }

  /**
   * Connects to a WebSocket URL, or to the first target `/json/list` names at host:port. The URL a
   * port offers must be on the host the user named, unless `consent` agrees to go elsewhere.
   */
  static async connect(endpoint: Endpoint, timeoutMs = 5000, consent?: OfferedHostConsent): Promise<CdpSession> {
    try {
      const url = 'webSocketUrl' in endpoint ? endpoint.webSocketUrl : await offeredUrl(endpoint, timeoutMs, consent);
      const socket = await RpcSocket.open(url, { timeoutMs, maxMessageBytes: MAX_CDP_MESSAGE_BYTES });
      return new CdpSession(socket, endpoint);
    } catch (err) {
      throw new Error(`cannot attach to ${describeEndpoint(endpoint)}: ${connectReason(err)}`, { cause: err });
    }
  }

  send<M extends CdpCommand>(method: M, ...params: Params<M> extends undefined ? [] : [Params<M>]): Promise<Result<M>> {
    return this.socket.request(method, params[0] as object | undefined) as Promise<Result<M>>;
  }

  /**
   * A command outside the CDP typings: js-debug's proxy speaks `JsDebug.subscribe`, without
   * which it forwards no events.
   */
  sendUntyped(method: string, params?: object): Promise<unknown> {
    return this.socket.request(method, params);
  }

  /** Subscribes to a CDP event; returns the function that unsubscribes. */
  onEvent<E extends CdpEvent>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.socket.onEvent((message) => {
      if (message.method === event) handler(message.params as EventPayload<E>);
    });
  }

  async evaluate<T>(expression: FixedExpression, timeoutMs: number): Promise<T> {
    const reply = (await this.socket.request(
      'Runtime.evaluate',
      { expression, returnByValue: true, includeCommandLineAPI: true, silent: true },
      { timeoutMs, timeoutMessage: NO_ANSWER },
    )) as Partial<Result<'Runtime.evaluate'>>;
    if (reply.exceptionDetails) {
      const text = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text;
      throw new RemoteEvaluationError(String(text).split('\n')[0]!);
    }
    return evaluatedValue<T>(reply.result);
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
      const domains = await this.call('Schema.getDomains', undefined, timeoutMs)
        .then((r) => new Set((r as { domains?: { name: string }[] }).domains?.map((d) => d.name)))
        .catch(() => undefined);
      const heapProfiler =
        domains?.has('HeapProfiler') ??
        (await this.call('HeapProfiler.enable', undefined, timeoutMs).then(
          () => true,
          () => false,
        ));
      const snapshots =
        heapProfiler &&
        (await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: 'probe' }, timeoutMs).then(
          () => true,
          (err: unknown) => err instanceof RpcError && err.code === INVALID_PARAMS,
        ));
      // Asked the same way: a malformed interval is refused as invalid where the sampler exists.
      const allocationSampling =
        heapProfiler &&
        (await this.call('HeapProfiler.startSampling', { samplingInterval: 'probe' }, timeoutMs).then(
          // A runtime that took the probe anyway is sampling now: stop it again.
          () =>
            this.sendUntyped('HeapProfiler.stopSampling').then(
              () => true,
              () => true,
            ),
          (err: unknown) => err instanceof RpcError && err.code === INVALID_PARAMS,
        ));
      const heapUsage = await this.call('Runtime.getHeapUsage', undefined, timeoutMs).then(
        (u) => {
          const usage = heapUsageOf(u);
          return usage !== undefined && (usage.usedSize > 0 || usage.totalSize > 0);
        },
        () => false,
      );
      this.socket.assertOpen();
      return { heapUsage, gc: heapProfiler, heapSnapshot: snapshots ? 'v8' : undefined, allocationSampling };
    })();
    return this.asked;
  }

  async heapUsage(timeoutMs: number): Promise<{ usedSize: number; totalSize: number } | undefined> {
    if (!(await this.capabilities()).heapUsage) return undefined;
    return this.call('Runtime.getHeapUsage', undefined, timeoutMs).then(heapUsageOf, () => undefined);
  }

  async collectGarbage(timeoutMs: number): Promise<void> {
    if (!(await this.capabilities()).gc) throw new CapabilityError('gc', 'this target');
    await this.call('HeapProfiler.collectGarbage', undefined, timeoutMs);
  }

  /** V8 sends the snapshot as `addHeapSnapshotChunk` events before it answers the command. */
  async takeHeapSnapshot(sink: HeapSnapshotSink): Promise<void> {
    if (!(await this.capabilities()).heapSnapshot) throw new CapabilityError('heapSnapshot', 'this target');
    const offChunk = this.onEvent('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => {
      if (typeof chunk === 'string') sink.write(chunk);
    });
    const offProgress = this.onEvent('HeapProfiler.reportHeapSnapshotProgress', ({ done, total }) => {
      if (Number.isFinite(done) && Number.isFinite(total)) sink.onProgress?.(done, total);
    });
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true });
    } finally {
      offChunk();
      offProgress();
    }
  }
}

/** `Runtime.getHeapUsage`'s two figures when both are numbers; a target's answer is input. */
function heapUsageOf(reply: unknown): { usedSize: number; totalSize: number } | undefined {
  const { usedSize, totalSize } = (reply ?? {}) as { usedSize?: unknown; totalSize?: unknown };
  return Number.isFinite(usedSize) && Number.isFinite(totalSize)
    ? { usedSize: usedSize as number, totalSize: totalSize as number }
    : undefined;
}

/**
 * The first target of `/json/list` that offers a WebSocket URL, checked against the host asked. A
 * name is asked by its address: V8 refuses a Host header that names neither an IP nor localhost
 * (its guard against DNS rebinding), and answers with URLs on the host it was asked by.
 */
async function offeredUrl(endpoint: { host: string; port: number }, timeoutMs: number, consent?: OfferedHostConsent): Promise<string> {
  const address = isIP(endpoint.host.replace(/^\[|\]$/g, '')) ? endpoint.host : (await lookup(endpoint.host, { verbatim: false })).address;
  const targets = await readInspectorList(address, endpoint.port, timeoutMs);
  const url = targets[0]?.webSocketDebuggerUrl;
  if (url === undefined) throw new Error('the inspector lists no targets');
  await checkOfferedUrl(endpoint.host, url, consent, address);
  return url;
}
