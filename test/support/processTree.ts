// Processes on Linux, read from /proc: who started whom, whether a pid still runs, and what it
// was started as. Shared by the e2e harness (code-server's file watchers and extension host
// outlive the main process when only it is killed) and the test-run guard (processGuard.ts).
// A zombie counts as ended: it has exited and only waits for its parent, or init, to reap it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Start time in clock ticks since boot: with the pid it names one process, even once the pid is reused. */
  readonly startTicks: number;
  readonly commandLine: string;
  readonly cwd?: string;
}

interface Stat {
  readonly ppid: number;
  readonly state: string;
  readonly startTicks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Every pid in /proc, zombies included. */
export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/** What `pid` is, or undefined once it has ended (or is a zombie). */
export function processInfo(pid: number): ProcessInfo | undefined {
  const stat = readStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  let commandLine = '';
  let cwd: string | undefined;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // Ended between the reads, or not ours to read: the stat line is enough to name it.
  }
  return { pid, ppid: stat.ppid, startTicks: stat.startTicks, commandLine, cwd };
}

/** True while the process recorded as `info` runs (same pid and start time, not a zombie). */
export function isRunning(info: Pick<ProcessInfo, 'pid' | 'startTicks'>): boolean {
  return processInfo(info.pid)?.startTicks === info.startTicks;
}

/** True when `pid` was started with `entry` (`NAME=value`) in its environment. */
export function hasEnvironmentEntry(pid: number, entry: string): boolean {
  try {
    // Entries are NUL-terminated; latin1 keeps every byte as one character.
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${entry}\0`);
  } catch {
    return false;
  }
}

/** `root` and all its running descendants, parents before children. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z') continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(pid);
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** `root`'s running descendants (not `root` itself), with what each one is. */
export function descendants(root: number): ProcessInfo[] {
  return processTree(root)
    .slice(1)
    .map(processInfo)
    .filter((info): info is ProcessInfo => info !== undefined);
}

function signal(processes: ProcessInfo[], sig: NodeJS.Signals): void {
  for (const info of processes) {
    if (!isRunning(info)) continue;
    try {
      process.kill(info.pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** Waits until none of `processes` runs, or `timeoutMs` passes; returns those still running. */
export async function waitUntilEnded(processes: ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let running = processes.filter(isRunning);
  while (running.length > 0 && Date.now() < deadline) {
    await delay(50);
    running = running.filter(isRunning);
  }
  return running;
}

/** SIGTERM to each of `processes`, then SIGKILL to whatever still runs after `graceMs`; waits until all are gone. */
export async function endProcesses(processes: ProcessInfo[], graceMs = 3000): Promise<void> {
  signal(processes, 'SIGTERM');
  const stubborn = await waitUntilEnded(processes, graceMs);
  signal(stubborn, 'SIGKILL');
  await waitUntilEnded(stubborn, 5000);
}

/** Ends a process together with everything it started (the tree is collected before anything dies). */
export async function killProcessTree(root: number, graceMs = 3000): Promise<void> {
  const tree = [processInfo(root), ...descendants(root)].filter((info): info is ProcessInfo => info !== undefined);
  signal(tree, 'SIGTERM');
  await waitUntilEnded(tree, graceMs);
  // Late children started while we waited belong to the tree too.
  const late = tree.filter(isRunning).flatMap((info) => [info, ...descendants(info.pid)]);
  signal(late, 'SIGKILL');
  await waitUntilEnded(late, 5000);
}
