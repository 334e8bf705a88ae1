import { closeSync, readSync } from 'node:fs';
import { HeapSnapshotError, type RawSnapshot, type SnapshotMeta } from './rawSnapshot';
import { openSnapshotFile } from './snapshotInput';

/**
 * Reads a JavaScriptCore heap snapshot (Bun's `Heap.snapshot`, Safari's Web Inspector, version 2–3,
 * type "Inspector" or "GCDebugging") into the same columns as a V8 snapshot, so dominators, retained
 * sizes, classes, comparison and leak finding run unchanged on it.
 *
 * The JSC format: `nodes` is [id, size, classNameIndex, flags] per node (three more fields in
 * GCDebugging snapshots), node 0 is the root with id 0; `edges` is [fromId, toId, typeIndex, data]
 * sorted by fromId, where data is an index into `edgeNames` for Property and Variable edges and the
 * element index for Index edges. Edges name nodes by id, not position. Flag bit 0 marks internal
 * cells (structures, code, executables: no realm of their own).
 *
 * How the columns are filled:
 * - node types: the root is `synthetic`; `string`, `symbol` and BigInts keep those types; internal
 *   cells are `hidden` (shown as "(system)", and charged to a single owner as DevTools does); every
 *   other cell is an `object` named by its JSC class, which for plain objects is the constructor's
 *   name (`LeakyRecord`), so classes group as they do for V8;
 * - edge types: Internal → internal, Property → property, Index → element, Variable → context.
 *
 * Only the numeric arrays are tokenized byte by byte; the string tables go through JSON.parse.
 */

const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'symbol',
  'bigint',
];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
const T = Object.fromEntries(NODE_TYPES.map((t, i) => [t, i])) as Record<string, number>;
const E = Object.fromEntries(EDGE_TYPES.map((t, i) => [t, i])) as Record<string, number>;
const EDGE_TYPE_OF: Record<string, number> = { Internal: E.internal!, Property: E.property!, Index: E.element!, Variable: E.context! };
const INTERNAL_FLAG = 1;

const NUMBER_ARRAYS = new Set(['nodes', 'edges', 'roots']);
const CHUNK = 4 << 20;

export interface JscReadOptions {
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Refuse snapshots whose typed arrays would need more than this (bytes). */
  maxArrayBytes?: number;
  /** Read size; tests use odd small sizes to put every token across a chunk boundary. */
  chunkBytes?: number;
}

