import { promises as fs } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

/**
 * What the operating system says about processes: RSS, command lines, children and listening
 * ports. Linux reads /proc; macOS asks `ps` and `lsof`; elsewhere the answers are empty.
 */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** argv as the process sees it. */
  argv: string[];
  /** Basename of the executable (`node`, `python3.11`), from /proc/<pid>/exe, never from argv[0] when that can be read. */
  exeName: string;
  /** False when the executable could not be read and `exeName` comes from argv[0], which any process can set. */
  exeKnown: boolean;
}

const execFileAsync = promisify(execFile);
const isLinux = process.platform === 'linux';

export async function readRssBytes(pid: number): Promise<number | undefined> {
  if (isLinux) {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
    const match = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  }
  const out = await execFileAsync('ps', ['-o', 'rss=', '-p', String(pid)]).catch(() => undefined);
  const kb = out ? Number(out.stdout.trim()) : NaN;
  return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
}

export async function processExists(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  if (isLinux) {
    const entries = await fs.readdir('/proc').catch(() => [] as string[]);
    const infos = await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map((e) => readProcess(Number(e))));
    return infos.filter((p): p is ProcessInfo => p !== undefined);
  }
  // `comm` is the executable's name as the kernel recorded it at exec, which argv[0] cannot change.
  const [out, comms] = await Promise.all([
    execFileAsync('ps', ['-axo', 'pid=,ppid=,command=']).catch(() => undefined),
    execFileAsync('ps', ['-axo', 'pid=,comm=']).catch(() => undefined),
  ]);
  if (!out) return [];
  const exeByPid = new Map<number, string>();
  for (const m of (comms?.stdout ?? '').matchAll(/^\s*(\d+)\s+(.*)$/gm)) exeByPid.set(Number(m[1]), path.basename(m[2]!.trim()));
  return out.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const argv = m[3]!.split(/\s+/);
      const exe = exeByPid.get(Number(m[1]));
      return { pid: Number(m[1]), ppid: Number(m[2]), argv, exeName: exe ?? path.basename(argv[0] ?? ''), exeKnown: exe !== undefined };
    });
}

export async function readProcess(pid: number): Promise<ProcessInfo | undefined> {
  if (!isLinux) return (await listProcesses()).find((p) => p.pid === pid);
  try {
    const [cmdline, stat] = await Promise.all([fs.readFile(`/proc/${pid}/cmdline`, 'utf8'), fs.readFile(`/proc/${pid}/stat`, 'utf8')]);
    const argv = cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    if (argv.length === 0) return undefined; // kernel thread
    // stat: "pid (comm) state ppid …"; comm may contain spaces and parentheses.
    const afterComm = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const exe = await fs.readlink(`/proc/${pid}/exe`).catch(() => undefined);
    const exeName = path.basename((exe ?? argv[0] ?? '').replace(/ \(deleted\)$/, ''));
    return { pid, ppid: Number(afterComm[1]), argv, exeName, exeKnown: exe !== undefined };
  } catch {
    return undefined;
  }
}

/** Every descendant of `pid` (children, grandchildren, …), from one process listing. */
export function descendantsOf(pid: number, all: readonly ProcessInfo[]): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const p of all) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const out: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** Children's RSS summed; a PaaS budget counts every process in the container. */
export async function readDescendantsRssBytes(pid: number): Promise<number> {
  const pids = (await descendantPidsFromChildrenFiles(pid)) ?? descendantsOf(pid, await listProcesses()).map((d) => d.pid);
  const rss = await Promise.all(pids.map((p) => readRssBytes(p)));
  return rss.reduce<number>((sum, r) => sum + (r ?? 0), 0);
}

/**
 * Descendants from /proc/<pid>/task/<tid>/children: a few small reads per sample instead of
 * reading every process on the machine. Undefined where the kernel does not offer the file.
 */
async function descendantPidsFromChildrenFiles(pid: number): Promise<number[] | undefined> {
  if (!isLinux) return undefined;
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const tasks = await fs.readdir(`/proc/${current}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      let text: string;
      try {
        text = await fs.readFile(`/proc/${current}/task/${tid}/children`, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && current === pid && out.length === 0) return undefined;
        continue;
      }
      for (const child of text.split(' ').filter(Boolean).map(Number)) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** TCP ports the process listens on (IPv4 and IPv6). */
export async function listeningPorts(pid: number): Promise<number[]> {
  if (!isLinux) {
    const out = await execFileAsync('lsof', ['-Pan', '-p', String(pid), '-iTCP', '-sTCP:LISTEN', '-Fn']).catch(() => undefined);
    if (!out) return [];
    return [...new Set([...out.stdout.matchAll(/^n.*:(\d+)$/gm)].map((m) => Number(m[1])))];
  }
  const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const inodes = new Set<string>();
  await Promise.all(
    fds.map(async (fd) => {
      const link = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(m[1]);
    }),
  );
  if (inodes.size === 0) return [];
  const ports = new Set<number>();
  for (const table of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st … inode(9); st 0A is LISTEN.
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9])) {
        ports.add(parseInt(cols[1].split(':')[1], 16));
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Which process listens on a TCP port, where the OS tells (for error messages). */
export async function findListener(port: number, candidates: readonly ProcessInfo[]): Promise<ProcessInfo | undefined> {
  for (const p of candidates) {
    if ((await listeningPorts(p.pid)).includes(port)) return p;
  }
  return undefined;
}

/** Seconds since the process started, to tell a reused pid from the same process. */
export async function processUptimeSeconds(pid: number): Promise<number | undefined> {
  if (!isLinux) return undefined;
  try {
    const [stat, uptime] = await Promise.all([fs.readFile(`/proc/${pid}/stat`, 'utf8'), fs.readFile('/proc/uptime', 'utf8')]);
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    // USER_HZ is 100 on every Linux Node runs on.
    return Number(uptime.split(' ')[0]) - startTicks / 100;
  } catch {
    return undefined;
  }
}
