import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureHeapSnapshot } from '../../../src/core/heap/capture';
import { CdpSession } from '../../../src/core/inspector/cdpSession';
import { CLI } from '../../support/cli';
import { killAndWait, startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';

interface Watching {
  child: ChildProcess;
  output(): string;
  log(): string;
  events(): Array<Record<string, unknown>>;
}

/** `memory-budget watch <bot> --auto-snapshots DIR --log DIR …` in the background, as a user runs it. */
function watch(bot: RunningBot, dir: string, args: string[]): Watching {
  const child = spawn(
    process.execPath,
    [CLI, 'watch', bot.webSocketUrl!, '--interval', '250', '--log', join(dir, 'log'), '--auto-snapshots', join(dir, 'series'), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const read = (name: string) => (existsSync(join(dir, 'log', name)) ? readFileSync(join(dir, 'log', name), 'utf8') : '');
  return {
    child,
    output: () => out,
    log: () => read('memory_debug.log'),
    events: () =>
      read('memory_debug.jsonl')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((r) => r.kind === 'event'),
  };
}

function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

function snapshotsIn(seriesRoot: string): string[] {
  if (!existsSync(seriesRoot)) return [];
  return readdirSync(seriesRoot).flatMap((s) =>
    readdirSync(join(seriesRoot, s))
      .filter((f) => f.endsWith('.heapsnapshot'))
      .map((f) => join(s, f)),
  );
}

describe('memory-budget watch --auto-snapshots on a real leaking service', () => {
  let dir: string;
  let bot: RunningBot;
  let watching: Watching | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mb-series-'));
    bot = await startLeakyBot();
  });
  afterEach(async () => {
    if (watching) await killAndWait(watching.child, 'SIGTERM');
    watching = undefined;
    await bot?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snapshots at each threshold in one session and names the leaking class, its exact count delta and its retainer path', async () => {
    // Three older series, so that starting this one prunes all but the newest of them.
    for (const old of ['2001-01-01T00-00-00-old', '2002-01-01T00-00-00-old', '2003-01-01T00-00-00-old']) {
      mkdirSync(join(dir, 'series', old), { recursive: true });
      writeFileSync(join(dir, 'series', old, 'a.heapsnapshot'), '{}');
    }
    // The bot starts near 45 MB: 8 % of 600 MB; thresholds at 72, 132 and 240 MB.
    watching = watch(bot, dir, ['--budget', '600', '--at', '12,22,40', '--keep-series', '2']);
    const w = watching;
    await waitFor(() => /Periodic Snapshot/.test(w.log()), 20_000, 'the first sample');

    // The inspector can interrupt running JavaScript, so a snapshot taken while a request is still
    // creating sessions would catch half of it. The test leaks in small steps and, once RSS is over
    // the next threshold, sends nothing until that snapshot is written: the counts are then exact.
    const captured = () => (w.log().match(/📸 heap snapshot/g) ?? []).length;
    const leakPast = async (percent: number, snapshotsBefore: number): Promise<number> => {
      let leaked = 0;
      while ((await bot.stats()).memory.rss < (600 * 2 ** 20 * percent) / 100) {
        await bot.leak(10, 256);
        leaked += 10;
      }
      await waitFor(() => captured() > snapshotsBefore, 60_000, `the snapshot at ${percent} %`);
      return leaked;
    };
    const first = await leakPast(12, 0);
    const second = await leakPast(22, 1);
    await waitFor(() => /LEAK SUSPECT/.test(w.log()), 90_000, 'the verdict of the pair');
    // Two snapshots: the class whose count grew, by exactly the sessions created between them.
    const pairLine = new RegExp(
      `🔎 LEAK SUSPECT: UserSession \\+${second} \\(\\+[\\d.]+ kB, [\\d.]+ MB retained\\) ← Map ← sessions ← BroadcasterService ← broadcaster`,
    );
    expect(w.log()).toMatch(pairLine);
    expect(w.log()).toContain(`growing: Map ${first} → ${first + second} entries (+${second}) ← sessions ← BroadcasterService`);

    const third = await leakPast(40, 2);
    await waitFor(() => (w.log().match(/LEAK SUSPECT/g) ?? []).length >= 2, 90_000, 'the verdict of the three');
    // Three: the leak finder counts the sessions born between the first two and alive in the third.
    const log = w.log();
    expect(log).toMatch(
      new RegExp(`🔎 LEAK SUSPECT: UserSession \\+${second + third} \\(.*\\) ← Map ← sessions ← BroadcasterService ← broadcaster`),
    );
    expect(log).toContain(
      `leak finder: ${second} UserSession allocated between the first and second snapshots are still alive in the third`,
    );
    expect(log).toContain(`growing: Map ${first} → ${first + second} → ${first + second + third} entries (+${second + third})`);

    // The JSONL has the verdict with the comparison's top rows.
    const verdicts = w.events().filter((e) => e.type === 'leak-suspect');
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]).toMatchObject({ className: 'UserSession', countDelta: second });
    expect(verdicts[1]).toMatchObject({ className: 'UserSession', countDelta: second + third, leakFinder: { count: second } });
    const rows = verdicts[1]!.rows as Array<{ name: string; countDelta: number }>;
    expect(rows.find((r) => r.name === 'UserSession')?.countDelta).toBe(second + third);
    expect((verdicts[1]!.files as string[]).map((f) => f.replace(/.*-at-/, ''))).toEqual([
      '12pct.heapsnapshot',
      '22pct.heapsnapshot',
      '40pct.heapsnapshot',
    ]);

    // One series of three snapshots, beside the newest older series; the two oldest are gone.
    const series = readdirSync(join(dir, 'series')).sort();
    expect(series).toHaveLength(2);
    expect(series[0]).toBe('2003-01-01T00-00-00-old');
    expect(snapshotsIn(join(dir, 'series')).filter((f) => !f.startsWith('2003'))).toHaveLength(3);
    expect(log).toMatch(/removed the old series 2001-01-01T00-00-00-old/);
  });

  it('skips a snapshot that would not fit in what is left of the budget, says why, and writes nothing', async () => {
    // Small objects: a heap of many nodes, the costly kind to snapshot (≈ 490 bytes of target RSS per node).
    for (let i = 0; i < 10; i++) await bot.leak(10_000, 0);
    const { memory } = await bot.stats();
    // A budget the process sits at 60 % of: crossing 50 % is immediate, and what is left is 40 %.
    const budgetMb = Math.ceil(memory.rss / 0.6 / 2 ** 20);
    watching = watch(bot, dir, ['--budget', String(budgetMb), '--at', '50']);
    const w = watching;
    await waitFor(() => /⛔/.test(w.log()), 30_000, 'the skip');
    const skipped = w.events().find((e) => e.type === 'snapshot-skipped')!;
    expect(skipped).toMatchObject({ thresholdPercent: 50, budgetBytes: budgetMb * 2 ** 20 });
    expect((skipped.rssBytes as number) + (skipped.estimateBytes as number)).toBeGreaterThan(budgetMb * 2 ** 20);
    expect(w.log()).toMatch(
      /⛔ auto snapshot at 50 % skipped: RSS [\d.]+ MB \+ ≈ [\d.]+ MB the capture would add in the target passes the [\d.]+ MB budget/,
    );
    expect(snapshotsIn(join(dir, 'series'))).toEqual([]);
    // Once per crossing: later samples above the line do not skip (or capture) again.
    await new Promise((r) => setTimeout(r, 2000));
    expect(w.events().filter((e) => e.type === 'snapshot-skipped')).toHaveLength(1);

    // And it would indeed not have fitted: the same capture, taken by hand, peaks past the budget.
    await killAndWait(w.child, 'SIGTERM');
    const rssBefore = procStatusBytes(bot.pid, 'VmRSS');
    writeFileSync(`/proc/${bot.pid}/clear_refs`, '5'); // VmHWM := VmRSS, so the peak read next is the capture's
    const session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
    try {
      await captureHeapSnapshot({ session, file: join(dir, 'by-hand.heapsnapshot') });
    } finally {
      await session.close();
    }
    const added = procStatusBytes(bot.pid, 'VmHWM') - rssBefore;
    expect(rssBefore + added).toBeGreaterThan(budgetMb * 2 ** 20);
    // The estimate is on the safe side of what the capture took.
    expect(skipped.estimateBytes as number).toBeGreaterThanOrEqual(added * 0.9);
  });
});
