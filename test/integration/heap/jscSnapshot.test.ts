import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { readJscSnapshot } from '../../../src/core/heap/jscSnapshotReader';
import { HeapSnapshotError } from '../../../src/core/heap/rawSnapshot';
import { snapshotFormatOf } from '../../../src/core/heap/readHeapSnapshot';
import { summarize } from '../../../src/core/heap/summary';
import { runCli } from '../../support/cli';
import { runtimeOrSkip, startRuntimeBot, type RuntimeBot } from '../../support/runtimeBot';
import { tempDir } from './helpers';

/** JavaScriptCore snapshots written by a real Bun, read into the model V8 snapshots use. */
describe("reading Bun's JavaScriptCore heap snapshots", () => {
  const bun = runtimeOrSkip('bun');
  const tmp = tempDir();
  const file = join(tmp.dir, 'bun.heapsnapshot');
  let bot: RuntimeBot;

  beforeAll(async () => {
    if (!bun) return;
    bot = await startRuntimeBot('bun', bun);
    await bot.hold(3000);
    await bot.leak(321);
    const { code, stderr } = await runCli(['snapshot', bot.webSocketUrl!, '-o', file], 120_000);
    if (code !== 0) throw new Error(stderr);
  });
  afterAll(async () => {
    await bot?.kill();
    tmp.dispose();
  });

  it.skipIf(!bun)('is recognised by its first bytes, and is what Bun sent: JSON with its nodes, edges and tables', () => {
    expect(snapshotFormatOf(file)).toBe('jsc');
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    expect(parsed).toMatchObject({ type: 'Inspector', edgeTypes: ['Internal', 'Property', 'Index', 'Variable'] });
    expect(parsed.nodes.length % 4).toBe(0);
  });

  it.skipIf(!bun)('gives the same columns whatever the read size, so no token is lost across a chunk boundary', () => {
    const whole = readJscSnapshot(file);
    const tiny = readJscSnapshot(file, { chunkBytes: 7 });
    expect(tiny.nodeCount).toBe(whole.nodeCount);
    expect(tiny.edgeCount).toBe(whole.edgeCount);
    expect(Buffer.compare(Buffer.from(tiny.nodeId.buffer), Buffer.from(whole.nodeId.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(tiny.edgeTo.buffer), Buffer.from(whole.edgeTo.buffer))).toBe(0);
    expect(tiny.strings).toEqual(whole.strings);
    // Every named edge (property, variable, index) of the file between two of its nodes is kept; of
    // the unnamed ones, only those that do not repeat a named edge between the same two cells.
    const parsed = JSON.parse(readFileSync(file, 'utf8'));
    const ids = new Set<number>();
    for (let i = 0; i < parsed.nodes.length; i += 4) ids.add(parsed.nodes[i]);
    const namedPairs = new Set<string>();
    let named = 0;
    for (let i = 0; i < parsed.edges.length; i += 4) {
      if (parsed.edges[i + 2] === 0 || !ids.has(parsed.edges[i]) || !ids.has(parsed.edges[i + 1])) continue;
      named++;
      namedPairs.add(`${parsed.edges[i]}>${parsed.edges[i + 1]}`);
    }
    let unnamed = 0;
    for (let i = 0; i < parsed.edges.length; i += 4) {
      if (parsed.edges[i + 2] !== 0 || !ids.has(parsed.edges[i]) || !ids.has(parsed.edges[i + 1])) continue;
      if (!namedPairs.has(`${parsed.edges[i]}>${parsed.edges[i + 1]}`)) unnamed++;
    }
    expect(whole.edgeCount).toBe(named + unnamed);
  });

  it.skipIf(!bun)('retained sizes come from dominators: the Array holding the messages retains them, with the path to it', () => {
    const graph = HeapGraph.load(file);
    const summary = summarize(graph, { detailRows: 50, objectsPerClass: 1 });
    const messages = summary.rows.find((r) => r.name === 'QueuedMessage')!;
    expect(messages.count).toBe(3000);
    // Each message retains its text: more than its own size.
    expect(messages.retainedSize).toBeGreaterThan(messages.selfSize * 2);
    expect(messages.objects![0]!.retainerPath).toMatch(/^QueuedMessage ← Array ← held\b/);
    expect(summary.rows.find((r) => r.name === 'ChatSession')!.count).toBe(321);
  });

  it.skipIf(!bun)('a cut-off snapshot is a HeapSnapshotError that names the file, wherever the cut falls', () => {
    const bytes = readFileSync(file);
    for (const fraction of [0.001, 0.3, 0.7, 0.999]) {
      const cut = join(tmp.dir, `cut-${fraction}.heapsnapshot`);
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      expect(() => HeapGraph.load(cut)).toThrow(HeapSnapshotError);
      expect(() => HeapGraph.load(cut)).toThrow(cut);
    }
  });
});
