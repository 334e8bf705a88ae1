import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorSource } from '../../../src/core/inspector/inspectorSource';
import { openSource } from '../../../src/core/inspector/openSource';
import { discoverTargets } from '../../../src/core/inspector/discovery';
import { startLeakyBot, type RunningBot } from '../../support/leakyBot';

const MB = 1024 * 1024;
const bots: RunningBot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.kill()));
});

function vmRssBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return Number(kb) * 1024;
}

describe('sampling a real node --inspect process', () => {
  it('reports RSS within a few percent of /proc VmRSS, and heap limit and pid once per attach', async () => {
    const bot = await startLeakyBot();
    bots.push(bot);
    const source = await InspectorSource.open({ host: '127.0.0.1', port: bot.inspectorPort! }, { includeChildren: true });
    try {
      expect(source.facts.pid).toBe(bot.pid);
      expect(source.facts.local).toBe(true);
      expect(source.facts.runtime).toBe(`node ${process.version}`);
      expect(source.facts.heapLimitBytes).toBeGreaterThan(100 * MB);
      const sample = await source.read();
      const proc = vmRssBytes(bot.pid);
      expect(Math.abs(sample.rssBytes - proc) / proc).toBeLessThan(0.05);
      expect(sample.heapUsedBytes).toBeGreaterThan(MB);
      expect(sample.heapTotalBytes).toBeGreaterThanOrEqual(sample.heapUsedBytes!);
      expect(sample.externalBytes).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
  });

  it('follows a leak the test drives in heapUsed and RSS', async () => {
    const bot = await startLeakyBot();
    bots.push(bot);
    const source = await openSource({ kind: 'websocket', url: bot.webSocketUrl! }, { includeChildren: true });
    try {
      const before = await source.read();
      await bot.leak(120, 256); // 30 MB of on-heap strings held by a Map
      const after = await source.read();
      expect(after.heapUsedBytes! - before.heapUsedBytes!).toBeGreaterThan(25 * MB);
      expect(after.rssBytes - before.rssBytes).toBeGreaterThan(20 * MB);
    } finally {
      await source.close();
    }
  });

  it('opens the inspector of a Node process started without one (SIGUSR1) and samples it', async () => {
    const bot = await startLeakyBot({ inspect: 'none' });
    bots.push(bot);
    const listed = await discoverTargets({ ports: [] });
    expect(listed).toContainEqual(expect.objectContaining({ kind: 'node-no-inspector', pid: bot.pid }));
    const source = await openSource({ kind: 'pid', pid: bot.pid }, { includeChildren: true });
    try {
      expect(source).toBeInstanceOf(InspectorSource);
      expect(source.facts.pid).toBe(bot.pid);
      const sample = await source.read();
      expect(sample.heapUsedBytes).toBeGreaterThan(0);
      expect(Math.abs(sample.rssBytes - vmRssBytes(bot.pid)) / vmRssBytes(bot.pid)).toBeLessThan(0.05);
    } finally {
      await source.close();
    }
  });

  it('discovers an --inspect=127.0.0.1:0 process on the port the OS chose, with its pid', async () => {
    const bot = await startLeakyBot();
    bots.push(bot);
    const listed = await discoverTargets({ ports: [] });
    expect(listed).toContainEqual(expect.objectContaining({ kind: 'inspector', port: bot.inspectorPort, pid: bot.pid }));
  });

  it('watches a process without an inspector RSS-only, with heap fields absent', async () => {
    const bot = await startLeakyBot({ inspect: 'none' });
    bots.push(bot);
    const source = await openSource({ kind: 'pid', pid: bot.pid }, { includeChildren: false, rssOnly: true });
    const sample = await source.read();
    expect(sample.heapUsedBytes).toBeUndefined();
    expect(Math.abs(sample.rssBytes - vmRssBytes(bot.pid)) / vmRssBytes(bot.pid)).toBeLessThan(0.05);
    await source.close();
  });
});
