/**
 * A budget-driven snapshot series, as plain decisions: which thresholds a sample crosses, whether a
 * capture fits in what is left of the budget, which class the comparison names, which old series
 * go. No I/O here; snapshotSeries.ts acts on these answers.
 */
import type { DiffRow, GrowingCollection, HeapDiff } from '../heap/model';

export const DEFAULT_THRESHOLDS = [50, 80] as const;
export const MAX_THRESHOLDS = 3;
export const DEFAULT_KEEP_SERIES = 3;
export const DEFAULT_MAX_TOTAL_BYTES = 2 * 1024 ** 3;

/** Percent-of-budget thresholds, ascending and distinct; throws a sentence for bad input. */
export function parseThresholds(values: readonly unknown[]): number[] {
  if (values.length === 0) throw new Error('give at least one threshold (percent of the budget)');
  const numbers = values.map((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v));
  const bad = numbers.find((n) => typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 100);
  if (bad !== undefined) throw new Error(`a threshold is a percent of the budget above 0 and at most 100, not ${JSON.stringify(bad)}`);
  const sorted = [...new Set(numbers as number[])].sort((a, b) => a - b);
  if (sorted.length > MAX_THRESHOLDS) throw new Error(`at most ${MAX_THRESHOLDS} thresholds, got ${sorted.length}`);
  return sorted;
}

/**
 * The thresholds not yet captured that `percent` has reached. One capture serves all of them: RSS
 * that jumps past two at once gets one snapshot, not two back to back.
 */
export function newlyCrossed(percent: number, thresholds: readonly number[], captured: ReadonlySet<number>): number[] {
  return thresholds.filter((t) => percent >= t && !captured.has(t));
}

/** What the target's heap is made of, read just before a capture. */
export interface HeapComposition {
  readonly heapUsedBytes: number;
  /** Objects of 128 KB and more (large strings, big arrays): one snapshot node per many bytes. */
  readonly largeObjectBytes: number;
}

/** The last capture of this inspector session: its real node count calibrates the next estimate. */
export interface PreviousCapture {
  readonly nodeCount: number;
  readonly composition: HeapComposition;
}

/**
 * Calibration (bench/series/captureCost.mjs, figures in docs/snapshot-series.md): during a capture
 * the target's RSS peaks 465–881 bytes per snapshot node above where it was (V8 builds the whole
 * graph, then serialises it through the inspector's message queue), which came to 14–22.4 bytes
 * per byte of regular heap for heaps of small objects, plus about 20 MB. Large objects (≥ 128 KB:
 * big strings and arrays) are one node each. The constants sit above every measurement.
 */
export const CAPTURE_BYTES_PER_NODE = 950;
export const CAPTURE_BYTES_PER_HEAP_BYTE = 25;
export const CAPTURE_FIXED_BYTES = 24 * 1024 * 1024;
const LARGE_OBJECT_MIN_BYTES = 128 * 1024;

const regularHeap = (c: HeapComposition) => Math.max(0, c.heapUsedBytes - c.largeObjectBytes);

/**
 * What taking a snapshot adds to the target's RSS at its peak. After a capture in the same session
 * its real node count, scaled by how the regular heap grew since, gives the nodes; before one, the
 * regular heap is charged at the rate of the densest heaps measured.
 */
export function estimateCaptureCost(now: HeapComposition, previous?: PreviousCapture): number {
  const largeObjects = Math.ceil(now.largeObjectBytes / LARGE_OBJECT_MIN_BYTES) * CAPTURE_BYTES_PER_NODE;
  if (previous && previous.nodeCount > 0 && regularHeap(previous.composition) > 0) {
    const growth = Math.max(1, regularHeap(now) / regularHeap(previous.composition));
    return Math.ceil(previous.nodeCount * growth) * CAPTURE_BYTES_PER_NODE + largeObjects + CAPTURE_FIXED_BYTES;
  }
  return regularHeap(now) * CAPTURE_BYTES_PER_HEAP_BYTE + largeObjects + CAPTURE_FIXED_BYTES;
}

export type GuardDecision =
  { readonly capture: true; readonly estimateBytes: number } | { readonly capture: false; readonly estimateBytes: number };

/** Capture only when RSS plus the estimate stays under the budget: a snapshot must not be what kills the box. */
export function guardCapture(rssBytes: number, budgetBytes: number, estimateBytes: number): GuardDecision {
  return { capture: rssBytes + estimateBytes < budgetBytes, estimateBytes };
}

/** What the comparison names: the class most likely leaking, and how it grew. */
export interface LeakVerdict {
  readonly className: string;
  /** Objects of the class, last snapshot against the first. */
  readonly countDelta: number;
  readonly sizeDelta: number;
  /** What the class retains in the last snapshot. */
  readonly retainedSize: number;
  /** From the class's first holder to a GC root: "Map ← sessions ← BroadcasterService ← broadcaster". */
  readonly retainerPath: string | undefined;
  /** With three snapshots: objects allocated between the first two and still alive in the third. */
  readonly leakFinder?: { readonly count: number; readonly retainedSize: number };
  readonly growingCollections: readonly GrowingCollection[];
  readonly snapshotCount: number;
}

