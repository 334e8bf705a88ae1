import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { startLeakyBot, type RunningBot } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { frameWithHeading, runCommand, screenshot, statusBarItem, waitForNotification, webviewFrame } from './support/workbench';

describe('heap snapshots from the chart, compared, in a real VS Code', () => {
  let bot: RunningBot;
  let session: EditorSession | undefined;

  beforeAll(async () => {
    bot = await startLeakyBot();
    await bot.leak(20, 64);
    // Auto-attach: the attach pick has its own test; this one starts at the chart. The workspace
    // holds a copy of the bot, as a checkout of the service being debugged would.
    session = await openEditorSession({
      copyFromRepo: ['examples/leaky-bot'],
      settings: { 'memoryBudget.autoAttach': [String(bot.inspectorPort)], 'memoryBudget.preset': 'render-free' },
    });
  });

  afterAll(async () => {
    await session?.close();
    await bot?.kill();
  });

  it('takes two snapshots from the chart, names the leaking class and the Map that holds it, and opens the class in the workspace', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'heap-failed')));
    const item = statusBarItem(page, 'memoryBudget.status');
    await expect.poll(() => item.textContent(), { timeout: 60_000 }).toMatch(/MB \/ 512 MB/);
    // The status bar's click is the monitor test's subject; here the palette opens the chart.
    await runCommand(page, 'Memory Budget: Open Memory Chart');
    await page.locator('.tabs-container .tab', { hasText: 'Memory Budget' }).waitFor({ timeout: 30_000 });
    const chart = webviewFrame(page);
    const button = chart.locator('#snapshot');
    await expect.poll(() => button.isVisible(), { timeout: 30_000 }).toBe(true);

    await button.click();
    await waitForNotification(page, /Heap snapshot saved/, 60_000);
    await bot.leak(200, 64);
    await page.locator('.notifications-toasts .notification-list-item').first().hover();
    await page.keyboard.press('Escape');
    await button.click();
    await expect
      .poll(() => page.locator('.notifications-toasts .notification-list-item-message', { hasText: /Heap snapshot saved/ }).count(), {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(1);
    // Both snapshots are marked on the chart.
    await expect.poll(() => chart.locator('.marker-snapshot').count(), { timeout: 10_000 }).toBe(2);

    await runCommand(page, 'Memory Budget: Compare Heap Snapshots…');
    // Filter to the two snapshots the chart wrote, tick both from the keyboard, accept.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Browse' }).waitFor({ timeout: 15_000 });
    await page.locator('.quick-input-widget input').fill('heapsnapshot');
    const rows = page.locator('.quick-input-list .monaco-list-row').filter({ hasNotText: 'anywhere' });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    for (const key of ['Down', 'Space', 'Down', 'Space']) await page.keyboard.press(key === 'Down' ? 'ArrowDown' : key);
    await expect.poll(() => page.locator('.quick-input-widget .quick-input-count').textContent(), { timeout: 5_000 }).toContain('2');
    await page.keyboard.press('Enter');

    let view: Frame | undefined;
    await expect.poll(async () => (view = await frameWithHeading(page, 'Comparison')) !== undefined, { timeout: 60_000 }).toBe(true);
    const sessionRow = view!.locator('tr', { hasText: 'UserSession' }).first();
    await expect.poll(() => sessionRow.textContent(), { timeout: 10_000 }).toContain('+200');
    const mapRow = view!.locator('tr', { hasText: 'sessions ← BroadcasterService' }).first();
    await expect.poll(() => mapRow.textContent(), { timeout: 10_000 }).toMatch(/Map.*20 → 220/);
    await screenshot(page, 'heap-compare');

    // The class's source: the bot ran from the repository, outside the workspace, so the path the
    // snapshot recorded maps to the workspace's copy of the same file.
    await sessionRow.click();
    const link = view!.locator('tr.detail a.location').first();
    await expect.poll(() => link.textContent(), { timeout: 10_000 }).toMatch(/examples\/leaky-bot\/server\.js:\d+:\d+$/);
    const [, line, column] = /:(\d+):(\d+)$/.exec((await link.textContent())!)!;
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'server.js' }).waitFor({ timeout: 15_000 });
    // The cursor is where the snapshot says the class is defined.
    await page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.monaco-editor .view-line', { hasText: 'class UserSession' }).count()).toBeGreaterThan(0);
  });

  it('refuses to open a script a snapshot names outside the workspace, and says why', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'heap-outside-failed')));
    // A snapshot from someone else's process: its class lives in a file outside this workspace.
    const outside = mkdtempSync(join(tmpdir(), 'mb-outside-'));
    const snapshots = join(session!.workspace.path, '.memory-budget', 'snapshots');
    mkdirSync(snapshots, { recursive: true });
    const script = join(outside, 'private-service.js');
    writeFileSync(
      script,
      `class OutsideWidget { constructor(i) { this.i = i; } }\n` +
        `globalThis.kept = Array.from({ length: 50 }, (_, i) => new OutsideWidget(i));\n` +
        `require('node:v8').writeHeapSnapshot(${JSON.stringify(join(snapshots, 'from-elsewhere.heapsnapshot'))});\n`,
    );
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    // The file stays on disk while the link is clicked: what is refused is a file that exists.
    execFileSync(process.execPath, [script], { stdio: 'pipe', timeout: 30_000 });

    await runCommand(page, 'Memory Budget: Show Heap Snapshot Summary');
    await page.locator('.quick-input-widget input').fill('from-elsewhere');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'from-elsewhere.heapsnapshot' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    let view: Frame | undefined;
    await expect.poll(async () => (view = await frameWithHeading(page, 'Summary')) !== undefined, { timeout: 60_000 }).toBe(true);
    await view!.locator('input.filter').fill('OutsideWidget');
    const link = view!.locator('tr.row', { hasText: 'OutsideWidget' }).locator('a.location');
    await expect.poll(() => link.textContent(), { timeout: 10_000 }).toContain('private-service.js');
    await link.click();
    await waitForNotification(page, /private-service\.js is not in the workspace/, 15_000);
    expect(await page.locator('.tabs-container .tab', { hasText: 'private-service.js' }).count()).toBe(0);
    await screenshot(page, 'heap-outside-refused');
  });
});
