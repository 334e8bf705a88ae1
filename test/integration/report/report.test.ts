import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toolchainPaths } from '../../../scripts/toolchain.mjs';
import { chromiumArgs } from '../../e2e/support/workbench';
import { makeAppDir, readRecords, removeAppDirs, runNode, type AgentRun } from '../../support/agentApp';
import { runCli } from '../../support/cli';
import { killAndWait, startLeakyBot, waitFor } from '../../support/leakyBot';

const runs: AgentRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await killAndWait(run.child);
});
afterAll(removeAppDirs);

/**
 * A real agent log with two processes: a leaking app killed like an OOM kill after it crossed
 * critical, then its restart, which exits normally. Plus three lines a copy from a server mangled.
 */
let dir: string;
let jsonl: string;
let pids: number[];
beforeAll(async () => {
  dir = makeAppDir();
  jsonl = path.join(dir, '.memory-budget', 'memory_debug.jsonl');
  const env = {
    MEMORY_BUDGET_MB: '200',
    MEMORY_BUDGET_INTERVAL_MS: '100',
    MEMORY_BUDGET_JSONL_INTERVAL_MS: '200',
    MEMORY_BUDGET_SERVICE: 'bot',
  };
  const first = runNode(dir, ['--require', 'memory-budget/agent'], 'leaking-app.js', ['--kb', '1024', '--every', '40'], env);
  runs.push(first);
  await waitFor(() => readRecords(jsonl).some((r) => r.type === 'level' && r.to === 'critical'), 30_000, 'critical');
  first.child.kill('SIGKILL');
  await first.exited;
  const second = runNode(
    dir,
    ['--require', 'memory-budget/agent'],
    'leaking-app.js',
    ['--kb', '256', '--sessions', '20', '--every', '50'],
    env,
  );
  runs.push(second);
  await second.exited;
  pids = [first.child.pid!, second.child.pid!];
  const lines = fs.readFileSync(jsonl, 'utf8').split('\n');
  lines.splice(5, 0, '{"kind":"sample","time":"yesterday"');
  lines.splice(
    9,
    0,
    'Traceback (most recent call last):',
    '{"kind":"event","type":"level","time":1,"from":"ok","to":"bogus","rssBytes":1,"budgetBytes":2}',
  );
  fs.writeFileSync(jsonl, lines.join('\n'));
}, 60_000);

describe('memory-budget report', () => {
  it('summarises each process, its crossings with the operations before them, the restart, and the skipped lines', async () => {
    const result = await runCli(['report', jsonl]);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/— 2 processes, 1 restart, 3 lines skipped \(not a memory log record: line \d+, \d+, \d+\)/);
    const [first, second] = text.split(/\n(?=pid \d+ · )/).slice(1);
    expect(first).toMatch(new RegExp(`^pid ${pids[0]} · bot \\(agent\\) · `));
    expect(first).toMatch(/peak {8}(1[6-9]\d|2\d\d)\.\d MB \(\d+ %\)/);
    expect(first).toContain('ended       no shutdown summary: crashed, killed or still running');
    expect(first).toMatch(
      / {4}\d\d:\d\d:\d\d {2}high [\d.]+ MB \/ 200 MB — before it: Session Created ×\d+ \(sessions: \d+ \| user: user-\d+\)/,
    );
    expect(first).toMatch(/ {4}\d\d:\d\d:\d\d {2}critical [\d.]+ MB \/ 200 MB — before it: Session Created ×\d+/);
    expect(second).toMatch(new RegExp(`^pid ${pids[1]} · bot \\(agent\\)`));
    expect(second).toContain(
      `restart     after pid ${pids[0]}, which ended without a shutdown summary (crash or OOM kill); 1 seen in this log`,
    );
    expect(second).toContain('ended       shutdown (exit)');
  });

  it('reads what `watch --log` writes as well', async () => {
    const bot = await startLeakyBot({ inspect: 'random' });
    try {
      const logDir = path.join(dir, 'from-cli');
      const watch = await runCli([
        'watch',
        `127.0.0.1:${bot.inspectorPort}`,
        '--log',
        logDir,
        '--duration',
        '3',
        '--interval',
        '200',
        '--budget',
        '300',
      ]);
      expect(watch.code).toBe(0);
      const result = await runCli(['report', path.join(logDir, 'memory_debug.jsonl'), '--json']);
      const report = JSON.parse(result.stdout) as {
        processes: Array<{ pid: number; source: string; samples: number; budgetBytes: number }>;
      };
      expect(report.processes).toMatchObject([{ pid: bot.pid, source: 'cli', budgetBytes: 300 * 1024 * 1024 }]);
      expect(report.processes[0].samples).toBeGreaterThan(0);
    } finally {
      await bot.kill();
    }
  });

  it('says plainly when a file holds no records, and exits 1', async () => {
    const junk = path.join(dir, 'junk.jsonl');
    fs.writeFileSync(junk, 'not json\nstill not\n');
    const result = await runCli(['report', junk]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('0 processes, 0 restarts, 2 lines skipped');
    expect((await runCli(['report', path.join(dir, 'missing.jsonl')])).stderr).toContain('no such file');
  });

  it('--html writes one self-contained page whose chart Chromium draws, one series per pid', async () => {
    const html = path.join(dir, 'incident.html');
    const result = await runCli(['report', jsonl, '--html', html]);
    expect(result.code).toBe(0);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched from elsewhere

    const browser = await chromium.launch({ executablePath: toolchainPaths().chromium, headless: true, args: chromiumArgs });
    try {
      const tab = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${html}`);
      await tab.locator('#chart canvas').waitFor();
      await expect.poll(() => tab.locator('#summary').textContent()).toMatch(/peak [\d.]+ MB \/ 200 MB .* · 3 lines skipped/);
      expect(await tab.locator('#target option').allTextContents()).toEqual([`pid ${pids[0]} — bot`, `pid ${pids[1]} — bot`]);
      const inked = () =>
        tab.evaluate(() => {
          const canvas = document.querySelector('#chart canvas') as HTMLCanvasElement;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let red = 0;
          // RSS is drawn in the theme's red (#f14c4c without VS Code).
          for (let i = 0; i < pixels.length; i += 4)
            if (pixels[i] > 200 && pixels[i + 1] < 120 && pixels[i + 2] < 120 && pixels[i + 3] > 0) red++;
          return red;
        });
      await expect.poll(inked).toBeGreaterThan(300);
      expect(await tab.locator('.budget-label').textContent()).toBe('Budget — 200 MB');
      expect(await tab.locator('.marker').count()).toBeGreaterThan(3);
      const before = await tab.locator('.marker').count();
      await tab.locator('#target').selectOption({ index: 1 });
      await expect.poll(() => tab.locator('.marker').count()).not.toBe(before);
      await expect.poll(inked).toBeGreaterThan(100);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
