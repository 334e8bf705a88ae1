// Starts a private code-server (VS Code's server + web workbench) for one test run: its own port,
// config, XDG folders, user data and extensions in a temp folder, so nothing leaks between runs
// or into the developer's own code-server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { missingToolchain, node24Env, toolchainPaths } from '../../../scripts/toolchain.mjs';
import { killProcessTree } from '../../support/processTree';

export interface CodeServerOptions {
  /** A packaged extension to install before the server starts. */
  vsix?: string;
  /** User settings added to (and overriding) the quiet defaults below. */
  settings?: Record<string, unknown>;
  /**
   * Lets the workbench run extension-host test suites from the `payload` URL parameter. It also
   * hides notification toasts, so UI tests must run on a server without it.
   */
  smokeTestDriver?: boolean;
  /** Port on 127.0.0.1; a free one when not given. */
  port?: number;
  /** Workspace trust on, so a folder opens in Restricted Mode until trusted (off by default). */
  workspaceTrust?: boolean;
  /** Called with each line code-server prints (stdout and stderr). */
  onOutput?: (line: string) => void;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /**
   * Workbench URL opening `folder` (a `.code-workspace` file opens as a multi-root workspace),
   * with an optional payload (see extension-host tests).
   */
  workbenchUrl(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  /** A `vscode-remote://` URI for a path on the server, as the workbench payload needs. */
  remoteUri(absolutePath: string): string;
  /** Merges `patch` into the user settings.json; the running workbench picks the change up. */
  updateSettings(patch: Record<string, unknown>): void;
  /** Everything code-server printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
};

/** Throws a message naming the missing pieces and the command that installs them. */
export function assertToolchain(): void {
  const missing = missingToolchain();
  if (missing.length > 0) {
    throw new Error(`VS Code test toolchain missing: ${missing.join(', ')}. Run \`npm run prereqs\` first.`);
  }
}

/** A port that was free a moment ago (code-server cannot report the port it picked for :0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

interface ServerDirs {
  root: string;
  config: string;
  userDataDir: string;
  extensionsDir: string;
  settingsFile: string;
  env: NodeJS.ProcessEnv;
}

function makeDirs(): ServerDirs {
  const root = mkdtempSync(join(tmpdir(), 'memory-budget-code-server-'));
  const dirs = {
    root,
    config: join(root, 'config.yaml'),
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    settingsFile: join(root, 'user-data', 'User', 'settings.json'),
  };
  mkdirSync(join(dirs.userDataDir, 'User'), { recursive: true });
  mkdirSync(dirs.extensionsDir, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  const env = {
    ...node24Env(),
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    // No gallery: offline, its lookups only fill the logs with ENOTFOUND errors.
    EXTENSIONS_GALLERY: '{}',
  };
  return { ...dirs, env };
}

function baseArgs(dirs: ServerDirs): string[] {
  return ['--config', dirs.config, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir];
}

function installExtension(dirs: ServerDirs, vsix: string): void {
  const { node24, codeServerEntry } = toolchainPaths();
  const result = spawnSync(node24, [codeServerEntry, ...baseArgs(dirs), '--install-extension', vsix, '--force'], {
    env: dirs.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
    );
  }
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms:\n${output()}`);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  assertToolchain();
  const dirs = makeDirs();
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  writeFileSync(dirs.settingsFile, JSON.stringify({ ...quietSettings, ...trust, ...options.settings }, null, 2));
  if (options.vsix) installExtension(dirs, options.vsix);

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = [
    ...baseArgs(dirs),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const { node24, codeServerEntry } = toolchainPaths();
  const child = spawn(node24, [codeServerEntry, ...args], { env: dirs.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    printed += text;
    for (const line of text.split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.pid !== undefined && child.exitCode === null) await killProcessTree(child.pid);
    rmSync(dirs.root, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    await waitForHealth(url, child, () => printed, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }

  const remoteUri = (absolutePath: string): string => `vscode-remote://127.0.0.1:${port}${absolutePath}`;
  return {
    url,
    port,
    userDataDir: dirs.userDataDir,
    extensionsDir: dirs.extensionsDir,
    remoteUri,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams(folder.endsWith('.code-workspace') ? { workspace: folder } : { folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${url}/?${query.toString()}`;
    },
    updateSettings(patch) {
      const current = JSON.parse(readFileSync(dirs.settingsFile, 'utf8')) as Record<string, unknown>;
      writeFileSync(dirs.settingsFile, JSON.stringify({ ...current, ...patch }, null, 2));
    },
    output: () => printed,
    stop,
  };
}
