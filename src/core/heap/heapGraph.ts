import { classify, type ClassTable, type InterfaceDefinition, type SourceLocation } from './classes';
import { attributeShallowSizes, computeDominance, ROOT, type Dominance } from './dominators';
import { locationOffsets } from './locationFields';
import type { HeapObjectInfo, SnapshotInfo } from './model';
import type { RawSnapshot } from './rawSnapshot';
import { readHeapSnapshot } from './readHeapSnapshot';
import type { ReadOptions } from './snapshotReader';
import { typeIds, type TypeIds } from './typeIds';

export interface LoadOptions extends ReadOptions {
  /** Classify plain objects with these interface definitions (from the snapshot compared against). */
  interfaces?: InterfaceDefinition[];
  onPhase?(phase: 'dominators' | 'summarising'): void;
}

const NONE = 0xffffffff;

export interface ClassifiedSnapshot {
  readonly raw: RawSnapshot;
  readonly types: TypeIds;
  readonly classes: ClassTable;
}

/**
 * Reads a snapshot with DevTools' shallow sizes and (unless `classes` is false) its classes, without
 * dominators: all a snapshot needs to be the older side of a comparison.
 */
export function loadClassified(file: string, options: LoadOptions, classes: false): Omit<ClassifiedSnapshot, 'classes'>;
export function loadClassified(file: string, options: LoadOptions, classes?: true): ClassifiedSnapshot;
export function loadClassified(
  file: string,
  options: LoadOptions,
  withClasses = true,
): Omit<ClassifiedSnapshot, 'classes'> & { classes?: ClassTable } {
  const raw = readHeapSnapshot(file, options);
  const types = typeIds(raw.meta);
  attributeShallowSizes(raw, types);
  return withClasses ? { raw, types, classes: classify(raw, types, options.interfaces) } : { raw, types };
}

/** One snapshot, parsed, with dominators, retained sizes, classes and (lazily) shortest retainer paths. */
export class HeapGraph implements ClassifiedSnapshot {
  private parentNode?: Uint32Array;
  private scriptUrls?: Map<number, string>;
  private parentEdge?: Uint32Array;

  private constructor(
    readonly raw: RawSnapshot,
    readonly types: TypeIds,
    readonly dominance: Dominance,
    readonly classes: ClassTable,
  ) {}

  static load(file: string, options: LoadOptions = {}): HeapGraph {
    const { raw, types } = loadClassified(file, options, false);
    options.onPhase?.('dominators');
    const dominance = computeDominance(raw, types);
    options.onPhase?.('summarising');
    const classes = classify(raw, types, options.interfaces);
    return new HeapGraph(raw, types, dominance, classes);
  }

  get nodeCount(): number {
    return this.raw.nodeCount;
  }

  info(): SnapshotInfo {
    return {
      file: this.raw.file,
      fileBytes: this.raw.fileBytes,
      nodeCount: this.raw.nodeCount,
      edgeCount: this.raw.edgeCount,
      totalSize: this.dominance.retainedSize[ROOT]!,
    };
  }

  className(v: number): string {
    return this.classes.names[this.classes.classOf[v]!]!;
  }

  nodeName(v: number): string {
    return this.raw.strings[this.raw.nodeName[v]!] ?? '';
  }

  object(v: number): HeapObjectInfo {
    const at = this.classes.locationOf[v]!;
    const l = this.raw.locations;
    const lo = locationOffsets(this.raw.meta);
    return {
      id: this.raw.nodeId[v]!,
      name: this.nodeName(v),
      className: this.className(v),
      selfSize: this.raw.nodeSelfSize[v]!,
      retainedSize: this.dominance.retainedSize[v]!,
      retainerPath: this.retainerPath(v),
      ...(at >= 0
        ? { location: this.withUrl({ scriptId: l[at + lo.scriptId]!, line: l[at + lo.line]!, column: l[at + lo.column]! }) }
        : {}),
    };
  }

  /** Adds the script's URL to a location when the snapshot records it. */
  withUrl(location: SourceLocation): SourceLocation & { url?: string } {
    const url = this.scriptUrl(location.scriptId);
    return url ? { ...location, url } : location;
  }

