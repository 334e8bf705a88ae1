import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, CLI, WATCH_JSON_FIELDS } from '../../support/cli';
import { freePort, startLeakyBot, type RunningBot } from '../../support/leakyBot';

const MB = 1024 * 1024;
let bot: RunningBot;
let target: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  bot = await startLeakyBot();
  target = `127.0.0.1:${bot.inspectorPort}`;
});
afterAll(() => bot?.kill());

describe('memory-budget check (the CI gate)', () => {
  it('exits 0 under the budget and 1 over it, with a one-line verdict', async () => {
    const under = await runCli(['check', target, '--budget', '4096']);
    expect(under.code).toBe(0);
    expect(under.stdout).toMatch(/^server\.js \(pid \d+\): RSS \d+ MB \/ 4,096 MB \(\d+%\) — under budget/);
    const over = await runCli(['check', target, '--budget', '5']);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('OVER BUDGET');
  });

  it('exits 2 with the reason on stderr for a closed port and for a malformed target', async () => {
    const closed = await runCli(['check', `127.0.0.1:${await freePort()}`, '--budget', '512']);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(/connection refused/);
    const malformed = await runCli(['check', 'not a target', '--budget', '512']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not a target/);
  });
});

describe('memory-budget watch', () => {
  it('--once --json prints one sample with exactly the documented fields', async () => {
    const { code, stdout } = await runCli(['watch', target, '--once', '--json', '--budget', '256']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]);
    expect(Object.keys(record)).toEqual(WATCH_JSON_FIELDS);
    expect(record.pid).toBe(bot.pid);
    expect(record.target).toBe(target);
    expect(record.budgetBytes).toBe(256 * MB);
    expect(record.rssBytes).toBeGreaterThan(10 * MB);
    expect(record.percent).toBeCloseTo((record.rssBytes / record.budgetBytes) * 100, 1);
    expect(record.state).toBe('ok');
    expect(record.growthBytesPerHour).toBeNull();
    expect(Number.isNaN(Date.parse(record.time))).toBe(false);
  });

  it('watches pid:<N> of a Node process started without --inspect', async () => {
    const plain = await startLeakyBot({ inspect: 'none' });
    try {
      const { code, stdout, stderr } = await runCli(['watch', `pid:${plain.pid}`, '--once', '--json']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const record = JSON.parse(stdout);
      expect(record.pid).toBe(plain.pid);
      expect(record.heapUsedBytes).toBeGreaterThan(MB);
    } finally {
      await plain.kill();
    }
  });

  it('streams a line per sample with a growth figure once enough samples are in', async () => {
    const { code, stdout } = await runCli(['watch', target, '--json', '--interval', '250', '--duration', '5']);
    expect(code).toBe(0);
    const records = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThanOrEqual(12);
    expect(records.at(-1).growthBytesPerHour).not.toBeNull();
  });

  it('writes memory_debug.log with the crossing into critical and the events before it', async () => {
    const dir = `${process.env.TMPDIR ?? '/tmp'}/mb-cli-log-${process.pid}-${Date.now()}`;
    const rss = JSON.parse((await runCli(['watch', target, '--once', '--json'])).stdout).rssBytes;
    const budgetMB = Math.ceil(rss / MB / 0.97); // RSS is ~97 % of this: critical, not over
    const { code } = await runCli(['watch', target, '--once', '--budget', String(budgetMB), '--log', dir]);
    expect(code).toBe(0);
    const log = readFileSync(`${dir}/memory_debug.log`, 'utf8');
    expect(log).toContain('MEMORY DEBUG LOG - server.js');
    expect(log).toMatch(/🚨 CRITICAL MEMORY - CRASH IMMINENT: [\d.]+ MB \/ \d+ MB/);
    const jsonl = readFileSync(`${dir}/memory_debug.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl).toContainEqual(expect.objectContaining({ kind: 'event', type: 'level', to: 'critical' }));
  });
});
