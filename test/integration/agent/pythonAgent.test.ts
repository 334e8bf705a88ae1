import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { freePort, killAndWait, waitFor } from '../../support/leakyBot';
import { AGENT_FIXTURES, announcedMetricsUrl, readRecords, readText, runProcess } from '../../support/agentApp';

// gunicorn and uvicorn come from Debian's packages (the prerequisites script installs them), so
// those tests use Debian's interpreter; the rest use whatever python3 is first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';
const MB = 1024 * 1024;

let agentFolder: string;
const children: ChildProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  const result = await runCli(['agent-path', 'python']);
  expect(result.code).toBe(0);
  agentFolder = result.stdout.trim();
});
afterEach(async () => {
  for (const child of children.splice(0)) await killAndWait(child);
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function appDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-pyagent-'));
  dirs.push(dir);
  for (const file of fs.readdirSync(AGENT_FIXTURES).filter((f) => f.endsWith('.py'))) {
    fs.copyFileSync(path.join(AGENT_FIXTURES, file), path.join(dir, file));
  }
  return dir;
}

function python(dir: string, args: string[], env: Record<string, string> = {}, interpreter = 'python3') {
  const run = runProcess(interpreter, args, dir, {
    PYTHONPATH: agentFolder,
    MEMORY_BUDGET_INTERVAL_MS: '100',
    MEMORY_BUDGET_JSONL_INTERVAL_MS: '0',
    ...env,
  });
  children.push(run.child);
  return { ...run, output: () => run.stdout() + run.stderr() };
}

describe('the Python agent in real processes', () => {
  it('logs the crossing, the critical block with the last operations and counters, and a summary on SIGTERM', async () => {
    const dir = appDir();
    const run = python(dir, ['-m', 'memory_budget_agent', 'leaking_app.py', '--kb', '1024', '--every', '40'], {
      MEMORY_BUDGET_MB: '200',
      MEMORY_BUDGET_METRICS_PORT: '0',
    });
    const jsonl = path.join(dir, '.memory-budget', 'memory_debug.jsonl');
    await waitFor(() => readRecords(jsonl).some((r) => r.type === 'level' && (r.to === 'critical' || r.to === 'over')), 30_000, 'critical');
    // The metrics endpoint answers /metrics only.
    const url = announcedMetricsUrl(jsonl)!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const metrics = await (await fetch(url)).text();
    expect(metrics).toMatch(new RegExp(`^memory_budget_rss_bytes\\{service="leaking_app.py",pid="${run.child.pid}"\\} \\d+$`, 'm'));
    expect(metrics).not.toMatch(/^memory_budget_heap_used_bytes\{/m); // Python has no V8 heap
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);

    run.child.kill('SIGTERM');
    expect((await run.exited).signal).toBe('SIGTERM');
    const log = readText(path.join(dir, '.memory-budget', 'memory_debug.log'));
    expect(log).toMatch(/MEMORY DEBUG LOG - leaking_app\.py \(pid \d+, python 3\.\d+\.\d+\) — budget Custom — 200 MB/);
    expect(log).toMatch(/⚠️ HIGH MEMORY: [\d.]+ MB \/ 200 MB/);
    const critical =
      /🚨 (?:CRITICAL MEMORY - CRASH IMMINENT|OVER BUDGET - OOM KILL LIKELY): [\d.]+ MB \/ 200 MB\nTarget: leaking_app\.py\n(Latest counters: .*)\nLast 5 operations before this:\n((?: {2}\d\. .*\n){5})/.exec(
        log,
      );
    expect(critical, log).not.toBeNull();
    const marks = critical![2].split('\n').filter((l) => /Session Created - [\d.]+ MB - sessions: \d+ \| user: user-\d+/.test(l));
    expect(marks.length).toBeGreaterThanOrEqual(3);
    const last = Number(/sessions: (\d+)/.exec(marks.at(-1)!)![1]);
    expect(critical![1]).toBe(`Latest counters: sessions: ${last} | user: user-${last}`);
    expect(log).toMatch(
      /🏁 SHUTDOWN SUMMARY \(SIGTERM\) - ran \d+ s\n {3}Peak: [\d.]+ MB \/ 200 MB \(\d+%\) at .*\n {3}Growth: .*\n {3}Time over warn: \d+ s\n {3}Restarts seen: 0\n/,
    );

    const samples = readRecords(jsonl).filter((r) => r.source === 'agent');
    expect(samples.length).toBeGreaterThan(3);
    expect(samples[0]).toMatchObject({ target: 'leaking_app.py', pid: run.child.pid, heapUsedBytes: null, budgetBytes: 200 * MB });
    expect(Object.keys(samples[0]).at(-1)).toBe('gcCollections');
    expect(samples[0].gcCollections).toHaveLength(3);
  });

  it('starts from code, writes the summary on a normal exit and keeps the exit code', async () => {
    const dir = appDir();
    const run = python(dir, ['leaking_app.py', '--start', '--kb', '64', '--sessions', '10', '--every', '20', '--exit-code', '4']);
    expect(await run.exited).toEqual({ code: 4, signal: null });
    const log = readText(path.join(dir, '.memory-budget', 'memory_debug.log'));
    expect(log).toContain('MEMORY DEBUG LOG - leaking_app.py');
    expect(log).toMatch(/🏁 SHUTDOWN SUMMARY \(exit\)/);
    expect(readRecords(path.join(dir, '.memory-budget', 'memory_debug.jsonl')).filter((r) => r.type === 'mark')).toHaveLength(10);
  });

  it('with MEMORY_BUDGET_TRACEMALLOC=1 names the top allocation sites, every N minutes and at critical', async () => {
    const dir = appDir();
    const run = python(dir, ['-m', 'memory_budget_agent', 'leaking_app.py', '--kb', '1024', '--every', '30'], {
      MEMORY_BUDGET_MB: '160',
      MEMORY_BUDGET_TRACEMALLOC: '1',
      MEMORY_BUDGET_TRACEMALLOC_MINUTES: '0.02',
    });
    const jsonl = path.join(dir, '.memory-budget', 'memory_debug.jsonl');
    const reasons = () =>
      readRecords(jsonl)
        .filter((r) => r.type === 'allocations')
        .map((r) => r.reason);
    await waitFor(() => reasons().includes('critical') && reasons().includes('periodic'), 40_000, 'allocation reports');
    run.child.kill('SIGTERM');
    await run.exited;
    const atCritical = readRecords(jsonl).find((r) => r.reason === 'critical') as {
      sites: Array<{ file: string; line: number; sizeBytes: number; count: number }>;
    };
    expect(atCritical.sites.length).toBeGreaterThan(0);
    expect(atCritical.sites.length).toBeLessThanOrEqual(10);
    // The leak's own line comes first, holding most of what is traced.
    const source = fs.readFileSync(path.join(dir, 'leaking_app.py'), 'utf8').split('\n');
    const leakLine = source.findIndex((l) => l.includes('bytearray(')) + 1;
    // As Python names it: the path the script was run by.
    expect(atCritical.sites[0]).toMatchObject({ file: 'leaking_app.py', line: leakLine });
    expect(atCritical.sites[0].sizeBytes).toBeGreaterThan(50 * MB);
    const log = readText(path.join(dir, '.memory-budget', 'memory_debug.log'));
    expect(log).toMatch(
      new RegExp(`🔬 TOP ALLOCATIONS \\(tracemalloc, critical\\):\\n {2}1\\. leaking_app\\.py:${leakLine} - [\\d.]+ MB in [\\d,]+ blocks`),
    );
  });

  it('gives each gunicorn worker its own file and says in the master log which is which', async () => {
    const dir = appDir();
    const run = python(
      dir,
      ['-m', 'memory_budget_agent', '-m', 'gunicorn', '--bind', '127.0.0.1:0', '--workers', '2', 'wsgi_app:app'],
      {},
      DEBIAN_PYTHON,
    );
    const url = await waitFor(() => /Listening at: (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1], 20_000, 'gunicorn');
    const workers = await waitFor(() => {
      const pids = [...run.output().matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
      return pids.length === 2 ? pids : undefined;
    });
    for (let i = 0; i < 6; i++) expect(await (await fetch(`${url}/page-${i}`)).text()).toBe('ok\n');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);

    const logDir = path.join(dir, '.memory-budget');
    const main = readText(path.join(logDir, 'memory_debug.log'));
    expect(main).toMatch(new RegExp(`MEMORY DEBUG LOG - gunicorn \\(pid ${run.child.pid},`));
    let requests = 0;
    for (const pid of workers) {
      expect(main).toContain(`👷 WORKER STARTED: gunicorn worker pid ${pid}, master pid ${run.child.pid} → memory_debug-${pid}.log`);
      const own = readText(path.join(logDir, `memory_debug-${pid}.log`));
      expect(own).toContain(`MEMORY DEBUG LOG - gunicorn (gunicorn worker pid ${pid}, master pid ${run.child.pid}, python 3.`);
      expect(own).toContain('🏁 SHUTDOWN SUMMARY');
      const records = readRecords(path.join(logDir, `memory_debug-${pid}.jsonl`));
      expect(records.filter((r) => r.source === 'agent').every((r) => r.pid === pid)).toBe(true);
      requests += records.filter((r) => r.type === 'mark' && r.name === 'Request').length;
    }
    expect(requests).toBe(6);
  });

  it('gives each spawned uvicorn worker its own file too', async () => {
    const dir = appDir();
    const port = await freePort();
    const run = python(
      dir,
      ['-m', 'memory_budget_agent', '-m', 'uvicorn', '--host', '127.0.0.1', '--port', String(port), '--workers', '2', 'asgi_app:app'],
      {},
      DEBIAN_PYTHON,
    );
    const workers = await waitFor(
      () => {
        const pids = [...run.output().matchAll(/Started server process \[(\d+)\]/g)].map((m) => Number(m[1]));
        return pids.length === 2 && (run.output().match(/Application startup complete/g) ?? []).length === 2 ? pids : undefined;
      },
      20_000,
      'uvicorn workers',
    );
    for (let i = 0; i < 6; i++) expect(await (await fetch(`http://127.0.0.1:${port}/u-${i}`)).text()).toBe('ok\n');
    run.child.kill('SIGTERM');
    await run.exited;
    const logDir = path.join(dir, '.memory-budget');
    const main = readText(path.join(logDir, 'memory_debug.log'));
    let requests = 0;
    for (const pid of workers) {
      expect(main).toContain(`👷 WORKER STARTED: uvicorn worker pid ${pid}, parent pid ${run.child.pid} → memory_debug-${pid}.log`);
      requests += readRecords(path.join(logDir, `memory_debug-${pid}.jsonl`)).filter((r) => r.type === 'mark').length;
    }
    expect(requests).toBe(6);
  });
});
