import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { announcedMetricsUrl, makeAppDir, removeAppDirs, runNode, type AgentRun } from '../../support/agentApp';
import { CLI } from '../../support/cli';
import { killAndWait, startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';

const SERIES = [
  'memory_budget_rss_bytes',
  'memory_budget_heap_used_bytes',
  'memory_budget_heap_total_bytes',
  'memory_budget_external_bytes',
  'memory_budget_heap_limit_bytes',
  'memory_budget_budget_bytes',
  'memory_budget_growth_bytes_per_hour',
  'memory_budget_state',
  'memory_budget_restarts_total',
];

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});
afterAll(removeAppDirs);

async function expectOnlyMetrics(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const base = url.replace(/\/metrics$/, '');
  for (const other of ['/', '/metrics/', '/debug', '/json/list', '/metrics/../gc'])
    expect((await fetch(base + other)).status, other).toBe(404);
  for (const method of ['POST', 'PUT', 'DELETE']) expect((await fetch(url, { method })).status, method).toBe(404);
  return res.text();
}

describe('/metrics', () => {
  it('memory-budget watch --metrics-port serves every series with the service and pid labels', async () => {
    const bot: RunningBot = await startLeakyBot({ inspect: 'random' });
    stops.push(() => bot.kill());
    const watch = spawn(
      process.execPath,
      [
        CLI,
        'watch',
        `127.0.0.1:${bot.inspectorPort}`,
        '--metrics-port',
        '0',
        '--service',
        'checkout',
        '--interval',
        '200',
        '--budget',
        '300',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    stops.push(() => killAndWait(watch, 'SIGINT'));
    let stderr = '';
    watch.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const url = await waitFor(() => /serving \/metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(stderr)?.[1], 15_000, 'watch metrics');
    const body = await waitFor(async () => {
      const text = await expectOnlyMetrics(url);
      return text.includes('memory_budget_rss_bytes{') ? text : undefined;
    });
    for (const name of SERIES) {
      expect(body).toContain(`# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`);
      if (name !== 'memory_budget_growth_bytes_per_hour')
        expect(body).toMatch(new RegExp(`^${name}\\{service="checkout",pid="${bot.pid}"\\} \\d+$`, 'm'));
    }
    expect(body).toMatch(new RegExp(`^memory_budget_budget_bytes\\{service="checkout",pid="${bot.pid}"\\} ${300 * 1024 * 1024}$`, 'm'));
  });

  it('binds 127.0.0.1 unless MEMORY_BUDGET_METRICS_HOST says otherwise', async () => {
    const dir = makeAppDir();
    const run: AgentRun = runNode(
      dir,
      ['--require', 'memory-budget/agent'],
      path.join(dir, 'leaking-app.js'),
      ['--kb', '1', '--every', '1000'],
      {
        MEMORY_BUDGET_METRICS_PORT: '0',
        MEMORY_BUDGET_METRICS_HOST: '127.0.0.2',
      },
    );
    stops.push(() => killAndWait(run.child));
    const url = await waitFor(() => announcedMetricsUrl(path.join(dir, '.memory-budget', 'memory_debug.jsonl')), 15_000, 'agent metrics');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/metrics$/);
    expect(await expectOnlyMetrics(url)).toContain(`pid="${run.child.pid}"`);
    // Not on the other loopback address: it listens where it was told, only there.
    await expect(fetch(url.replace('127.0.0.2', '127.0.0.1'))).rejects.toThrow();
  });
});
