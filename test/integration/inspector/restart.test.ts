import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetEvent } from '../../../src/core/budget/budgetEvents';
import { MemoryLog } from '../../../src/core/budget/memoryLog';
import { MonitoredTarget } from '../../../src/core/inspector/monitoredTarget';
import { MemoryWatch } from '../../../src/core/watch/memoryWatch';
import { freePort, startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';

const MB = 1024 * 1024;
const bots: RunningBot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.kill()));
});

describe('a target that dies and comes back', () => {
  it('is reported as restarted with its new pid, and the log holds the crossing and restart events', async () => {
    const port = await freePort();
    const first = await startLeakyBot({ inspect: port });
    bots.push(first);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mb-restart-'));
    const log = new MemoryLog(dir, 'leaky-bot restart test');
    const target = new MonitoredTarget(
      { kind: 'inspector', host: '127.0.0.1', port },
      { intervalMs: 100, includeChildren: true, maxBackoffMs: 300 },
    );
    // Budget just above the idle bot: the leak below pushes it over the warn line.
    const idleRss = (await first.stats()).memory.rss;
    const watch = new MemoryWatch(
      target,
      { preset: 'custom', budgetMB: Math.ceil((idleRss + 40 * MB) / MB), warnPercent: 80, criticalPercent: 94 },
      log,
    );
    const events: BudgetEvent[] = [];
    watch.on('event', (e) => events.push(e));
    try {
      await watch.start();
      await first.leak(200, 256); // 50 MB
      await waitFor(() => events.find((e) => e.type === 'level' && e.to !== 'ok'), 10_000, 'a crossing event');

      await first.kill('SIGKILL');
      await waitFor(() => events.find((e) => e.type === 'disconnect'), 10_000, 'the disconnect');
      const second = await startLeakyBot({ inspect: port });
      bots.push(second);
      const restart = await waitFor(() => events.find((e) => e.type === 'restart'), 15_000, 'the restart');
      expect(restart).toMatchObject({ previousPid: first.pid, pid: second.pid });
      await waitFor(() => watch.status?.sample.pid === second.pid || undefined, 5_000, 'a sample of the new process');
    } finally {
      await watch.stop();
    }
    const text = readFileSync(path.join(dir, 'memory_debug.log'), 'utf8');
    expect(text).toMatch(/(⚠️ HIGH MEMORY|🚨 CRITICAL MEMORY|OVER BUDGET)/);
    expect(text).toContain('🔌 target disconnected');
    expect(text).toContain(`🔄 TARGET RESTARTED: pid ${first.pid} → ${bots[1].pid}`);
  });
});
