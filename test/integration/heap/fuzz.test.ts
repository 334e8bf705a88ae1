import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeapMethods } from '../../../src/core/heap/rpc';
import { WorkerCallError } from '../../../src/core/workers/protocol';
import { WorkerHost } from '../../../src/core/workers/workerHost';
import { repoRoot, tempDir, writeSnapshotOf } from './helpers';

/**
 * Mutates a real snapshot (its counts, numbers and strings, or cuts it short) and analyses each
 * mutant in the heap worker: every outcome must be a result or a bad-input error (a
 * HeapSnapshotError in the worker) within the time limit, never a hang, a crash or a wrong kind
 * of error. A fixed random sequence and case count; on a slow machine the run stops at its time budget.
 */
const RANDOM_START = 20261130;
const RUNS = 60;
/** On a loaded machine the run stops here, with fewer cases. */
const BUDGET_MS = 90_000;
const CASE_LIMIT_MS = 30_000;

type Mutation =
  | { kind: 'count'; field: 'node_count' | 'edge_count'; value: number }
  | { kind: 'number'; section: 'nodes' | 'edges'; at: number; token: string }
  | { kind: 'wrap'; node: number; other: number; below: number }
  | { kind: 'shuffle'; section: 'nodes' | 'edges'; picks: [number, number][] }
  | { kind: 'string'; at: number; insert: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'byte'; at: number; value: number };

const big = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 1e21];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('count' as const),
    field: fc.constantFrom('node_count' as const, 'edge_count' as const),
    value: fc.oneof(fc.constantFrom(...big), fc.nat(5_000_000)),
  }),
  fc.record({
    kind: fc.constant('number' as const),
    section: fc.constantFrom('nodes' as const, 'edges' as const),
    at: fc.nat(),
    token: fc.oneof(
      fc.nat().map(String),
      fc.constantFrom(...big.map(String), '-1', '1.5', '1e3', '', '"', 'null', '[', ']', '99999999999999999999999999'),
    ),
  }),
  fc.record({ kind: fc.constant('wrap' as const), node: fc.nat(), other: fc.nat(), below: fc.integer({ min: 1, max: 16 }) }),
  // Values copied between records of one field: a valid file with a scrambled graph.
  fc.record({
    kind: fc.constant('shuffle' as const),
    section: fc.constantFrom('nodes' as const, 'edges' as const),
    picks: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 200 }),
  }),
  fc.record({
    kind: fc.constant('string' as const),
    at: fc.nat(),
    insert: fc.constantFrom('\\u12G4', '\\uD800', '\\', '"', '\\"', '\u0001', '\n', '],', 'é', '\\u0000', '"x":['),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
);

describe('fuzzing the snapshot reader with mutated real snapshots', () => {
  const tmp = tempDir();
  const good = join(tmp.dir, 'good.heapsnapshot');
  let text = '';
  let host: WorkerHost<HeapMethods>;

  beforeAll(() => {
    writeSnapshotOf(
      `class Session { constructor(i) { this.id = i; this.tags = ['t' + i]; } }
       globalThis.kept = { sessions: new Map(Array.from({ length: 50 }, (_, i) => [i, new Session(i)])), weak: new WeakMap([[{}, 'v']]) };`,
      good,
    );
    // Bytes as latin1 characters: every byte stays one character, so offsets are byte offsets.
    text = readFileSync(good, 'latin1');
    // One worker for every case; a case past its time limit is stopped and the worker replaced.
    host = new WorkerHost<HeapMethods>(join(repoRoot, 'dist/workers/heapWorker.js'), {
      what: 'the analysis of a mutant',
      mode: 'shared',
      limits: { timeLimitMs: CASE_LIMIT_MS, maxOldGenerationSizeMb: 512 },
    });
  }, 60_000);
  afterAll(() => {
    host?.dispose();
    tmp.dispose();
  });

  function apply(source: string, m: Mutation): string {
    const section = (name: string) => {
      const start = source.indexOf(`"${name}":[`) + name.length + 4;
      return { start, end: Math.max(start, source.indexOf(']', start)) };
    };
    switch (m.kind) {
      case 'count':
        return source.replace(new RegExp(`"${m.field}":\\d+`), `"${m.field}":${m.value}`);
      case 'number': {
        const { start, end } = section(m.section);
        let at = start + (m.at % Math.max(1, end - start));
        while (at > start && /\d/.test(source[at - 1]!)) at--;
        let stop = at;
        while (/\d/.test(source[stop] ?? '')) stop++;
        return source.slice(0, at) + m.token + source.slice(stop);
      }
      case 'wrap': {
        // Two nodes' edge counts changed so their sum is unchanged modulo 2^32.
        const { start, end } = section('nodes');
        const numbers = source.slice(start, end).split(',');
        const fields = 7;
        const nodes = Math.floor(numbers.length / fields);
        const a = (m.node % nodes) * fields + 4;
        const b = (m.other % nodes) * fields + 4;
        if (a === b) return source;
        const moved = Number(numbers[a]) + m.below;
        numbers[a] = String(2 ** 32 - m.below + Number(numbers[a]));
        numbers[b] = String(Math.max(0, Number(numbers[b]) + moved - Number(numbers[a]) + 2 ** 32 - m.below));
        return source.slice(0, start) + numbers.join(',') + source.slice(end);
      }
      case 'shuffle': {
        const { start, end } = section(m.section);
        const numbers = source.slice(start, end).split(',');
        const fields = m.section === 'nodes' ? 7 : 3;
        const records = Math.floor(numbers.length / fields);
        for (const [to, from] of m.picks) {
          const field = to % fields;
          numbers[(to % records) * fields + field] = numbers[(from % records) * fields + field]!;
        }
        return source.slice(0, start) + numbers.join(',') + source.slice(end);
      }
      case 'string': {
        const { start } = section('strings');
        const at = start + (m.at % Math.max(1, source.length - start));
        return source.slice(0, at) + m.insert + source.slice(at);
      }
      case 'truncate':
        return source.slice(0, m.at % source.length);
      case 'byte': {
        const at = m.at % source.length;
        return source.slice(0, at) + String.fromCharCode(m.value) + source.slice(at + 1);
      }
    }
  }

  it('every mutant gives a result or a bad-input error, in time', async () => {
    let cases = 0;
    const outcomes = { result: 0, badInput: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (mutations, compare) => {
        const file = join(tmp.dir, `mutant-${cases++ % 4}.heapsnapshot`);
        writeFileSync(file, Buffer.from(mutations.reduce(apply, text), 'latin1'));
        const running = compare
          ? host.call('compare', { files: [good, file], options: { top: 5, detailRows: 1, objectsPerClass: 1 } })
          : host.call('summarize', { file, options: { top: 5, detailRows: 2, objectsPerClass: 1 } });
        try {
          await running.result;
          outcomes.result++;
        } catch (err) {
          expect(err).toBeInstanceOf(WorkerCallError);
          expect({ reason: (err as WorkerCallError).reason, message: (err as Error).message }).toMatchObject({
            reason: 'bad-input',
            message: expect.stringContaining('.heapsnapshot'),
          });
          outcomes.badInput++;
        }
      }),
      { seed: RANDOM_START, numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS, endOnFailure: true },
    );
    console.info(`fuzz: ${cases} mutants, ${outcomes.result} analysed, ${outcomes.badInput} refused as bad input`);
    expect(cases).toBeGreaterThanOrEqual(10);
    // The mutants are the same on every run: all of them, when there was time, give both kinds of outcome.
    if (cases === RUNS) expect(Math.min(outcomes.result, outcomes.badInput)).toBeGreaterThan(0);
  }, 150_000);
});
