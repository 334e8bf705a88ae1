// Nothing a test run starts may outlive it. The guard gives the run a variable of its own in
// the environment, which every process the run starts inherits — orphans included: once a
// parent dies, init adopts its children and a walk down the run's process tree no longer finds
// them, but their environment still names the run. At the end, a process that carries the
// variable, or still hangs below the run's own process, is a leftover: the guard names each with
// its command line and working directory, ends it, and fails the run.
// Only this run's processes are ever looked at; other runs on the machine carry other variables.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { allPids, descendants, endProcesses, hasEnvironmentEntry, processInfo, type ProcessInfo } from './processTree';

export interface ProcessGuard {
  /** The `NAME=1` entry this run's processes inherit. */
  readonly marker: string;
  /** Processes of this run still running after up to `graceMs` (tests may still be stopping theirs). */
  leftovers(graceMs?: number): Promise<ProcessInfo[]>;
  /** Throws, naming every leftover, after ending them; returns quietly when there is none. */
  check(graceMs?: number): Promise<void>;
  /** Stops marking processes this one starts from now on. */
  dispose(): void;
}

export interface ProcessGuardOptions {
  /** Processes that belong to the runner itself, e.g. its pool of workers, which end after the check. */
  isRunner?(info: ProcessInfo): boolean;
}

export function describeLeftovers(leftovers: readonly ProcessInfo[]): string {
  const lines = leftovers.map((p) => `  pid ${p.pid}${p.cwd ? ` (cwd ${p.cwd})` : ''}: ${p.commandLine || '(command line unreadable)'}`);
  const count = leftovers.length === 1 ? '1 process' : `${leftovers.length} processes`;
  return `${count} started by this test run still running after it ended:\n${lines.join('\n')}`;
}

/** Marks this process's environment, so that everything it starts from now on belongs to the run. */
export function startProcessGuard(options: ProcessGuardOptions = {}): ProcessGuard {
  const name = `MEMORY_BUDGET_TEST_RUN_${process.pid}_${randomBytes(4).toString('hex')}`;
  process.env[name] = '1';
  const marker = `${name}=1`;
  const isRunner = options.isRunner ?? (() => false);
  // What already ran below this process (a bundler's service, say) was not started by the run.
  const key = (info: ProcessInfo): string => `${info.pid}@${info.startTicks}`;
  const before = new Set(descendants(process.pid).map(key));

  const current = (): ProcessInfo[] => {
    const found = new Map<number, ProcessInfo>();
    for (const info of descendants(process.pid)) found.set(info.pid, info);
    for (const pid of allPids()) {
      if (pid === process.pid || found.has(pid) || !hasEnvironmentEntry(pid, marker)) continue;
      const info = processInfo(pid);
      if (info) found.set(pid, info);
    }
    return [...found.values()].filter((info) => !before.has(key(info)) && !isRunner(info));
  };

  const leftovers = async (graceMs = 5000): Promise<ProcessInfo[]> => {
    const deadline = Date.now() + graceMs;
    let left = current();
    while (left.length > 0 && Date.now() < deadline) {
      await delay(100);
      left = current();
    }
    return left;
  };

  return {
    marker,
    leftovers,
    async check(graceMs) {
      const left = await leftovers(graceMs);
      if (left.length === 0) return;
      await endProcesses(left);
      throw new Error(describeLeftovers(left));
    },
    dispose() {
      delete process.env[name];
    },
  };
}
