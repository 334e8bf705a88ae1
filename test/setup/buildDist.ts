// vitest global setup for the integration tests: they run dist/cli.js and the worker bundles,
// so dist/ is built here, from the current sources, rather than trusting an earlier script step.
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../scripts/toolchain.mjs';

export default function setup(): void {
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building dist/ failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
}
