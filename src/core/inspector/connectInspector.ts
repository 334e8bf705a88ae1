import { localBunInspector } from './bunInspector';
import { CdpSession } from './cdpSession';
import { fetchInspectorVersion, isWebKitInspector } from './inspectorHttp';
import type { Endpoint, InspectorProtocol, InspectorSession } from './inspectorSession';
import { isLoopbackHost } from './targetSpec';
import { WebKitSession } from './webkitSession';

export interface ConnectOptions {
  timeoutMs?: number;
  /** Skip asking the port (a VS Code debug session's proxy is CDP and has no HTTP side). */
  protocol?: InspectorProtocol;
}

/**
 * Connects to an inspector in the protocol it speaks. `/json/version` tells: Bun's own inspector
 * names a WebKit version; Node and Deno (and Bun's node:inspector bridge) speak CDP.
 */
export async function connectInspector(endpoint: Endpoint, options: ConnectOptions = {}): Promise<InspectorSession> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const protocol = options.protocol ?? (await detectProtocol(endpoint));
  if (protocol === 'cdp') return CdpSession.connect(endpoint, timeoutMs);
  if ('webSocketUrl' in endpoint) return WebKitSession.connect(endpoint.webSocketUrl, timeoutMs);
  const { host, port } = endpoint;
  const local = isLoopbackHost(host) ? await localBunInspector(host, port) : undefined;
  if (local?.url) return WebKitSession.connect(local.url, timeoutMs);
  throw new Error(
    `${host}:${port} is Bun's inspector, which lists no sessions to attach to: give the ws:// URL Bun printed ` +
      `(ws://${host}:${port}/<id>), or start Bun with --inspect=${host}:${port}/<name> so the path is known`,
  );
}

async function detectProtocol(endpoint: Endpoint): Promise<InspectorProtocol> {
  let host: string;
  let port: number;
  if ('webSocketUrl' in endpoint) {
    const url = new URL(endpoint.webSocketUrl);
    if (url.protocol !== 'ws:') return 'cdp';
    host = url.hostname.replace(/^\[|\]$/g, '');
    port = Number(url.port || 80);
  } else {
    ({ host, port } = endpoint);
  }
  return isWebKitInspector(await fetchInspectorVersion(host, port)) ? 'webkit' : 'cdp';
}
