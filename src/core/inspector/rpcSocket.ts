import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { withTimeout } from './withTimeout';

/**
 * The JSON-RPC-over-WebSocket transport both inspector protocols share (CDP and WebKit's are the same
 * shape: `{id, method, params}` out, `{id, result | error}` and `{method, params}` back). Everything
 * the other end sends is input: a message that is not a protocol message ends the connection with a
 * reason, never an exception in an event handler; messages have a size cap; redirects are not followed.
 */

export interface RpcSocketOptions {
  timeoutMs: number;
  /** Largest message accepted; a bigger one closes the connection (the other end is not an inspector we know). */
  maxMessageBytes: number;
  /** Messages above this size are first offered unparsed to a `raw` request (WebKit's snapshot reply). */
  rawCandidateBytes?: number;
}

export interface RpcEvent {
  method: string;
  params: unknown;
}

/** A command the other end refused; `code` is JSON-RPC's (-32602: invalid params, -32601: no such method). */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  raw: boolean;
  timer?: NodeJS.Timeout;
}

interface RequestOptions {
  /** Resolve with the reply's bytes, unparsed. */
  raw?: boolean;
  /** Give up (and forget the request) after this long; by default it waits until the connection ends. */
  timeoutMs?: number;
  timeoutMessage?: string;
}

export class RpcSocket {
  private readonly events = new EventEmitter<{ event: [RpcEvent]; close: [] }>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedBecause: string | undefined;

  private constructor(
    private readonly socket: WebSocket,
    readonly url: string,
    private readonly options: RpcSocketOptions,
  ) {
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('error', (err) => this.markClosed(err.message));
    socket.on('close', (code, reason) => this.markClosed(reason.length > 0 ? `closed by the other end: ${reason.toString()}` : undefined));
  }

  /** Opens the connection; rejects with a reason a user can act on (refused, 404, redirect, timeout). */
  static async open(url: string, options: RpcSocketOptions): Promise<RpcSocket> {
    const socket = new WebSocket(url, {
      handshakeTimeout: options.timeoutMs,
      maxPayload: options.maxMessageBytes,
      // An inspector never redirects; a redirect could take us to another host without asking.
      followRedirects: false,
      perMessageDeflate: false,
    });
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
          socket.once('unexpected-response', (_req, res) => {
            const location = res.headers.location;
            reject(
              new Error(
                location
                  ? `the inspector answered ${res.statusCode}, a redirect to ${location}; redirects are not followed`
                  : `Unexpected server response: ${res.statusCode}`,
              ),
            );
          });
        }),
        options.timeoutMs,
        `timed out after ${options.timeoutMs} ms`,
      );
    } catch (err) {
      socket.terminate();
      throw err;
    }
    return new RpcSocket(socket, url, options);
  }

  get isClosed(): boolean {
    return this.closedBecause !== undefined;
  }

  /** Throws why the connection ended, if it has: probes that treat a failure as "no" must not hide a dead connection. */
  assertOpen(): void {
    if (this.closedBecause !== undefined) throw this.closedError();
  }

  request(method: string, params?: object, options: RequestOptions = {}): Promise<unknown> {
    if (this.closedBecause !== undefined) return Promise.reject(this.closedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, raw: options.raw === true };
      if (options.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new Error(options.timeoutMessage ?? `no answer to ${method} within ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
      this.pending.set(id, entry);
      this.socket.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }), (err) => {
        if (!err) return;
        this.settle(id)?.reject(err);
      });
    });
  }

  onEvent(listener: (event: RpcEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /** Called once, when the connection ends for any reason. */
  onClose(listener: () => void): () => void {
    this.events.once('close', listener);
    return () => this.events.off('close', listener);
  }

  async close(): Promise<void> {
    if (this.closedBecause !== undefined) return;
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
    this.markClosed(undefined);
  }

  private receive(data: Buffer): void {
    if (this.options.rawCandidateBytes !== undefined && data.length > this.options.rawCandidateBytes && this.takeRaw(data)) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return this.violation('a message that is not JSON');
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return this.violation('a message that is not an object');
    const m = message as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    if (m.id === undefined) {
      if (typeof m.method !== 'string') return this.violation('a message with neither an id nor a method');
      this.events.emit('event', { method: m.method, params: typeof m.params === 'object' && m.params !== null ? m.params : {} });
      return;
    }
    if (typeof m.id !== 'number') return this.violation('a reply whose id is not a number');
    const waiting = this.settle(m.id);
    if (!waiting) return; // an answer to a request we gave up on
    if (m.error !== undefined) {
      const error = (typeof m.error === 'object' && m.error !== null ? m.error : {}) as { message?: unknown; code?: unknown };
      waiting.reject(
        new RpcError(
          typeof error.message === 'string' ? error.message : 'the target refused the command',
          typeof error.code === 'number' ? error.code : undefined,
        ),
      );
    } else if (waiting.raw) {
      waiting.resolve(data);
    } else {
      waiting.resolve(typeof m.result === 'object' && m.result !== null ? m.result : {});
    }
  }

  /** A big message whose id (last in the reply: `…},"id":N}`) belongs to a raw request. */
  private takeRaw(data: Buffer): boolean {
    const id = /"id"\s*:\s*(\d+)\s*\}\s*$/.exec(data.subarray(Math.max(0, data.length - 48)).toString('latin1'))?.[1];
    if (id === undefined || !this.pending.get(Number(id))?.raw) return false;
    this.settle(Number(id))!.resolve(data);
    return true;
  }

  private settle(id: number): Pending | undefined {
    const waiting = this.pending.get(id);
    if (!waiting) return undefined;
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    return waiting;
  }

  /** The other end does not speak the protocol: stop listening to it, and say why to whoever waits. */
  private violation(what: string): void {
    this.markClosed(`the inspector sent ${what}`);
    this.socket.terminate();
  }

  private closedError(): Error {
    return new Error(`the inspector connection is closed${this.closedBecause ? ` (${this.closedBecause})` : ''}`);
  }

  private markClosed(reason: string | undefined): void {
    if (this.closedBecause !== undefined) return;
    this.closedBecause = reason ?? '';
    const gone = this.closedError();
    for (const id of [...this.pending.keys()]) this.settle(id)!.reject(gone);
    this.events.emit('close');
  }
}