/** V8's own groups ("(string)", "(compiled code)", "system / Context") name no leak a user can fix. */
export function isInternalClass(name: string): boolean {
  return /^\(|^system \/ /.test(name);
}

/** JavaScript's own constructors: a container that grows says less than the program's class that fills it. */
const BUILT_IN_CLASSES = new Set([
  'Array',
  'Object',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'Function',
  'Promise',
  'Date',
  'RegExp',
  'Error',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Buffer',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
]);

/**
 * Of candidates ordered best first, the first class of the program's own that retains at least
 * half of what the best retains, else the best: `UserSession` over the `Array` of its history, which
 * retains about as much (and a hair more, counting every other array in the heap).
 */
function preferProgramClass<T extends { name: string; retainedSize: number }>(ordered: readonly T[]): T | undefined {
  const best = ordered[0];
  if (!best || !BUILT_IN_CLASSES.has(best.name)) return best;
  return ordered.find((c) => !BUILT_IN_CLASSES.has(c.name) && c.retainedSize >= best.retainedSize / 2) ?? best;
}

/**
 * The suspect. With three snapshots the leak finder decides: its groups are objects born between
 * the first two snapshots and alive in the third. With two, the classes that grew in number,
 * ordered by what they retain in the last snapshot. Either way a class of the program is preferred
 * to a built-in container that retains about as much.
 */
export function leakVerdict(diff: HeapDiff): LeakVerdict | undefined {
  const rowOf = (name: string) => diff.rows.find((r) => r.name === name);
  const growing = diff.growingCollections.slice(0, 5);
  const leak = preferProgramClass(diff.leaks.filter((l) => !isInternalClass(l.name)));
  if (leak) {
    const row = rowOf(leak.name);
    return {
      className: leak.name,
      countDelta: row?.countDelta ?? leak.count,
      sizeDelta: row?.sizeDelta ?? leak.selfSize,
      retainedSize: row?.retainedSize ?? leak.retainedSize,
      retainerPath: holderPath(leak.name, leak.retainerPaths[0]?.path),
      leakFinder: { count: leak.count, retainedSize: leak.retainedSize },
      growingCollections: growing,
      snapshotCount: diff.snapshots.length,
    };
  }
  const suspect = preferProgramClass(
    diff.rows
      .filter((r) => r.countDelta > 0 && !isInternalClass(r.name))
      .sort((a, b) => b.retainedSize - a.retainedSize || b.countDelta - a.countDelta),
  );
  if (!suspect) return undefined;
  return {
    className: suspect.name,
    countDelta: suspect.countDelta,
    sizeDelta: suspect.sizeDelta,
    retainedSize: suspect.retainedSize,
    retainerPath: holderPath(suspect.name, suspect.objects?.[0]?.retainerPath),
    growingCollections: growing,
    snapshotCount: diff.snapshots.length,
  };
}

/** The path without the object itself: "UserSession ← Map ← sessions" is held by "Map ← sessions". */
function holderPath(className: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  const hops = path.split(' ← ');
  return (hops[0] === className ? hops.slice(1) : hops).join(' ← ') || undefined;
}

/** The diff's rows as the JSONL records them: the top of the table, no object lists. */
export function topRows(diff: HeapDiff, count = 10): Omit<DiffRow, 'objects'>[] {
  return diff.rows.slice(0, count).map(({ objects: _objects, ...row }) => row);
}

export interface SeriesOnDisk {
  readonly dir: string;
  /** Sortable: series directories are named by their start time. */
  readonly name: string;
  readonly bytes: number;
}

/**
 * The series to delete: beyond the newest `keep`, then the oldest until the rest fit in
 * `maxBytes`. The current series is never deleted, even when it alone is over the cap.
 */
export function seriesToPrune(all: readonly SeriesOnDisk[], current: string | undefined, keep: number, maxBytes: number): SeriesOnDisk[] {
  const newestFirst = [...all].sort((a, b) => b.name.localeCompare(a.name));
  const kept: SeriesOnDisk[] = [];
  const pruned: SeriesOnDisk[] = [];
  for (const s of newestFirst) (s.dir === current || kept.length < keep ? kept : pruned).push(s);
  let total = kept.reduce((sum, s) => sum + s.bytes, 0);
  for (let i = kept.length - 1; i >= 0 && total > maxBytes; i--) {
    const s = kept[i]!;
    if (s.dir === current) continue;
    kept.splice(i, 1);
    pruned.push(s);
    total -= s.bytes;
  }
  return pruned;
}
