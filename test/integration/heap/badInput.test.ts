import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapAnalysisClient } from '../../../src/core/heap/heapAnalysisClient';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { HeapSnapshotError } from '../../../src/core/heap/rawSnapshot';
import { repoRoot, tempDir, writeSnapshotOf } from './helpers';

const run = promisify(execFile);

describe('bad snapshot files give a clear error and no crash', () => {
  const tmp = tempDir();
  const good = join(tmp.dir, 'good.heapsnapshot');
  const bad = {
    truncated: join(tmp.dir, 'truncated.heapsnapshot'),
    truncatedInEdges: join(tmp.dir, 'truncated-in-edges.heapsnapshot'),
    garbage: join(tmp.dir, 'garbage.heapsnapshot'),
    empty: join(tmp.dir, 'empty.heapsnapshot'),
    brokenNodes: join(tmp.dir, 'broken-nodes.heapsnapshot'),
  };
  const expected: Record<keyof typeof bad, RegExp> = {
    truncated: /is truncated/,
    truncatedInEdges: /is truncated/,
    garbage: /is not a V8 heap snapshot/,
    empty: /is empty/,
    brokenNodes: /is malformed: unexpected character "x" in the nodes array/,
  };
  // Built by `npm test` before vitest runs; the worker client needs the bundled worker.
  const client = new HeapAnalysisClient(join(repoRoot, 'dist/workers/heapWorker.js'), {
    maxOldGenerationSizeMb: 256,
    maxArrayBytes: 2 ** 30,
  });

  beforeAll(() => {
    writeSnapshotOf('globalThis.kept = [1, 2, 3];', good);
    const bytes = readFileSync(good);
    writeFileSync(bad.truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    writeFileSync(bad.truncatedInEdges, bytes.subarray(0, bytes.indexOf('"edges":[') + 5000));
    writeFileSync(bad.garbage, Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(bad.empty, '');
    const text = bytes.toString('latin1');
    const at = text.indexOf('"nodes":[') + 40;
    writeFileSync(bad.brokenNodes, Buffer.from(text.slice(0, at) + 'x' + text.slice(at + 1), 'latin1'));
  });
  afterAll(() => tmp.dispose());

  for (const kind of Object.keys(bad) as (keyof typeof bad)[]) {
    it(`${kind}: the parser throws a HeapSnapshotError naming the file`, () => {
      expect(() => HeapGraph.load(bad[kind])).toThrowError(HeapSnapshotError);
      expect(() => HeapGraph.load(bad[kind])).toThrowError(expected[kind]);
    });

    it(`${kind}: the same error when the edges are read on a second thread`, () => {
      const parallel = { edgeWorkerFile: join(repoRoot, 'dist/workers/edgeWorker.js'), edgeThreadMinBytes: 0 };
      expect(() => HeapGraph.load(bad[kind], parallel)).toThrowError(expected[kind]);
    });

    it(`${kind}: the worker reports it as bad input and the host goes on`, async () => {
      await expect(client.summarize({ file: bad[kind], options: {} }).result).rejects.toMatchObject({
        badInput: true,
        message: expect.stringMatching(expected[kind]),
      });
    });
  }

  it('the CLI prints the reason and exits 2', async () => {
    const err = await run(process.execPath, [join(repoRoot, 'dist/cli.js'), 'summary', bad.truncated]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 2, stderr: expect.stringMatching(/memory-budget summary: .*is truncated/) });
  });

  it('a bad older snapshot in a comparison (read on a second thread) is reported the same way', async () => {
    const err = await run(process.execPath, [join(repoRoot, 'dist/cli.js'), 'diff', bad.garbage, good]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/memory-budget diff: .*garbage\.heapsnapshot is not a V8 heap snapshot/),
    });
    await expect(client.compare({ files: [bad.truncated, good], options: {} }).result).rejects.toMatchObject({
      badInput: true,
      message: expect.stringMatching(/is truncated/),
    });
  });

  it('the worker still analyses a good file after the bad ones', async () => {
    const summary = await client.summarize({ file: good, options: { top: 5 } }).result;
    expect(summary.rows).toHaveLength(5);
  });

  it('a snapshot over the memory cap is refused before anything is allocated', async () => {
    const tiny = new HeapAnalysisClient(join(repoRoot, 'dist/workers/heapWorker.js'), { maxOldGenerationSizeMb: 256, maxArrayBytes: 1024 });
    await expect(tiny.summarize({ file: good, options: {} }).result).rejects.toThrow(/analysing it needs about \d+ MB, over the 0 MB cap/);
  });
});
