import { describe, expect, it } from 'vitest';
import type { DiffRow, HeapDiff, LeakGroup } from '../../../src/core/heap/model';
import {
  estimateCaptureCost,
  guardCapture,
  leakVerdict,
  newlyCrossed,
  parseThresholds,
  seriesToPrune,
} from '../../../src/core/series/model';

const MB = 2 ** 20;

describe('snapshot series decisions', () => {
  it('reads thresholds as ascending distinct percents, at most three, and refuses the rest with a reason', () => {
    expect(parseThresholds([80, '50', 50])).toEqual([50, 80]);
    expect(() => parseThresholds([])).toThrow(/at least one/);
    expect(() => parseThresholds([10, 20, 30, 40])).toThrow(/at most 3/);
    expect(() => parseThresholds([0])).toThrow(/above 0 and at most 100/);
    expect(() => parseThresholds(['lots'])).toThrow(/"lots"|NaN|null/);
    expect(() => parseThresholds([120])).toThrow(/120/);
  });

  it('fires each threshold once, and one capture for thresholds crossed together', () => {
    const done = new Set<number>();
    expect(newlyCrossed(49.9, [50, 80], done)).toEqual([]);
    expect(newlyCrossed(85, [50, 80], done)).toEqual([50, 80]);
    done.add(50).add(80);
    expect(newlyCrossed(95, [50, 80], done)).toEqual([]);
  });

  it('charges a first capture by the regular heap, a later one by the last node count, large objects one node each', () => {
    const small = { heapUsedBytes: 20 * MB, largeObjectBytes: 0 };
    expect(estimateCaptureCost(small)).toBe(20 * MB * 25 + 24 * MB);
    // 100 MB of 256 KB strings are 400 nodes, not 100 MB of small objects.
    const strings = { heapUsedBytes: 110 * MB, largeObjectBytes: 100 * MB };
    expect(estimateCaptureCost(strings)).toBe(10 * MB * 25 + 800 * 950 + 24 * MB);
    // The heap doubled since a capture of 50,000 nodes: 100,000 nodes.
    const later = estimateCaptureCost({ heapUsedBytes: 40 * MB, largeObjectBytes: 0 }, { nodeCount: 50_000, composition: small });
    expect(later).toBe(100_000 * 950 + 24 * MB);
    // A shrunk heap is not trusted to have fewer nodes.
    expect(estimateCaptureCost({ heapUsedBytes: 10 * MB, largeObjectBytes: 0 }, { nodeCount: 50_000, composition: small })).toBe(
      50_000 * 950 + 24 * MB,
    );
  });

  it('captures only when RSS plus the estimate stays under the budget', () => {
    expect(guardCapture(300 * MB, 512 * MB, 200 * MB).capture).toBe(true);
    expect(guardCapture(300 * MB, 512 * MB, 212 * MB).capture).toBe(false);
  });

  it('prunes beyond the newest N series, then the oldest until under the cap, never the current one', () => {
    const s = (name: string, mb: number) => ({ dir: `/s/${name}`, name, bytes: mb * MB });
    const all = [s('2024-01', 100), s('2024-02', 100), s('2024-03', 100), s('2024-04', 100)];
    expect(seriesToPrune(all, '/s/2024-04', 3, 10_000 * MB).map((p) => p.name)).toEqual(['2024-01']);
    expect(seriesToPrune(all, '/s/2024-04', 3, 250 * MB).map((p) => p.name)).toEqual(['2024-01', '2024-02']);
    expect(seriesToPrune([s('2024-04', 900)], '/s/2024-04', 3, 250 * MB)).toEqual([]);
  });
});

const row = (name: string, countDelta: number, retainedSize: number, path?: string): DiffRow => ({
  name,
  newCount: countDelta,
  deletedCount: 0,
  countDelta,
  allocSize: countDelta * 40,
  freedSize: 0,
  sizeDelta: countDelta * 40,
  retainedSize,
  ...(path
    ? { objects: [{ id: 1, name, className: name, selfSize: 40, retainedSize: retainedSize / countDelta, retainerPath: path }] }
    : {}),
});
const diff = (rows: DiffRow[], leaks: LeakGroup[] = []): HeapDiff => ({
  snapshots: (leaks.length ? [1, 2, 3] : [1, 2]).map((i) => ({
    file: `${i}.heapsnapshot`,
    fileBytes: 1,
    nodeCount: 1,
    edgeCount: 1,
    totalSize: 1,
  })),
  rows,
  leaks,
  growingCollections: [],
});

describe('the leak verdict', () => {
  it("names the program's class over V8's groups and over a built-in container that retains about as much", () => {
    const verdict = leakVerdict(
      diff([
        row('(string)', 600, 90 * MB),
        row('Array', 301, 92 * MB, 'Array ← history ← UserSession ← Map ← sessions'),
        row('UserSession', 300, 91 * MB, 'UserSession ← Map ← sessions ← BroadcasterService'),
      ]),
    )!;
    expect(verdict).toMatchObject({ className: 'UserSession', countDelta: 300, retainerPath: 'Map ← sessions ← BroadcasterService' });
    expect(verdict.leakFinder).toBeUndefined();
  });

  it('keeps a built-in class when no class of the program comes close', () => {
    expect(leakVerdict(diff([row('Array', 5000, 80 * MB, 'Array ← cache'), row('Request', 2, 1 * MB, 'Request ← x')]))!.className).toBe(
      'Array',
    );
    expect(leakVerdict(diff([row('(string)', 10, MB)]))).toBeUndefined();
  });

  it('lets the leak finder decide with three snapshots, and reports the count delta of its class across the series', () => {
    const leak: LeakGroup = {
      name: 'Order',
      count: 200,
      selfSize: 8000,
      retainedSize: 5 * MB,
      retainerPaths: [{ path: 'Order ← pending', count: 200 }],
    };
    const verdict = leakVerdict(diff([row('Widget', 900, 50 * MB, 'Widget ← w'), row('Order', 700, 6 * MB, 'Order ← pending')], [leak]))!;
    expect(verdict).toMatchObject({
      className: 'Order',
      countDelta: 700,
      leakFinder: { count: 200, retainedSize: 5 * MB },
      retainerPath: 'pending',
    });
  });
});
