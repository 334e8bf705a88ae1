import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../support/cli';
import { runtimeOrSkip, startRuntimeBot, vmRssBytes, type JsRuntime, type RuntimeBot } from '../../support/runtimeBot';
import { tempDir } from '../heap/helpers';

const MB = 2 ** 20;

/**
 * The same four checks on a real Bun process (WebKit's inspector protocol, JavaScriptCore
 * snapshots) and a real Deno process (CDP, V8 snapshots), each serving examples/runtime-bot and
 * leaking on command, all through the built CLI.
 */
describe.each<JsRuntime>(['bun', 'deno'])('%s: a real process that leaks on command, through the CLI', (runtime) => {
  const binary = runtimeOrSkip(runtime);
  const tmp = tempDir();
  let bot: RuntimeBot;

  beforeAll(async () => {
    if (binary) bot = await startRuntimeBot(runtime, binary);
  });
  afterAll(async () => {
    await bot?.kill();
    tmp.dispose();
  });

  it.skipIf(!binary)('watch --once --json agrees with /proc/<pid>/status within 5 %, and auto finds no container limit', async () => {
    await bot.leak(500);
    const { code, stdout, stderr } = await runCli(['watch', bot.webSocketUrl!, '--once', '--json', '--no-children']);
    expect(code, stderr).toBe(0);
    const record = JSON.parse(stdout.trim().split('\n')[0]!);
    const proc = vmRssBytes(bot.pid);
    expect(record.pid).toBe(bot.pid);
    expect(Math.abs(record.rssBytes - proc) / proc).toBeLessThan(0.05);
    expect(record.heapUsedBytes).toBeGreaterThan(0);
    // Bun reports the machine's memory as its "constrained" memory; that is no limit.
    expect(record.constrainedMemoryBytes).toBeNull();
    expect(record.budgetBytes).toBe(512 * MB);
  });

  it.skipIf(!binary)('gc reports the bytes a forced collection freed', async () => {
    await bot.hold(30_000); // ~30 MB of messages on the JavaScript heap
    // A first collection moves them to the old generation, where only a full collection frees them.
    expect((await runCli(['gc', bot.webSocketUrl!, '--json'])).code).toBe(0);
    await bot.drop();
    const { code, stdout, stderr } = await runCli(['gc', bot.webSocketUrl!, '--json']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.freedHeapBytes).toBeGreaterThan(15 * MB);
    expect(result.after.heapUsedBytes).toBeLessThan(result.before.heapUsedBytes);
  });

  it.skipIf(!binary)('snapshot then summary finds the leaking class with its exact count', async () => {
    const total = await bot.leak(1234, 'carol');
    const file = join(tmp.dir, `${runtime}-summary.heapsnapshot`);
    const taken = await runCli(['snapshot', bot.webSocketUrl!, '-o', file], 120_000);
    expect(taken.code, taken.stderr).toBe(0);
    const { code, stdout, stderr } = await runCli(['summary', file, '--json'], 120_000);
    expect(code, stderr).toBe(0);
    const rows: { name: string; count: number; selfSize: number; retainedSize: number }[] = JSON.parse(stdout).rows;
    const sessions = rows.filter((r) => r.name === 'ChatSession');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.count).toBe(total);
    expect(sessions[0]!.retainedSize).toBeGreaterThanOrEqual(sessions[0]!.selfSize);
  });

  it.skipIf(!binary)('diff of a series taken in one session names the leaking class first, with its exact count', async () => {
    const files = ['a', 'b', 'c'].map((n) => join(tmp.dir, `${runtime}-series-${n}.heapsnapshot`));
    // The CLI takes the series in one inspector session; the test leaks after each snapshot it reports.
    const child = spawn(process.execPath, [CLI, 'snapshot', bot.webSocketUrl!, ...files.flatMap((f) => ['-o', f]), '--interval', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const leaks = [2000, 700];
    let lines = 0;
    const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      for (const _ of d.split('\n').filter((l) => l.endsWith('MB)'))) {
        const count = leaks[lines++];
        if (count) void bot.leak(count, `user${lines}`);
      }
    });
    expect(await done, stderr).toBe(0);
    const { code, stdout } = await runCli(['diff', ...files, '--json'], 120_000);
    expect(code).toBe(0);
    const diff = JSON.parse(stdout);
    expect(diff.rows[0].name).toBe('ChatSession');
    expect(diff.rows[0].countDelta).toBe(2700);
    expect(diff.rows[0].newCount).toBe(2700);
    expect(diff.leaks[0].name).toBe('ChatSession');
    expect(diff.leaks[0].count).toBe(2000);
  });
});
