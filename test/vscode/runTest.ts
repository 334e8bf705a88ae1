// Runs the extension-host (mocha) suites with @vscode/test-electron. With
// MEMORY_BUDGET_VSCODE=download it downloads VS Code as on any desktop; otherwise (offline, the
// default here and in CI) it hands runTests scripts/code-server-as-vscode.mjs as the "VS Code"
// executable, which runs the same suites inside code-server. The toolchain is installed on the
// first run, and the run fails when a process it started (code-server, Chromium…) outlives it.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from 'esbuild';
import { installPrerequisites, repoRoot } from '../../scripts/toolchain.mjs';
import { assertToolchain } from '../e2e/support/codeServer';
import { makeWorkspace } from '../e2e/support/extension';
import { startProcessGuard } from '../support/processGuard';

const suitesDir = join(repoRoot, 'out', 'test', 'vscode');

/** The extension host loads CommonJS: bundle index.ts and each *.test.ts beside it to out/. */
async function buildSuites(): Promise<void> {
  // A suite deleted from test/vscode must not keep running from an old bundle.
  rmSync(suitesDir, { recursive: true, force: true });
  const sources = readdirSync(join(repoRoot, 'test', 'vscode')).filter((name) => name === 'index.ts' || name.endsWith('.test.ts'));
  await build({
    entryPoints: sources.map((name) => join(repoRoot, 'test', 'vscode', name)),
    outdir: suitesDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

function buildExtension(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the extension failed');
}

async function runSuites(): Promise<number> {
  const download = process.env.MEMORY_BUDGET_VSCODE === 'download';
  if (!download) {
    await installPrerequisites();
    assertToolchain();
  }
  buildExtension();
  await buildSuites();
  const workspace = makeWorkspace({ 'README.md': '# extension-host test workspace\n' });
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(suitesDir, 'index.js'),
      launchArgs: [workspace.path, '--disable-extensions'],
      ...(download ? {} : { vscodeExecutablePath: join(repoRoot, 'scripts', 'code-server-as-vscode.mjs'), reuseMachineInstall: true }),
    });
    return 0;
  } catch (error) {
    process.stderr.write(`extension-host tests failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    workspace.dispose();
  }
}

async function main(): Promise<number> {
  const guard = startProcessGuard();
  const code = await runSuites().catch((error: unknown) => {
    process.stderr.write(`extension-host tests failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
  try {
    await guard.check();
    return code;
  } catch (error) {
    process.stderr.write(`extension-host tests: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
