import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { freePort, startLeakyBot, type RunningBot } from '../../support/leakyBot';
import { writeSnapshotOf } from '../heap/helpers';

/**
 * The contract every command keeps: 0 done, 1 only for a verdict asked for (over budget, findings at
 * --fail-on), 2 for any failure to reach, read, parse or write, with one line on stderr and no stack.
 */
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mb-exit-'));
let bot: RunningBot;
let target: string;
const snapshots = [path.join(scratch, 'a.heapsnapshot'), path.join(scratch, 'b.heapsnapshot')];
const logDir = path.join(scratch, 'log');
const sources = path.join(scratch, 'app');

beforeAll(async () => {
  bot = await startLeakyBot();
  target = `127.0.0.1:${bot.inspectorPort}`;
  for (const file of snapshots) writeSnapshotOf('globalThis.kept = [new Map([[1, 2]])];', file);
  mkdirSync(sources);
  writeFileSync(path.join(sources, 'package.json'), '{"dependencies":{"@prisma/client":"5.0.0"}}');
  writeFileSync(
    path.join(sources, 'orders.js'),
    "const { PrismaClient } = require('@prisma/client');\nconst db = new PrismaClient();\nexports.all = () => db.order.findMany();\n",
  );
  expect((await runCli(['watch', target, '--once', '--log', logDir])).code).toBe(0);
});
afterAll(async () => {
  await bot?.kill();
  rmSync(scratch, { recursive: true, force: true });
});

interface Case {
  /** Arguments that succeed (exit 0). */
  ok: () => string[];
  /** Arguments that cannot succeed, and what stderr says about it. */
  bad: () => string[];
  reason: RegExp;
}

const CASES: Record<string, Case> = {
  targets: { ok: () => ['targets', '--ports', String(bot.inspectorPort)], bad: () => ['targets', 'extra'], reason: /Unexpected argument/ },
  watch: { ok: () => ['watch', target, '--once'], bad: () => ['watch', '127.0.0.1:1', '--once'], reason: /connection refused/ },
  check: {
    ok: () => ['check', target, '--budget', '4096'],
    bad: () => ['check', 'pid:999999999', '--budget', '512'],
    reason: /no process with pid/,
  },
  advise: {
    ok: () => ['advise', target, '--budget', '4096', '--samples', '1'],
    bad: () => ['advise', target, '--budget', 'lots'],
    reason: /--budget must be a number/,
  },
  gc: { ok: () => ['gc', target], bad: () => ['gc', 'ws://127.0.0.1:1/nothing'], reason: /connection refused/ },
  allocations: {
    ok: () => ['allocations', target, '--duration', '1'],
    bad: () => ['allocations', target, '--interval', '1.5'],
    reason: /--interval needs a whole number of bytes/,
  },
  snapshot: {
    ok: () => ['snapshot', target, '-o', path.join(scratch, `${Math.random()}.heapsnapshot`)],
    bad: () => ['snapshot', target, '-o', path.join(snapshots[0]!, 'x.heapsnapshot')],
    reason: /a\.heapsnapshot/,
  },
  summary: {
    ok: () => ['summary', snapshots[0]!],
    bad: () => ['summary', path.join(scratch, 'none.heapsnapshot')],
    reason: /none\.heapsnapshot/,
  },
  diff: { ok: () => ['diff', ...snapshots], bad: () => ['diff', snapshots[0]!, path.join(sources, 'orders.js')], reason: /orders\.js/ },
  scan: { ok: () => ['scan', sources, '--no-measure'], bad: () => ['scan', path.join(scratch, 'nowhere')], reason: /not a directory/ },
  report: {
    ok: () => ['report', path.join(logDir, 'memory_debug.jsonl')],
    bad: () => ['report', snapshots[0]!],
    reason: /is a memory log record/,
  },
  'agent-path': { ok: () => ['agent-path', 'node'], bad: () => ['agent-path', 'ruby'], reason: /one runtime: node or python/ },
};

describe('the exit-code contract', () => {
  it('covers every command the CLI lists', async () => {
    const { stdout } = await runCli(['--help']);
    const listed = [...stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(CASES).sort());
  });

  describe.each(Object.entries(CASES))('%s', (_name, c) => {
    it('exits 0 when it succeeds', async () => {
      const { code, stderr } = await runCli(c.ok(), 60_000);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(code).toBe(0);
    });

    it('exits 2 with the reason on stderr when it cannot succeed', async () => {
      const { code, stderr } = await runCli(c.bad(), 60_000);
      expect(code).toBe(2);
      expect(stderr).toMatch(c.reason);
      expect(stderr).not.toMatch(/^\s+at /m);
    });

    it('exits 2 when its output cannot be written (stdout is /dev/full)', async () => {
      const full = openSync('/dev/full', 'w');
      try {
        const { code, stderr } = await runCli(c.ok(), 60_000, { stdoutFd: full });
        expect(stderr).toMatch(/cannot write to stdout: no space left on the device/);
        expect(stderr).not.toMatch(/^\s+at /m);
        expect(code).toBe(2);
      } finally {
        closeSync(full);
      }
    });
  });

  it('gives 1 only for the verdicts asked for', async () => {
    expect((await runCli(['check', target, '--budget', '1'])).code).toBe(1);
    expect((await runCli(['scan', sources, '--no-measure', '--fail-on', 'unbounded-query'])).code).toBe(1);
  });

  it('a closed port is 2 for check, not the 1 of a verdict', async () => {
    const { code } = await runCli(['check', `127.0.0.1:${await freePort()}`, '--budget', '1']);
    expect(code).toBe(2);
  });
});
