// Ends a process together with everything it started. code-server's file watchers and extension
// host outlive the main process when only it is killed, so the tree is collected before anything
// dies (once a parent is gone its children are re-parented and can no longer be found from it).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** Parent pid of every live process, read from /proc (Linux). */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(afterName[1]));
    } catch {
      // The process ended while we were reading; it needs no killing.
    }
  }
  return parents;
}

/** `root` and all its descendants, parents before children. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentPids()) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** SIGTERM to the whole tree, then SIGKILL to whatever is still alive after `graceMs`. */
export async function killProcessTree(root: number, graceMs = 3000): Promise<void> {
  const pids = processTree(root);
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await delay(50);
  // Late children started while we waited belong to the tree too.
  signal([...new Set([...pids, ...pids.filter(isAlive).flatMap(processTree)])].filter(isAlive), 'SIGKILL');
}
