import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { makeWorkspace, packageExtension, type Workspace } from './support/extension';
import { codeLenses, openFile, openWorkbench, runCommand, screenshot, waitForNotification, type Workbench } from './support/workbench';

const REPO = join(__dirname, '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures', 'analysis');
describe('static analysis in a real VS Code (code-server + Chromium)', () => {
  let server: CodeServer | undefined;
  let workspace: Workspace | undefined;
  let workbench: Workbench | undefined;

  beforeAll(async () => {
    const vsix = packageExtension();
    workspace = makeWorkspace();
    cpSync(join(FIXTURES, 'django-channels-app'), join(workspace.path, 'django'), { recursive: true });
    cpSync(join(FIXTURES, 'express-mongoose-api'), join(workspace.path, 'api'), { recursive: true });
    // xlsx is a devDependency: with it resolvable, its lens shows a measured figure.
    symlinkSync(join(REPO, 'node_modules'), join(workspace.path, 'node_modules'));
    server = await startCodeServer({ vsix });
    workbench = await openWorkbench(server, workspace.path);
  });

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    workspace?.dispose();
  });

  it('shows a code lens with the cost above a heavy Python import, and its fix moves the import', async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-lens-failed')));
    await openFile(page, 'reports.py');
    const lens = codeLenses(page).filter({ hasText: 'MB heap' }).first();
    await lens.waitFor({ timeout: 60_000 });
    expect(await lens.innerText()).toMatch(/^≈ \d+(\.\d)? MB heap · (\d+ ms|\d+\.\d s) at startup \((measured|typical)\) · lazy-load candidate$/);
    await lens.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.innerText()).toContain('adds up across packages');
    await dialog.getByRole('button', { name: 'Apply fix' }).click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => readFileSync(join(workspace!.path, 'django/storybook/reports.py'), 'utf8'), { timeout: 10_000 })
      .toMatch(/def stories_frame\(\):\n    import pandas as pd\n/);
  });

  it('measures an installed package and says so', async () => {
    await openFile(workbench!.page, 'export.js');
    const lens = codeLenses(workbench!.page).filter({ hasText: '(measured)' }).first();
    await lens.waitFor({ timeout: 90_000 });
    expect(await lens.innerText()).toMatch(/^≈ \d+(\.\d)? MB heap · .+ at startup \(measured\) · lazy-load candidate$/);
  });

  it('lists an unbounded Django query in the Problems panel and fixes it with a bound', async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'analysis-problems-failed')));
    await openFile(page, 'views.py');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Story.objects.all() is iterated by this loop' }).first();
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain('django-unbounded-queryset');
    // In the editor, on the flagged expression: Ctrl+. lists the quick fixes.
    await openFile(page, 'views.py');
    await page.keyboard.press('Control+G');
    await page.keyboard.type('40:25');
    await page.keyboard.press('Enter');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Add a bound' }).first();
    for (let attempt = 0; attempt < 5 && !(await fix.isVisible()); attempt++) {
      await page.keyboard.press('Control+.');
      await fix.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await fix.click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => readFileSync(join(workspace!.path, 'django/storybook/views.py'), 'utf8'), { timeout: 10_000 })
      .toContain('for story in Story.objects.all()[:100]:');
  });

  it('scans the workspace from the palette', async () => {
    await runCommand(workbench!.page, 'Memory Budget: Scan Workspace for Memory Risks');
    const note = await waitForNotification(workbench!.page, /files: \d+ heavy startup import\(s\), \d+ unbounded query/, 90_000);
    expect(await note.innerText()).toMatch(/Memory Budget: \d+ files/);
  });
});
