import { CollectionCounter, digestOf, findId, type SnapshotDigest } from './digest';
import { DigestWorker } from './digestWorkerClient';
import { HeapGraph, loadClassified, type LoadOptions } from './heapGraph';
import type { DiffRow, GrowingCollection, HeapDiff, LeakGroup } from './model';
import { HeapSnapshotError } from './rawSnapshot';
import { classAggregates, largestPerClass } from './summary';

export interface CompareOptions extends Omit<LoadOptions, 'interfaces' | 'onPhase'> {
  /** Rows, leak groups and collections to return (default 50). */
  top?: number;
  /** Rows and leak groups that get their largest objects listed (default 10). */
  detailRows?: number;
  objectsPerClass?: number;
  onPhase?(file: string, phase: 'reading' | 'dominators' | 'summarising' | 'comparing'): void;
}

/**
 * Compares 2 or 3 snapshots of one process, matching objects by node id (ids are stable across
 * snapshots of one process). Rows are the later snapshot against the first, as DevTools' Comparison
 * view; with three (baseline, target, final), leak candidates are the objects allocated between the
 * first two that are still alive in the last. Only the last snapshot is held whole; the earlier
 * ones are reduced to digests, one at a time, classified with the last one's interface names.
 */
export function compareSnapshots(files: string[], options: CompareOptions = {}): HeapDiff {
  checkCount(files);
  const last = loadLast(files, options);
  const digests = files.slice(0, -1).map((file) => {
    options.onPhase?.(file, 'reading');
    return digestOf(loadClassified(file, { ...readOptions(options), interfaces: last.classes.interfaces }));
  });
  return assemble(files, last, digests, options);
}

/**
 * The same comparison with the older snapshots read by a worker thread (`digestWorkerFile`, the
 * bundled `workers/digestWorker.js`) while this thread reads the last one: the two reads overlap.
 */
export async function compareSnapshotsInParallel(
  files: string[],
  digestWorkerFile: string,
  options: CompareOptions = {},
): Promise<HeapDiff> {
  checkCount(files);
  const older = new DigestWorker(digestWorkerFile, files.slice(0, -1), readOptions(options));
  try {
    const last = loadLast(files, options);
    older.provideInterfaces(last.classes.interfaces);
    const digests = await older.digests;
    return assemble(files, last, digests, options);
  } finally {
    older.dispose();
  }
}

function checkCount(files: string[]): void {
  if (files.length < 2 || files.length > 3) throw new HeapSnapshotError(`compare needs 2 or 3 snapshots, got ${files.length}`);
}

function readOptions(options: CompareOptions): { maxArrayBytes?: number; onProgress?: CompareOptions['onProgress'] } {
  return { onProgress: options.onProgress, maxArrayBytes: options.maxArrayBytes };
}

function loadLast(files: string[], options: CompareOptions): HeapGraph {
  const lastFile = files[files.length - 1]!;
  options.onPhase?.(lastFile, 'reading');
  return HeapGraph.load(lastFile, { ...readOptions(options), onPhase: (p) => options.onPhase?.(lastFile, p) });
}

function assemble(files: string[], last: HeapGraph, digests: SnapshotDigest[], options: CompareOptions): HeapDiff {
  options.onPhase?.(files[files.length - 1]!, 'comparing');
  digests.forEach((d, i) => checkSameSession(last, d, files[i]!, files[files.length - 1]!));
  const top = options.top ?? 50;
  const detailRows = options.detailRows ?? 10;
  const perClass = options.objectsPerClass ?? 5;
  return {
    snapshots: [...digests.map((d) => d.info), last.info()],
    rows: diffRows(last, digests[0]!, top, detailRows, perClass),
    leaks: digests.length === 2 ? leakGroups(last, digests[0]!, digests[1]!, top, detailRows, perClass) : [],
    growingCollections: growingCollections(last, digests, top),
  };
}

/**
 * V8 numbers objects afresh for every inspector session, so snapshots taken in separate sessions
 * (two `memory-budget snapshot` runs, say) share ids that name different objects. Matching them
 * would report nonsense; where most matched ids change class, say so instead.
 */
