import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { startLeakyBot, type RunningBot } from '../../support/leakyBot';
import { runtimeOrSkip, startRuntimeBot, type RuntimeBot } from '../../support/runtimeBot';

interface AdviseJson {
  runtime: string;
  budgetBytes: number;
  advice: { kind: string; capMb?: number; flag?: string; leavesMb?: number; nonHeapMb?: number; budgetMb?: number };
}

async function advise(target: string, ...args: string[]): Promise<AdviseJson> {
  const { code, stdout, stderr } = await runCli(['advise', target, '--json', ...args]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout);
}

const started: (RunningBot | RuntimeBot)[] = [];
afterAll(async () => {
  await Promise.all(started.map((b) => b.kill()));
});

describe('memory-budget advise: the heap cap that fits, per runtime', () => {
  it('Node: a cap from the measured non-heap share, smaller when more lives outside the heap', async () => {
    const bot = await startLeakyBot();
    started.push(bot);
    const target = bot.webSocketUrl!;
    const first = await advise(target, '--budget', '512');
    expect(first.advice.kind).toBe('cap');
    const { capMb, leavesMb, nonHeapMb, flag } = first.advice;
    expect(flag).toBe(`--max-old-space-size=${capMb}`);
    expect(capMb! + leavesMb!).toBe(512);
    expect(capMb! % 8).toBe(0);
    // What stays free covers what was measured outside the heap, V8's young generation and a margin.
    expect(leavesMb!).toBeGreaterThanOrEqual(nonHeapMb! + 48);
    // 60 MB more outside the heap (Buffers held by downloads in progress): the cap drops with it.
    for (let i = 0; i < 6; i++) await fetch(`${bot.url}/download?kb=10240&ms=60000`);
    const second = await advise(target, '--budget', '512');
    expect(second.advice.nonHeapMb!).toBeGreaterThan(nonHeapMb! + 50);
    expect(second.advice.capMb!).toBeLessThan(capMb! - 40);
    // The text form says the same, and so does check.
    const text = await runCli(['advise', target, '--budget', '512']);
    expect(text.stdout).toContain(`cap the heap with --max-old-space-size=${second.advice.capMb}`);
    const check = await runCli(['check', target, '--budget', '512']);
    expect(check.stdout).toMatch(/\n {2}heap: --max-old-space-size=\d+ leaves ~\d+ MB for buffers and code on a 512 MB budget/);
  });

  it('Node: no cap when the heap limit already leaves room', async () => {
    const bot = await startLeakyBot({ inspect: 'random' });
    started.push(bot);
    const result = await advise(bot.webSocketUrl!, '--budget', '8192');
    expect(result.advice.kind).toBe('fits');
  });

  const deno = runtimeOrSkip('deno');
  it.skipIf(!deno)('Deno: the same cap, given through --v8-flags', async () => {
    const bot = await startRuntimeBot('deno', deno!);
    started.push(bot);
    const result = await advise(bot.webSocketUrl!, '--budget', '512');
    expect(result.runtime).toMatch(/^deno 2\./);
    expect(result.advice.kind).toBe('cap');
    expect(result.advice.flag).toBe(`--v8-flags=--max-old-space-size=${result.advice.capMb}`);
  });

  const bun = runtimeOrSkip('bun');
  it.skipIf(!bun)('Bun: the flag is ignored there, and what works instead', async () => {
    const bot = await startRuntimeBot('bun', bun!);
    started.push(bot);
    expect((await advise(bot.webSocketUrl!, '--budget', '256')).advice.kind).toBe('ignored');
    const { stdout } = await runCli(['advise', bot.webSocketUrl!, '--budget', '256']);
    expect(stdout).toContain('Bun ignores --max-old-space-size');
    expect(stdout).toContain('bun --smol');
    expect(stdout).toContain(`BUN_JSC_forceRAMSize=${256 * 2 ** 20}`);
  });
});
