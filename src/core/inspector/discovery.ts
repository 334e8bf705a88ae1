import { bunInspectorUrl, bunWantsInspector, findBunInspectorPort } from './bunInspector';
import { fetchInspectorList } from './inspectorHttp';
import type { InspectorProtocol } from './inspectorSession';
import { listProcesses, listeningPorts, type ProcessInfo } from './procfs';
import { runtimeOfProcess, type RuntimeName } from './runtimes';
import type { TargetSpec } from './targetSpec';

/** Something on this machine that can be watched, best first when sorted by `rank`. */
export type DiscoveredTarget =
  | {
      kind: 'inspector';
      protocol: InspectorProtocol;
      runtime?: RuntimeName;
      host: string;
      port: number;
      webSocketUrl: string;
      title: string;
      pid?: number;
      command?: string;
    }
  | { kind: 'node-no-inspector'; pid: number; command: string }
  | {
      kind: 'rss-only';
      pid: number;
      command: string;
      exeName: string;
      /** Set for Bun and Deno, which are watched RSS-only until they are started with an inspector. */
      runtime?: RuntimeName;
      /** What would let the user attach ("Bun — start it with --inspect to attach"). */
      hint?: string;
      /** A Bun inspector listens here, but its ws:// path is not known. */
      inspectorPort?: number;
    };

export const DEFAULT_DISCOVERY_PORTS: readonly number[] = range(9229, 9239);

export interface DiscoveryOptions {
  /** Ports probed for `/json/list` besides those found in command lines. */
  ports?: readonly number[];
  host?: string;
}

/** Interpreters and servers worth offering for RSS-only watching. */
const SERVICE_EXES = /^(python[\d.]*|gunicorn|uvicorn|ruby[\d.]*|java|php[\d.]*(-fpm)?|dotnet|beam\.smp)$/;
const INSPECT_FLAG = /^--inspect(-brk|-port|-wait)?(=|$)/;

export const START_WITH_INSPECT: Record<'bun' | 'deno', string> = {
  bun: 'Bun — start it with --inspect to attach',
  deno: 'Deno — start it with --inspect to attach',
};

/** Decided by the executable, never by argv[0] (which `exec -a node` sets to anything). */
export function isNodeProcess(p: ProcessInfo): boolean {
  return runtimeOfProcess(p) === 'node';
}

/** Ports named in `--inspect*` flags; `0` means "the OS chose", so listening ports are asked. */
export function inspectPortsFromArgv(argv: readonly string[]): number[] {
  const ports: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = INSPECT_FLAG.exec(argv[i]!);
    if (!m) continue;
    const value = m[2] === '=' ? argv[i]!.slice(m[0].length) : m[1] === '-port' ? argv[i + 1] : '';
    const port = /(?:^|:)(\d+)$/.exec(value ?? '');
    ports.push(port ? Number(port[1]) : 9229);
  }
  return ports;
}

export function commandLine(p: ProcessInfo): string {
  return p.argv.join(' ');
}

/** What to attach to for a discovered inspector: Bun's needs its full ws:// URL, there is no /json/list. */
export function specOf(t: Extract<DiscoveredTarget, { kind: 'inspector' }>): TargetSpec {
  return t.protocol === 'webkit' ? { kind: 'websocket', url: t.webSocketUrl } : { kind: 'inspector', host: t.host, port: t.port };
}