function checkSameSession(last: HeapGraph, older: SnapshotDigest, olderFile: string, lastFile: string): void {
  const lastClassByKey = new Map<string, number>();
  last.classes.keys.forEach((k, i) => lastClassByKey.set(k, i));
  const step = Math.max(1, Math.floor(last.nodeCount / 20_000));
  let matched = 0;
  let sameClass = 0;
  for (let v = 0; v < last.nodeCount; v += step) {
    const at = findId(older.ids, last.raw.nodeId[v]!);
    if (at < 0) continue;
    matched++;
    if (lastClassByKey.get(older.keys[older.classOf[at]!]!) === last.classes.classOf[v]) sameClass++;
  }
  if (matched >= 100 && sameClass < matched * 0.9) {
    const name = (f: string) => f.split(/[\\/]/).pop();
    throw new HeapSnapshotError(
      `${name(olderFile)} and ${name(lastFile)} were not taken in one inspector session: V8 numbers objects afresh for each ` +
        `session, so their objects cannot be matched (${Math.round((sameClass / matched) * 100)} % of shared ids name the same kind of object). ` +
        'Take the series in one session — `memory-budget snapshot <target> -o a.heapsnapshot -o b.heapsnapshot --interval 30`, ' +
        'or from the chart while attached.',
    );
  }
}

function diffRows(last: HeapGraph, base: SnapshotDigest, top: number, detailRows: number, perClass: number): DiffRow[] {
  const classCount = last.classes.names.length;
  const lastClassByKey = new Map<string, number>();
  last.classes.keys.forEach((k, i) => lastClassByKey.set(k, i));
  const baseToLast = base.keys.map((k) => lastClassByKey.get(k) ?? -1);
  // Per row: classes of the last snapshot first, then classes only the base has.
  const extra = new Map<number, number>();
  const extraNames = new Map<number, string>();
  const rowOfBase = (c: number) => {
    const mapped = baseToLast[c]!;
    if (mapped >= 0) return mapped;
    let row = extra.get(c);
    if (row === undefined) {
      extra.set(c, (row = classCount + extra.size));
      extraNames.set(row, base.names[c]!);
    }
    return row;
  };
  const newCount: number[] = new Array(classCount).fill(0);
  const deletedCount: number[] = new Array(classCount).fill(0);
  const allocSize: number[] = new Array(classCount).fill(0);
  const freedSize: number[] = new Array(classCount).fill(0);
  const matched = new Uint8Array(base.ids.length);
  const isNew = new Uint8Array(last.nodeCount);
  const { raw, classes } = last;
  for (let v = 0; v < raw.nodeCount; v++) {
    const size = raw.nodeSelfSize[v]!;
    if (size === 0) continue;
    const c = classes.classOf[v]!;
    const at = findId(base.ids, raw.nodeId[v]!);
    if (at >= 0 && baseToLast[base.classOf[at]!] === c) {
      matched[at] = 1;
      continue;
    }
    isNew[v] = 1;
    newCount[c]!++;
    allocSize[c]! += size;
  }
  for (let i = 0; i < base.ids.length; i++) {
    if (matched[i]) continue;
    const row = rowOfBase(base.classOf[i]!);
    newCount[row] ??= 0;
    allocSize[row] ??= 0;
    deletedCount[row] = (deletedCount[row] ?? 0) + 1;
    freedSize[row] = (freedSize[row] ?? 0) + base.selfSize[i]!;
  }
  const agg = classAggregates(last);
  const nameOf = (row: number) => (row < classCount ? last.classes.names[row]! : extraNames.get(row)!);
  const rows: number[] = [];
  for (let row = 0; row < newCount.length; row++) if (newCount[row] || deletedCount[row]) rows.push(row);
  const delta = (row: number) => (allocSize[row] ?? 0) - (freedSize[row] ?? 0);
  rows.sort((a, b) => delta(b) - delta(a) || newCount[b]! - (deletedCount[b] ?? 0) - (newCount[a]! - (deletedCount[a] ?? 0)));
  const chosen = rows.slice(0, top);
  const detailed = chosen.slice(0, detailRows).filter((row) => row < classCount && newCount[row]! > 0);
  const objects = largestPerClass(last, detailed, perClass, (v) => isNew[v] === 1);
  return chosen.map((row) => ({
    name: nameOf(row),
    newCount: newCount[row] ?? 0,
    deletedCount: deletedCount[row] ?? 0,
    countDelta: (newCount[row] ?? 0) - (deletedCount[row] ?? 0),
    allocSize: allocSize[row] ?? 0,
    freedSize: freedSize[row] ?? 0,
    sizeDelta: delta(row),
    retainedSize: row < classCount ? agg.retainedSize[row]! : 0,
    ...(objects.has(row) ? { objects: objects.get(row)! } : {}),
  }));
}

