import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TREND_OPTIONS } from '../../src/core/budget/trend';
import { WatchSet } from '../../src/core/watch/watchSet';
import { startLeakyBot, type RunningBot } from '../../test/support/leakyBot';

/**
 * Soak: the extension's WatchSet attached to 8 real Node targets (examples/leaky-bot with
 * --inspect) sampling at 10 Hz, with the memory log on, as the extension host runs it. Every
 * minute it prints this process's heap after a full GC, its RSS, and the CPU and samples of that
 * minute. The warm-up lasts until the leak trend's window is full (it keeps every sample of its
 * last 15 minutes, so it grows until then by design); then 10 measured minutes. Goal: heap and
 * RSS flat within 5 % over the measured minutes.
 *   npm run bench:soak [-- --warmup 16 --minutes 10 --targets 8 --hz 10]
 */

const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: String(Math.ceil(DEFAULT_TREND_OPTIONS.windowMs / 60_000) + 1) },
    minutes: { type: 'string', default: '10' },
    targets: { type: 'string', default: '8' },
    hz: { type: 'string', default: '10' },
  },
});
const WARMUP = Number(values.warmup);
const MINUTES = Number(values.minutes);
const TARGETS = Number(values.targets);
const INTERVAL_MS = 1000 / Number(values.hz);
const GOAL_PERCENT = 5;
const MB = 1024 * 1024;

interface Minute {
  minute: number;
  heapMB: number;
  rssMB: number;
  cpuSeconds: number;
  samples: number;
  sampleErrors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:soak does)');
  gc();
  gc();
}

function spread(xs: number[]): number {
  return ((Math.max(...xs) - Math.min(...xs)) / Math.min(...xs)) * 100;
}

async function main(): Promise<void> {
  const logDirectory = mkdtempSync(join(os.tmpdir(), 'mb-soak-'));
  const bots: RunningBot[] = [];
  const watches = new WatchSet({
    budget: { preset: 'render-512', warnPercent: 80, criticalPercent: 94 },
    intervalMs: INTERVAL_MS,
    includeChildren: true,
    logDirectory,
  });
  let samples = 0;
  let sampleErrors = 0;
  watches.on('update', () => samples++);
  watches.on('sampleError', () => sampleErrors++);
  const stop = async () => {
    await watches.detachAll();
    await Promise.all(bots.map((b) => b.kill()));
    rmSync(logDirectory, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(130)));

  try {
    for (let i = 0; i < TARGETS; i++) bots.push(await startLeakyBot());
    for (const bot of bots) await watches.attach({ kind: 'inspector', host: '127.0.0.1', port: bot.inspectorPort! });
    console.log(
      `soak: ${TARGETS} targets at ${1000 / INTERVAL_MS} Hz for ${WARMUP} min of warm-up and ${MINUTES} measured, Node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log('minute  heap MB  RSS MB  CPU s  wall s  samples  errors   (w: warm-up)');
    const minutes: Minute[] = [];
    const wall0 = Date.now();
    for (let m = 1; m <= WARMUP + MINUTES; m++) {
      const cpu0 = process.cpuUsage();
      const start = Date.now();
      samples = 0;
      sampleErrors = 0;
      await sleep(wall0 + m * 60_000 - start);
      const cpu = process.cpuUsage(cpu0);
      collect();
      const row: Minute = {
        minute: m,
        heapMB: process.memoryUsage().heapUsed / MB,
        rssMB: process.memoryUsage().rss / MB,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        samples,
        sampleErrors,
      };
      minutes.push(row);
      console.log(
        `${m <= WARMUP ? 'w' : ' '}${String(m).padStart(5)}  ${row.heapMB.toFixed(2).padStart(7)}  ${row.rssMB.toFixed(1).padStart(6)}  ${row.cpuSeconds.toFixed(2).padStart(5)}  ${((Date.now() - start) / 1000).toFixed(1).padStart(6)}  ${String(row.samples).padStart(7)}  ${String(row.sampleErrors).padStart(6)}`,
      );
    }
    const settled = minutes.slice(WARMUP);
    if (settled.length >= 2) {
      const heap = spread(settled.map((r) => r.heapMB));
      const rss = spread(settled.map((r) => r.rssMB));
      const ok = (x: number) => (x <= GOAL_PERCENT ? 'met' : 'NOT met');
      console.log(
        `after warm-up (minutes ${WARMUP + 1}-${WARMUP + MINUTES}): heap spread ${heap.toFixed(1)} % (${ok(heap)}), RSS spread ${rss.toFixed(1)} % (${ok(rss)}); goal ≤ ${GOAL_PERCENT} %`,
      );
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(2);
});