/** True when the first bytes of a file are a JavaScriptCore snapshot's opening. */
export function looksLikeJscSnapshot(head: string): boolean {
  return /^\s*\{\s*"version"\s*:\s*\d+\s*,\s*"type"\s*:\s*"(Inspector|GCDebugging)"/.test(head);
}

export function readJscSnapshot(file: string, options: JscReadOptions = {}): RawSnapshot {
  // Refuses directories, FIFOs and empty files with the path, as the V8 reader does.
  const { fd, size } = openSnapshotFile(file);
  let parsed: ParsedJsc;
  try {
    parsed = new JscTokenizer(file, fd, size, options).run();
  } finally {
    closeSync(fd);
  }
  return toRawSnapshot(file, size, parsed, options);
}

interface ParsedJsc {
  numbers: Map<string, Uint32Array>;
  values: Map<string, unknown>;
}

/** A Uint32Array that grows by doubling. */
class GrowingArray {
  private data = new Uint32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  done(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

const enum State {
  SeekKey,
  Key,
  SeekValue,
  Numbers,
  Raw,
  Done,
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = 91;
const CLOSE = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;

/** The top-level object, one key at a time: number arrays into typed arrays, everything else through JSON.parse. */
class JscTokenizer {
  private state = State.SeekKey;
  private key = '';
  private started = false;
  private readonly numbers = new Map<string, Uint32Array>();
  private readonly values = new Map<string, unknown>();
  // Number array state, kept across chunk boundaries.
  private target = new GrowingArray();
  private value = 0;
  private inNumber = false;
  private inString = false;
  private escape = false;
  // Raw value state.
  private rawParts: Buffer[] = [];
  private rawDepth = 0;
  private rawScalar = false;

  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly size: number,
    private readonly options: JscReadOptions,
  ) {}

  run(): ParsedJsc {
    const buf = Buffer.allocUnsafe(this.options.chunkBytes ?? CHUNK);
    let position = 0;
    let lastReport = 0;
    while (this.state !== State.Done) {
      const n = readSync(this.fd, buf, 0, buf.length, position);
      if (n === 0) break;
      position += n;
      this.consume(buf, n);
      if (this.options.onProgress && position - lastReport > 64 * 2 ** 20) {
        lastReport = position;
        this.options.onProgress(position, this.size);
      }
    }
    if (this.state !== State.Done) throw this.bad('it ends before its closing brace (truncated?)');
    return { numbers: this.numbers, values: this.values };
  }

  private bad(what: string): HeapSnapshotError {
    return new HeapSnapshotError(`${this.file} is not a readable JavaScriptCore heap snapshot: ${what}`);
  }

  private consume(buf: Buffer, end: number): void {
    let rawStart = this.state === State.Raw ? 0 : -1;
    for (let i = 0; i < end; i++) {
      const c = buf[i]!;
      switch (this.state) {
        case State.SeekKey:
          if (!this.started) {
            if (c === OPEN_BRACE) this.started = true;
            else if (!isSpace(c)) throw this.bad('it does not start with {');
          } else if (c === QUOTE) {
            this.key = '';
            this.state = State.Key;
          } else if (c === CLOSE_BRACE) this.state = State.Done;
          else if (c !== COMMA && !isSpace(c)) throw this.bad(`unexpected "${String.fromCharCode(c)}" between keys`);
          break;
        case State.Key:
          if (c === QUOTE) this.state = State.SeekValue;
          else if (this.key.length < 64) this.key += String.fromCharCode(c);
          else throw this.bad('a key of more than 64 characters');
          break;
        case State.SeekValue:
          if (c === 58 /* : */ || isSpace(c)) break;
          if (c === OPEN && NUMBER_ARRAYS.has(this.key)) {
            this.target = new GrowingArray();
            this.value = 0;
            this.inNumber = this.inString = this.escape = false;
            this.state = State.Numbers;
          } else {
            this.rawParts = [];
            rawStart = i;
            this.rawScalar = c !== OPEN && c !== OPEN_BRACE && c !== QUOTE;
            this.rawDepth = c === OPEN || c === OPEN_BRACE ? 1 : 0;
            this.inString = c === QUOTE;
            this.escape = false;
            this.state = State.Raw;
          }
          break;
        case State.Numbers:
          this.number(c);
          break;
        case State.Raw: {
          const endsAt = this.raw(c);
          if (endsAt === undefined) break;
          const last = endsAt === 'before' ? i : i + 1;
          this.rawParts.push(Buffer.from(buf.subarray(rawStart, last)));
          this.finishRaw();
          // A scalar ends at the delimiter, which belongs to the object.
          if (endsAt === 'before') i--;
          break;
        }
        case State.Done:
          return;
      }
    }
    if (this.state === State.Raw) this.rawParts.push(Buffer.from(buf.subarray(Math.max(0, rawStart), end)));
  }

  private number(c: number): void {
    if (this.inString) {
      // GCDebugging snapshots put cell addresses ("0x…") among the numbers: they count as 0.
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) {
        this.inString = false;
        this.target.push(0);
      }
      return;
    }
    if (c >= 48 && c <= 57) {
      this.value = this.value * 10 + (c - 48);
      this.inNumber = true;
      return;
    }
    if (this.inNumber) {
      this.target.push(this.value > 0xffffffff ? 0xffffffff : this.value);
      this.value = 0;
      this.inNumber = false;
    }
    if (c === QUOTE) this.inString = true;
    else if (c === CLOSE) {
      this.numbers.set(this.key, this.target.done());
      this.state = State.SeekKey;
    } else if (c !== COMMA && !isSpace(c)) throw this.bad(`unexpected "${String.fromCharCode(c)}" in the "${this.key}" array`);
  }

  /** Tracks a JSON value; says where it ends (after this byte, or before it for a bare scalar). */
  private raw(c: number): 'after' | 'before' | undefined {
    if (this.rawScalar) return c === COMMA || c === CLOSE_BRACE || isSpace(c) ? 'before' : undefined;
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) {
        this.inString = false;
        if (this.rawDepth === 0) return 'after';
      }
      return undefined;
    }
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN || c === OPEN_BRACE) this.rawDepth++;
    else if (c === CLOSE || c === CLOSE_BRACE) {
      if (--this.rawDepth === 0) return 'after';
    }
    return undefined;
  }

  private finishRaw(): void {
    const text = Buffer.concat(this.rawParts).toString('utf8');
    this.rawParts = [];
    try {
      this.values.set(this.key, JSON.parse(text));
    } catch (err) {
      throw this.bad(`the "${this.key}" value is malformed (${(err as Error).message})`);
    }
    this.state = State.SeekKey;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function stringArray(parsed: ParsedJsc, key: string, file: string): string[] {
  const value = parsed.values.get(key);
  if (!Array.isArray(value)) throw new HeapSnapshotError(`${file} is not a readable JavaScriptCore heap snapshot: no "${key}" list`);
  return value.map((v) => (typeof v === 'string' ? v : String(v)));
}

function toRawSnapshot(file: string, fileBytes: number, parsed: ParsedJsc, options: JscReadOptions): RawSnapshot {
  const bad = (what: string) => new HeapSnapshotError(`${file} is not a readable JavaScriptCore heap snapshot: ${what}`);
  const type = parsed.values.get('type');
  const fieldCount = type === 'GCDebugging' ? 7 : 4;
  const nodes = parsed.numbers.get('nodes');
  const edges = parsed.numbers.get('edges');
  if (!nodes || !edges) throw bad('no "nodes" or "edges" array');
  if (nodes.length % fieldCount !== 0 || edges.length % 4 !== 0) throw bad('its node or edge array has a partial record');
  const classNames = stringArray(parsed, 'nodeClassNames', file);
  const edgeTypeNames = stringArray(parsed, 'edgeTypes', file);
  const edgeNames = stringArray(parsed, 'edgeNames', file);
  const nodeCount = nodes.length / fieldCount;
  const rawEdgeCount = edges.length / 4;
  if (nodeCount === 0 || nodes[0] !== 0) throw bad('the first node is not the root (id 0)');
  const need = nodeCount * 70 + rawEdgeCount * 18;
  if (options.maxArrayBytes !== undefined && need > options.maxArrayBytes) {
    throw new HeapSnapshotError(
      `${file} has ${nodeCount.toLocaleString('en-US')} nodes and ${rawEdgeCount.toLocaleString('en-US')} edges; analysing it needs ` +
        `about ${Math.ceil(need / 2 ** 20)} MB, over the ${Math.floor(options.maxArrayBytes / 2 ** 20)} MB cap`,
    );
  }

  // One string table: '' first, then class names, then edge names.
  const strings = ['', ...classNames, ...edgeNames];
  const classBase = 1;
  const edgeNameBase = 1 + classNames.length;
  const special = (name: string) => classNames.indexOf(name);
  const typeByClass = new Map<number, number>([
    [special('string'), T.string!],
    [special('symbol'), T.symbol!],
    [special('BigInt'), T.bigint!],
    [special('JSBigInt'), T.bigint!],
  ]);

  const nodeType = new Uint8Array(nodeCount);
  const nodeName = new Uint32Array(nodeCount);
  const nodeId = new Uint32Array(nodeCount);
  const nodeSelfSize = new Uint32Array(nodeCount);
  for (let v = 0, at = 0; v < nodeCount; v++, at += fieldCount) {
    const classIndex = nodes[at + 2]!;
    if (classIndex >= classNames.length) throw bad(`node ${v} names class ${classIndex}, past the end of nodeClassNames`);
    nodeId[v] = nodes[at]!;
    nodeSelfSize[v] = nodes[at + 1]!;
    nodeName[v] = classBase + classIndex;
    nodeType[v] = v === 0 ? T.synthetic! : (typeByClass.get(classIndex) ?? (nodes[at + 3]! & INTERNAL_FLAG ? T.hidden! : T.object!));
  }
  nodeName[0] = 0;

  const ordinalOf = idLookup(nodeId);
  const edgeKind = edgeTypeNames.map((name) => EDGE_TYPE_OF[name] ?? E.internal!);
  const duplicate = internalDuplicates(edges, edgeKind);
  // Edges come sorted by id, but node order is not id order: place them by ordinal (counting sort).
  const from = new Uint32Array(rawEdgeCount);
  const to = new Uint32Array(rawEdgeCount);
  const firstEdge = new Uint32Array(nodeCount + 1);
  let kept = 0;
  for (let e = 0; e < rawEdgeCount; e++) {
    const f = ordinalOf(edges[e * 4]!);
    const t = ordinalOf(edges[e * 4 + 1]!);
    // Edges to cells the snapshot left out (JSC drops them too) are skipped.
    if (f < 0 || t < 0 || duplicate[e]) {
      from[e] = 0xffffffff;
      continue;
    }
    from[e] = f;
    to[e] = t;
    firstEdge[f + 1]!++;
    kept++;
  }
  for (let v = 0; v < nodeCount; v++) firstEdge[v + 1]! += firstEdge[v]!;
  const cursor = firstEdge.slice(0, nodeCount);
  const edgeType = new Uint8Array(kept);
  const edgeName = new Uint32Array(kept);
  const edgeTo = new Uint32Array(kept);
  for (let e = 0; e < rawEdgeCount; e++) {
    const f = from[e]!;
    if (f === 0xffffffff) continue;
    const typeIndex = edges[e * 4 + 2]!;
    const kind = edgeKind[typeIndex];
    if (kind === undefined) throw bad(`edge ${e} has type ${typeIndex}, past the end of edgeTypes`);
    const data = edges[e * 4 + 3]!;
    const slot = cursor[f]!++;
    edgeType[slot] = kind;
    edgeTo[slot] = to[e]!;
    if (kind === E.element) edgeName[slot] = data;
    else if (kind === E.internal) edgeName[slot] = 0;
    else {
      if (data >= edgeNames.length) throw bad(`edge ${e} names string ${data}, past the end of edgeNames`);
      edgeName[slot] = edgeNameBase + data;
    }
  }

  return {
    file,
    fileBytes,
    meta: jscMeta(nodeCount, kept),
    nodeCount,
    edgeCount: kept,
    nodeType,
    nodeName,
    nodeId,
    nodeSelfSize,
    firstEdge,
    edgeType,
    edgeName,
    edgeTo,
    locations: new Uint32Array(0),
    strings,
  };
}

/**
 * JavaScriptCore often reports one reference twice: as a named edge (a property, a scope variable)
 * and as an unnamed Internal edge from the same cell to the same cell. The unnamed twin adds nothing
 * and would let a retainer path go through it, losing the name: it is dropped. Edges come grouped by
 * source (sorted by id), so twins are found within each group.
 */
function internalDuplicates(edges: Uint32Array, edgeKind: number[]): Uint8Array {
  const count = edges.length / 4;
  const duplicate = new Uint8Array(count);
  const named = new Set<number>();
  for (let start = 0; start < count;) {
    const fromId = edges[start * 4]!;
    let end = start;
    while (end < count && edges[end * 4] === fromId) end++;
    named.clear();
    for (let e = start; e < end; e++) if (edgeKind[edges[e * 4 + 2]!] !== E.internal) named.add(edges[e * 4 + 1]!);
    if (named.size > 0) {
      for (let e = start; e < end; e++) if (edgeKind[edges[e * 4 + 2]!] === E.internal && named.has(edges[e * 4 + 1]!)) duplicate[e] = 1;
    }
    start = end;
  }
  return duplicate;
}

/** id → ordinal: a direct table when ids are dense (JSC numbers cells from one counter), else binary search. */
function idLookup(nodeId: Uint32Array): (id: number) => number {
  const n = nodeId.length;
  let max = 0;
  for (let v = 0; v < n; v++) if (nodeId[v]! > max) max = nodeId[v]!;
  if (max <= 8 * n + 65536) {
    const table = new Int32Array(max + 1).fill(-1);
    for (let v = 0; v < n; v++) table[nodeId[v]!] = v;
    return (id) => (id <= max ? table[id]! : -1);
  }
  const sorted = nodeId.slice().sort();
  const ordinalAt = new Uint32Array(n);
  const find = (id: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = sorted[mid]!;
      if (x === id) return mid;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  for (let v = 0; v < n; v++) ordinalAt[find(nodeId[v]!)] = v;
  return (id) => {
    const at = find(id);
    return at < 0 ? -1 : ordinalAt[at]!;
  };
}

/** The meta a V8 snapshot would carry for these columns, so type ids resolve the same way. */
function jscMeta(nodeCount: number, edgeCount: number): SnapshotMeta {
  const nodeFields = ['type', 'name', 'id', 'self_size', 'edge_count'];
  const edgeFields = ['type', 'name_or_index', 'to_node'];
  return {
    raw: { node_fields: nodeFields, node_types: [NODE_TYPES], edge_fields: edgeFields, edge_types: [EDGE_TYPES], location_fields: [] },
    nodeCount,
    edgeCount,
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    nodeTypeOffset: 0,
    nodeNameOffset: 1,
    nodeIdOffset: 2,
    nodeSelfSizeOffset: 3,
    nodeEdgeCountOffset: 4,
    edgeTypeOffset: 0,
    edgeNameOffset: 1,
    edgeToNodeOffset: 2,
    nodeTypes: NODE_TYPES,
    edgeTypes: EDGE_TYPES,
    locationFieldCount: 4,
  };
}
