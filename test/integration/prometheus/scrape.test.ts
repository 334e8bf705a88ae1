import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_FIXTURES, REPO, announcedMetricsUrl } from '../../support/agentApp';
import { killAndWait, waitFor } from '../../support/leakyBot';
import { LEAKY_BOT } from '../../support/leakyBot';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function vmRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** Starts a process with the agent's metrics on port 0 and returns its pid and the host:port it serves. */
async function underAgent(command: string, args: string[], env: Record<string, string>): Promise<{ pid: number; address: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-scrape-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEMORY_BUDGET_')));
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...clean, MEMORY_BUDGET_METRICS_PORT: '0', MEMORY_BUDGET_INTERVAL_MS: '250', ...env },
    stdio: 'ignore',
  });
  cleanups.push(async () => {
    await killAndWait(child, 'SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const url = await waitFor(
    () => announcedMetricsUrl(path.join(dir, '.memory-budget', 'memory_debug.jsonl')),
    20_000,
    `${command} metrics`,
  );
  return { pid: child.pid!, address: new URL(url).host };
}

describe('a real Prometheus server scraping both agents', () => {
  it('stores memory_budget_rss_bytes for a Node and a Python app, equal to what /proc says', async () => {
    const node = await underAgent(process.execPath, ['-r', path.join(REPO, 'dist/agent.js'), LEAKY_BOT, '--port', '0'], {
      MEMORY_BUDGET_SERVICE: 'node-bot',
      MEMORY_BUDGET_PRESET: 'render-free',
    });
    const python = await underAgent('python3', ['-m', 'memory_budget_agent', path.join(AGENT_FIXTURES, 'sleeper.py')], {
      MEMORY_BUDGET_SERVICE: 'py-worker',
      MEMORY_BUDGET_MB: '256',
      PYTHONPATH: path.join(REPO, 'python'),
    });
    const prometheus: PrometheusServer = await startPrometheus([node.address, python.address]);
    cleanups.push(() => prometheus.stop());

    const up = await waitFor(
      async () => {
        const r = await prometheus.query('up{job="memory-budget"} == 1');
        return r.length === 2 ? r : undefined;
      },
      30_000,
      'both targets up',
    );
    expect(up.map((r) => r.metric.instance).sort()).toEqual([node.address, python.address].sort());

    const series = await waitFor(
      async () => {
        const r = await prometheus.query('memory_budget_rss_bytes');
        return r.length === 2 ? r : undefined;
      },
      30_000,
      'memory_budget_rss_bytes for both',
    );
    for (const [app, service] of [
      [node, 'node-bot'],
      [python, 'py-worker'],
    ] as const) {
      const s = series.find((r) => r.metric.pid === String(app.pid));
      expect(s, `series for pid ${app.pid}`).toBeDefined();
      expect(s!.metric).toMatchObject({ service, instance: app.address, job: 'memory-budget' });
      // An idle process: what Prometheus stored a moment ago is what the kernel says now.
      const stored = Number(s!.value[1]);
      const kernel = vmRssBytes(app.pid);
      expect(Math.abs(stored - kernel) / kernel, `stored ${stored}, /proc ${kernel}`).toBeLessThan(0.05);
    }

    const budgets = await prometheus.query('memory_budget_budget_bytes');
    expect(Object.fromEntries(budgets.map((r) => [r.metric.service, Number(r.value[1])]))).toEqual({
      'node-bot': 512 * 1024 * 1024,
      'py-worker': 256 * 1024 * 1024,
    });
    expect((await prometheus.query('memory_budget_heap_used_bytes')).map((r) => r.metric.service)).toEqual(['node-bot']);
    expect((await prometheus.query('memory_budget_state')).map((r) => r.value[1])).toEqual(['0', '0']);
  });
});
