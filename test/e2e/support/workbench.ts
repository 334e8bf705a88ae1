// Drives code-server's web workbench with Debian's Chromium through playwright-core, using the
// selectors that hold for VS Code 1.139 (see shared/E2E-NOTES.md).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { repoRoot, toolchainPaths } from '../../../scripts/toolchain.mjs';
import type { CodeServer } from './codeServer';

/** Flags that keep a headless Chromium quiet and offline in a container. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const screenshotDir = join(repoRoot, 'test-results');

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  /** Extension-host test payload (extensionDevelopmentPath / extensionTestsPath). */
  payload?: ReadonlyArray<readonly [string, string]>;
  /** Runs on the page before it loads, e.g. `page.exposeFunction(...)`. */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Skip waiting for the explorer (extension-host runs need no UI). */
  waitForExplorer?: boolean;
  viewport?: { width: number; height: number };
}

/** Launches Chromium on `folder` in `server`'s workbench and waits until the explorer shows it. */
export async function openWorkbench(server: CodeServer, folder: string, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  return openWorkbenchAt(server.workbenchUrl(folder, options.payload), options);
}

/** Launches Chromium on a workbench URL, such as the one `npm run demo` prints, and waits until the explorer shows a folder. */
export async function openWorkbenchAt(url: string, options: Omit<OpenWorkbenchOptions, 'payload'> = {}): Promise<Workbench> {
  const profile = mkdtempSync(join(tmpdir(), 'memory-budget-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: toolchainPaths().chromium,
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1400, height: 900 },
  });
  const close = async (): Promise<void> => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await options.beforeLoad?.(page);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (options.waitForExplorer !== false) {
      // The explorer lists the folder only once the remote extension host is connected.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    }
    return { page, context, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs a command by its palette title, e.g. "Memory Budget: Attach Memory Budget Monitor".
 * An extension's commands reach the palette a few seconds after the explorer shows the folder,
 * and an open palette does not refresh, so it is reopened until the command is listed.
 */
export async function runCommand(page: Page, title: string, timeout = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + timeout;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 2_000 });
      // The row itself, not Enter: a recently used command that also matches is listed first.
      await row.click();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`command "${title}" never appeared in the palette`, { cause: error });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/** Opens a workspace file through Quick Open and waits for its editor tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

/** A status bar item contributed by this extension; ids contain dots, hence the attribute form. */
export function statusBarItem(page: Page, itemId: string, extensionId = 'memory-budget.memory-budget'): Locator {
  return page.locator(`[id="${extensionId}.${itemId}"]`);
}

/** The visible text of a status bar item (codicons such as $(pulse) render as icons, not text). */
export async function statusBarText(page: Page, itemId: string): Promise<string> {
  return (await statusBarItem(page, itemId).innerText()).trim();
}

/** Message of every notification toast currently shown. */
export function notificationMessages(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-list-item-message');
}

/** Waits for a toast whose message contains `text` and returns it. */
export async function waitForNotification(page: Page, text: string | RegExp, timeout = 30_000): Promise<Locator> {
  const toast = notificationMessages(page).filter({ hasText: text }).first();
  await toast.waitFor({ timeout });
  return toast;
}

/** Code lens links in the visible editors. */
export function codeLenses(page: Page): Locator {
  return page.locator('.monaco-editor .codelens-decoration a');
}

/** The content frame of the active webview panel (VS Code nests the page in two iframes). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Clicks a status bar item as a user does and waits until `opened` is visible. A tooltip left open
 * by an earlier hover is dismissed first; in code-server under load a click on the status bar has
 * been seen to go unanswered while the item's hover was appearing, so one more click is given, as
 * a user would, before failing.
 */
export async function clickStatusBarItemUntil(page: Page, item: Locator, opened: Locator): Promise<void> {
  await page.keyboard.press('Escape');
  await page.mouse.move(0, 0);
  await page
    .locator('.monaco-hover:visible, .workbench-hover:visible')
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => {});
  await item.click();
  const shown = await opened.waitFor({ state: 'visible', timeout: 15_000 }).then(
    () => true,
    () => false,
  );
  if (shown) return;
  await item.click();
  await opened.waitFor({ state: 'visible', timeout: 15_000 });
}

/** The webview frame whose document has an h2 with `heading` (several webviews may be open); undefined until one does. */
export async function frameWithHeading(page: Page, heading: string): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    const count = await frame
      .locator('h2', { hasText: heading })
      .count()
      .catch(() => 0);
    if (count) return frame;
  }
  return undefined;
}

/** Saves a full-page PNG to test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Changes one user setting the way a user does: "Preferences: Open User Settings (JSON)",
 * a line typed after the opening brace, Ctrl+S. (VS Code 1.139 opens it in a modal editor.)
 */
export async function editUserSetting(page: Page, key: string, value: unknown): Promise<void> {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  const editor = page.locator('.monaco-editor .view-lines', { hasText: '"workbench.startupEditor"' }).first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.insertText(`\n  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  await page.keyboard.press('Control+S');
  await page.waitForTimeout(300);
  await page.keyboard.press('Escape');
}
