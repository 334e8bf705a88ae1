// `npm run demo` as a newcomer runs it: through npm, in the project folder, from a shell that
// has no npm_* variables of its own; then the printed URL in Chromium, and Ctrl+C at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { repoRoot, withoutNpmEnv } from '../../scripts/toolchain.mjs';
import { waitFor } from '../support/leakyBot';
import { descendants, killProcessTree, processInfo, waitUntilEnded, type ProcessInfo } from '../support/processTree';
import { codeLenses, openFile, openWorkbenchAt, runCommand, screenshot, statusBarItem, type Workbench } from './support/workbench';

describe('npm run demo', () => {
  let npm: ChildProcess | undefined;
  let output = '';
  let url = '';
  let workbench: Workbench | undefined;

  beforeAll(async () => {
    // Its own process group, as a job started from a terminal.
    npm = spawn('npm', ['run', 'demo'], { cwd: repoRoot, env: withoutNpmEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const printed = await waitFor(
      () => {
        if (npm!.exitCode !== null) throw new Error(`npm run demo exited (${npm!.exitCode}) before printing a URL:\n${output}`);
        return /VS Code:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      },
      300_000,
      "the demo's URL",
    );
    url = printed[1]!;
    workbench = await openWorkbenchAt(url);
  }, 360_000);

  afterAll(async () => {
    await workbench?.close();
    // Only when a test failed before Ctrl+C: the run's guard still checks that nothing is left.
    if (npm?.pid !== undefined && npm.exitCode === null && npm.signalCode === null) await killProcessTree(npm.pid);
  });

  it('prints a workbench URL on this machine that opens both examples', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?workspace=.*demo\.code-workspace$/);
    const folders = workbench!.page.locator('.explorer-folders-view .monaco-list-row');
    await expect
      .poll(() => folders.allInnerTexts(), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^leaky-bot$/i), expect.stringMatching(/^shop-api$/i)]));
  });

  it("shows the leaking bot's RSS against 512 MB in the status bar", async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'demo-status-failed')));
    const item = statusBarItem(page, 'memoryBudget.status');
    await expect.poll(() => item.textContent(), { timeout: 60_000 }).toMatch(/^\s*\d+ MB \/ 512 MB\s*$/);
  });

  it('shows a code lens with a memory cost on a heavy import in an example file', async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'demo-lens-failed')));
    await openFile(page, 'reports.js');
    const lens = codeLenses(page).filter({ hasText: 'MB' }).first();
    await lens.waitFor({ timeout: 60_000 });
    expect(await lens.innerText()).toMatch(/\d+(\.\d)? MB/);
  });

  it('lists an unbounded query in the Problems panel', async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'demo-problems-failed')));
    await openFile(page, 'orders.js');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'findMany' }).first();
    await row.waitFor({ timeout: 60_000 });
  });

  it('stops every process it started on Ctrl+C', async () => {
    const running = [processInfo(npm!.pid!), ...descendants(npm!.pid!)].filter((p): p is ProcessInfo => p !== undefined);
    // npm, the demo, the bot and its load, code-server with its extension host and watchers.
    expect(running.length).toBeGreaterThanOrEqual(5);
    const exited = new Promise<number | null>((resolve) => npm!.once('exit', (code) => resolve(code)));
    process.kill(npm!.pid!, 'SIGINT');
    const exitCode = await Promise.race([exited, delay(30_000).then(() => 'npm still running 30 s after Ctrl+C')]);
    const left = await waitUntilEnded(running, 15_000);
    expect(left.map((p) => `pid ${p.pid}: ${p.commandLine}`)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(output).toContain('stopping…');
  }, 60_000);
});
