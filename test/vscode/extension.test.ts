import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

const extensionId = 'memory-budget.memory-budget';

describe('Memory Budget in the extension host', () => {
  it('activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers the attach command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('memoryBudget.attach'), 'memoryBudget.attach is not registered');
  });
});
