import { promises as fs } from 'node:fs';
import { fetchInspectorVersion, isWebKitInspector } from './inspectorHttp';
import { listeningPorts, listProcesses, type ProcessInfo } from './procfs';
import { runtimeOfProcess } from './runtimes';

/**
 * Bun's inspector answers only at `ws://host:port/<path>`, and without a path in `--inspect` the
 * path is a random UUID that Bun prints once, to stderr. There is no `/json/list` to ask. So the URL
 * is recovered from what the process itself tells: a path in its `--inspect` flag or `BUN_INSPECT`
 * variable, else the banner in its stderr (or stdout) when that is a file.
 */

const INSPECT_FLAG = /^--inspect(?:-wait|-brk)?(?:=(.*))?$/;
/** Bun's default when --inspect names no port. */
export const BUN_DEFAULT_INSPECT_PORT = 6499;
const BANNER_URL = /ws:\/\/([^\s/]+)(\/[^\s\x1b]*)/g;

export interface BunInspectSetting {
  host?: string;
  port?: number;
  path?: string;
}

/** The `--inspect*` values (and `BUN_INSPECT`) of a Bun command line, '' for a bare flag. */
export function bunInspectValues(argv: readonly string[]): string[] {
  const values: string[] = [];
  // Flags after the script belong to the script, not to Bun (`bun run` is Bun's own word).
  for (const arg of argv.slice(1)) {
    if (arg === 'run') continue;
    if (!arg.startsWith('-')) break;
    const m = INSPECT_FLAG.exec(arg);
    if (m) values.push(m[1] ?? '');
  }
  return values;
}

/** Reads an --inspect value the way Bun does: a ws:// URL, or host, port and path in any order. */
export function parseBunInspectValue(value: string): BunInspectSetting {
  if (/^wss?:\/\//.test(value)) {
    try {
      const url = new URL(value);
      return {
        host: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname.length > 1 ? url.pathname : undefined,
      };
    } catch {
      return {};
    }
  }
  const setting: BunInspectSetting = {};
  for (const part of value.split(/(\[[a-z0-9:]+\])|:/i).filter(Boolean)) {
    if (/^\d+$/.test(part)) setting.port = Number(part);
    else if (part.startsWith('[')) setting.host = part;
    else if (part.startsWith('/')) setting.path = part;
    else {
      const [head, ...rest] = part.split('/');
      if (/^\d+$/.test(head!)) setting.port = Number(head);
      else if (head) setting.host = head;
      if (rest.length > 0) setting.path = `/${rest.join('/')}`;
    }
  }
  return setting;
}

/** True when the Bun process asked for an inspector (a flag, or `BUN_INSPECT` in its environment). */
export async function bunWantsInspector(p: ProcessInfo): Promise<boolean> {
  return bunInspectValues(p.argv).length > 0 || (await bunInspectEnv(p.pid)) !== undefined;
}

/** The port among `ports` where Bun's own (WebKit) inspector answers. */
export async function findBunInspectorPort(host: string, ports: readonly number[]): Promise<number | undefined> {
  const answers = await Promise.all(ports.map(async (port) => ({ port, version: await fetchInspectorVersion(host, port, 300) })));
  return answers.find((a) => isWebKitInspector(a.version))?.port;
}

/** The ws:// URL of a local Bun process's inspector on `port`, when the process tells it. */
export async function bunInspectorUrl(p: ProcessInfo, host: string, port: number): Promise<string | undefined> {
  const env = await bunInspectEnv(p.pid);
  for (const value of [...bunInspectValues(p.argv), ...(env !== undefined ? [env] : [])]) {
    const { path } = parseBunInspectValue(value);
    if (path) return `ws://${host}:${port}${path}`;
  }
  return bannerUrl(p.pid, host, port);
}

/** For `host:port` given by hand: the local Bun process listening there, and its URL if known. */
export async function localBunInspector(host: string, port: number): Promise<{ process: ProcessInfo; url?: string } | undefined> {
  for (const p of await listProcesses()) {
    if (runtimeOfProcess(p) !== 'bun' || !(await listeningPorts(p.pid)).includes(port)) continue;
    return { process: p, url: await bunInspectorUrl(p, host, port) };
  }
  return undefined;
}

async function bunInspectEnv(pid: number): Promise<string | undefined> {
  const environ = await fs.readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
  const entry = environ.split('\0').find((e) => e.startsWith('BUN_INSPECT='));
  return entry?.slice('BUN_INSPECT='.length);
}

/** The last `ws://…:<port>/…` Bun printed, when its stderr or stdout is a regular file (a log). */
async function bannerUrl(pid: number, host: string, port: number): Promise<string | undefined> {
  for (const fd of [2, 1]) {
    const file = `/proc/${pid}/fd/${fd}`;
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    // A log appended to over many runs: this run's banner is among the last lines written.
    const tailBytes = Math.min(stat.size, 4 * 2 ** 20);
    const handle = await fs.open(file, 'r').catch(() => undefined);
    if (!handle) continue;
    try {
      const buffer = Buffer.alloc(tailBytes);
      await handle.read(buffer, 0, tailBytes, stat.size - tailBytes);
      let found: string | undefined;
      for (const m of buffer.toString('utf8').matchAll(BANNER_URL)) {
        if (Number(m[1]!.split(':').pop()) === port) found = `ws://${host}:${port}${m[2]}`;
      }
      if (found) return found;
    } finally {
      await handle.close();
    }
  }
  return undefined;
}
