// One e2e setup: the packaged extension in a fresh code-server, a throwaway workspace, Chromium
// on it; `close()` ends all three.
import { startCodeServer, type CodeServer } from './codeServer';
import { makeWorkspace, packageExtension, type Workspace } from './extension';
import { openWorkbench, type Workbench } from './workbench';

export interface EditorSession {
  readonly server: CodeServer;
  readonly workspace: Workspace;
  readonly workbench: Workbench;
  close(): Promise<void>;
}

export interface EditorSessionOptions {
  /** User settings on top of the harness's quiet defaults. */
  settings?: Record<string, unknown>;
  /** Workspace files (relative path → content) and project folders copied in. */
  files?: Record<string, string>;
  copyFromRepo?: string[];
  /** Last touches to the workspace before VS Code opens it. */
  prepare?(workspacePath: string): void;
  /** Open the workspace untrusted, in Restricted Mode. */
  restricted?: boolean;
}

export async function openEditorSession(options: EditorSessionOptions = {}): Promise<EditorSession> {
  const vsix = packageExtension();
  const workspace = makeWorkspace(options.files ?? {}, options.copyFromRepo ?? []);
  let server: CodeServer | undefined;
  try {
    options.prepare?.(workspace.path);
    server = await startCodeServer({ vsix, settings: options.settings, workspaceTrust: options.restricted });
    const workbench = await openWorkbench(server, workspace.path);
    const started = server;
    return {
      server,
      workspace,
      workbench,
      async close() {
        await workbench.close();
        await started.stop();
        workspace.dispose();
      },
    };
  } catch (error) {
    await server?.stop();
    workspace.dispose();
    throw error;
  }
}
