import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * What a hostile or broken port on 127.0.0.1 does when it is asked to be an inspector. Each is a
 * real HTTP and WebSocket server; the CLI talks to it as it would to Node.
 */
export type CraftedBehaviour =
  /** `/json/list` answers a web page. */
  | 'html'
  /** `/json/list` sends bytes and never ends. */
  | 'endless'
  /** `/json/list` is valid JSON, 1.5 MB of it. */
  | 'oversized'
  /** A proper `/json/list`; the WebSocket answers every command with bytes that are not JSON. */
  | 'garbage-socket'
  /** A proper `/json/list`; the WebSocket handshake answers 302 to `redirectTo`. */
  | 'redirect'
  /** `/json/list` offers a WebSocket URL on another host (`offeredUrl`). */
  | 'offers-elsewhere';

export interface CraftedInspector {
  port: number;
  /** WebSocket handshakes this server has seen. */
  readonly upgrades: number;
  close(): Promise<void>;
}

export async function startCraftedInspector(
  behaviour: CraftedBehaviour,
  options: { redirectTo?: string; offeredUrl?: string } = {},
): Promise<CraftedInspector> {
  let upgrades = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const { port } = server.address() as AddressInfo;
    const listing = (url: string) =>
      JSON.stringify([{ id: 'crafted', type: 'node', title: 'crafted', url: 'file:///', webSocketDebuggerUrl: url }]);
    if (req.url === '/json/version') return void res.end(JSON.stringify({ Browser: 'node.js/v20.0.0', 'Protocol-Version': '1.1' }));
    switch (behaviour) {
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<!doctype html><title>Welcome to nginx!</title>');
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        const chunk = `{"id":"x","webSocketDebuggerUrl":"ws://127.0.0.1:${port}/x"},`.repeat(1000);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        return pump();
      }
      case 'oversized':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify(
            Array.from({ length: 15_000 }, (_, i) => ({
              id: String(i),
              webSocketDebuggerUrl: `ws://127.0.0.1:${port}/${i}`,
              title: 'x'.repeat(40),
            })),
          ),
        );
      case 'offers-elsewhere':
        return void res.end(listing(options.offeredUrl!));
      default:
        return void res.end(listing(`ws://127.0.0.1:${port}/crafted`));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    upgrades++;
    if (behaviour === 'redirect') {
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${options.redirectTo}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', () => ws.send(behaviour === 'garbage-socket' ? '<html>not a protocol</html>' : '{"id":0,"result":{}}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get upgrades() {
      return upgrades;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
