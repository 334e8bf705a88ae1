import type { Endpoint } from './inspectorSession';
import type { RpcSocket } from './rpcSocket';

/** What a session over one JSON-RPC WebSocket does the same whatever its protocol (CDP, WebKit). */
export abstract class SocketSession {
  protected constructor(
    protected readonly socket: RpcSocket,
    readonly endpoint: Endpoint,
  ) {}

  get isClosed(): boolean {
    return this.socket.isClosed;
  }

  /** A command that is forgotten, not left waiting, when the target does not answer in time. */
  protected call(method: string, params: object | undefined, timeoutMs: number): Promise<unknown> {
    return this.socket.request(method, params, { timeoutMs });
  }

  onClose(listener: () => void): () => void {
    return this.socket.onClose(listener);
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
