import CDP from 'chrome-remote-interface';
import { EventEmitter } from 'node:events';
import type { ProtocolMapping } from 'devtools-protocol/types/protocol-mapping';
import { withTimeout } from './withTimeout';

export type CdpCommand = keyof ProtocolMapping.Commands;
export type CdpEvent = keyof ProtocolMapping.Events;
type Params<M extends CdpCommand> = ProtocolMapping.Commands[M]['paramsType'][0];
type Result<M extends CdpCommand> = ProtocolMapping.Commands[M]['returnType'];
type EventPayload<E extends CdpEvent> = ProtocolMapping.Events[E][0];

/** Where an inspector listens: `host:port` (first `/json/list` target) or a WebSocket URL. */
export type Endpoint = { host: string; port: number } | { webSocketUrl: string };

export function describeEndpoint(endpoint: Endpoint): string {
  return 'webSocketUrl' in endpoint ? endpoint.webSocketUrl : `${endpoint.host}:${endpoint.port}`;
}

/**
 * A typed CDP connection to one inspector target. Emits `close` once, when the socket goes
 * away for any reason (target exit, network, our own `close()`).
 */
export class CdpSession extends EventEmitter {
  private closed = false;

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

function connectReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED') return 'connection refused (nothing listens there, or the process has exited)';
  if (e?.code === 'ENOTFOUND') return 'host not found';
  if (e instanceof Error && /No inspectable targets/.test(e.message)) return 'the inspector lists no targets';
  return e instanceof Error ? e.message : String(err);
}
