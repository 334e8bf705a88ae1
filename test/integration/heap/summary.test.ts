import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'heap-snapshot-toolkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { summarize } from '../../../src/core/heap/summary';
import { repoRoot, tempDir, writeSnapshotOf } from './helpers';

const WIDGETS = 1234;

describe('heap snapshot summary of a real Node process', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'widgets.heapsnapshot');
  let graph: HeapGraph;

  beforeAll(() => {
    writeSnapshotOf(
      `class TestWidget { constructor(i) { this.index = i; this.label = 'widget-' + i; this.payload = new Array(16).fill(i); } }
       globalThis.kept = Array.from({ length: ${WIDGETS} }, (_, i) => new TestWidget(i));`,
      file,
    );
    graph = HeapGraph.load(file);
  });
  afterAll(() => tmp.dispose());

  it('counts the instances of a test class and their self size', async () => {
    const summary = summarize(graph, { detailRows: 50, objectsPerClass: 3 });
    const row = summary.rows.find((r) => r.name === 'TestWidget');
    expect(row?.count).toBe(WIDGETS);
    // Every TestWidget has the same shape, so the class's self size is a whole multiple of the count,
    // at least a map, properties, elements and three fields (8 bytes each) per instance.
    expect(row!.selfSize % WIDGETS).toBe(0);
    expect(row!.selfSize / WIDGETS).toBeGreaterThanOrEqual(48);
    // Each widget retains its own 16-element payload array.
    expect(row!.retainedSize).toBeGreaterThan(row!.selfSize + WIDGETS * 16 * 8);
    const largest = row!.objects![0]!;
    expect(largest.className).toBe('TestWidget');
    expect(largest.retainerPath).toMatch(/^TestWidget ← Array ← kept\b/);
  });

  it('agrees with the DevTools heap-snapshot model on count, self size and retained size of the top 50 classes', async () => {
    const devtools = await parse(createReadStream(file));
    type Aggregate = { name: string; count: number; self: number; maxRet: number };
    const aggregates = Object.values(devtools.getAggregatesByClassKey(false, 'allObjects') as Record<string, Aggregate>);
    const ours = summarize(graph, { top: 50, detailRows: 0 }).rows;
    expect(ours).toHaveLength(50);
    for (const row of ours) {
      // Classes are keyed by name and source location; match by name and count where names repeat.
      const theirs = aggregates.filter((a) => a.name === row.name);
      const match = theirs.length === 1 ? theirs[0] : theirs.find((a) => a.count === row.count && a.self === row.selfSize);
      expect(match, row.name).toBeDefined();
      expect({ name: row.name, count: row.count, self: row.selfSize, retained: row.retainedSize }).toEqual({
        name: match!.name,
        count: match!.count,
        self: match!.self,
        retained: match!.maxRet,
      });
    }
    expect(graph.info().totalSize).toBe(devtools.totalSize);
  });

  it('gives the same summary when every number and string straddles a read boundary', () => {
    // 997-byte reads split tokens everywhere: numbers, escaped strings, section keys.
    const again = HeapGraph.load(file, { chunkBytes: 997 });
    expect(summarize(again, { top: 40, detailRows: 0 }).rows).toEqual(summarize(graph, { top: 40, detailRows: 0 }).rows);
    expect(again.raw.strings).toEqual(graph.raw.strings);
    expect(statSync(file).size).toBe(graph.info().fileBytes);
  });

  it('gives the same summary when the edges are read by two threads from both ends', () => {
    // Built by `npm test` before vitest runs.
    const edgeWorkerFile = join(repoRoot, 'dist/workers/edgeWorker.js');
    const parallel = HeapGraph.load(file, { edgeWorkerFile, edgeThreadMinBytes: 0, chunkBytes: 4093 });
    expect(summarize(parallel, { top: 40, detailRows: 0 }).rows).toEqual(summarize(graph, { top: 40, detailRows: 0 }).rows);
    expect(Array.from(parallel.raw.edgeTo)).toEqual(Array.from(graph.raw.edgeTo));
    expect(parallel.raw.strings).toEqual(graph.raw.strings);
  });

  it.each([
    ['all on one line', (edges: string) => edges.replace(/\n/g, '')],
    ['with line breaks inside records', (edges: string) => edges.replace(/\n/g, '').replace(/(\d+,\d+,)/g, '$1\n')],
  ])('gives the same summary with the edges laid out %s (read again from the front alone)', (_, layout) => {
    const text = readFileSync(file, 'latin1');
    const start = text.indexOf('"edges":[') + 9;
    const end = text.indexOf(']', start);
    const relaid = join(tmp.dir, 'relaid.heapsnapshot');
    writeFileSync(relaid, text.slice(0, start) + layout(text.slice(start, end)) + text.slice(end), 'latin1');
    const edgeWorkerFile = join(repoRoot, 'dist/workers/edgeWorker.js');
    const parallel = HeapGraph.load(relaid, { edgeWorkerFile, edgeThreadMinBytes: 0, chunkBytes: 4093 });
    expect(Array.from(parallel.raw.edgeTo)).toEqual(Array.from(graph.raw.edgeTo));
    expect(summarize(parallel, { top: 40, detailRows: 0 }).rows).toEqual(summarize(graph, { top: 40, detailRows: 0 }).rows);
  });
});
