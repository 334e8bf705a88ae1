import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startCraftedInspector, type CraftedInspector } from '../support/craftedInspector';
import { freePort, startLeakyBot, type RunningBot } from '../support/leakyBot';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { codeLenses, openFile, runCommand, screenshot, statusBarItem, waitForNotification } from './support/workbench';

const REPO = join(__dirname, '..', '..');
const STATUS = 'memoryBudget.status';

/**
 * Attach Memory Budget Monitor → Enter host:port… → `address`. The pick is filled only once
 * discovery has listed the inspectors on this machine: its list arriving later would move the selection.
 */
async function attachByAddress(page: Page, address: string): Promise<void> {
  await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: '· inspector 127.0.0.1:' }).first().waitFor({ timeout: 20_000 });
  await input.fill('Enter host:port');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Enter host:port, a ws:// URL' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget input[placeholder="127.0.0.1:9229"]').waitFor();
  await input.fill(address);
  await page.keyboard.press('Enter');
}

/**
 * A workspace nobody has trusted (Restricted Mode), with workspace settings that try to choose the
 * Node used for measuring and where logs go; and a port on this machine that offers a WebSocket URL
 * on another host.
 */
describe('Restricted Mode and addresses a target offers, in a real VS Code (code-server + Chromium)', () => {
  let bot: RunningBot;
  let elsewhere: CraftedInspector;
  let offeredUrl: string;
  let session: EditorSession | undefined;
  const outside = mkdtempSync(join(os.tmpdir(), 'mb-restricted-logs-'));
  // The folder's own "Node": a real Node behind a script that leaves a mark each time it runs.
  const nodeRan = join(outside, 'workspace-node-ran');

  beforeAll(async () => {
    bot = await startLeakyBot();
    const address =
      Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '192.0.2.1';
    offeredUrl = `ws://${address}:${await freePort()}/crafted`;
    elsewhere = await startCraftedInspector('offers-elsewhere', { offeredUrl });
    session = await openEditorSession({
      restricted: true,
      prepare(path) {
        cpSync(join(REPO, 'test', 'fixtures', 'analysis', 'express-mongoose-api'), join(path, 'api'), { recursive: true });
        // Resolvable packages: in a trusted workspace xlsx's cost would be measured by running it.
        symlinkSync(join(REPO, 'node_modules'), join(path, 'node_modules'));
        writeFileSync(join(path, 'workspace-node.sh'), `#!/bin/sh\necho "$@" >> '${nodeRan}'\nexec '${process.execPath}' "$@"\n`, {
          mode: 0o755,
        });
        mkdirSync(join(path, '.vscode'));
        writeFileSync(
          join(path, '.vscode', 'settings.json'),
          JSON.stringify({ 'memoryBudget.nodePath': join(path, 'workspace-node.sh'), 'memoryBudget.logDirectory': outside }),
        );
      },
    });
  });

  afterAll(async () => {
    await session?.close();
    await elsewhere?.close();
    await bot?.kill();
    rmSync(outside, { recursive: true, force: true });
  });

  it('runs the static checks from the table of typical costs, measuring nothing', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'restricted-analysis-failed')));
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
    await openFile(page, 'export.js');
    await codeLenses(page).filter({ hasText: 'xlsx' }).first().waitFor({ timeout: 90_000 });
    await openFile(page, 'app.js');
    const candidate = codeLenses(page).filter({ hasText: 'googleapis: lazy-load candidate' }).first();
    await candidate.waitFor({ timeout: 90_000 });
    // Give a measurement the time it would take, then check none was shown.
    await page.waitForTimeout(5_000);
    const lenses = await codeLenses(page).allInnerTexts();
    expect(lenses.filter((l) => /measured, /.test(l))).toEqual([]);
    // Back to export.js by its tab (Quick Open may pick the file it lists first while it filters).
    await page.locator('.tabs-container .tab', { hasText: 'export.js' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: 'export.js' }).waitFor();
    await codeLenses(page).filter({ hasText: 'xlsx' }).first().waitFor();
    expect((await codeLenses(page).allInnerTexts()).filter((l) => /measured, /.test(l))).toEqual([]);
    // The Node the folder names never ran (in a trusted folder it measures xlsx: this test then fails).
    expect(existsSync(nodeRan)).toBe(false);
  });

  it('attaches to a target on this machine and writes the log where the workspace cannot move it', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'restricted-monitor-failed')));
    await attachByAddress(page, `127.0.0.1:${bot.inspectorPort}`);
    await expect.poll(() => statusBarItem(page, STATUS).textContent(), { timeout: 30_000 }).toMatch(/\d+ MB \/ \d[\d,]* MB/);
    await expect
      .poll(() => existsSync(join(session!.workspace.path, '.memory-budget', 'memory_debug.log')), { timeout: 15_000 })
      .toBe(true);
    expect(existsSync(join(outside, 'memory_debug.log'))).toBe(false);
  });

  it('asks before following a WebSocket URL on another host, and refuses it on Cancel', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'offered-host-failed')));
    await attachByAddress(page, `127.0.0.1:${elsewhere.port}`);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.innerText()).toContain(`The inspector at 127.0.0.1 sent us to ${new URL(offeredUrl).host}, another host.`);
    await screenshot(page, 'offered-host-modal');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await waitForNotification(
      page,
      `cannot attach to 127.0.0.1:${elsewhere.port}: 127.0.0.1 offered ${offeredUrl}, which is on another host; it was not followed`,
    );

    // Follow Anyway goes there (nothing listens on that port, so the attach fails differently).
    await attachByAddress(page, `127.0.0.1:${elsewhere.port}`);
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator('.monaco-button', { hasText: 'Follow Anyway' }).click();
    await waitForNotification(page, new RegExp(`cannot attach to 127\\.0\\.0\\.1:${elsewhere.port}: (?!.*not followed)`));
  });
});
