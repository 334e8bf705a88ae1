// Just the surface of chrome-remote-interface this project uses (the package ships no types).
declare module 'chrome-remote-interface' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    host?: string;
    port?: number;
    /** A WebSocket URL, or a function choosing among `/json/list` targets. */
    target?: string | ((targets: Array<{ webSocketDebuggerUrl?: string }>) => unknown);
    /** Use the bundled protocol descriptor instead of fetching `/json/protocol`. */
    local?: boolean;
  }

  interface Client extends EventEmitter {
    send(method: string, params?: object): Promise<unknown>;
    close(): Promise<void>;
  }

  function CDP(options?: Options): Promise<Client>;
  export = CDP;
}
