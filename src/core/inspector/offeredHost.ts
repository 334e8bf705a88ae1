import { isLoopbackHost } from './targetSpec';

/**
 * Asked when an inspector hands us a WebSocket URL on another host than the one the user named
 * (`/json/list`'s `webSocketDebuggerUrl`, say). Following it would evaluate code and take heap
 * snapshots on a machine the user never chose. Resolve true to follow it.
 */
export type OfferedHostConsent = (named: string, offeredUrl: string) => Promise<boolean>;

/** The URL an inspector offered points to another host, and nobody agreed to go there. */
export class OfferedHostRefusedError extends Error {
  override name = 'OfferedHostRefusedError';
  constructor(
    readonly namedHost: string,
    readonly offeredUrl: string,
  ) {
    super(`${namedHost} offered ${offeredUrl}, which is on another host; it was not followed`);
  }
}

/** Case, IPv6 brackets and the loopback names aside, the same host. */
export function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => h.replace(/^\[|\]$/g, '').toLowerCase();
  return norm(a) === norm(b) || (isLoopbackHost(a) && isLoopbackHost(b));
}

/**
 * Throws `OfferedHostRefusedError` unless `offeredUrl` is on `namedHost` (or `address`, what the
 * name resolved to) or `consent` agrees. Also refuses what is not a WebSocket URL at all.
 */
export async function checkOfferedUrl(
  namedHost: string,
  offeredUrl: string,
  consent?: OfferedHostConsent,
  address: string = namedHost,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(offeredUrl);
  } catch {
    throw new Error(`${namedHost} offered "${offeredUrl.slice(0, 200)}", which is not a URL`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`${namedHost} offered ${url.protocol} URL, not a WebSocket one`);
  if (sameHost(namedHost, url.hostname) || sameHost(address, url.hostname)) return;
  if (consent && (await consent(namedHost, offeredUrl))) return;
  throw new OfferedHostRefusedError(namedHost, offeredUrl);
}
