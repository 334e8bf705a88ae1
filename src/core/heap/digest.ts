import type { ClassifiedSnapshot } from './heapGraph';
import type { SnapshotInfo } from './model';

/**
 * What a comparison keeps of an older snapshot once its arrays are dropped: the ids of its counted
 * objects (self size > 0, as DevTools counts them) sorted for binary search, their class and size,
 * and the element counts of its collections.
 */
export interface SnapshotDigest {
  readonly info: SnapshotInfo;
  readonly ids: Uint32Array;
  readonly classOf: Uint32Array;
  readonly selfSize: Uint32Array;
  readonly keys: string[];
  readonly names: string[];
  readonly collectionIds: Uint32Array;
  readonly collectionCounts: Uint32Array;
}

/** The digest of a classified snapshot, with its totals. */
export function digestOf(s: ClassifiedSnapshot): SnapshotDigest {
  let totalSize = 0;
  for (let v = 0; v < s.raw.nodeCount; v++) totalSize += s.raw.nodeSelfSize[v]!;
  return digest(s, { file: s.raw.file, fileBytes: s.raw.fileBytes, nodeCount: s.raw.nodeCount, edgeCount: s.raw.edgeCount, totalSize });
}

/** Buffers of a digest, to transfer it between threads without copying. */
export function digestBuffers(d: SnapshotDigest): ArrayBuffer[] {
  return [d.ids, d.classOf, d.selfSize, d.collectionIds, d.collectionCounts].map((a) => a.buffer as ArrayBuffer);
}

export function digest(s: ClassifiedSnapshot, info: SnapshotInfo): SnapshotDigest {
  const { raw, classes } = s;
  let counted = 0;
  for (let v = 0; v < raw.nodeCount; v++) if (raw.nodeSelfSize[v]! > 0) counted++;
  const ordinals = new Uint32Array(counted);
  const rawIds = new Uint32Array(counted);
  for (let v = 0, i = 0; v < raw.nodeCount; v++) {
    if (raw.nodeSelfSize[v]! > 0) {
      ordinals[i] = v;
      rawIds[i++] = raw.nodeId[v]!;
    }
  }
  const order = sortPermutation(rawIds);
  const ids = new Uint32Array(counted);
  const classOf = new Uint32Array(counted);
  const selfSize = new Uint32Array(counted);
  for (let i = 0; i < counted; i++) {
    const v = ordinals[order[i]!]!;
    ids[i] = raw.nodeId[v]!;
    classOf[i] = classes.classOf[v]!;
    selfSize[i] = raw.nodeSelfSize[v]!;
  }
  const collections = new CollectionCounter(s);
  const cIds: number[] = [];
  const cCounts: number[] = [];
  for (let v = 0; v < raw.nodeCount; v++) {
    const kind = collections.kind(v);
    if (kind === undefined) continue;
    cIds.push(raw.nodeId[v]!);
    cCounts.push(collections.count(v, kind));
  }
  const cOrder = sortPermutation(Uint32Array.from(cIds));
  const collectionIds = new Uint32Array(cIds.length);
  const collectionCounts = new Uint32Array(cIds.length);
  for (let i = 0; i < cIds.length; i++) {
    collectionIds[i] = cIds[cOrder[i]!]!;
    collectionCounts[i] = cCounts[cOrder[i]!]!;
  }
  return { info, ids, classOf, selfSize, keys: classes.keys, names: classes.names, collectionIds, collectionCounts };
}

