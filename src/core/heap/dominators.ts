import type { RawSnapshot } from './rawSnapshot';
import type { TypeIds } from './typeIds';

/**
 * Retained sizes the way Chrome DevTools computes them (front_end/entrypoints/heap_snapshot_worker/
 * HeapSnapshot.ts), so the numbers agree with what users see there:
 * - "page-owned" flags: everything reachable without weak edges from the root's shortcut edges;
 * - essential edges: not weak, not a self edge, not a shortcut except at the root, not the table's
 *   half of a WeakMap ephemeron pair, not from a non-page-owned node into a page-owned one;
 * - shallow sizes (attributeShallowSizes): hidden/array internals with a single owner are charged to it;
 * - Lengauer–Tarjan dominators over essential edges from the root, then nodes with only weak
 *   retainers, then whatever is still unreached, each as a child of the root.
 */
export interface Dominance {
  /** Immediate dominator ordinal per node (the root dominates itself). */
  readonly dominator: Uint32Array;
  readonly retainedSize: Float64Array;
  /** CSR of the dominator tree: children of node i are `dominated[firstDominated[i] .. firstDominated[i+1]]`. */
  readonly firstDominated: Uint32Array;
  readonly dominated: Uint32Array;
}

export const ROOT = 0;
const PAGE_OBJECT = 1;
const WEAKMAP_EDGE =
  /^\d+(?<duplicatedPart> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/;

export function computeDominance(s: RawSnapshot, t: TypeIds): Dominance {
  const { dominator, order, reached } = dominatorTree(s, t);
  const retainedSize = new Float64Array(s.nodeCount);
  for (let i = 0; i < s.nodeCount; i++) retainedSize[i] = s.nodeSelfSize[i]!;
  for (let i = reached - 1; i > 0; i--) {
    const v = order[i]!;
    retainedSize[dominator[v]!]! += retainedSize[v]!;
  }
  const { firstDominated, dominated } = buildDominatedNodes(dominator);
  return { dominator, retainedSize, firstDominated, dominated };
}

/** Flags, essential edges and retainers live only as long as this call, so they can be freed early. */
function dominatorTree(s: RawSnapshot, t: TypeIds): { dominator: Uint32Array; order: Uint32Array; reached: number } {
  const { essential, firstRetainer, retainers } = essentialEdges(s, t, markPageOwnedNodes(s, t));
  const retainingNode = buildRetainers(s, essential, firstRetainer, retainers);
  return lengauerTarjan(s, essential, firstRetainer, retainingNode);
}

/** True when the root has edges to non-synthetic nodes ("user roots"), as in normal snapshots. */
export function hasUserRoots(s: RawSnapshot, t: TypeIds): boolean {
  for (let e = s.firstEdge[ROOT]!; e < s.firstEdge[ROOT + 1]!; e++) if (s.nodeType[s.edgeTo[e]!] !== t.synthetic) return true;
  return false;
}

function markPageOwnedNodes(s: RawSnapshot, t: TypeIds): Uint8Array {
  const flags = new Uint8Array(s.nodeCount);
  const stack = new Uint32Array(s.nodeCount);
  let top = 0;
  for (let e = s.firstEdge[ROOT]!; e < s.firstEdge[ROOT + 1]!; e++) {
    const type = s.edgeType[e]!;
    const to = s.edgeTo[e]!;
    if (type === t.edgeElement) {
      if (!(s.nodeType[to] === t.synthetic && s.strings[s.nodeName[to]!] === '(Document DOM trees)')) continue;
    } else if (type !== t.edgeShortcut) continue;
    stack[top++] = to;
    flags[to]! |= PAGE_OBJECT;
  }
  while (top > 0) {
    const v = stack[--top]!;
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e++) {
      const to = s.edgeTo[e]!;
      if (flags[to]! & PAGE_OBJECT || s.edgeType[e] === t.edgeWeak) continue;
      stack[top++] = to;
      flags[to]! |= PAGE_OBJECT;
    }
  }
  return flags;
}

