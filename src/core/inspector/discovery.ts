import { fetchInspectorList } from './inspectorHttp';
import { listProcesses, listeningPorts, type ProcessInfo } from './procfs';

/** Something on this machine that can be watched, best first when sorted by `rank`. */
export type DiscoveredTarget =
  | { kind: 'inspector'; host: string; port: number; webSocketUrl: string; title: string; pid?: number; command?: string }
  | { kind: 'node-no-inspector'; pid: number; command: string }
  | { kind: 'rss-only'; pid: number; command: string; exeName: string };

export const DEFAULT_DISCOVERY_PORTS: readonly number[] = range(9229, 9239);

export interface DiscoveryOptions {
  /** Ports probed for `/json/list` besides those found in command lines. */
  ports?: readonly number[];
  host?: string;
}

const NODE_EXES = /^(node|nodejs|node\d+|bun)$/;
/** Interpreters and servers worth offering for RSS-only watching. */
const SERVICE_EXES = /^(python[\d.]*|gunicorn|uvicorn|ruby[\d.]*|java|deno|php[\d.]*(-fpm)?|dotnet|beam\.smp)$/;
const INSPECT_FLAG = /^--inspect(-brk|-port|-wait)?(=|$)/;

export function isNodeProcess(p: ProcessInfo): boolean {
  return NODE_EXES.test(p.exeName) || NODE_EXES.test(p.argv[0]?.split('/').pop() ?? '');
}

/** Ports named in `--inspect*` flags; `0` means "the OS chose", so listening ports are asked. */
export function inspectPortsFromArgv(argv: readonly string[]): number[] {
  const ports: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = INSPECT_FLAG.exec(argv[i]);
    if (!m) continue;
    const value = m[2] === '=' ? argv[i].slice(m[0].length) : m[1] === '-port' ? argv[i + 1] : '';
    const port = /(?:^|:)(\d+)$/.exec(value ?? '');
    ports.push(port ? Number(port[1]) : 9229);
  }
  return ports;
}

export function commandLine(p: ProcessInfo): string {
  return p.argv.join(' ');
}

export async function discoverTargets(options: DiscoveryOptions = {}): Promise<DiscoveredTarget[]> {
  const host = options.host ?? '127.0.0.1';
  const processes = await listProcesses();
  const self = process.pid;
  const nodes = processes.filter((p) => p.pid !== self && isNodeProcess(p));

  // Which Node process listens on which port, so inspector endpoints get a pid.
  const portsByPid = new Map<number, number[]>();
  await Promise.all(nodes.map(async (p) => portsByPid.set(p.pid, await listeningPorts(p.pid))));
  const pidByPort = new Map<number, ProcessInfo>();
  for (const p of nodes) for (const port of portsByPid.get(p.pid) ?? []) pidByPort.set(port, p);

  const candidatePorts = new Set<number>(options.ports ?? DEFAULT_DISCOVERY_PORTS);
  for (const p of nodes) {
    const named = inspectPortsFromArgv(p.argv);
    if (named.length === 0) continue;
    // `--inspect=…:0` (or any flag) → probe every port the process listens on.
    for (const port of named.includes(0) ? (portsByPid.get(p.pid) ?? []) : named) candidatePorts.add(port);
  }
  // SIGUSR1 opens an inspector without any flag; a listening port may still be one.
  for (const [port] of pidByPort) candidatePorts.add(port);

  const inspectors: DiscoveredTarget[] = [];
  const inspectedPids = new Set<number>();
  await Promise.all(
    [...candidatePorts].map(async (port) => {
      const list = await fetchInspectorList(host, port);
      for (const entry of list ?? []) {
        const owner = pidByPort.get(port);
        if (owner) inspectedPids.add(owner.pid);
        inspectors.push({
          kind: 'inspector',
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
  inspectors.sort((a, b) => (a.kind === 'inspector' && b.kind === 'inspector' ? a.port - b.port : 0));

  const withoutInspector: DiscoveredTarget[] = nodes
    .filter((p) => !inspectedPids.has(p.pid))
    .map((p) => ({ kind: 'node-no-inspector', pid: p.pid, command: commandLine(p) }));
  const rssOnly: DiscoveredTarget[] = processes
    .filter((p) => p.pid !== self && SERVICE_EXES.test(p.exeName))
    .map((p) => ({ kind: 'rss-only', pid: p.pid, command: commandLine(p), exeName: p.exeName }));
  return [...inspectors, ...withoutInspector, ...rssOnly];
}

export function describeTarget(t: DiscoveredTarget): string {
  switch (t.kind) {
    case 'inspector':
      return `${t.host}:${t.port}  ${t.pid ? `pid ${t.pid}  ` : ''}${t.command ?? t.title}`;
    case 'node-no-inspector':
      return `pid:${t.pid}  no inspector — will enable it (SIGUSR1)  ${t.command}`;
    case 'rss-only':
      return `pid:${t.pid}  RSS only  ${t.command}`;
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
    for (let p = a; p <= (b ?? a) && ports.length < 1000; p++) if (p > 0 && p < 65536) ports.push(p);
  }
  return ports;
}
