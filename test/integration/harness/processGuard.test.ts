import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/leakyBot';
import { startProcessGuard, type ProcessGuard } from '../../support/processGuard';
import { endProcesses, isRunning, processInfo, type ProcessInfo } from '../../support/processTree';

// A "service" that starts a worker and dies at once, as a killed parent does: init adopts the
// worker, so it is no longer below this process. Prints the worker's pid.
const ORPHANING_PARENT = `
const { spawn } = require('node:child_process');
const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) /* orphaned worker */'], { stdio: 'ignore' });
console.log(worker.pid);
process.exit(0);`;

async function startOrphan(env: NodeJS.ProcessEnv): Promise<ProcessInfo> {
  const parent = spawn(process.execPath, ['-e', ORPHANING_PARENT], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  parent.stdout!.on('data', (d) => (out += d));
  await new Promise((resolve) => parent.on('exit', resolve));
  const pid = Number(out.trim());
  return waitFor(() => processInfo(pid), 5_000, `the orphaned worker ${pid}`);
}

describe('the test-run guard', () => {
  let guard: ProcessGuard | undefined;
  const strays: ProcessInfo[] = [];
  afterEach(async () => {
    guard?.dispose();
    guard = undefined;
    await endProcesses(strays.splice(0));
  });

  it('finds an orphan the run left behind, names its command line, ends it and fails', async () => {
    guard = startProcessGuard();
    const orphan = await startOrphan(process.env);
    strays.push(orphan);
    expect(orphan.ppid).not.toBe(process.pid);

    const check = guard.check(200);
    await expect(check).rejects.toThrow('1 process started by this test run still running after it ended:');
    await expect(check).rejects.toThrow(
      `pid ${orphan.pid} (cwd ${process.cwd()}): ${process.execPath} -e setInterval(() => {}, 1000) /* orphaned worker */`,
    );
    expect(isRunning(orphan)).toBe(false);
  });

  it('passes once every process the run started has ended', async () => {
    guard = startProcessGuard();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    await expect(guard.check(200)).resolves.toBeUndefined();
  });

  it('leaves alone a process that is neither below the run nor started with its marker', async () => {
    guard = startProcessGuard();
    const { [guard.marker.split('=')[0]!]: _marker, ...otherRun } = process.env;
    const foreign = await startOrphan(otherRun);
    strays.push(foreign);
    expect((await guard.leftovers(0)).map((p) => p.pid)).not.toContain(foreign.pid);
  });
});
