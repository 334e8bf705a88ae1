import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverTargets } from '../../../src/core/inspector/discovery';
import { listeningPorts } from '../../../src/core/inspector/procfs';
import { runCli } from '../../support/cli';
import { killAndWait, waitFor } from '../../support/leakyBot';
import { aliveInProc } from '../../support/runtimeBot';

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => killAndWait(c)));
});

function start(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('SIGUSR1 goes to Node executables only, and the inspector it opens is closed again', () => {
  it('a process that calls itself "node" (exec -a node sleep) is not Node: never signalled by check pid:N', async () => {
    const impostor = start('bash', ['-c', 'exec -a node sleep 300']);
    const pid = impostor.pid!;
    // Once exec has happened, /proc/<pid>/exe is sleep while argv[0] says "node".
    await waitFor(
      async () => (await import('node:fs/promises')).readlink(`/proc/${pid}/exe`).then((exe) => exe.endsWith('/sleep')),
      5000,
      'exec',
    );
    const listed = (await discoverTargets({ ports: [] })).filter((t) => 'pid' in t && t.pid === pid);
    expect(listed).toEqual([]);
    const { code, stderr } = await runCli(['check', `pid:${pid}`, '--budget', '512']);
    expect(code, stderr).toBe(0);
    expect(aliveInProc(pid)).toBe(true);
    expect(impostor.exitCode).toBeNull();
  });

  it('check pid:N on a Node process without an inspector closes the one it opened before it exits', async () => {
    // --inspect-port=0: the signal opens the inspector on a free port, not on a 9229 another test may hold.
    const node = start(process.execPath, ['--inspect-port=0', '-e', 'setInterval(() => {}, 1000)']);
    const pid = node.pid!;
    await waitFor(
      async () => (await import('node:fs/promises')).readFile(`/proc/${pid}/cmdline`, 'utf8').then((c) => c.includes('setInterval')),
      5000,
      'start',
    );
    await new Promise((r) => setTimeout(r, 300)); // Node installs its SIGUSR1 handler during startup
    const before = await listeningPorts(pid);
    const { code, stdout, stderr } = await runCli(['check', `pid:${pid}`, '--budget', '512']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/under budget/);
    await waitFor(async () => (await listeningPorts(pid)).length === before.length, 5000, 'the inspector to close');
    expect(await listeningPorts(pid)).toEqual(before);
    expect(aliveInProc(pid)).toBe(true);
  });
});
