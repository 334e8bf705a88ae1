import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_CONTENT_TYPE } from './prometheusText';

export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Loopback unless the environment says otherwise: the figures are about a production process. */
export function metricsHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.MEMORY_BUDGET_METRICS_HOST?.trim() || '127.0.0.1';
}

/**
 * `GET /metrics` and nothing else: read-only, 404 for every other path or method. The server
 * never keeps the process alive (`unref`), so an app exits as it would without it.
 */
export function startMetricsServer(render: () => string, port: number, host: string): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') {
      let body: string;
      try {
        body = render();
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(err as Error).message}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this endpoint serves GET /metrics only.\n');
  });
  // A scraper's keep-alive connection must not keep the app alive either.
  server.on('connection', (socket) => socket.unref());
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.unref();
      const address = server.address() as AddressInfo;
      resolve({
        host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
