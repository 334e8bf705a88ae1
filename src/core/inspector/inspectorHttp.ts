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
 * An inspector's `/json/list` is a few hundred bytes per target and `/json/version` less: anything
 * past this is not an inspector, and reading on would let a hostile port fill our memory.
 */
export const MAX_INSPECTOR_JSON_BYTES = 1024 * 1024;

/** Why an inspector port's HTTP answer could not be used; the message is one line for the user. */
export class InspectorHttpError extends Error {
  override name = 'InspectorHttpError';
}

/**
 * Asks an inspector port what it serves. Resolves `undefined` for anything that is not a
 * V8 inspector (nothing listening, another HTTP server, a slow or oversized answer). Bun's WebKit
 * inspector answers no `/json/list` at all: see `fetchInspectorVersion`.
 */
export async function fetchInspectorList(host: string, port: number, timeoutMs = 500): Promise<InspectorListing[] | undefined> {
  return readInspectorList(host, port, timeoutMs).catch(() => undefined);
}

/** `/json/list`, or an `InspectorHttpError` saying what the port answered instead. */
export async function readInspectorList(host: string, port: number, timeoutMs = 500): Promise<InspectorListing[]> {
  const parsed = await fetchInspectorJson(host, port, '/json/list', timeoutMs);
  if (!Array.isArray(parsed)) throw new InspectorHttpError(`${hostPort(host, port)}/json/list is not a list of inspector targets`);
  return parsed.filter(isListing).map((o) => ({
    id: o.id,
    webSocketDebuggerUrl: o.webSocketDebuggerUrl,
    title: text(o.title),
    type: text(o.type),
    url: text(o.url),
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
  }));
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `/json/version`, which every inspector here answers (Node, Deno, Bun); undefined otherwise. */
export async function fetchInspectorVersion(host: string, port: number, timeoutMs = 500): Promise<InspectorVersion | undefined> {
  const parsed = (await fetchInspectorJson(host, port, '/json/version', timeoutMs).catch(() => undefined)) as
    Record<string, unknown> | null | undefined;
  if (typeof parsed?.Browser !== 'string') return undefined;
  const webKit = parsed['WebKit-Version'];
  return { browser: parsed.Browser, ...(typeof webKit === 'string' ? { webKitVersion: webKit } : {}) };
}

/** True for Bun's own inspector, which speaks WebKit's protocol rather than CDP. */
export function isWebKitInspector(version: InspectorVersion | undefined): boolean {
  return version?.webKitVersion !== undefined || version?.browser === 'Bun';
}

/**
 * One small JSON document from an inspector's HTTP side. Always settles, within `timeoutMs` for the
 * whole exchange (a port that trickles bytes is cut off too), and reads at most `maxBytes`. Redirects
 * are not followed: an inspector never sends one, so a redirect is a reason to stop, not to go elsewhere.
 */
export function fetchInspectorJson(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
  maxBytes = MAX_INSPECTOR_JSON_BYTES,
): Promise<unknown> {
  const where = `${hostPort(host, port)}${path}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const deadline = setTimeout(() => settle(new InspectorHttpError(`${where} did not answer within ${timeoutMs} ms`)), timeoutMs);
    const req = http.get({ host, port, path, headers: { accept: 'application/json' } }, (res) => {
      if (res.statusCode !== 200) {
        const status = `${res.statusCode}${res.headers.location ? ` (to ${res.headers.location}; redirects are not followed)` : ''}`;
        return settle(new InspectorHttpError(`${where} answered ${status}, not an inspector's JSON`));
      }
      const declared = Number(res.headers['content-length']);
      if (declared > maxBytes) return settle(new InspectorHttpError(`${where} announced ${declared} bytes, more than an inspector sends`));
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes)
          return settle(new InspectorHttpError(`${where} sent more than ${maxBytes / 1024} KB, more than an inspector sends`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const parsed = parseInspectorJson(text);
        if (parsed.ok) settle(undefined, parsed.value);
        else
          settle(
            new InspectorHttpError(`${where} answered ${describeContent(res.headers['content-type'], text)}, not an inspector's JSON`),
          );
      });
      res.on('error', (err) => settle(new InspectorHttpError(`${where}: ${err.message}`)));
      res.on('close', () => settle(new InspectorHttpError(`${where} closed the connection mid-answer`)));
    });
    req.on('error', (err) => settle(new InspectorHttpError(`${where}: ${reasonOf(err)}`)));
  });
}

/**
 * V8 writes a script's path into `/json/list` without escaping control characters, so a process whose
 * path holds one (an ESC, say) answers text that is not quite JSON. Those characters can only stand
 * inside strings there: escaped, the text parses, and what was meant is read.
 */
function parseInspectorJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const escaped = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (const candidate of escaped === text ? [text] : [text, escaped]) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch {
      // the next candidate, if any
    }
  }
  return { ok: false };
}

function describeContent(contentType: string | undefined, text: string): string {
  if (text.trim() === '') return 'nothing';
  const type = contentType?.split(';')[0]?.trim();
  return type && type !== 'application/json' ? `with ${type}` : 'with text that is not JSON';
}

function reasonOf(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return 'connection refused (nothing listens there, or the process has exited)';
  if (err.code === 'ENOTFOUND') return 'host not found';
  return err.message;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function isListing(x: unknown): x is InspectorListing {
  const o = x as Partial<InspectorListing> | null;
  return typeof o?.webSocketDebuggerUrl === 'string' && typeof o.id === 'string';
}
