// The extension under test, packaged the way users get it, and throwaway workspaces to open.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../../scripts/toolchain.mjs';

export const vsixPath = join(repoRoot, 'dist', 'memory-budget.vsix');

/**
 * Builds and packages the extension (`npm run package`). Set MEMORY_BUDGET_VSIX=reuse to use
 * an existing dist/memory-budget.vsix, e.g. when `npm test` has just built it.
 */
export function packageExtension(): string {
  if (process.env.MEMORY_BUDGET_VSIX === 'reuse' && existsSync(vsixPath)) return vsixPath;
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0 || !existsSync(vsixPath)) {
    throw new Error(`npm run package failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
  return vsixPath;
}

export interface Workspace {
  readonly path: string;
  dispose(): void;
}

/**
 * A temp folder holding `files` (relative path → content) and, if given, copies of project
 * folders such as `examples/leaky-bot` (relative to the repo).
 */
export function makeWorkspace(files: Record<string, string> = {}, copyFromRepo: string[] = []): Workspace {
  const path = mkdtempSync(join(tmpdir(), 'memory-budget-ws-'));
  for (const folder of copyFromRepo) cpSync(join(repoRoot, folder), join(path, folder), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(path, name)), { recursive: true });
    writeFileSync(join(path, name), content);
  }
  return { path, dispose: () => rmSync(path, { recursive: true, force: true, maxRetries: 3 }) };
}
