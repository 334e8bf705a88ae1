import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverTargets } from '../../../src/core/inspector/discovery';
import { matchesAutoAttach } from '../../../src/core/inspector/autoAttachRules';
import { WatchSet } from '../../../src/core/watch/watchSet';
import { startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';

const bots: RunningBot[] = [];
let set: WatchSet | undefined;
afterEach(async () => {
  await set?.detachAll();
  await Promise.all(bots.splice(0).map((b) => b.kill()));
});

describe('several targets against one budget', () => {
  it('keeps a series per target and a combined total that sums their RSS', async () => {
    const a = await startLeakyBot();
    const b = await startLeakyBot();
    bots.push(a, b);
    const logDirectory = mkdtempSync(path.join(os.tmpdir(), 'mb-set-'));
    set = new WatchSet({
      budget: { preset: 'fly-256', warnPercent: 80, criticalPercent: 94 },
      intervalMs: 100,
      includeChildren: true,
      logDirectory,
    });
    const ea = await set.attach({ kind: 'inspector', host: '127.0.0.1', port: a.inspectorPort! });
    const eb = await set.attach({ kind: 'websocket', url: b.webSocketUrl! });
    expect(await set.attach({ kind: 'inspector', host: '127.0.0.1', port: a.inspectorPort! })).toBe(ea); // no double attach
    await waitFor(() => (ea.series.size >= 3 && eb.series.size >= 3) || undefined, 10_000, 'samples from both');
    const combined = set.combined()!;
    expect(combined.targets).toBe(2);
    expect(combined.rssBytes).toBe(ea.watch.status!.sample.rssBytes + eb.watch.status!.sample.rssBytes);
    expect(combined.budget.label).toBe('Fly.io 256 MB — 256 MB');
    expect(ea.watch.status!.sample.pid).toBe(a.pid);
    expect(eb.watch.status!.sample.pid).toBe(b.pid);

    // Settings change live: a budget below both targets' RSS puts each over it.
    set.applyOptions({
      budget: { preset: 'auto', budgetMB: 10, warnPercent: 80, criticalPercent: 94 },
      intervalMs: 100,
      includeChildren: true,
      logDirectory,
    });
    await waitFor(() => (ea.watch.status?.level === 'over' && eb.watch.status?.level === 'over') || undefined, 5_000, 'both over');
    expect(ea.events.some((e) => e.type === 'level' && e.to === 'over')).toBe(true);
    expect(readFileSync(path.join(logDirectory, 'memory_debug.log'), 'utf8')).toMatch(/OVER BUDGET - OOM KILL LIKELY: [\d.]+ MB \/ 10 MB/);

    await set.detach(ea.id);
    expect(set.all.map((e) => e.id)).toEqual([eb.id]);
    expect(set.combined()!.rssBytes).toBe(eb.watch.status!.sample.rssBytes);
  });

  it('auto-attach rules match inspectors by port, glob and regex, and never a process without one', async () => {
    const bot = await startLeakyBot();
    const plain = await startLeakyBot({ inspect: 'none' });
    bots.push(bot, plain);
    const found = await discoverTargets({ ports: [] });
    const inspector = found.find((t) => t.kind === 'inspector' && t.pid === bot.pid)!;
    const noInspector = found.find((t) => t.kind === 'node-no-inspector' && t.pid === plain.pid)!;
    expect(matchesAutoAttach(inspector, [String(bot.inspectorPort)])).toBe(true);
    expect(matchesAutoAttach(inspector, ['*leaky-bot/server.js*'])).toBe(true);
    expect(matchesAutoAttach(inspector, ['/leaky-bot\\/server\\.js/'])).toBe(true);
    expect(matchesAutoAttach(inspector, ['*some-other-app*', '1'])).toBe(false);
    expect(matchesAutoAttach(noInspector, ['*leaky-bot*'])).toBe(false);
  });
});