/** Essential edges, with each node's count of essential retainers summed into `firstRetainer` (a CSR offset array). */
function essentialEdges(
  s: RawSnapshot,
  t: TypeIds,
  flags: Uint8Array,
): { essential: Uint8Array; firstRetainer: Uint32Array; retainers: number } {
  const essential = new Uint8Array(s.edgeCount);
  const firstRetainer = new Uint32Array(s.nodeCount + 1);
  let retainers = 0;
  const { firstEdge, edgeType, edgeTo, edgeName, nodeId, strings } = s;
  // Which strings could name an ephemeron edge, decided once per string instead of once per edge.
  const maybeEphemeron = new Uint8Array(strings.length);
  for (let i = 0; i < strings.length; i++) {
    const name = strings[i]!;
    if (name.length > 30 && name.endsWith(')') && name.includes('pair in WeakMap')) maybeEphemeron[i] = 1;
  }
  for (let v = 0; v < s.nodeCount; v++) {
    const vFlag = flags[v]! & PAGE_OBJECT;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e++) {
      const type = edgeType[e]!;
      if (type === t.edgeWeak) continue;
      if (type === t.edgeInternal && maybeEphemeron[edgeName[e]!]) {
        const match = WEAKMAP_EDGE.exec(strings[edgeName[e]!]!);
        if (match && nodeId[v] === Number(match.groups!.tableId)) continue;
      }
      const to = edgeTo[e]!;
      if (to === v) continue;
      if (v !== ROOT) {
        if (type === t.edgeShortcut) continue;
        if (flags[to]! & PAGE_OBJECT && !vFlag) continue;
      }
      essential[e] = 1;
      firstRetainer[to + 1]!++;
      retainers++;
    }
  }
  for (let i = 0; i < s.nodeCount; i++) firstRetainer[i + 1]! += firstRetainer[i]!;
  return { essential, firstRetainer, retainers };
}

/** DevTools' calculateShallowSizes (run it before computeDominance, as DevTools does): internals (hidden, arrays, external string data) owned by one object count as that object's size. */
export function attributeShallowSizes(s: RawSnapshot, t: TypeIds): void {
  if (!hasUserRoots(s, t)) return;
  const n = s.nodeCount;
  const UNVISITED = 0xffffffff;
  const MULTIPLE = 0xfffffffe;
  const owners = new Uint32Array(n);
  const worklist = new Uint32Array(2 * n + 1);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const type = s.nodeType[i];
    if (type === t.hidden || type === t.array || (type === t.native && s.strings[s.nodeName[i]!] === 'system / ExternalStringData')) {
      owners[i] = UNVISITED;
    } else {
      owners[i] = i;
      worklist[top++] = i;
    }
  }
  while (top > 0) {
    const id = worklist[--top]!;
    const owner = owners[id]!;
    for (let e = s.firstEdge[id]!; e < s.firstEdge[id + 1]!; e++) {
      if (s.edgeType[e] === t.edgeWeak) continue;
      const target = s.edgeTo[e]!;
      const current = owners[target]!;
      if (current === UNVISITED) {
        owners[target] = owner;
        worklist[top++] = target;
      } else if (current !== target && current !== owner && current !== MULTIPLE) {
        owners[target] = MULTIPLE;
        worklist[top++] = target;
      }
    }
  }
  const size = s.nodeSelfSize;
  for (let i = 0; i < n; i++) {
    const owner = owners[i]!;
    if (owner === UNVISITED || owner === MULTIPLE || owner === i) continue;
    if (s.nodeType[owner] === t.synthetic || owner === ROOT) continue;
    size[owner]! += size[i]!;
    size[i] = 0;
  }
}

function buildRetainers(s: RawSnapshot, essential: Uint8Array, firstRetainer: Uint32Array, retainers: number): Uint32Array {
  return fillFromEnd(firstRetainer, retainers, (place) => {
    const { firstEdge, edgeTo } = s;
    for (let v = s.nodeCount - 1, e = s.edgeCount - 1; v >= 0; v--) {
      for (const start = firstEdge[v]!; e >= start; e--) if (essential[e]) place(edgeTo[e]!, v);
    }
  });
}

/**
 * Fills the lists of a CSR whose offsets are in `first` (list i at first[i] .. first[i+1]) without
 * a cursor array: each item goes just before the end of its list, moving that end down to the
 * list's start, and the offsets are shifted back at the end. Items given in descending order end
 * up ascending.
 */
function fillFromEnd(first: Uint32Array, total: number, each: (place: (list: number, item: number) => void) => void): Uint32Array {
  const items = new Uint32Array(total);
  each((list, item) => {
    items[--first[list + 1]!] = item;
  });
  first.copyWithin(0, 1);
  first[first.length - 1] = total;
  return items;
}

/**
 * Lengauer & Tarjan, "A fast algorithm for finding dominators in a flowgraph" (1979), simple
 * eval/link, iterative DFS and path compression, exactly as DevTools runs it. Vertices are
 * numbered 1..n (0 means none). Returns dominators by ordinal and the DFS order.
 */
