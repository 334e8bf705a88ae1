import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startLeakyBot, type RunningBot } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { clickStatusBarItemUntil, editUserSetting, runCommand, screenshot, statusBarItem, webviewFrame } from './support/workbench';

const STATUS = 'memoryBudget.status';

describe('the live monitor in a real VS Code (code-server + Chromium)', () => {
  let bot: RunningBot;
  let session: EditorSession | undefined;

  beforeAll(async () => {
    bot = await startLeakyBot();
    session = await openEditorSession({ copyFromRepo: ['examples/leaky-bot'], settings: { 'memoryBudget.preset': 'render-free' } });
  });

  afterAll(async () => {
    await session?.close();
    await bot?.kill();
  });

  const rssShown = async (): Promise<number> => {
    const text = (await statusBarItem(session!.workbench.page, STATUS).textContent()) ?? '';
    const m = /(\d[\d,]*) MB \/ 512 MB/.exec(text);
    if (!m) throw new Error(`status bar shows "${text}"`);
    return Number(m[1].replace(/,/g, ''));
  };

  it('attaches from the palette by host:port and shows RSS against 512 MB in the status bar', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'monitor-attach-failed')));
    await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
    const input = page.locator('.quick-input-widget input');
    // The pick lists what discovery found (this bot, with its pid and port) and manual entry.
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: `pid ${bot.pid} · inspector 127.0.0.1:${bot.inspectorPort}` })
      .waitFor({ timeout: 20_000 });
    await input.fill('Enter host:port');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter host:port, a ws:// URL' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input[placeholder="127.0.0.1:9229"]').waitFor();
    await input.fill(`127.0.0.1:${bot.inspectorPort}`);
    await page.keyboard.press('Enter');
    const item = statusBarItem(page, STATUS);
    await expect.poll(() => item.textContent(), { timeout: 30_000 }).toMatch(/\d+ MB \/ 512 MB/);
  });

  it('shows the number climbing as the test drives the leak', async () => {
    const before = await rssShown();
    await bot.leak(200, 256); // 50 MB held by the Map
    await expect.poll(rssShown, { timeout: 20_000 }).toBeGreaterThan(before + 30);
    await screenshot(session!.workbench.page, 'monitor-status-bar');
  });

  it('opens the chart from the status bar: the canvas draws and the budget line is labelled', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'monitor-chart-failed')));
    const frame = webviewFrame(page);
    await clickStatusBarItemUntil(page, statusBarItem(page, STATUS), frame.locator('.budget-label'));
    await expect.poll(() => frame.locator('.budget-label').textContent(), { timeout: 30_000 }).toBe('Render Free — 512 MB');
    await expect.poll(() => frame.locator('#summary').textContent(), { timeout: 15_000 }).toMatch(/server\.js: \d+ MB \/ 512 MB/);
    // Read the plot back: RSS is drawn in the theme's red, so some pixels are not background.
    const painted = await frame
      .locator('canvas')
      .first()
      .evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
        return n;
      });
    expect(painted).toBeGreaterThan(1000);
    // With the cursor elsewhere, the legend reads the newest figures, not dashes.
    await expect.poll(() => frame.locator('.u-legend').innerText(), { timeout: 10_000 }).toMatch(/RSS:?\s*\d+\.\d MB/);
    await screenshot(page, 'monitor-chart');
  });

  it('turns the status bar item to the error state when memoryBudget.budgetMB drops below RSS', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'monitor-over-failed')));
    const budget = Math.max(10, Math.floor((await rssShown()) / 2));
    await editUserSetting(page, 'memoryBudget.budgetMB', budget);
    const item = statusBarItem(page, STATUS);
    await expect.poll(() => item.textContent(), { timeout: 30_000 }).toMatch(new RegExp(`MB / ${budget} MB`));
    await expect.poll(() => item.getAttribute('class'), { timeout: 10_000 }).toMatch(/error-kind/);
    await screenshot(page, 'monitor-over-budget');
  });

  it('hides the status bar item after "Detach", and restores the chart panel after a reload', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'monitor-detach-reload-failed')));
    await runCommand(page, 'Memory Budget: Detach');
    await expect.poll(() => statusBarItem(page, STATUS).count(), { timeout: 15_000 }).toBe(0);
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Memory Budget' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => webviewFrame(page).locator('#summary').textContent(), { timeout: 30_000 }).toContain('Nothing attached');
    await expect.poll(() => webviewFrame(page).locator('.budget-label').count(), { timeout: 10_000 }).toBe(1);
  });
});
