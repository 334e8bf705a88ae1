/** What the user names as a target: `host:port`, a `ws://` URL, `pid:<N>`, or an agent's `http://` metrics. */
export type TargetSpec =
  | { kind: 'inspector'; host: string; port: number }
  /** `viaJsDebug`: the CDP proxy of a VS Code JavaScript debug session (events need JsDebug.subscribe). */
  | { kind: 'websocket'; url: string; viaJsDebug?: boolean }
  | { kind: 'pid'; pid: number }
  /** An agent's read-only /metrics (`http://host:port`): figures only, no inspector. */
  | { kind: 'metrics'; url: string };

export class TargetSpecError extends Error {}

export function parseTargetSpec(text: string): TargetSpec {
  const input = text.trim();
  if (input === '') throw new TargetSpecError('no target given; use host:port, a ws:// URL or pid:<N>');
  const pid = /^pid:(\d+)$/i.exec(input);
  if (pid) {
    const n = Number(pid[1]);
    if (!Number.isSafeInteger(n) || n <= 0) throw new TargetSpecError(`"${input}" is not a valid pid`);
    return { kind: 'pid', pid: n };
  }
  if (/^https?:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new TargetSpecError(`"${input}" is not a valid URL`);
    }
    return { kind: 'metrics', url: url.toString() };
  }
  if (/^wss?:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new TargetSpecError(`"${input}" is not a valid WebSocket URL`);
    }
    if (!url.port && !url.hostname) throw new TargetSpecError(`"${input}" has no host`);
    return { kind: 'websocket', url: url.toString() };
  }
  // host:port, [v6]:port, or a bare port meaning localhost.
  const m = /^(?:\[([0-9a-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/i.exec(input) ?? /^()()(\d{1,5})$/.exec(input);
  if (!m) throw new TargetSpecError(`"${input}" is not a target; use host:port, a ws:// URL or pid:<N>`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new TargetSpecError(`port ${port} is out of range (1–65535)`);
  return { kind: 'inspector', host: m[1] || m[2] || '127.0.0.1', port };
}

export function formatTargetSpec(spec: TargetSpec): string {
  switch (spec.kind) {
    case 'pid':
      return `pid:${spec.pid}`;
    case 'websocket':
    case 'metrics':
      return spec.url;
    case 'inspector':
      return spec.host.includes(':') ? `[${spec.host}]:${spec.port}` : `${spec.host}:${spec.port}`;
  }
}

/** Loopback hosts; anything else is a remote inspector, which is remote code execution. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function hostOf(spec: TargetSpec): string | undefined {
  if (spec.kind === 'inspector') return spec.host;
  if (spec.kind === 'websocket' || spec.kind === 'metrics') return new URL(spec.url).hostname;
  return undefined;
}
