import { fetchInspectorList } from './inspectorHttp';
import { findListener, listProcesses, listeningPorts, readProcess } from './procfs';
import { runtimeOfProcess, runtimeTitle } from './runtimes';

export interface OpenedInspector {
  host: string;
  port: number;
  /** True when the signal opened it; false when it was already listening. */
  opened: boolean;
}

/**
 * Opens the inspector of a running Node process the way VS Code's "Attach to Node Process"
 * does: SIGUSR1 makes Node start its inspector (on 127.0.0.1:9229 unless --inspect-port says
 * otherwise). Returns the port, and whether the signal opened it.
 */
export async function enableInspector(pid: number, timeoutMs = 5000): Promise<OpenedInspector> {
  const info = await readProcess(pid);
  if (!info) throw new Error(`no process with pid ${pid}`);
  // SIGUSR1's default action is to terminate, and Bun and Deno open no inspector on it: never send
  // it to anything but a Node executable (argv[0] proves nothing; the executable does).
  const runtime = runtimeOfProcess(info);
  if (runtime !== 'node') {
    const what = runtime
      ? `a ${runtimeTitle(runtime)} process`
      : info.exeKnown
        ? 'not a Node.js process'
        : 'a process whose executable cannot be read';
    throw new Error(`pid ${pid} (${info.exeName}) is ${what}; it is never signalled, and can only be watched RSS-only`);
  }
  const before = new Set(await listeningPorts(pid));
  const existing = await findInspectorPort(before);
  if (existing !== undefined) return { host: '127.0.0.1', port: existing, opened: false };

  try {
    process.kill(pid, 'SIGUSR1');
  } catch (err) {
    throw new Error(`cannot signal pid ${pid}: ${(err as Error).message}`, { cause: err });
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const ports = await listeningPorts(pid);
    const port = await findInspectorPort(new Set(ports.filter((p) => !before.has(p))));
    if (port !== undefined) return { host: '127.0.0.1', port, opened: true };
  }
  const holder = await findListener(9229, await listProcesses());
  const why =
    holder && holder.pid !== pid
      ? `port 9229 is taken by pid ${holder.pid} (${holder.argv.join(' ').slice(0, 80)}); start the target with --inspect-port=<free port> or stop that process`
      : 'the process may have disabled SIGUSR1 handling or be stuck';
  throw new Error(`pid ${pid} did not open an inspector within ${timeoutMs} ms: ${why}`);
}

async function findInspectorPort(ports: Set<number>): Promise<number | undefined> {
  for (const port of ports) {
    const list = await fetchInspectorList('127.0.0.1', port, 300);
    if (list && list.length > 0) return port;
  }
  return undefined;
}