/** Lists what can be watched. Nothing is signalled or attached to here. */
export async function discoverTargets(options: DiscoveryOptions = {}): Promise<DiscoveredTarget[]> {
  const host = options.host ?? '127.0.0.1';
  const processes = (await listProcesses()).filter((p) => p.pid !== process.pid);
  const runtimeOf = new Map(processes.map((p) => [p.pid, runtimeOfProcess(p)]));
  const js = processes.filter((p) => runtimeOf.get(p.pid) !== undefined);

  // Which process listens on which port, so inspector endpoints get a pid.
  const portsByPid = new Map<number, number[]>();
  await Promise.all(js.map(async (p) => portsByPid.set(p.pid, await listeningPorts(p.pid))));
  const pidByPort = new Map<number, ProcessInfo>();
  for (const p of js) for (const port of portsByPid.get(p.pid) ?? []) pidByPort.set(port, p);

  const candidatePorts = new Set<number>(options.ports ?? DEFAULT_DISCOVERY_PORTS);
  for (const p of js) {
    if (runtimeOf.get(p.pid) === 'bun') continue; // Bun's inspector has no /json/list; see below
    const named = inspectPortsFromArgv(p.argv);
    // `--inspect=…:0` (or any flag) → probe every port the process listens on.
    for (const port of named.includes(0) ? (portsByPid.get(p.pid) ?? []) : named) candidatePorts.add(port);
    // SIGUSR1 opens Node's inspector without any flag; a listening port may still be one.
    if (runtimeOf.get(p.pid) === 'node') for (const port of portsByPid.get(p.pid) ?? []) candidatePorts.add(port);
  }

  const inspectors: DiscoveredTarget[] = [];
  const inspectedPids = new Set<number>();
  await Promise.all(
    [...candidatePorts].map(async (port) => {
      const owner = pidByPort.get(port);
      for (const entry of (await fetchInspectorList(host, port)) ?? []) {
        if (owner) inspectedPids.add(owner.pid);
        inspectors.push({
          kind: 'inspector',
          protocol: 'cdp',
          ...(owner ? { runtime: runtimeOf.get(owner.pid) } : {}),
          host,
          port,
          webSocketUrl: entry.webSocketDebuggerUrl,
          title: entry.title,
          pid: owner?.pid,
          command: owner ? commandLine(owner) : undefined,
        });
      }
    }),
  );

  const bunTargets = await Promise.all(
    js
      .filter((p) => runtimeOf.get(p.pid) === 'bun' && !inspectedPids.has(p.pid))
      .map((p) => discoverBun(p, host, portsByPid.get(p.pid) ?? [])),
  );
  for (const t of bunTargets) if (t.kind === 'inspector') inspectors.push(t);
  inspectors.sort((a, b) => (a.kind === 'inspector' && b.kind === 'inspector' ? a.port - b.port : 0));

  const withoutInspector: DiscoveredTarget[] = js
    .filter((p) => runtimeOf.get(p.pid) === 'node' && !inspectedPids.has(p.pid))
    .map((p) => ({ kind: 'node-no-inspector', pid: p.pid, command: commandLine(p) }));
  const rssOnly: DiscoveredTarget[] = [
    ...bunTargets.filter((t) => t.kind === 'rss-only'),
    ...js
      .filter((p) => runtimeOf.get(p.pid) === 'deno' && !inspectedPids.has(p.pid))
      .map((p): DiscoveredTarget => ({ ...rssOnlyTarget(p), runtime: 'deno', hint: START_WITH_INSPECT.deno })),
    ...processes.filter((p) => SERVICE_EXES.test(p.exeName)).map(rssOnlyTarget),
  ];
  return [...inspectors, ...withoutInspector, ...rssOnly];
}

/** A Bun process: its inspector when it has one whose URL it tells, else RSS-only with what to do. */
async function discoverBun(p: ProcessInfo, host: string, ports: readonly number[]): Promise<DiscoveredTarget> {
  const port = (await bunWantsInspector(p)) ? await findBunInspectorPort(host, ports) : undefined;
  if (port === undefined) return { ...rssOnlyTarget(p), runtime: 'bun', hint: START_WITH_INSPECT.bun };
  const url = await bunInspectorUrl(p, host, port);
  if (url)
    return {
      kind: 'inspector',
      protocol: 'webkit',
      runtime: 'bun',
      host,
      port,
      webSocketUrl: url,
      title: `bun[${p.pid}]`,
      pid: p.pid,
      command: commandLine(p),
    };
  return {
    ...rssOnlyTarget(p),
    runtime: 'bun',
    inspectorPort: port,
    hint: `Bun's inspector on ${host}:${port} has a random path: attach with the ws:// URL Bun printed, or start it with --inspect=${host}:${port}/<name>`,
  };
}

function rssOnlyTarget(p: ProcessInfo): Extract<DiscoveredTarget, { kind: 'rss-only' }> {
  return { kind: 'rss-only', pid: p.pid, command: commandLine(p), exeName: p.exeName };
}

export function describeTarget(t: DiscoveredTarget): string {
  switch (t.kind) {
    case 'inspector':
      return `${t.protocol === 'webkit' ? t.webSocketUrl : `${t.host}:${t.port}`}  ${t.pid ? `pid ${t.pid}  ` : ''}${t.command ?? t.title}`;
    case 'node-no-inspector':
      return `pid:${t.pid}  no inspector — will enable it (SIGUSR1)  ${t.command}`;
    case 'rss-only':
      return `pid:${t.pid}  RSS only${t.hint ? ` (${t.hint})` : ''}  ${t.command}`;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** "9229-9239,9300" → the ports it names (at most 1,000). */
export function parsePorts(text: string): number[] {
  const ports: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) continue;
    for (let p = a!; p <= (b ?? a!) && ports.length < 1000; p++) if (p > 0 && p < 65536) ports.push(p);
  }
  return ports;
}
