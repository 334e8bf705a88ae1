import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MemoryBudgetApi } from '../../src/extension';
import { LEAKY_BOT, waitFor } from '../support/leakyBot';

describe('a JavaScript debug session (js-debug CDP proxy)', () => {
  after(async () => {
    await vscode.debug.stopDebugging();
  });

  it('is attached through requestCDPProxy and sampled without disturbing the debugger', async function () {
    this.timeout(60_000);
    const api = await vscode.extensions.getExtension<MemoryBudgetApi>('memory-budget.memory-budget')!.activate();
    const sessions: vscode.DebugSession[] = [];
    const listener = vscode.debug.onDidStartDebugSession((s) => sessions.push(s));
    try {
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'node',
        request: 'launch',
        name: 'leaky-bot under js-debug',
        program: LEAKY_BOT,
        args: ['--port', '0'],
        cwd: path.dirname(LEAKY_BOT),
        console: 'internalConsole',
      });
      assert.ok(ok, 'the debug session did not start (is js-debug available?)');
      // js-debug runs the process in a child session; that one has the CDP target.
      const child = await waitFor(() => sessions.find((s) => s.parentSession !== undefined), 30_000, 'the child debug session');
      const attached = await waitFor(
        async () => await api.attachDebugSession(child).catch(() => undefined),
        20_000,
        'an attach through the proxy',
      );
      assert.equal(attached.name, 'server.js');
      const status = await waitFor(() => api.status(attached.id), 10_000, 'a sample');
      assert.ok(status.sample.heapUsedBytes! > 0);
      assert.ok(status.sample.rssBytes > 10 * 1024 * 1024);
      // Snapshots through the proxy: the capability is asked of the target through it, and offered.
      const file = await vscode.commands.executeCommand<string | undefined>('memoryBudget.takeHeapSnapshot', attached.id);
      assert.ok(file && existsSync(file), `no snapshot through the proxy (${file})`);
      // The debugger still works: the session is alive and answers a DAP request.
      const threads = await child.customRequest('threads');
      assert.ok(Array.isArray(threads.threads));
      await api.detach(attached.id);
    } finally {
      listener.dispose();
    }
  });
});
