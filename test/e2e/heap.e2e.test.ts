import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startLeakyBot, type RunningBot } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { runCommand, screenshot, statusBarItem, waitForNotification, webviewFrame } from './support/workbench';

/** The webview frame whose document has an h2 with `heading` (several webviews are open). */
async function frameWithHeading(page: Page, heading: string): Promise<Frame> {
  for (const frame of page.frames()) {
    if (
      await frame
        .locator('h2', { hasText: heading })
        .count()
        .catch(() => 0)
    )
      return frame;
  }
  throw new Error(`no webview shows "${heading}" yet`);
}

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
    await item.click();
    const chart = webviewFrame(page);
    const button = chart.locator('#snapshot');
    await expect.poll(() => button.isEnabled(), { timeout: 30_000 }).toBe(true);

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
    await expect
      .poll(async () => (view = await frameWithHeading(page, 'Comparison').catch(() => undefined)) !== undefined, { timeout: 60_000 })
      .toBe(true);
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
});
