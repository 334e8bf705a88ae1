import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openEditorSession, type EditorSession } from './support/editorSession';
import { codeLenses, openFile, runCommand, screenshot, waitForNotification } from './support/workbench';

const REPO = join(__dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'analysis');

/** Ctrl+. at `line:column` of `file` (opened by name), picks the quick fix whose title holds `title`, and saves. */
async function applyQuickFix(page: Page, file: string, at: string, title: string): Promise<void> {
  await openFile(page, file);
  await page.keyboard.press('Control+G');
  await page.keyboard.type(at);
  await page.keyboard.press('Enter');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; attempt < 5 && !(await fix.isVisible()); attempt++) {
    await page.keyboard.press('Control+.');
    await fix.waitFor({ timeout: 3_000 }).catch(() => undefined);
  }
  await fix.click();
  await page.keyboard.press('Control+S');
}

describe('static analysis in a real VS Code (code-server + Chromium)', () => {
  let session: EditorSession | undefined;

  beforeAll(async () => {
    session = await openEditorSession({
      prepare(path) {
        cpSync(join(FIXTURES, 'django-channels-app'), join(path, 'django'), { recursive: true });
        cpSync(join(FIXTURES, 'express-mongoose-api'), join(path, 'api'), { recursive: true });
        // xlsx is a devDependency: with it resolvable, its lens shows a measured figure.
        symlinkSync(join(REPO, 'node_modules'), join(path, 'node_modules'));
      },
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('shows the framework the app needs at load as an info lens with no squiggle, and a lazy-load candidate as a warning with its fix', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-verdicts-failed')));
    await openFile(page, 'app.js');
    const framework = codeLenses(page).filter({ hasText: 'express · needed at load' }).first();
    const candidate = codeLenses(page).filter({ hasText: 'googleapis: lazy-load candidate' }).first();
    await framework.waitFor({ timeout: 60_000 });
    await candidate.waitFor({ timeout: 60_000 });
    expect(await framework.innerText()).toMatch(
      /^express · needed at load · ≈ \d+(\.\d)? MB heap · .+ \((measured, |typical for )[\d.]+\)$/,
    );
    expect(await candidate.innerText()).toMatch(/^⚠ googleapis: lazy-load candidate · ≈ \d+ MB heap · .+ · saves \d+ MB$/);

    // The Problems panel has the candidate and nothing for the framework.
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: 'googleapis is loaded at startup but only used inside functions' }).first().waitFor({ timeout: 30_000 });
    expect(await rows.filter({ hasText: /express is needed/ }).count()).toBe(0);
    expect(await rows.filter({ hasText: /mongoose is needed/ }).count()).toBe(0);

    // Ctrl+. on the candidate's line offers the move; applying it leaves the app loading googleapis only in syncSheet.
    await applyQuickFix(page, 'app.js', '6:10', "require('googleapis')");
    await expect
      .poll(() => readFileSync(join(session!.workspace.path, 'api/app.js'), 'utf8'), { timeout: 10_000 })
      .toMatch(/async function syncSheet\(rows\) \{\n {2}const \{ google \} = require\('googleapis'\);\n/);
  });

  it('shows an import already loaded elsewhere as 0 MB more, and measures an installed package', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-measured-failed')));
    await openFile(page, 'export.js');
    const already = codeLenses(page).filter({ hasText: 'express already loaded by' }).first();
    await already.waitFor({ timeout: 60_000 });
    expect(await already.innerText()).toBe('express already loaded by api/app.js:2 · 0 MB more');
    const measured = codeLenses(page).filter({ hasText: 'measured, ' }).first();
    await measured.waitFor({ timeout: 90_000 });
    expect(await measured.innerText()).toMatch(/^⚠ xlsx: lazy-load candidate · ≈ \d+(\.\d)? MB heap · .+ \(measured, 0\.18\.\d+\) · saves/);
  });

  it('lists an unbounded Django query where it is built, and fixes it with a bound where it is loaded', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-problems-failed')));
    await openFile(page, 'views.py');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Story.objects.all() is iterated by this loop' }).first();
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain('django-unbounded-queryset');
    await applyQuickFix(page, 'views.py', '40:25', 'Add a bound');
    await expect
      .poll(() => readFileSync(join(session!.workspace.path, 'django/storybook/views.py'), 'utf8'), { timeout: 10_000 })
      .toContain('for story in Story.objects.all()[:100]:');
  });

  it('shows the startup ledger of each process in its view', async () => {
    const page = session!.workbench.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-ledger-failed')));
    await runCommand(page, 'Memory Budget: Show Startup Ledger');
    const tree = page.locator('.monaco-list-row', { hasText: /^node api\/app\.js|npm start \(api\)/ }).first();
    await tree.waitFor({ timeout: 60_000 });
    expect(await tree.innerText()).toMatch(/≈ \d+(\.\d)? MB heap of 512 MB/);
    // googleapis was made lazy by the first test: xlsx is the candidate left.
    await page
      .locator('.monaco-list-row', { hasText: /^lazy-load .*xlsx.*: −\d+ MB of 512$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page
      .locator('.monaco-list-row', { hasText: /^express.*needed at load/ })
      .first()
      .waitFor({ timeout: 30_000 });
  });

  it('scans the workspace from the palette', async () => {
    await runCommand(session!.workbench.page, 'Memory Budget: Scan Workspace for Memory Risks');
    const note = await waitForNotification(
      session!.workbench.page,
      /files: \d+ lazy-load candidate import\(s\), \d+ unbounded query/,
      90_000,
    );
    expect(await note.innerText()).toMatch(/Memory Budget: \d+ files/);
  });
});