const MAX_PATHS_PER_GROUP = 5000;

function leakGroups(
  last: HeapGraph,
  baseline: SnapshotDigest,
  target: SnapshotDigest,
  top: number,
  detailRows: number,
  perClass: number,
): LeakGroup[] {
  const { raw, classes } = last;
  const candidate = new Uint8Array(raw.nodeCount);
  for (let v = 0; v < raw.nodeCount; v++) {
    if (raw.nodeSelfSize[v] === 0) continue;
    const id = raw.nodeId[v]!;
    if (findId(target.ids, id) >= 0 && findId(baseline.ids, id) < 0) candidate[v] = 1;
  }
  const accept = (v: number) => candidate[v] === 1;
  const agg = classAggregates(last, accept);
  const ids: number[] = [];
  for (let c = 0; c < agg.count.length; c++) if (agg.count[c]! > 0) ids.push(c);
  // Program-level classes name a leak; V8 internals like "(string)" or "(system)" come after them.
  const internal = (c: number) => /^\(|^system \/ /.test(classes.names[c]!);
  ids.sort((a, b) => Number(internal(a)) - Number(internal(b)) || agg.retainedSize[b]! - agg.retainedSize[a]!);
  const chosen = ids.slice(0, top);
  const detailed = chosen.slice(0, detailRows);
  const objects = largestPerClass(last, detailed, perClass, accept);
  const paths = new Map<number, Map<string, number>>(chosen.map((c) => [c, new Map()]));
  const sampled = new Map<number, number>();
  for (let v = 0; v < raw.nodeCount; v++) {
    if (!candidate[v]) continue;
    const c = classes.classOf[v]!;
    const counts = paths.get(c);
    if (!counts || (sampled.get(c) ?? 0) >= MAX_PATHS_PER_GROUP) continue;
    sampled.set(c, (sampled.get(c) ?? 0) + 1);
    const path = last.retainerPath(v);
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  return chosen.map((c) => ({
    name: classes.names[c]!,
    count: agg.count[c]!,
    selfSize: agg.selfSize[c]!,
    retainedSize: agg.retainedSize[c]!,
    retainerPaths: [...(paths.get(c) ?? new Map<string, number>())]
      .map(([path, count]) => ({ path, count }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 5),
    ...(objects.has(c) ? { objects: objects.get(c)! } : {}),
  }));
}

function growingCollections(last: HeapGraph, older: SnapshotDigest[], top: number): GrowingCollection[] {
  const counter = new CollectionCounter(last);
  const { raw } = last;
  const found: { v: number; kind: string; counts: number[] }[] = [];
  for (let v = 0; v < raw.nodeCount; v++) {
    const kind = counter.kind(v);
    if (kind === undefined) continue;
    const id = raw.nodeId[v]!;
    const counts: number[] = [];
    for (const d of older) {
      const at = findId(d.collectionIds, id);
      if (at < 0) break;
      counts.push(d.collectionCounts[at]!);
    }
    if (counts.length !== older.length) continue;
    counts.push(counter.count(v, kind));
    let growing = counts[counts.length - 1]! > counts[0]!;
    for (let i = 1; i < counts.length && growing; i++) if (counts[i]! < counts[i - 1]!) growing = false;
    if (growing) found.push({ v, kind, counts });
  }
  const growth = (f: { counts: number[] }) => f.counts[f.counts.length - 1]! - f.counts[0]!;
  found.sort((a, b) => growth(b) - growth(a) || last.dominance.retainedSize[b.v]! - last.dominance.retainedSize[a.v]!);
  return found.slice(0, top).map((f) => ({
    id: raw.nodeId[f.v]!,
    kind: f.kind,
    className: last.className(f.v),
    counts: f.counts,
    growth: growth(f),
    retainedSize: last.dominance.retainedSize[f.v]!,
    retainerPath: last.retainerPath(f.v),
  }));
}