/** Position of `id` in the sorted `ids`, or -1. */
export function findId(ids: Uint32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = ids[mid]!;
    if (x < id) lo = mid + 1;
    else if (x > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Indices of `keys` in ascending key order: LSD radix sort, two 16-bit passes (no comparator calls). */
export function sortPermutation(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65537);
    for (let i = 0; i < n; i++) counts[((keys[i]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 65536; b++) counts[b + 1]! += counts[b]!;
    for (let i = 0; i < n; i++) {
      const index = from[i]!;
      to[counts[(keys[index]! >>> shift) & 0xffff]!++] = index;
    }
    [from, to] = [to, from];
  }
  return from;
}

export type CollectionKind = 'Map' | 'Set' | 'Array' | 'Object';

/** Element counts of Maps and Sets (entries of their hash table), Arrays (elements) and plain objects (properties). */
export class CollectionCounter {
  private readonly mapName: number;
  private readonly setName: number;
  private readonly arrayName: number;
  private readonly objectName: number;
  private readonly tableName: number;
  private readonly protoName: number;

  constructor(private readonly s: Omit<ClassifiedSnapshot, 'classes'>) {
    const strings = s.raw.strings;
    this.mapName = strings.indexOf('Map');
    this.setName = strings.indexOf('Set');
    this.arrayName = strings.indexOf('Array');
    this.objectName = strings.indexOf('Object');
    this.tableName = strings.indexOf('table');
    this.protoName = strings.indexOf('__proto__');
  }

  kind(v: number): CollectionKind | undefined {
    const { raw, types } = this.s;
    if (raw.nodeType[v] !== types.object) return undefined;
    const name = raw.nodeName[v];
    if (name === this.mapName) return 'Map';
    if (name === this.setName) return 'Set';
    if (name === this.arrayName) return 'Array';
    if (name === this.objectName) return 'Object';
    return undefined;
  }

  count(v: number, kind: CollectionKind): number {
    const { raw, types: t } = this.s;
    if (kind === 'Map' || kind === 'Set') {
      for (let e = raw.firstEdge[v]!; e < raw.firstEdge[v + 1]!; e++) {
        if (raw.edgeType[e] === t.edgeInternal && raw.edgeName[e] === this.tableName)
          return this.tableEntries(raw.edgeTo[e]!, kind === 'Map' ? 3 : 2);
      }
      return 0;
    }
    let count = 0;
    for (let e = raw.firstEdge[v]!; e < raw.firstEdge[v + 1]!; e++) {
      const type = raw.edgeType[e];
      if (type === t.edgeElement || (kind === 'Object' && type === t.edgeProperty && raw.edgeName[e] !== this.protoName)) count++;
    }
    return count;
  }

  /**
   * Live entries of an OrderedHashMap/Set backing store. The snapshot shows its slots as edges named
   * by slot index, only for slots holding heap objects (Smi keys or values have no edge). The layout
   * is 3 header slots, `buckets` Smi slots, then entries of (key, value, chain) or (key, chain), with
   * `buckets` a power of two and room for 2×buckets entries; the bucket count is the one under which
   * no edge lands on a (Smi) chain slot, and entries are counted by distinct entry index.
   */
  private tableEntries(table: number, entrySize: number): number {
    const { raw, types: t } = this.s;
    const slots: number[] = [];
    for (let e = raw.firstEdge[table]!; e < raw.firstEdge[table + 1]!; e++) {
      const type = raw.edgeType[e];
      const slot =
        type === t.edgeElement || type === t.edgeHidden
          ? raw.edgeName[e]!
          : type === t.edgeInternal
            ? Number(raw.strings[raw.edgeName[e]!])
            : NaN;
      if (Number.isInteger(slot)) slots.push(slot);
    }
    if (slots.length === 0) return 0;
    let max = 0;
    for (const slot of slots) if (slot > max) max = slot;
    const chain = entrySize - 1;
    for (let buckets = 1; buckets <= max; buckets *= 2) {
      const base = 3 + buckets;
      if (3 + buckets + 2 * buckets * entrySize <= max) continue;
      if (slots.some((i) => i < base || (i - base) % entrySize === chain)) continue;
      // Distinct entries through a bitmap: a Set would stop at 2^24 entries.
      const seen = new Uint8Array(Math.floor((max - base) / entrySize) + 1);
      let entries = 0;
      for (const i of slots) {
        const entry = Math.floor((i - base) / entrySize);
        if (!seen[entry]) {
          seen[entry] = 1;
          entries++;
        }
      }
      return entries;
    }
    return Math.ceil(slots.length / (entrySize - 1));
  }
}
