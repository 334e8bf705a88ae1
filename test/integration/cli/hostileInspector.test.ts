import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { startCraftedInspector, type CraftedBehaviour, type CraftedInspector } from '../../support/craftedInspector';
import { freePort } from '../../support/leakyBot';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mb-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const servers: CraftedInspector[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function crafted(behaviour: CraftedBehaviour, options?: Parameters<typeof startCraftedInspector>[1]): Promise<CraftedInspector> {
  const server = await startCraftedInspector(behaviour, options);
  servers.push(server);
  return server;
}

/** Every command that attaches to a target, as a user would run it against `target`. */
const ATTACHING: Record<string, (target: string) => string[]> = {
  watch: (t) => ['watch', t, '--once'],
  check: (t) => ['check', t, '--budget', '512'],
  advise: (t) => ['advise', t, '--budget', '512', '--samples', '1'],
  gc: (t) => ['gc', t],
  snapshot: (t) => ['snapshot', t, '-o', path.join(scratch, `${Math.random()}.heapsnapshot`)],
  allocations: (t) => ['allocations', t, '--duration', '1'],
};

/** One line on stderr, saying why; never Node's stack trace. */
function expectOneReason(stderr: string, reason: RegExp): void {
  expect(stderr).toMatch(reason);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe.each(Object.entries(ATTACHING))('%s against a port that is not an inspector', (_name, args) => {
  it('exits 2 when /json/list answers a web page', async () => {
    const server = await crafted('html');
    const { code, stderr } = await runCli(args(`127.0.0.1:${server.port}`));
    expect(code).toBe(2);
    expectOneReason(stderr, /\/json\/list answered with text\/html, not an inspector's JSON/);
  });

  it('exits 2 at once when /json/list streams without end', async () => {
    const server = await crafted('endless');
    const started = Date.now();
    const { code, stderr } = await runCli(args(`127.0.0.1:${server.port}`), 20_000);
    expect(code).toBe(2);
    expectOneReason(stderr, /sent more than 1024 KB, more than an inspector sends/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('exits 2 when the WebSocket sends something that is not the protocol', async () => {
    const server = await crafted('garbage-socket');
    const { code, stderr } = await runCli(args(`127.0.0.1:${server.port}`));
    expect(code).toBe(2);
    expectOneReason(stderr, /the inspector sent a message that is not JSON/);
  });
});

describe('a port that sends us elsewhere', () => {
  it('a WebSocket redirect is not followed, even to this machine', async () => {
    const elsewhere = await crafted('garbage-socket');
    const server = await crafted('redirect', { redirectTo: `ws://127.0.0.1:${elsewhere.port}/crafted` });
    const { code, stderr } = await runCli(['watch', `127.0.0.1:${server.port}`, '--once']);
    expect(code).toBe(2);
    expectOneReason(
      stderr,
      new RegExp(`answered 302, a redirect to ws://127\\.0\\.0\\.1:${elsewhere.port}/crafted; redirects are not followed`),
    );
    expect(server.upgrades).toBe(1);
    expect(elsewhere.upgrades).toBe(0);
  });

  it('a WebSocket URL on another host than the one named is refused, and followed only with --allow-remote', async () => {
    // Another host: this machine's own non-loopback address where it has one (a closed port, so a
    // followed URL fails fast and differently), else a documentation address nothing answers.
    const address =
      Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '192.0.2.1';
    const offeredUrl = `ws://${address}:${await freePort()}/crafted`;
    const server = await crafted('offers-elsewhere', { offeredUrl });
    for (const command of Object.keys(ATTACHING)) {
      const refused = await runCli(ATTACHING[command]!(`127.0.0.1:${server.port}`));
      expect(refused.code, command).toBe(2);
      expectOneReason(
        refused.stderr,
        new RegExp(
          `127\\.0\\.0\\.1 offered ${offeredUrl.replace(/\./g, '\\.')}, which is on another host; it was not followed; give --allow-remote to follow it`,
        ),
      );
    }
    const followed = await runCli(['check', `127.0.0.1:${server.port}`, '--budget', '512', '--allow-remote']);
    expect(followed.code).toBe(2);
    expect(followed.stderr).not.toMatch(/not followed/);
    expect(followed.stderr).toMatch(new RegExp(`cannot attach to 127\\.0\\.0\\.1:${server.port}: `));
  });
});

describe("an agent's /metrics that is not one", () => {
  it('exits 2 at once when /metrics streams without end', async () => {
    const server = await crafted('endless');
    const started = Date.now();
    const { code, stderr } = await runCli(['watch', `http://127.0.0.1:${server.port}/metrics`, '--once'], 20_000);
    expect(code).toBe(2);
    expectOneReason(stderr, /sent more than 1024 KB, more than an agent's metrics/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('memory-budget targets', () => {
  it('lists what it found and exits 0 when one probed port answers more than 1 MB', async () => {
    const big = await crafted('oversized');
    const html = await crafted('html');
    const { code, stdout, stderr } = await runCli(['targets', '--ports', `${big.port},${html.port}`, '--json'], 20_000);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { targets } = JSON.parse(stdout) as { targets: { port?: number }[] };
    expect(targets.filter((t) => t.port === big.port || t.port === html.port)).toEqual([]);
  });
});