  /**
   * The URL of a script id. Locations only carry ids; the URL is the name V8 gives the Script node,
   * reached from any located function through shared → script_or_debug_info (script in older V8).
   */
  scriptUrl(scriptId: number): string | undefined {
    if (!this.scriptUrls) {
      const urls = new Map<number, string>();
      const { raw, types: t } = this;
      const strings = raw.strings;
      const edgeTo = (v: number, names: string[]) => {
        for (let e = raw.firstEdge[v]!; e < raw.firstEdge[v + 1]!; e++)
          if (raw.edgeType[e] === t.edgeInternal && names.includes(strings[raw.edgeName[e]!]!)) return raw.edgeTo[e]!;
        return -1;
      };
      const l = raw.locations;
      const lo = locationOffsets(raw.meta);
      const fieldCount = raw.meta.nodeFieldCount;
      for (let i = 0; i + 3 < l.length; i += raw.meta.locationFieldCount) {
        const id = l[i + lo.scriptId]!;
        const v = l[i]! / fieldCount;
        if (urls.has(id) || raw.nodeType[v] !== t.closure) continue;
        const shared = edgeTo(v, ['shared']);
        const script = shared < 0 ? -1 : edgeTo(shared, ['script_or_debug_info', 'script']);
        const url = script < 0 ? '' : this.nodeName(script);
        if (url) urls.set(id, url);
      }
      this.scriptUrls = urls;
    }
    return this.scriptUrls.get(scriptId);
  }

  /**
   * The shortest path from a GC root to the node, told from the node outwards in the words of the
   * program: class names, property and variable names, skipping V8's internal arrays.
   */
  retainerPath(v: number, maxParts = 8): string {
    this.ensureRetainerTree();
    const parentNode = this.parentNode!;
    const parentEdge = this.parentEdge!;
    const { raw, types: t } = this;
    const parts = [this.label(v)];
    const push = (part: string) => {
      if (part && parts[parts.length - 1] !== part) parts.push(part);
    };
    let cur = v;
    for (let steps = 0; steps < 10_000 && parts.length < maxParts; steps++) {
      const p = parentNode[cur]!;
      if (p === NONE) {
        if (cur !== ROOT && cur !== v) push(this.label(cur));
        break;
      }
      const e = parentEdge[cur]!;
      const edgeType = raw.edgeType[e]!;
      if (edgeType === t.edgeProperty || edgeType === t.edgeContext || edgeType === t.edgeShortcut) push(raw.strings[raw.edgeName[e]!]!);
      if (p === ROOT) break;
      const pType = raw.nodeType[p]!;
      if (pType === t.synthetic) {
        push(this.nodeName(p));
        break;
      }
      if (edgeType === t.edgeContext) push('(scope)');
      else if (pType !== t.hidden && pType !== t.array) push(this.label(p));
      cur = p;
    }
    return parts.join(' ← ');
  }

  private label(v: number): string {
    const type = this.raw.nodeType[v]!;
    if (type === this.types.closure) {
      const name = this.nodeName(v);
      return name ? `${name}()` : '(anonymous function)';
    }
    return this.className(v);
  }

  /** Breadth-first from the root over non-weak edges, as DevTools' distances: user roots first. */
  private ensureRetainerTree(): void {
    if (this.parentNode) return;
    const { raw, types: t } = this;
    const n = raw.nodeCount;
    const parentNode = new Uint32Array(n).fill(NONE);
    const parentEdge = new Uint32Array(n);
    const seen = new Uint8Array(n);
    const queue = new Uint32Array(n);
    let head = 0;
    let tail = 0;
    seen[ROOT] = 1;
    for (let e = raw.firstEdge[ROOT]!; e < raw.firstEdge[ROOT + 1]!; e++) {
      const to = raw.edgeTo[e]!;
      if (raw.nodeType[to] !== t.synthetic && !seen[to]) {
        seen[to] = 1;
        queue[tail++] = to;
      }
    }
    const visit = () => {
      while (head < tail) {
        const v = queue[head++]!;
        for (let e = raw.firstEdge[v]!; e < raw.firstEdge[v + 1]!; e++) {
          if (raw.edgeType[e] === t.edgeWeak) continue;
          const to = raw.edgeTo[e]!;
          if (seen[to]) continue;
          seen[to] = 1;
          parentNode[to] = v;
          parentEdge[to] = e;
          queue[tail++] = to;
        }
      }
    };
    visit();
    queue[tail++] = ROOT;
    visit();
    this.parentNode = parentNode;
    this.parentEdge = parentEdge;
  }
}
