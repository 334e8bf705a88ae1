import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MonitoredTarget } from '../../../src/core/inspector/monitoredTarget';
import type { TargetFacts } from '../../../src/core/inspector/memorySample';
import { parseTargetSpec } from '../../../src/core/inspector/targetSpec';
import { makeAppDir, removeAppDirs, runNode, type AgentRun } from '../../support/agentApp';
import { runCli } from '../../support/cli';
import { freePort, killAndWait, startLeakyBot, waitFor } from '../../support/leakyBot';

const runs: AgentRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await killAndWait(run.child);
});
afterAll(removeAppDirs);

function vmRssBytes(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

async function appOnPort(dir: string, port: number): Promise<AgentRun> {
  const run = runNode(dir, ['--require', 'memory-budget/agent'], path.join(dir, 'leaking-app.js'), ['--kb', '1', '--every', '1000'], {
    MEMORY_BUDGET_METRICS_PORT: String(port),
    MEMORY_BUDGET_MB: '300',
    MEMORY_BUDGET_SERVICE: 'prod-bot',
    MEMORY_BUDGET_INTERVAL_MS: '200',
  });
  runs.push(run);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined))?.ok, 15_000, 'metrics');
  return run;
}

describe('watching an agent through its read-only /metrics', () => {
  it('memory-budget watch http://host:port reads its figures and follows its budget', async () => {
    const dir = makeAppDir();
    const port = await freePort();
    const app = await appOnPort(dir, port);
    const result = await runCli(['watch', `http://127.0.0.1:${port}`, '--once', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as Record<string, number | string | null>;
    expect(record).toMatchObject({ target: `http://127.0.0.1:${port}/`, pid: app.child.pid, budgetBytes: 300 * 1024 * 1024 });
    expect(typeof record.heapUsedBytes).toBe('number');
    expect(Math.abs((record.rssBytes as number) - vmRssBytes(app.child.pid!)) / vmRssBytes(app.child.pid!)).toBeLessThan(0.05);
  });

  it('sees a restart behind the same port as a restart, with the new pid', async () => {
    const dir = makeAppDir();
    const port = await freePort();
    const first = await appOnPort(dir, port);
    const target = new MonitoredTarget(parseTargetSpec(`http://127.0.0.1:${port}`), {
      intervalMs: 200,
      includeChildren: false,
      maxBackoffMs: 500,
    });
    const facts = await target.start();
    expect(facts).toMatchObject({ name: 'prod-bot', pid: first.child.pid, hasInspector: false, budgetBytes: 300 * 1024 * 1024 });
    const restarted = new Promise<TargetFacts>((resolve) => target.on('restarted', (current) => resolve(current)));
    try {
      await killAndWait(first.child);
      const second = await appOnPort(dir, port);
      expect((await restarted).pid).toBe(second.child.pid);
    } finally {
      await target.stop();
    }
  });

  it('says what is wrong with an address that is not an agent', async () => {
    const bot = await startLeakyBot({ inspect: 'none' });
    try {
      const result = await runCli(['watch', `${bot.url}/stats`, '--once']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${bot.url}/stats answers, but has no memory_budget_rss_bytes: is it a Memory Budget agent?`);
      const notFound = await runCli(['watch', bot.url, '--once']);
      expect(notFound.stderr).toContain(`${bot.url}/metrics answered 404`);
    } finally {
      await bot.kill();
    }
  });
});
