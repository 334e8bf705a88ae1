import { ROOT } from './dominators';
import type { HeapGraph } from './heapGraph';
import type { HeapObjectInfo, HeapSummary, SummaryRow } from './model';

export interface ClassAggregates {
  readonly count: Float64Array;
  readonly selfSize: Float64Array;
  readonly retainedSize: Float64Array;
}

/**
 * Count, self size and retained size per class. As in DevTools (buildAggregates,
 * calculateClassesRetainedSize), nodes of zero self size are not counted, and a class's retained
 * size adds up only its outermost members in the dominator tree, so nested ones are not counted twice.
 * `accept` restricts both to some nodes (DevTools' node filter), e.g. leak candidates.
 */
export function classAggregates(g: HeapGraph, accept?: (v: number) => boolean): ClassAggregates {
  const classCount = g.classes.names.length;
  const count = new Float64Array(classCount);
  const selfSize = new Float64Array(classCount);
  const retainedSize = new Float64Array(classCount);
  const { classOf } = g.classes;
  const self = g.raw.nodeSelfSize;
  for (let v = 0; v < g.nodeCount; v++) {
    const s = self[v]!;
    if (s === 0 || (accept && !accept(v))) continue;
    const c = classOf[v]!;
    count[c]!++;
    selfSize[c]! += s;
  }
  const { firstDominated, dominated, retainedSize: retained } = g.dominance;
  const n = g.nodeCount;
  const list = new Uint32Array(n + 1);
  // Classes entered on the current path and where their subtree ends in `list`: as deep as classes nest, so small.
  let marks = new Uint32Array(256);
  let markClass = new Uint32Array(256);
  const seen = new Uint8Array(classCount);
  let top = 0;
  let marksTop = 0;
  list[top++] = ROOT;
  while (top > 0) {
    const v = list[--top]!;
    const c = classOf[v]!;
    const from = firstDominated[v]!;
    const to = firstDominated[v + 1]!;
    if (!seen[c] && self[v]! && (!accept || accept(v))) {
      retainedSize[c]! += retained[v]!;
      if (from !== to) {
        seen[c] = 1;
        if (marksTop === marks.length) [marks, markClass] = [grow(marks), grow(markClass)];
        marks[marksTop] = top;
        markClass[marksTop++] = c;
      }
    }
    for (let i = from; i < to; i++) list[top++] = dominated[i]!;
    while (marksTop > 0 && marks[marksTop - 1] === top) seen[markClass[--marksTop]!] = 0;
  }
  return { count, selfSize, retainedSize };
}

function grow(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const grown = new Uint32Array(a.length * 2);
  grown.set(a);
  return grown;
}

export interface SummaryOptions {
  /** Rows to return, largest retained size first (default all). */
  top?: number;
  /** For the first `detailRows` rows, list this many largest objects with retainer paths. */
  objectsPerClass?: number;
  detailRows?: number;
}

export function summarize(g: HeapGraph, options: SummaryOptions = {}): HeapSummary {
  const agg = classAggregates(g);
  const ids: number[] = [];
  for (let c = 0; c < agg.count.length; c++) if (agg.count[c]! > 0) ids.push(c);
  ids.sort((a, b) => agg.retainedSize[b]! - agg.retainedSize[a]! || agg.selfSize[b]! - agg.selfSize[a]!);
  const chosen = ids.slice(0, options.top ?? ids.length);
  const detail = chosen.slice(0, options.detailRows ?? 20);
  const objects = largestPerClass(g, detail, options.objectsPerClass ?? 5, (v) => g.raw.nodeSelfSize[v]! > 0);
  const rows: SummaryRow[] = chosen.map((c) => ({
    name: g.classes.names[c]!,
    count: agg.count[c]!,
    selfSize: agg.selfSize[c]!,
    retainedSize: agg.retainedSize[c]!,
    ...(g.classes.locations[c] ? { location: g.withUrl(g.classes.locations[c]!) } : {}),
    ...(objects.has(c) ? { objects: objects.get(c)! } : {}),
  }));
  return { snapshot: g.info(), rows };
}

/** The k largest objects (by retained size) of each class in `classIds`, with retainer paths, in one pass. */
export function largestPerClass(
  g: HeapGraph,
  classIds: number[],
  k: number,
  accept: (v: number) => boolean,
): Map<number, HeapObjectInfo[]> {
  const result = new Map<number, HeapObjectInfo[]>();
  if (k <= 0 || classIds.length === 0) return result;
  const slot = new Int32Array(g.classes.names.length).fill(-1);
  classIds.forEach((c, i) => (slot[c] = i));
  const best: number[][] = classIds.map(() => []);
  const size = g.dominance.retainedSize;
  const { classOf } = g.classes;
  for (let v = 0; v < g.nodeCount; v++) {
    const i = slot[classOf[v]!]!;
    if (i < 0 || !accept(v)) continue;
    const list = best[i]!;
    if (list.length === k && size[v]! <= size[list[k - 1]!]!) continue;
    if (list.length === k) list.pop();
    let at = list.length;
    while (at > 0 && size[list[at - 1]!]! < size[v]!) at--;
    list.splice(at, 0, v);
  }
  classIds.forEach((c, i) =>
    result.set(
      c,
      best[i]!.map((v) => g.object(v)),
    ),
  );
  return result;
}
