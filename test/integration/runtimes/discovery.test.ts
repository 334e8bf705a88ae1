import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listeningPorts } from '../../../src/core/inspector/procfs';
import { runCli } from '../../support/cli';
import { freePort, killAndWait } from '../../support/leakyBot';
import { aliveInProc, runtimeOrSkip, startRuntimeBot, type RuntimeBot } from '../../support/runtimeBot';
import { tempDir } from '../heap/helpers';

interface Listed {
  kind: string;
  pid?: number;
  protocol?: string;
  runtime?: string;
  webSocketUrl?: string;
  hint?: string;
  inspectorPort?: number;
}

async function targets(): Promise<Listed[]> {
  const { code, stdout, stderr } = await runCli(['targets', '--json', '--ports', '1'], 60_000);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout).targets;
}

const bots: RuntimeBot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.kill()));
});

// SIGUSR1 ends a Bun process (its default action), and would open an inspector in Deno 2.9: so
// "alive, and no new port" after discovery and after an attach attempt is what "never signalled" looks like.
describe('Bun is listed, attached over its own protocol where it can be, and never signalled', () => {
  const bun = runtimeOrSkip('bun');
  const tmp = tempDir();
  afterAll(() => tmp.dispose());

  it.skipIf(!bun)('started with --inspect=HOST:PORT/NAME: listed with its ws:// URL, attached by pid over WebKit', async () => {
    const bot = await startRuntimeBot('bun', bun!, { inspect: 'path' });
    bots.push(bot);
    const listed = (await targets()).find((t) => t.pid === bot.pid);
    expect(listed).toMatchObject({ kind: 'inspector', protocol: 'webkit', runtime: 'bun', webSocketUrl: bot.webSocketUrl });
    expect(aliveInProc(bot.pid)).toBe(true);
    const { code, stdout, stderr } = await runCli(['watch', `pid:${bot.pid}`, '--once', '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ pid: bot.pid, heapUsedBytes: expect.any(Number) });
    expect(aliveInProc(bot.pid)).toBe(true);
  });

  it.skipIf(!bun)("with Bun's random path and its stderr in a log file: the URL is read from the banner", async () => {
    const bot = await startRuntimeBot('bun', bun!, { inspect: 'random', stderrFile: join(tmp.dir, 'bun.log') });
    bots.push(bot);
    const listed = (await targets()).find((t) => t.pid === bot.pid);
    expect(listed).toMatchObject({ kind: 'inspector', protocol: 'webkit', webSocketUrl: bot.webSocketUrl });
    expect(aliveInProc(bot.pid)).toBe(true);
  });

  it.skipIf(!bun)("with Bun's random path and nothing that tells it: RSS only, and the reason names the port", async () => {
    const bot = await startRuntimeBot('bun', bun!, { inspect: 'random' });
    bots.push(bot);
    const listed = (await targets()).find((t) => t.pid === bot.pid);
    expect(listed).toMatchObject({ kind: 'rss-only', runtime: 'bun', inspectorPort: bot.inspectorPort });
    expect(listed!.hint).toContain(`127.0.0.1:${bot.inspectorPort}`);
    // host:port alone cannot reach Bun's inspector: one line that says what to give instead.
    const byPort = await runCli(['watch', `127.0.0.1:${bot.inspectorPort}`, '--once']);
    expect(byPort.code).toBe(2);
    expect(byPort.stderr.trim().split('\n')).toHaveLength(1);
    expect(byPort.stderr).toContain('ws:// URL Bun printed');
    const byPid = await runCli(['watch', `pid:${bot.pid}`, '--once', '--json']);
    expect(byPid.code, byPid.stderr).toBe(0);
    expect(JSON.parse(byPid.stdout).heapUsedBytes).toBeNull();
    expect(byPid.stderr).toContain(`RSS only: Bun's inspector on 127.0.0.1:${bot.inspectorPort} has a random path`);
    expect(aliveInProc(bot.pid)).toBe(true);
    // With the URL Bun printed, it attaches.
    const byUrl = await runCli(['watch', bot.webSocketUrl!, '--once', '--json']);
    expect(byUrl.code, byUrl.stderr).toBe(0);
  });

  it.skipIf(!bun)('without --inspect: "start it with --inspect", RSS-only watching, alive after check pid:N', async () => {
    const bot = await startRuntimeBot('bun', bun!, { inspect: 'none' });
    bots.push(bot);
    const listed = (await targets()).find((t) => t.pid === bot.pid);
    expect(listed).toMatchObject({ kind: 'rss-only', runtime: 'bun', hint: 'Bun — start it with --inspect to attach' });
    expect(aliveInProc(bot.pid)).toBe(true);
    const check = await runCli(['check', `pid:${bot.pid}`, '--budget', '512']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toBe('RSS only: Bun — start it with --inspect to attach\n');
    expect(aliveInProc(bot.pid)).toBe(true);
    const plain = await runCli(['targets']);
    expect(plain.stdout).toMatch(new RegExp(`pid:${bot.pid}  RSS only \\(Bun — start it with --inspect to attach\\)`));
  });

  it.skipIf(!bun)("a capability Bun's node:inspector bridge lacks is one line from the CLI, not a protocol error", async () => {
    const port = await freePort();
    const child = spawn(bun!, ['-e', `require('node:inspector').open(${port}, '127.0.0.1'); setInterval(() => {}, 1000)`], {
      stdio: 'ignore',
    });
    try {
      const answer = await waitForPort(child.pid!, port);
      expect(answer).toBe(true);
      const snapshot = await runCli(['snapshot', `127.0.0.1:${port}`, '-o', join(tmp.dir, 'bridge.heapsnapshot')]);
      expect(snapshot.code).toBe(2);
      expect(snapshot.stderr.trim().split('\n')).toEqual([
        `memory-budget snapshot: 127.0.0.1:${port} offers no heap snapshots over its inspector`,
      ]);
      expect(snapshot.stderr).not.toMatch(/wasn't found|-32601/);
      // What the bridge does offer still works.
      const gc = await runCli(['gc', `127.0.0.1:${port}`, '--json']);
      expect(gc.code, gc.stderr).toBe(0);
    } finally {
      await killAndWait(child);
    }
  });
});

describe('Deno is found through /json/list when it has an inspector, and never signalled', () => {
  const deno = runtimeOrSkip('deno');

  it.skipIf(!deno)('with --inspect: an inspector target, not "RSS only"', async () => {
    const bot = await startRuntimeBot('deno', deno!, { inspect: 'path' });
    bots.push(bot);
    const listed = (await targets()).filter((t) => t.pid === bot.pid);
    expect(listed).toEqual([expect.objectContaining({ kind: 'inspector', protocol: 'cdp', runtime: 'deno' })]);
    const { code, stdout, stderr } = await runCli(['watch', `pid:${bot.pid}`, '--once', '--json']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ pid: bot.pid, heapUsedBytes: expect.any(Number), heapLimitBytes: expect.any(Number) });
  });

  it.skipIf(!deno)('without --inspect: "start it with --inspect", alive and with no new port after check pid:N', async () => {
    const bot = await startRuntimeBot('deno', deno!, { inspect: 'none' });
    bots.push(bot);
    const portsBefore = await listeningPorts(bot.pid);
    const listed = (await targets()).find((t) => t.pid === bot.pid);
    expect(listed).toMatchObject({ kind: 'rss-only', runtime: 'deno', hint: 'Deno — start it with --inspect to attach' });
    const check = await runCli(['check', `pid:${bot.pid}`, '--budget', '512']);
    expect(check.code, check.stderr).toBe(0);
    // Deno 2.9 opens an inspector on SIGUSR1: a new listening port would mean it was signalled.
    await new Promise((r) => setTimeout(r, 500));
    expect(aliveInProc(bot.pid)).toBe(true);
    expect(await listeningPorts(bot.pid)).toEqual(portsBefore);
  });
});

async function waitForPort(pid: number, port: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((await listeningPorts(pid)).includes(port)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