function lengauerTarjan(
  s: RawSnapshot,
  essential: Uint8Array,
  firstRetainer: Uint32Array,
  retainingNode: Uint32Array,
): { dominator: Uint32Array; order: Uint32Array; reached: number } {
  const nodeCount = s.nodeCount;
  const { firstEdge, edgeTo } = s;
  const size = nodeCount + 1;
  const parent = new Uint32Array(size);
  const ancestor = new Uint32Array(size);
  const vertex = new Uint32Array(size);
  const label = new Uint32Array(size);
  const semi = new Uint32Array(size);
  const nextEdge = new Uint32Array(size);
  let n = 0;

  const dfs = (root: number) => {
    nextEdge[root] = firstEdge[root - 1]!;
    let v = root;
    while (v !== 0) {
      if (semi[v] === 0) {
        semi[v] = ++n;
        vertex[n] = label[v] = v;
      }
      let vNext = parent[v]!;
      const end = firstEdge[v]!; // firstEdge[(v - 1) + 1]
      let e = nextEdge[v]!;
      for (; e < end; e++) {
        if (!essential[e]) continue;
        const w = edgeTo[e]! + 1;
        if (semi[w] === 0) {
          parent[w] = v;
          nextEdge[w] = firstEdge[w - 1]!;
          vNext = w;
          // Edge e is done: w is visited by the time the walk comes back to v.
          e++;
          break;
        }
      }
      nextEdge[v] = e;
      v = vNext;
    }
  };

  // The path compressed at once is short in real heaps: the stack grows only when one is not.
  let stack = new Uint32Array(1024);
  const evaluate = (v0: number): number => {
    if (ancestor[v0] === 0) return v0;
    let v = v0;
    let sp = 0;
    while (ancestor[ancestor[v]!] !== 0) {
      if (++sp === stack.length) {
        const grown = new Uint32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      stack[sp] = v;
      v = ancestor[v]!;
    }
    while (sp > 0) {
      const w = stack[sp--]!;
      if (semi[label[ancestor[w]!]!]! < semi[label[w]!]!) label[w] = label[ancestor[w]!]!;
      ancestor[w] = ancestor[ancestor[w]!]!;
    }
    return label[v0]!;
  };

  const r = ROOT + 1;
  dfs(r);
  if (n < nodeCount) {
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] === 0 && onlyWeakRetainers(v - 1, firstRetainer)) {
        parent[v] = r;
        dfs(v);
      }
    }
  }
  if (n < nodeCount) {
    for (let v = 1; v <= nodeCount; v++) {
      if (semi[v] === 0) {
        parent[v] = r;
        semi[v] = ++n;
        vertex[n] = label[v] = v;
      }
    }
  }

  const dom = new Uint32Array(size);
  // Buckets as singly linked lists: each vertex enters exactly one bucket once.
  const bucketHead = nextEdge; // reuse: the DFS is done with it
  bucketHead.fill(0);
  const bucketNext = new Uint32Array(size);
  for (let i = n; i >= 2; --i) {
    const w = vertex[i]!;
    const wOrdinal = w - 1;
    let orphan = true;
    for (let ri = firstRetainer[wOrdinal]!; ri < firstRetainer[wOrdinal + 1]!; ri++) {
      orphan = false;
      const u = evaluate(retainingNode[ri]! + 1);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    if (orphan) semi[w] = semi[r]!;
    const b = vertex[semi[w]!]!;
    bucketNext[w] = bucketHead[b]!;
    bucketHead[b] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v !== 0; v = bucketNext[v]!) {
      const u = evaluate(v);
      dom[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = 0;
  }
  dom[0] = dom[r] = r;
  for (let i = 2; i <= n; i++) {
    const w = vertex[i]!;
    if (dom[w] !== vertex[semi[w]!]) dom[w] = dom[dom[w]!]!;
  }

  // Results go into arrays the algorithm no longer needs, to keep peak memory down.
  const dominator = parent.subarray(0, nodeCount);
  for (let v = 0; v < nodeCount; v++) dominator[v] = dom[v + 1]! - 1;
  // The DFS order as ordinals; parents always precede children in it.
  const order = vertex.subarray(1, n + 1);
  for (let i = 0; i < n; i++) order[i]!--;
  return { dominator, order, reached: n };
}

function onlyWeakRetainers(ordinal: number, firstRetainer: Uint32Array): boolean {
  // Retainers are built from essential edges only, so "no retainers" means "only weak ones".
  return firstRetainer[ordinal] === firstRetainer[ordinal + 1];
}

function buildDominatedNodes(dominator: Uint32Array): { firstDominated: Uint32Array; dominated: Uint32Array } {
  const n = dominator.length;
  const firstDominated = new Uint32Array(n + 1);
  for (let v = 1; v < n; v++) firstDominated[dominator[v]! + 1]!++;
  for (let i = 0; i < n; i++) firstDominated[i + 1]! += firstDominated[i]!;
  const dominated = fillFromEnd(firstDominated, Math.max(0, n - 1), (place) => {
    for (let v = n - 1; v >= 1; v--) place(dominator[v]!, v);
  });
  return { firstDominated, dominated };
}
