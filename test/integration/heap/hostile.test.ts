import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapAnalysisClient } from '../../../src/core/heap/heapAnalysisClient';
import { runCli } from '../../support/cli';
import { SnapshotBuilder } from '../../support/snapshotBuilder';
import { repoRoot, tempDir, writeSnapshotOf } from './helpers';

/** Crafted files and odd paths given to summary and diff: each ends at once with exit 2 and a message naming the file. */
describe('hostile snapshot files on the built CLI', () => {
  const tmp = tempDir();
  const good = join(tmp.dir, 'good.heapsnapshot');
  const wrapping = join(tmp.dir, 'wrapping.heapsnapshot');
  const badEscape = join(tmp.dir, 'bad-escape.heapsnapshot');

  beforeAll(() => {
    writeSnapshotOf('class Widget { constructor(i) { this.i = i; } } globalThis.kept = [new Widget(1), new Widget(2)];', good);
    // Per-node edge counts of 4294967295, 3 and 1 add up to 3 in 32-bit arithmetic: the
    // header's edge_count, so a reader that sums in 32 bits walks four billion edges.
    const b = new SnapshotBuilder();
    const a = b.node('object', 'A', 10);
    const c = b.node('object', 'C', 20);
    b.edge(b.root, 'element', 1, a).edge(a, 'property', 'c', c).edge(c, 'property', 'a', a);
    b.write(wrapping, (p) => {
      p.nodes[4] = 4294967295;
      p.nodes[11] = 3;
      p.nodes[18] = 1;
    });
    // A real snapshot whose class name "Widget" carries a broken \u escape.
    const text = execFileSync('cat', [good], { encoding: 'latin1', maxBuffer: 2 ** 28 });
    writeFileSync(badEscape, Buffer.from(text.replace('"Widget"', '"Wid\\uZZet"'), 'latin1'));
  }, 60_000);
  afterAll(() => tmp.dispose());

  it('the crafted file is small', () => {
    expect(statSync(wrapping).size).toBeLessThan(1024);
  });

  it('summary of edge counts that wrap around in 32 bits ends at once with exit 2', async () => {
    const result = await runCli(['summary', wrapping], 10_000);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(
      /memory-budget summary: .*wrapping\.heapsnapshot is malformed: the nodes' edge counts add up to more than edge_count 3/,
    );
  });

  it('diff with that file ends at once with exit 2, whichever side it is on', async () => {
    for (const files of [
      [wrapping, good],
      [good, wrapping],
    ]) {
      const result = await runCli(['diff', ...files], 10_000);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/wrapping\.heapsnapshot is malformed/);
    }
  });

  it("the editor's analysis worker reports it as bad input", async () => {
    const client = new HeapAnalysisClient(join(repoRoot, 'dist/workers/heapWorker.js'));
    await expect(client.summarize({ file: wrapping, options: {} }).result).rejects.toMatchObject({ badInput: true, reason: 'bad-input' });
  });

  it.skipIf(process.platform === 'win32')('a FIFO given as the snapshot is refused at once instead of blocking', async () => {
    const fifo = join(tmp.dir, 'pipe.heapsnapshot');
    execFileSync('mkfifo', [fifo]);
    const result = await runCli(['summary', fifo], 10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${fifo} is not a regular file`);
  });

  it('a directory given as the snapshot is named in the message', async () => {
    const dir = join(tmp.dir, 'snapshots.heapsnapshot');
    mkdirSync(dir);
    const result = await runCli(['summary', dir], 10_000);
    expect(result).toMatchObject({ code: 2, stderr: `memory-budget summary: ${dir} is a directory, not a heap snapshot file\n` });
  });

  it('a broken \\u escape in a class name is told with the file and the byte offset', async () => {
    const result = await runCli(['summary', badEscape], 10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /bad-escape\.heapsnapshot is malformed: string \d+ at byte [\d,]+ has a bad escape \(Bad Unicode escape\)/,
    );
  });
});
