import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { Commands } from '../../src/vscode/commands';

const extensionId = 'memory-budget.memory-budget';

describe('Memory Budget in the extension host', () => {
  it('activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command package.json contributes, and contributes every command it registers', async () => {
    const extension = vscode.extensions.getExtension(extensionId)!;
    await extension.activate();
    const contributed = (extension.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command).sort();
    // What VS Code has registered, not what the source says: a command contributed but never
    // registered fails with "command not found" when a user picks it from the palette.
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('memoryBudget.')).sort();
    assert.deepEqual(registered, contributed);
    assert.deepEqual(Object.values(Commands).sort(), contributed, 'src/vscode/commands.ts and package.json disagree');
  });
});
