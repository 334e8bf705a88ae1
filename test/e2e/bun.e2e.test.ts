import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { runtimeOrSkip, startRuntimeBot, vmRssBytes, type RuntimeBot } from '../support/runtimeBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { clickStatusBarItemUntil, runCommand, screenshot, statusBarItem, webviewFrame } from './support/workbench';

const STATUS = 'memoryBudget.status';
const MB = 2 ** 20;

/** A Bun service, attached over WebKit's inspector protocol from the quick pick of a real VS Code. */
describe('a Bun service in a real VS Code (code-server + Chromium)', () => {
  const bun = runtimeOrSkip('bun');
  let bot: RuntimeBot;
  let randomPath: RuntimeBot;
  let session: EditorSession | undefined;

  beforeAll(async () => {
    if (!bun) return;
    bot = await startRuntimeBot('bun', bun, { inspect: 'path' });
    // Bun's own random path, printed to a pipe only the test reads: nothing on the machine tells it.
    randomPath = await startRuntimeBot('bun', bun, { inspect: 'random' });
    session = await openEditorSession({ copyFromRepo: ['examples/runtime-bot'], settings: { 'memoryBudget.preset': 'fly-256' } });
  });
  afterAll(async () => {
    await session?.close();
    await bot?.kill();
    await randomPath?.kill();
  });

  const rssShown = async (): Promise<number> => {
    const text = (await statusBarItem(session!.workbench.page, STATUS).textContent()) ?? '';
    const m = /(\d[\d,]*) MB \/ 256 MB/.exec(text);
    if (!m) throw new Error(`status bar shows "${text}"`);
    return Number(m[1]!.replace(/,/g, ''));
  };

  it.skipIf(!bun)('lists the Bun process with its inspector in the quick pick, and attaching shows its RSS', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'bun-attach-failed')));
    await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
    const row = page.locator('.quick-input-list .monaco-list-row', {
      hasText: `pid ${bot.pid} · Bun inspector 127.0.0.1:${bot.inspectorPort}`,
    });
    await row.waitFor({ timeout: 30_000 });
    await screenshot(page, 'bun-quick-pick');
    // Narrow the pick to this process, then accept it.
    await page.locator('.quick-input-widget input').fill(`pid ${bot.pid} · Bun`);
    await page.keyboard.press('Enter');
    await expect.poll(() => statusBarItem(page, STATUS).textContent(), { timeout: 30_000 }).toMatch(/\d+ MB \/ 256 MB/);
    const shown = (await rssShown()) * MB;
    expect(Math.abs(shown - vmRssBytes(bot.pid)) / vmRssBytes(bot.pid)).toBeLessThan(0.15);
  });

  it.skipIf(!bun)('follows it as the test makes it hold memory, and says in the tooltip what caps a Bun heap', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'bun-follow-failed')));
    const before = await rssShown();
    await bot.hold(80_000); // ~80 MB of messages on the JavaScript heap
    await expect.poll(rssShown, { timeout: 30_000 }).toBeGreaterThan(before + 40);
    await statusBarItem(page, STATUS).hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'bun 1.4.4' });
    await hover.first().waitFor({ timeout: 15_000 });
    expect(await hover.first().textContent()).toContain('Bun ignores --max-old-space-size');
    await screenshot(page, 'bun-tooltip');
  });

  it.skipIf(!bun)(
    "shows Bun's GC and snapshot in the chart (its inspector has both), and a forced GC frees the held messages",
    async () => {
      const page = session!.workbench.page;
      onTestFailed(async () => void (await screenshot(page, 'bun-chart-failed')));
      const chart = webviewFrame(page);
      await clickStatusBarItemUntil(page, statusBarItem(page, STATUS), chart.locator('#gc'));
      await expect.poll(() => chart.locator('#snapshot').isVisible(), { timeout: 10_000 }).toBe(true);
      await bot.drop();
      await chart.locator('#gc').click();
      const status = chart.locator('#status');
      await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Forced GC freed [\d.]+ MB/);
      expect(Number(/freed ([\d.]+) MB/.exec((await status.textContent())!)![1])).toBeGreaterThan(40);
      await screenshot(page, 'bun-chart');
    },
  );

  it.skipIf(!bun)('asks for the URL of a Bun whose inspector path is random, with the port filled in, and attaches', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'bun-url-failed')));
    await runCommand(page, 'Memory Budget: Detach');
    await expect.poll(() => statusBarItem(page, STATUS).count(), { timeout: 15_000 }).toBe(0);
    await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
    const label = `pid ${randomPath.pid} · Bun inspector 127.0.0.1:${randomPath.inspectorPort} — enter the ws:// URL it printed`;
    // RSS-only entries come last in a long list: narrow it to this process first.
    const input = page.locator('.quick-input-widget input');
    await input.fill(`pid ${randomPath.pid}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: `pid ${randomPath.pid} · RSS only` }).waitFor();
    await input.fill(label);
    await page.keyboard.press('Enter');
    await expect.poll(() => input.inputValue(), { timeout: 15_000 }).toBe(`ws://127.0.0.1:${randomPath.inspectorPort}/`);
    await screenshot(page, 'bun-url-prompt');
    await input.fill(randomPath.webSocketUrl!);
    await page.keyboard.press('Enter');
    await expect.poll(() => statusBarItem(page, STATUS).textContent(), { timeout: 30_000 }).toMatch(/\d+ MB \/ 256 MB/);
    await statusBarItem(page, STATUS).hover();
    await page
      .locator('.monaco-hover, .workbench-hover')
      .filter({ hasText: `pid ${randomPath.pid}` })
      .first()
      .waitFor({ timeout: 15_000 });
  });
});
