import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MemoryBudgetApi } from '../../src/extension';
import { Commands, executeCommand } from '../../src/vscode/commands';
import { LEAKY_BOT, startLeakyBot, waitFor, type RunningBot } from '../support/leakyBot';

/** The allocation lenses VS Code shows on the bot's source file now. */
async function allocationLenses(): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(LEAKY_BOT));
  return (lenses ?? []).map((l) => l.command?.title ?? '').filter((t) => t.startsWith('▲'));
}

describe('allocation sampling in the extension host', () => {
  let bot: RunningBot;
  let api: MemoryBudgetApi;

  before(async () => {
    bot = await startLeakyBot();
    api = await vscode.extensions.getExtension<MemoryBudgetApi>('memory-budget.memory-budget')!.activate();
  });

  after(async () => {
    await executeCommand(Commands.StopAllocationSampling);
    for (const t of api.targets()) await api.detach(t.id);
    await bot?.kill();
  });

  it('shows live bytes on the constructor that allocates, marks them when the target dies, and clears them on Stop', async function () {
    this.timeout(90_000);
    const attached = await api.attach(`127.0.0.1:${bot.inspectorPort}`);
    assert.ok(attached);
    assert.equal(await executeCommand(Commands.StartAllocationSampling, attached.id), true);
    await vscode.window.showTextDocument(vscode.Uri.file(LEAKY_BOT));
    for (let i = 0; i < 30; i++) await bot.leak(2, 64);
    const lenses = await waitFor(async () => (await allocationLenses()).find((t) => /MB live/.test(t)), 30_000, 'a lens');
    assert.match(lenses, /^▲ [\d.]+ MB live · /);

    // The process dies: its last reading stays, faded, and says so.
    await bot.kill();
    const orphan = await waitFor(
      async () => (await allocationLenses()).find((t) => /target detached/.test(t)),
      20_000,
      'the detached lens',
    );
    assert.match(orphan, /^▲ [\d.]+ MB live · .* · target detached, as of \d\d:\d\d:\d\d$/);

    await executeCommand(Commands.StopAllocationSampling);
    assert.deepEqual(await allocationLenses(), []);
  });
});
