import http from 'node:http';

/** One entry of an inspector's `/json/list`. */
export interface InspectorListing {
  id: string;
  title: string;
  type: string;
  url: string;
  webSocketDebuggerUrl: string;
  description?: string;
}

/**
 * Asks an inspector port what it serves. Resolves `undefined` for anything that is not a
 * V8 inspector (nothing listening, another HTTP server, a slow answer).
 */
export function fetchInspectorList(host: string, port: number, timeoutMs = 500): Promise<InspectorListing[] | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/json/list', timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(undefined);
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1_000_000) req.destroy();
      });
      res.on('end', () => {
        try {
          const parsed: unknown = JSON.parse(body);
          resolve(Array.isArray(parsed) ? parsed.filter(isListing) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function isListing(x: unknown): x is InspectorListing {
  const o = x as Partial<InspectorListing> | null;
  return typeof o?.webSocketDebuggerUrl === 'string' && typeof o.id === 'string';
}
