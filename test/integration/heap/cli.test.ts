import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir, writeOrderLeakSnapshots } from './helpers';
import { startLeakyBot } from '../../support/leakyBot';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [join(repoRoot, 'dist/cli.js'), ...args], { maxBuffer: 64 * 2 ** 20 });

describe('memory-budget summary and diff (built CLI)', () => {
  const tmp = tempDir();
  let files: string[] = [];

  beforeAll(() => {
    files = writeOrderLeakSnapshots(tmp.dir).files;
  });
  afterAll(() => tmp.dispose());

  it('summary --json prints rows of name, count, selfSize, retainedSize', async () => {
    const { stdout } = await cli('summary', files[2]!, '--json', '--top', '10');
    const out = JSON.parse(stdout) as { rows: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['rows']);
    expect(out.rows).toHaveLength(10);
    for (const row of out.rows) expect(Object.keys(row)).toEqual(['name', 'count', 'selfSize', 'retainedSize']);
    const all = JSON.parse((await cli('summary', files[2]!, '--json')).stdout) as { rows: { name: string; count: number }[] };
    expect(all.rows.find((r) => r.name === 'Order')?.count).toBe(410);
  });

  it('diff --json of three snapshots prints rows, leaks and growing collections', async () => {
    const { stdout } = await cli('diff', ...files, '--json', '--top', '5');
    const out = JSON.parse(stdout) as {
      rows: Record<string, number | string>[];
      leaks: { name: string; count: number; retainerPaths: { path: string }[] }[];
      growingCollections: { kind: string; counts: number[]; retainerPath: string }[];
    };
    expect(Object.keys(out)).toEqual(['rows', 'leaks', 'growingCollections']);
    for (const row of out.rows)
      expect(Object.keys(row)).toEqual(['name', 'newCount', 'deletedCount', 'countDelta', 'allocSize', 'freedSize', 'sizeDelta']);
    expect(out.rows.find((r) => r.name === 'Order')).toMatchObject({ newCount: 400, deletedCount: 0, countDelta: 400 });
    expect(out.leaks[0]).toMatchObject({ name: 'Order', count: 300 });
    expect(out.leaks[0]!.retainerPaths[0]!.path).toMatch(/^Order ← Map ← pending\b/);
    expect(out.growingCollections[0]).toMatchObject({ kind: 'Map', counts: [10, 310, 410] });
  });

  it('diff without --json prints a table with the leak and the growing Map', async () => {
    const { stdout } = await cli('diff', ...files);
    expect(stdout).toMatch(/Constructor\s+# New\s+# Deleted\s+# Delta\s+Alloc\. size\s+Freed size\s+Size delta/);
    expect(stdout).toMatch(/Leak candidates/);
    expect(stdout).toMatch(/Map\s+10 → 310 → 410\s+\+400/);
  });

  it('rejects a wrong number of files with usage and exit 2', async () => {
    const err = await cli('diff', files[0]!).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringMatching(/give 2 or 3 snapshot files[\s\S]*Usage: memory-budget diff/) });
  });

  it('refuses to diff snapshots from two separate snapshot runs (ids do not match), and diffs a series from one run', async () => {
    const bot = await startLeakyBot();
    try {
      const target = `127.0.0.1:${bot.inspectorPort}`;
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => join(tmp.dir, `${n}.heapsnapshot`));
      await bot.leak(20, 16);
      await cli('snapshot', target, '-o', a!);
      await bot.leak(200, 16);
      await cli('snapshot', target, '-o', b!);
      const err = await cli('diff', a!, b!).catch((e: { code: number; stderr: string }) => e);
      expect(err).toMatchObject({ code: 2, stderr: expect.stringMatching(/not taken in one inspector session/) });

      // Leak only once the first snapshot is on disk (it appears when complete), well before the second.
      const series = cli('snapshot', target, '-o', c!, '-o', d!, '--interval', '8');
      await expect.poll(() => existsSync(c!), { timeout: 60_000, interval: 100 }).toBe(true);
      await bot.leak(200, 16);
      await series;
      const { stdout } = await cli('diff', c!, d!, '--json');
      const out = JSON.parse(stdout) as {
        rows: { name: string; countDelta: number }[];
        growingCollections: { kind: string; counts: number[]; retainerPath: string }[];
      };
      expect(out.rows.find((r) => r.name === 'UserSession')?.countDelta).toBe(200);
      expect(out.growingCollections[0]).toMatchObject({ kind: 'Map', counts: [220, 420] });
      expect(out.growingCollections[0]!.retainerPath).toMatch(/^Map ← sessions ← BroadcasterService ← broadcaster/);
    } finally {
      await bot.kill();
    }
  });
});
