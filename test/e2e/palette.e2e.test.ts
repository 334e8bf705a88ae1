import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startCodeServer, type CodeServer } from './support/codeServer';
import { makeWorkspace, packageExtension, type Workspace } from './support/extension';
import { openWorkbench, runCommand, screenshot, waitForNotification, type Workbench } from './support/workbench';

describe('command palette in a real VS Code (code-server)', () => {
  let server: CodeServer | undefined;
  let workspace: Workspace | undefined;
  let workbench: Workbench | undefined;

  beforeAll(async () => {
    const vsix = packageExtension();
    workspace = makeWorkspace({ 'server.js': "require('node:http').createServer().listen(0);\n" });
    server = await startCodeServer({ vsix });
    workbench = await openWorkbench(server, workspace.path);
  });

  afterAll(async () => {
    await workbench?.close();
    await server?.stop();
    workspace?.dispose();
  });

  it('runs "Attach Memory Budget Monitor" and shows its message', async () => {
    const page = workbench!.page;
    onTestFailed(async () => void (await screenshot(page, 'palette-attach-failed')));
    await runCommand(page, 'Memory Budget: Attach Memory Budget Monitor');
    const toast = await waitForNotification(page, 'Memory Budget');
    await screenshot(page, 'palette-attach');
    expect(await toast.textContent()).toContain('Memory Budget: attach is being built.');
  });
});
