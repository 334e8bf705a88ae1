import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');

export function tempDir(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mb-heap-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `body` in a fresh Node process and writes a heap snapshot of it to `file` with
 * v8.writeHeapSnapshot; `body` keeps what it builds reachable in `globalThis.kept`.
 */
export function writeSnapshotOf(body: string, file: string, timeoutMs = 30_000): void {
  const script = `${body}\nrequire('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`;
  execFileSync(process.execPath, ['-e', script], { stdio: 'pipe', timeout: timeoutMs });
}

/**
 * One Node process writes three snapshots (so object ids are shared): 10 `Order`s in the Map
 * `pending`, then 300 more, then 100 more. `class Order` is on line 3 of the script it runs.
 */
export function writeOrderLeakSnapshots(dir: string): { files: string[]; script: string } {
  const files = [1, 2, 3].map((i) => join(dir, `s${i}.heapsnapshot`));
  const script = join(dir, 'leak.js');
  writeFileSync(
    script,
    `
      const v8 = require('node:v8');
      class Order { constructor(i) { this.id = i; this.lines = [i, i + 1]; } }
      const pending = new Map();
      const leak = (n) => { for (let i = 0; i < n; i++) pending.set(pending.size, new Order(pending.size)); };
      leak(10); v8.writeHeapSnapshot(${JSON.stringify(files[0])});
      leak(300); v8.writeHeapSnapshot(${JSON.stringify(files[1])});
      leak(100); v8.writeHeapSnapshot(${JSON.stringify(files[2])});`,
  );
  execFileSync(process.execPath, [script], { stdio: 'pipe', timeout: 30_000 });
  return { files, script };
}
