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

/** What an inspector port says about itself on `/json/version`. */
export interface InspectorVersion {
  /** `node.js/v20.20.2`, `Deno/2.9.6`, `Bun` (WebKit protocol) or `Bun/1.4.4` (Bun's CDP bridge). */
  browser: string;
  /** Only Bun's own (WebKit) inspector names a WebKit version. */
  webKitVersion?: string;
}

/**
 * Asks an inspector port what it serves. Resolves `undefined` for anything that is not a
 * V8 inspector (nothing listening, another HTTP server, a slow answer). Bun's WebKit inspector
 * answers no `/json/list` at all: see `fetchInspectorVersion`.
 */
export async function fetchInspectorList(host: string, port: number, timeoutMs = 500): Promise<InspectorListing[] | undefined> {
  const parsed = await fetchInspectorJson(host, port, '/json/list', timeoutMs);
  return Array.isArray(parsed) ? parsed.filter(isListing) : undefined;
}

/** `/json/version`, which every inspector here answers (Node, Deno, Bun); undefined otherwise. */
export async function fetchInspectorVersion(host: string, port: number, timeoutMs = 500): Promise<InspectorVersion | undefined> {
  const parsed = (await fetchInspectorJson(host, port, '/json/version', timeoutMs)) as Record<string, unknown> | undefined;
  if (typeof parsed?.Browser !== 'string') return undefined;
  const webKit = parsed['WebKit-Version'];
  return { browser: parsed.Browser, ...(typeof webKit === 'string' ? { webKitVersion: webKit } : {}) };
}

/** True for Bun's own inspector, which speaks WebKit's protocol rather than CDP. */
export function isWebKitInspector(version: InspectorVersion | undefined): boolean {
  return version?.webKitVersion !== undefined || version?.browser === 'Bun';
}

/** One small JSON document from an inspector's HTTP side; undefined for anything else. */
function fetchInspectorJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, timeout: timeoutMs }, (res) => {
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
          resolve(JSON.parse(body) as unknown);
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
