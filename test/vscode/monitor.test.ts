import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MemoryBudgetApi } from '../../src/extension';
import { Commands, executeCommand } from '../../src/vscode/commands';
import { startLeakyBot, waitFor, type RunningBot } from '../support/leakyBot';

const MB = 1024 * 1024;

describe('attach scenario through the extension API', () => {
  let bot: RunningBot;
  let api: MemoryBudgetApi;

  before(async () => {
    bot = await startLeakyBot();
    const extension = vscode.extensions.getExtension<MemoryBudgetApi>('memory-budget.memory-budget')!;
    api = await extension.activate();
  });

  after(async () => {
    for (const t of api.targets()) await api.detach(t.id);
    await vscode.workspace.getConfiguration('memoryBudget').update('budgetMB', undefined, vscode.ConfigurationTarget.Global);
    await bot?.kill();
  });

  it('attaches to a real leaky-bot by host:port and samples its RSS against 512 MB', async function () {
    this.timeout(30_000);
    const attached = await api.attach(`127.0.0.1:${bot.inspectorPort}`);
    assert.ok(attached, 'attach returned nothing');
    assert.equal(attached.name, 'server.js');
    const status = await waitFor(() => api.status(attached.id), 10_000, 'a first sample');
    assert.equal(status.sample.pid, bot.pid);
    assert.equal(status.budget.bytes, 512 * MB);
    assert.equal(status.level, 'ok');
    assert.ok(status.sample.rssBytes > 10 * MB);
    assert.deepEqual(
      api.targets().map((t) => t.label),
      [`127.0.0.1:${bot.inspectorPort}`],
    );
  });

  it('follows the leak the test drives', async function () {
    this.timeout(30_000);
    const [target] = api.targets();
    const before = api.status(target.id)!.sample.heapUsedBytes!;
    await bot.leak(160, 256); // 40 MB
    await waitFor(() => api.status(target.id)!.sample.heapUsedBytes! - before > 30 * MB || undefined, 10_000, 'heapUsed to grow');
  });

  it('goes over budget when memoryBudget.budgetMB drops below RSS, live, and logs it to .memory-budget', async function () {
    this.timeout(30_000);
    const [target] = api.targets();
    const rss = api.status(target.id)!.sample.rssBytes;
    await vscode.workspace.getConfiguration('memoryBudget').update('budgetMB', Math.floor(rss / MB / 2), vscode.ConfigurationTarget.Global);
    await waitFor(() => api.status(target.id)?.level === 'over' || undefined, 10_000, 'the over level');
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.equal(api.logDirectory(), path.join(folder, '.memory-budget'));
    const log = path.join(folder, '.memory-budget', 'memory_debug.log');
    await waitFor(() => (existsSync(log) && /OVER BUDGET/.test(readFileSync(log, 'utf8'))) || undefined, 5_000, 'the log entry');
  });

  it('opens the chart and the memory log from their commands', async function () {
    this.timeout(30_000);
    await executeCommand(Commands.OpenChart);
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Memory Budget'),
      5_000,
      'the chart tab',
    );
    await executeCommand(Commands.OpenMemoryLog);
    await waitFor(
      () => vscode.window.activeTextEditor?.document.fileName.endsWith('memory_debug.log') || undefined,
      5_000,
      'the log editor',
    );
  });

  it('detaches', async () => {
    const [target] = api.targets();
    await executeCommand(Commands.Detach, target.id);
    assert.deepEqual(api.targets(), []);
  });
});
