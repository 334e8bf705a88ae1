import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { repoRoot } from '../../scripts/toolchain.mjs';
import { LEAKY_BOT, startLeakyBot, type RunningBot } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import {
  codeLenses,
  editUserSetting,
  frameWithHeading,
  openFile,
  runCommand,
  screenshot,
  statusBarItem,
  waitForNotification,
} from './support/workbench';

const ALLOCATION_LENS = /▲ [\d.,]+ (MB|kB) live/;

/** The text of the editor line drawn right under `lens` (a code lens sits in a zone above its line). */
async function lineUnder(page: Page, lens: ReturnType<typeof codeLenses>): Promise<string> {
  const box = await lens.boundingBox();
  if (!box) return '';
  const lines = page.locator('.monaco-editor .view-lines .view-line');
  let best: { y: number; text: string } | undefined;
  for (let i = 0; i < (await lines.count()); i++) {
    const line = lines.nth(i);
    const y = (await line.boundingBox())?.y;
    if (y !== undefined && y > box.y && (!best || y < best.y)) best = { y, text: (await line.textContent()) ?? '' };
  }
  // Monaco draws spaces as no-break spaces.
  return (best?.text ?? '').replace(/\u00a0/g, ' ');
}

describe('naming the leak before the crash, in a real VS Code', () => {
  let bot: RunningBot;
  let session: EditorSession | undefined;

  beforeAll(async () => {
    bot = await startLeakyBot();
    // The bot runs from the repository; the workspace holds a copy, as a checkout beside a deployed
    // service would: memoryBudget.remoteRoot maps the one to the other.
    session = await openEditorSession({
      copyFromRepo: ['examples/leaky-bot'],
      settings: {
        'memoryBudget.autoAttach': [String(bot.inspectorPort)],
        'memoryBudget.budgetMB': 600,
        'memoryBudget.autoSnapshotAt': [12, 20],
        'memoryBudget.remoteRoot': repoRoot,
      },
    });
  });

  afterAll(async () => {
    await session?.close();
    await bot?.kill();
  });

  it('puts a live-bytes lens on the line where the bot allocates its sessions, and takes it away on Stop', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'allocations-failed')));
    await expect.poll(() => statusBarItem(page, 'memoryBudget.status').textContent(), { timeout: 60_000 }).toMatch(/MB \/ 600 MB/);
    await runCommand(page, 'Memory Budget: Start Allocation Sampling');
    await openFile(page, 'server.js');
    // Sessions one request at a time, as users arrive: each keeps its 64 KB history.
    for (let i = 0; i < 40; i++) await bot.leak(2, 64);
    const lens = codeLenses(page).filter({ hasText: ALLOCATION_LENS, visible: true }).first();
    await lens.waitFor({ timeout: 60_000 });
    const constructorLine = readFileSync(LEAKY_BOT, 'utf8')
      .split('\n')
      .find((l) => l.includes('constructor(id, userId, kb)'))!
      .trim();
    await expect.poll(() => lineUnder(page, lens), { timeout: 10_000 }).toContain(constructorLine);
    expect(await lens.textContent()).toMatch(/▲ [\d.,]+ (MB|kB) live · ([+−][\d.,]+ MB\/h|growth: measuring)/);
    // The tree lists it too, biggest first; a click on the row opens the line.
    const header = page.locator('.pane-header', { hasText: /Allocations by Line/i });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const tree = page.locator('.pane', { has: header });
    const top = tree.locator('.monaco-list-row').first();
    await expect.poll(() => top.textContent(), { timeout: 30_000 }).toMatch(/UserSession · server\.js:17.*live/);
    await top.click();
    await page.locator('.statusbar-item', { hasText: /Ln 17, Col \d+/ }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'allocations-lens');

    await runCommand(page, 'Memory Budget: Stop Allocation Sampling');
    await expect.poll(() => codeLenses(page).filter({ hasText: ALLOCATION_LENS }).count(), { timeout: 15_000 }).toBe(0);
  });

  it(
    'takes a snapshot series once the setting is on, and names the leaking class in a notification that opens the comparison',
    { timeout: 300_000 },
    async () => {
      const page = session!.workbench.page;
      const memoryLog = join(session!.workspace.path, '.memory-budget', 'memory_debug.log');
      onTestFailed(async () => {
        await screenshot(page, 'series-failed');
        console.log(existsSync(memoryLog) ? readFileSync(memoryLog, 'utf8') : 'no memory log');
      });
      await editUserSetting(page, 'memoryBudget.autoSnapshots', 'series');
      const { sessions } = await bot.stats();
      const seriesDir = join(session!.workspace.path, '.memory-budget', 'snapshots', 'series');
      const snapshots = () =>
        readdirOrEmpty(seriesDir)
          .flatMap((s) => readdirOrEmpty(join(seriesDir, s)))
          .filter((f) => f.endsWith('.heapsnapshot'));
      // Small steps, and nothing sent once RSS is over the threshold until its snapshot is written: a
      // snapshot never lands in the middle of a request creating sessions, so the count is exact.
      const leakPast = async (percent: number, before: number): Promise<number> => {
        let leaked = 0;
        while ((await bot.stats()).memory.rss < (600 * 2 ** 20 * percent) / 100) {
          await bot.leak(10, 256);
          leaked += 10;
        }
        await expect.poll(() => snapshots().length, { timeout: 60_000 }).toBeGreaterThan(before);
        return leaked;
      };
      const first = await leakPast(12, 0);
      const second = await leakPast(20, 1);
      const toast = await waitForNotification(
        page,
        new RegExp(`LEAK SUSPECT in server\\.js: UserSession \\+${second} .*← Map ← sessions ← BroadcasterService`),
        120_000,
      );
      await screenshot(page, 'series-leak-suspect');
      await toast
        .locator('xpath=ancestor::*[contains(@class,"notification-list-item")]')
        .locator('.monaco-button', { hasText: 'Open Comparison' })
        .click();
      let view: Frame | undefined;
      await expect.poll(async () => (view = await frameWithHeading(page, 'Comparison')) !== undefined, { timeout: 30_000 }).toBe(true);
      await expect
        .poll(() => view!.locator('tr', { hasText: 'UserSession' }).first().textContent(), { timeout: 15_000 })
        .toContain(`+${second}`);
      await expect
        .poll(() => view!.locator('tr', { hasText: 'sessions ← BroadcasterService' }).first().textContent(), { timeout: 15_000 })
        .toMatch(new RegExp(`Map.*${sessions + first} → ${sessions + first + second}`));
    },
  );
});

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
