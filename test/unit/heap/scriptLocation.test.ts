import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSnapshotScript } from '../../../src/vscode/heap/scriptLocation';

// Real folders: a workspace with a service in it, and a private file elsewhere on the machine.
describe('which script a heap snapshot may open', () => {
  const root = mkdtempSync(join(tmpdir(), 'mb-script-'));
  const workspace = join(root, 'workspace');
  const elsewhere = join(root, 'home');
  const server = join(workspace, 'src', 'server.js');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(server, 'class UserSession {}\n');
  writeFileSync(join(workspace, 'main.py'), '');
  writeFileSync(join(elsewhere, 'id_rsa'), 'secret');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens a file inside a workspace folder, as a path or a file:// URL', () => {
    expect(resolveSnapshotScript(server, [workspace])).toEqual({ file: server, mapped: false });
    expect(resolveSnapshotScript(pathToFileURL(server).href, [workspace])).toEqual({ file: server, mapped: false });
  });

  it('maps a path recorded on another machine to the workspace file it ends with', () => {
    expect(resolveSnapshotScript('/app/src/server.js', [workspace])).toEqual({ file: server, mapped: true });
    expect(resolveSnapshotScript('file:///srv/bot/main.py', [join(root, 'other'), workspace])).toEqual({
      file: join(workspace, 'main.py'),
      mapped: true,
    });
  });

  it('refuses a file on this machine outside the workspace, also through ../ and through a link', () => {
    const refused = resolveSnapshotScript(join(elsewhere, 'id_rsa'), [workspace]);
    expect(refused).toEqual({ refused: expect.stringContaining('not in the workspace') });
    expect(resolveSnapshotScript(`${workspace}/src/../../home/id_rsa`, [workspace])).toHaveProperty('refused');
    symlinkSync(elsewhere, join(workspace, 'linked'));
    // The link is inside the workspace folder as the Explorer shows it, so its files may open;
    // a path that only climbs out with ../ may not.
    expect(resolveSnapshotScript(join(workspace, 'linked', 'id_rsa'), [workspace])).toHaveProperty('file');
  });

  it("refuses what is not a file: Node's own modules, URLs of other schemes, relative names", () => {
    for (const url of ['node:internal/timers', 'https://example.com/app.js', 'webpack:///src/server.js', 'server.js', 'file://host/%']) {
      expect(resolveSnapshotScript(url, [workspace])).toEqual({ refused: expect.stringContaining('is not a file') });
    }
  });

  it('asks for a folder when none is open', () => {
    expect(resolveSnapshotScript(server, [])).toEqual({ refused: expect.stringContaining('open the folder') });
  });
});
