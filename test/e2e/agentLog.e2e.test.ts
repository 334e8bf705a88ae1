import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { crashedAndRestartedLog, removeAppDirs, runNode, type AgentRun } from '../support/agentApp';
import { freePort, killAndWait, waitFor } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { openFile, runCommand, screenshot, statusBarItem, webviewFrame } from './support/workbench';

const STATUS = 'memoryBudget.status';

/** Reads the chart's canvas back: how many pixels are drawn in the RSS red (#f14c4c-ish, any theme). */
const redPixels = (canvas: HTMLCanvasElement) => {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] > 180 && data[i + 1] < 120 && data[i + 2] < 120 && data[i + 3] > 0) n++;
  return n;
};

describe('production logs and agents in a real VS Code (code-server + Chromium)', () => {
  let session: EditorSession | undefined;
  let live: AgentRun | undefined;
  let metricsPort: number;
  const pids: number[] = [];

  beforeAll(async () => {
    // A log as an agent writes it in production, one line mangled on the way off the server.
    const log = await crashedAndRestartedLog();
    pids.push(...log.pids);
    const appDir = log.dir;
    const text = fs.readFileSync(log.jsonl, 'utf8').replace('\n', '\n{"kind":"sample","time":\n');

    // And one running now, serving its read-only metrics.
    metricsPort = await freePort();
    live = runNode(appDir, ['--require', 'memory-budget/agent'], 'leaking-app.js', ['--kb', '1', '--every', '1000'], {
      MEMORY_BUDGET_METRICS_PORT: String(metricsPort),
      MEMORY_BUDGET_MB: '300',
      MEMORY_BUDGET_SERVICE: 'prod-bot',
      MEMORY_BUDGET_DIR: path.join(appDir, 'live'),
    });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined))?.ok, 15_000, 'metrics');
    session = await openEditorSession({ files: { 'from-server/memory_debug.jsonl': text } });
  });

  afterAll(async () => {
    await session?.close();
    if (live) await killAndWait(live.child);
    removeAppDirs();
  });

  it('opens an agent-written memory_debug.jsonl in the chart: one series per pid, marks, skipped lines counted', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'agent-log-chart-failed')));
    await openFile(page, 'memory_debug.jsonl');
    await page.locator('.monaco-editor .view-line', { hasText: '"kind":"event"' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Memory Budget: Open Memory Log in Chart…');
    const frame = webviewFrame(page);
    await expect
      .poll(() => frame.locator('#summary').textContent(), { timeout: 30_000 })
      .toMatch(/^peak [\d.]+ MB \/ 200 MB \(\d+ %\) · .* · 1 line skipped/);
    expect(await frame.locator('#target option').allTextContents()).toEqual([`pid ${pids[0]} — bot`, `pid ${pids[1]} — bot`]);
    expect(await frame.locator('.budget-label').textContent()).toBe('Budget — 200 MB');
    await expect.poll(() => frame.locator('#chart canvas').first().evaluate(redPixels), { timeout: 15_000 }).toBeGreaterThan(300);
    // The operations the app marked, with their counters, and the crossings, as markers.
    const titles = await frame.locator('.marker').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    expect(titles.some((t) => /Session Created - [\d.]+ MB - sessions: \d+ \| user: user-\d+/.test(t))).toBe(true);
    expect(titles.some((t) => /critical: [\d.]+ MB \/ 200 MB/.test(t))).toBe(true);
    // A finished run from a file: nothing to pause, collect or snapshot.
    for (const id of ['#gc', '#snapshot', '#pause']) expect(await frame.locator(id).isHidden()).toBe(true);
    await screenshot(page, 'agent-log-chart');

    await frame.locator('#target').selectOption({ index: 1 });
    await expect.poll(() => frame.locator('#summary').textContent()).toMatch(/restarted after a crash/);
    await expect.poll(() => frame.locator('#chart canvas').first().evaluate(redPixels)).toBeGreaterThan(100);
    await runCommand(page, 'View: Close All Editors');
  });

  it("attaches to an agent's http:// metrics read-only: status bar and chart follow it, no GC, no snapshots", async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'agent-metrics-attach-failed')));
    await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
    const input = page.locator('.quick-input-widget input');
    await input.fill(`http://127.0.0.1:${metricsPort}`);
    await page.keyboard.press('Enter');
    const item = statusBarItem(page, STATUS);
    // `auto` follows the agent's own budget (MEMORY_BUDGET_MB=300).
    await expect.poll(() => item.textContent(), { timeout: 30_000 }).toMatch(/\d+ MB \/ 300 MB/);
    // From the palette: the status bar click is the monitor test's subject (and under load a click there can be lost).
    await runCommand(page, 'Memory Budget: Open Memory Chart');
    const frame = webviewFrame(page);
    await expect.poll(() => frame.locator('.budget-label').textContent(), { timeout: 30_000 }).toBe("Agent's budget — 300 MB");
    await expect.poll(() => frame.locator('#summary').textContent(), { timeout: 15_000 }).toMatch(/prod-bot: \d+ MB \/ 300 MB/);
    expect(await frame.locator('#gc').isHidden()).toBe(true);
    expect(await frame.locator('#snapshot').isHidden()).toBe(true);
    expect(await frame.locator('#pause').isVisible()).toBe(true);
    const rss = Number(/(\d+) MB \/ 300 MB/.exec((await item.textContent()) ?? '')![1]);
    const kernel = Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${live!.child.pid}/status`, 'utf8'))![1]) / 1024;
    expect(Math.abs(rss - kernel)).toBeLessThan(Math.max(3, kernel * 0.1));
    await screenshot(page, 'agent-metrics-chart');
  });
});
