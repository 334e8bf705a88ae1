import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { HeapSnapshotError, type RawSnapshot, type SnapshotMeta } from './rawSnapshot';
import { checkMeta } from './snapshotMeta';
import { EdgeThread, findArrayStart, type EdgeJob } from './edgeThread';
import { StringTableReader } from './stringTable';

/**
 * Streams a `.heapsnapshot` file into typed arrays without ever holding the text: V8 strings stop
 * at ~512 MB and real snapshots are bigger, so `JSON.parse` of the whole file is not an option.
 * Only the header goes through `JSON.parse`; the node, edge and location arrays are tokenized
 * byte by byte, and of the string table only the strings something refers to (class names,
 * property names) are decoded.
 */
export interface ReadOptions {
  /** Called now and then with bytes read so far and the file size. */
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Refuse snapshots whose typed arrays would need more than this (bytes). */
  maxArrayBytes?: number;
  /** Read size; tests use odd small sizes to put every token across a chunk boundary. */
  chunkBytes?: number;
  /**
   * The bundled `workers/edgeWorker.js`: when given, the edges (the largest section) are tokenized
   * on a second thread into shared arrays while this thread reads the nodes.
   */
  edgeWorkerFile?: string;
  /** Files smaller than this are read on one thread (default 32 MB; tests lower it). */
  edgeThreadMinBytes?: number;
}

/** Below this, starting a thread costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 * 2 ** 20;

const CHUNK = 4 << 20;
const HEADER_LIMIT = 1 << 20;

const enum Section {
  SeekKey,
  Key,
  SeekArray,
  Nodes,
  Edges,
  Locations,
  Strings,
  Skip,
  SkipEdges,
  Done,
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = 91;
const CLOSE = 93;

export function readSnapshot(file: string, options: ReadOptions = {}): RawSnapshot {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new HeapSnapshotError(`cannot open ${file}: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new HeapSnapshotError(`${file} is empty, not a heap snapshot`);
    return new SnapshotTokenizer(file, fd, size, options).run();
  } finally {
    closeSync(fd);
  }
}

/** Estimated bytes of typed arrays for a snapshot of this shape (reader + graph analysis). */
export function estimateAnalysisBytes(nodeCount: number, edgeCount: number): number {
  return nodeCount * 70 + edgeCount * 18;
}

class SnapshotTokenizer {
  private readonly buf: Buffer;
  /** The same memory as a plain Uint8Array: element loads in the hot loop stay monomorphic. */
  private readonly bytes: Uint8Array;
  private position = 0;
  private section = Section.SeekKey;
  private key = '';
  private meta!: SnapshotMeta;
  // Number tokenizer state, kept across chunk boundaries.
  private value = 0;
  private inNumber = false;
  private field = 0;
  private count = 0;
  private skipDepth = 0;
  private skipInString = false;
  private skipEscape = false;
  // Node arrays.
  private nodeType!: Uint8Array;
  private nodeName!: Uint32Array;
  private nodeId!: Uint32Array;
  private nodeSelfSize!: Uint32Array;
  private firstEdge!: Uint32Array;
  private edgeType!: Uint8Array;
  private edgeName!: Uint32Array;
  private edgeTo!: Uint32Array;
  private locations = new Uint32Array(0);
  private locationCount = 0;
  private sawNodes = false;
  private sawEdges = false;
  private stringTable?: StringTableReader;
  private edgeThread?: EdgeThread;

  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly size: number,
    private readonly options: ReadOptions,
  ) {
    this.buf = Buffer.allocUnsafe(options.chunkBytes ?? CHUNK);
    this.bytes = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  run(): RawSnapshot {
    this.position = this.readHeader();
    this.edgeThread = this.startEdgeThread();
    let lastReport = 0;
    const chunk = this.buf.length;
    for (;;) {
      const end = readSync(this.fd, this.buf, 0, chunk, this.position);
      if (end === 0) break;
      this.position += end;
      this.stringTable?.newChunk();
      this.consume(0, end);
      if (this.options.onProgress && this.position - lastReport > 64 * 2 ** 20) {
        lastReport = this.position;
        this.options.onProgress(this.position, this.size);
      }
      if (this.section === Section.Done) break;
    }
    return this.finish();
  }

  /** Parses the `{"snapshot":{…},` header with JSON.parse; returns where the body starts in buf. */
  private readHeader(): number {
    const head = Buffer.allocUnsafe(Math.min(HEADER_LIMIT, this.size));
    const first = readSync(this.fd, head, 0, head.length, 0);
    const text = head.toString('latin1', 0, first);
    if (!/^\s*\{\s*"snapshot"\s*:/.test(text)) {
      throw new HeapSnapshotError(`${this.file} is not a V8 heap snapshot (it does not start with {"snapshot":…})`);
    }
    const at = text.indexOf('"nodes"');
    if (at < 0) throw new HeapSnapshotError(`${this.file} is truncated or malformed: no "nodes" array after the header`);
    const header = text.slice(0, at).trimEnd().replace(/,$/, '') + '}';
    let parsed: { snapshot?: { meta?: SnapshotMeta['raw']; node_count?: number; edge_count?: number } };
    try {
      parsed = JSON.parse(header);
    } catch (err) {
      throw new HeapSnapshotError(`${this.file} has a malformed snapshot header: ${(err as Error).message}`);
    }
    this.meta = checkMeta(this.file, parsed.snapshot);
    const { nodeCount, edgeCount } = this.meta;
    const need = estimateAnalysisBytes(nodeCount, edgeCount);
    if (this.options.maxArrayBytes !== undefined && need > this.options.maxArrayBytes) {
      throw new HeapSnapshotError(
        `${this.file} has ${nodeCount.toLocaleString('en-US')} nodes and ${edgeCount.toLocaleString('en-US')} edges; analysing it needs ` +
          `about ${Math.ceil(need / 2 ** 20)} MB, over the ${Math.floor(this.options.maxArrayBytes / 2 ** 20)} MB cap`,
      );
    }
    this.nodeType = new Uint8Array(nodeCount);
    this.nodeName = new Uint32Array(nodeCount);
    this.nodeId = new Uint32Array(nodeCount);
    this.nodeSelfSize = new Uint32Array(nodeCount);
    this.firstEdge = new Uint32Array(nodeCount + 1);
    const shared = this.parallel() ? (bytes: number) => new SharedArrayBuffer(bytes) : (bytes: number) => new ArrayBuffer(bytes);
    this.edgeType = new Uint8Array(shared(edgeCount));
    this.edgeName = new Uint32Array(shared(edgeCount * 4));
    this.edgeTo = new Uint32Array(shared(edgeCount * 4));
    return Buffer.byteLength(text.slice(0, at), 'latin1');
  }

  private consume(start: number, end: number): void {
    let i = start;
    while (i < end) {
      switch (this.section) {
        case Section.SeekKey: {
          const q = this.buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) return;
          this.key = '';
          this.section = Section.Key;
          i = q + 1;
          break;
        }
        case Section.Key: {
          const q = this.buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) {
            this.key += this.buf.toString('latin1', i, end);
            return;
          }
          this.key += this.buf.toString('latin1', i, q);
          this.section = Section.SeekArray;
          i = q + 1;
          break;
        }
        case Section.SeekArray: {
          const c = this.buf[i++]!;
          if (c === OPEN) this.enterArray();
          else if (c === 125 /* } */) this.section = Section.Done;
          else if (c !== 58 /* : */ && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
            throw new HeapSnapshotError(`${this.file} is malformed: expected an array after "${this.key}"`);
          }
          break;
        }
        case Section.Nodes:
          i = this.nodes(i, end);
          break;
        case Section.Edges:
          i = this.edges(i, end);
          break;
        case Section.Locations:
          i = this.locationNumbers(i, end);
          break;
        case Section.Strings: {
          const { at, closed } = this.stringTable!.consume(this.buf, i, end);
          if (closed) this.section = Section.SeekKey;
          i = at;
          break;
        }
        case Section.Skip:
          i = this.skip(i, end);
          break;
        case Section.SkipEdges: {
          // The edge thread reads these; the array holds only numbers, so its end is the next ']'.
          const close = this.buf.indexOf(CLOSE, i);
          if (close < 0 || close >= end) return;
          this.section = Section.SeekKey;
          i = close + 1;
          break;
        }
        case Section.Done:
          return;
      }
    }
  }

  private parallel(): boolean {
    const file = this.options.edgeWorkerFile;
    return !!file && this.size >= (this.options.edgeThreadMinBytes ?? PARALLEL_MIN_BYTES) && existsSync(file);
  }

  /** Finds where the edges array starts and hands it to a thread; undefined when reading alone. */
  private startEdgeThread(): EdgeThread | undefined {
    if (!this.parallel()) return undefined;
    const start = findArrayStart(this.fd, this.position, '"edges"');
    if (start < 0) return undefined;
    return new EdgeThread(this.options.edgeWorkerFile!, {
      file: this.file,
      start,
      meta: this.meta,
      chunkBytes: this.buf.length,
      edgeType: this.edgeType,
      edgeName: this.edgeName,
      edgeTo: this.edgeTo,
    });
  }

  private joinEdgeThread(): void {
    const thread = this.edgeThread;
    if (!thread) return;
    this.edgeThread = undefined;
    thread.join();
  }

  /** Tokenizes only the edges array from `start` (just after its '['): the edge thread's job. */
  static readEdges(job: EdgeJob, fd: number, size: number): void {
    const reader = new SnapshotTokenizer(job.file, fd, size, { chunkBytes: job.chunkBytes });
    reader.meta = job.meta;
    reader.edgeType = job.edgeType;
    reader.edgeName = job.edgeName;
    reader.edgeTo = job.edgeTo;
    reader.section = Section.Edges;
    reader.position = job.start;
    while (reader.section === Section.Edges) {
      const end = readSync(fd, reader.buf, 0, reader.buf.length, reader.position);
      if (end === 0) throw new HeapSnapshotError(`${job.file} is truncated: it ends inside the edges`);
      reader.position += end;
      reader.edges(0, end);
    }
  }

  private enterArray(): void {
    this.value = 0;
    this.inNumber = false;
    this.field = 0;
    this.count = 0;
    switch (this.key) {
      case 'nodes':
        this.section = Section.Nodes;
        this.sawNodes = true;
        break;
      case 'edges':
        this.section = this.edgeThread ? Section.SkipEdges : Section.Edges;
        this.sawEdges = true;
        break;
      case 'locations':
        this.section = Section.Locations;
        break;
      case 'strings':
        this.section = Section.Strings;
        if (!this.sawNodes || !this.sawEdges) this.malformed('the strings come before the nodes and edges');
        this.joinEdgeThread();
        this.stringTable = new StringTableReader(this.meta, this.nodeType, this.nodeName, this.edgeType, this.edgeName);
        break;
      default:
        this.section = Section.Skip;
        this.skipDepth = 1;
    }
  }

  private malformed(what: string): never {
    throw new HeapSnapshotError(`${this.file} is malformed: ${what}`);
  }

  private nodes(from: number, end: number): number {
    return this.numbers(from, end, 'nodes', this.meta.nodeFieldCount, this.meta.nodeCount, this.storeNodes);
  }

  private edges(from: number, end: number): number {
    return this.numbers(from, end, 'edges', this.meta.edgeFieldCount, this.meta.edgeCount, this.storeEdges);
  }

  /** Locations have no count in the header: the buffer grows as they arrive. */
  private locationNumbers(from: number, end: number): number {
    return this.numbers(from, end, 'locations', this.meta.locationFieldCount, Infinity, this.storeLocations);
  }

  /**
   * Tokenizes a flat array of unsigned integers into `staged`, handing each full batch (and the
   * last) to the section's `store`: the byte loop stays one tight loop for every section, and each
   * store is a tight loop over numbers with the section's field offsets in locals.
   */
  private numbers(from: number, end: number, what: string, fieldCount: number, records: number, store: (count: number) => void): number {
    const buf = this.bytes;
    const staged = this.staged;
    let value = this.value;
    let inNumber = this.inNumber;
    let k = 0;
    let i = from;
    let closed = false;
    const limit = staged.length;
    for (; i < end; i++) {
      const c = buf[i]!;
      const digit = c - 48;
      // One unsigned compare for '0'..'9'.
      if (digit >>> 0 < 10) {
        value = value * 10 + digit;
        inNumber = true;
        continue;
      }
      if (inNumber) {
        staged[k++] = value;
        value = 0;
        inNumber = false;
        if (k === limit) {
          store(k);
          k = 0;
        }
      }
      if (c === 44 || c === 10) continue;
      if (c === CLOSE) {
        closed = true;
        i++;
        break;
      }
      if (c !== 13 && c !== 32 && c !== 9) this.malformed(`unexpected character "${String.fromCharCode(c)}" in the ${what} array`);
    }
    store(k);
    this.value = value;
    this.inNumber = inNumber;
    if (closed) {
      this.section = Section.SeekKey;
      if ((this.count !== records && records !== Infinity) || this.field !== 0) {
        this.malformed(`${what.slice(0, -1)}_count is ${records} but the ${what} array holds ${this.count}`);
      }
    }
    return i;
  }

  private readonly staged = new Float64Array(1 << 16);

  private readonly storeNodes = (count: number): void => {
    const m = this.meta;
    const { staged, nodeType, nodeName, nodeId, nodeSelfSize, firstEdge } = this;
    const [fieldCount, typeAt, nameAt, idAt, sizeAt, edgesAt] = [
      m.nodeFieldCount,
      m.nodeTypeOffset,
      m.nodeNameOffset,
      m.nodeIdOffset,
      m.nodeSelfSizeOffset,
      m.nodeEdgeCountOffset,
    ];
    let field = this.field;
    let n = this.count;
    if (n + (field + count) / fieldCount > m.nodeCount) this.malformed(`more nodes than node_count (${m.nodeCount})`);
    for (let k = 0; k < count; k++) {
      const value = staged[k]!;
      if (field === typeAt) nodeType[n] = value;
      else if (field === nameAt) nodeName[n] = value;
      else if (field === idAt) nodeId[n] = value;
      else if (field === sizeAt) nodeSelfSize[n] = value;
      else if (field === edgesAt) firstEdge[n + 1] = value;
      if (++field === fieldCount) {
        field = 0;
        n++;
      }
    }
    this.field = field;
    this.count = n;
  };

  private readonly storeEdges = (count: number): void => {
    const m = this.meta;
    const { staged, edgeType, edgeName, edgeTo } = this;
    const [fieldCount, typeAt, nameAt, toAt, nodeFieldCount, nodeCount] = [
      m.edgeFieldCount,
      m.edgeTypeOffset,
      m.edgeNameOffset,
      m.edgeToNodeOffset,
      m.nodeFieldCount,
      m.nodeCount,
    ];
    let field = this.field;
    let n = this.count;
    if (n + (field + count) / fieldCount > m.edgeCount) this.malformed(`more edges than edge_count (${m.edgeCount})`);
    for (let k = 0; k < count; k++) {
      const value = staged[k]!;
      if (field === typeAt) edgeType[n] = value;
      else if (field === nameAt) edgeName[n] = value;
      else if (field === toAt) {
        const to = (value / nodeFieldCount) | 0;
        if (to * nodeFieldCount !== value || to >= nodeCount) this.malformed(`edge ${n} points at no node (${value})`);
        edgeTo[n] = to;
      }
      if (++field === fieldCount) {
        field = 0;
        n++;
      }
    }
    this.field = field;
    this.count = n;
  };

  private readonly storeLocations = (count: number): void => {
    const at = this.locationCount;
    if (at + count > this.locations.length) {
      const grown = new Uint32Array(Math.max(1024, (at + count) * 2));
      grown.set(this.locations.subarray(0, at));
      this.locations = grown;
    }
    this.locations.set(this.staged.subarray(0, count), at);
    this.locationCount = at + count;
    this.field = 0;
  };

  /** Skips an array we do not use (trace tree, samples), nested arrays and strings included. */
  private skip(from: number, end: number): number {
    const buf = this.buf;
    let i = from;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (this.skipInString) {
        if (this.skipEscape) this.skipEscape = false;
        else if (c === BACKSLASH) this.skipEscape = true;
        else if (c === QUOTE) this.skipInString = false;
        continue;
      }
      if (c === QUOTE) this.skipInString = true;
      else if (c === OPEN) this.skipDepth++;
      else if (c === CLOSE && --this.skipDepth === 0) {
        this.section = Section.SeekKey;
        return i + 1;
      }
    }
    return i;
  }

  private finish(): RawSnapshot {
    this.joinEdgeThread();
    const m = this.meta;
    if (!this.sawNodes || !this.sawEdges || !this.stringTable || this.section === Section.Strings || this.stringTable.midString) {
      const where = !this.sawNodes
        ? 'before the nodes'
        : !this.sawEdges
          ? 'inside the nodes or before the edges'
          : !this.stringTable
            ? 'before the strings'
            : 'inside the strings';
      throw new HeapSnapshotError(`${this.file} is truncated: it ends ${where} (${this.position.toLocaleString('en-US')} bytes read)`);
    }
    const { read, needed } = this.stringTable.counts;
    if (read < needed)
      throw new HeapSnapshotError(`${this.file} is malformed: names refer to string ${needed - 1} but the table has ${read}`);
    const firstEdge = this.firstEdge;
    for (let i = 0; i < m.nodeCount; i++) firstEdge[i + 1]! += firstEdge[i]!;
    if (firstEdge[m.nodeCount] !== m.edgeCount) {
      this.malformed(`the nodes' edge counts add up to ${firstEdge[m.nodeCount]}, not edge_count ${m.edgeCount}`);
    }
    const strings = this.stringTable.finish();
    return {
      file: this.file,
      fileBytes: this.size,
      meta: m,
      nodeCount: m.nodeCount,
      edgeCount: m.edgeCount,
      nodeType: this.nodeType,
      nodeName: this.nodeName,
      nodeId: this.nodeId,
      nodeSelfSize: this.nodeSelfSize,
      firstEdge,
      edgeType: this.edgeType,
      edgeName: this.edgeName,
      edgeTo: this.edgeTo,
      locations: this.locations.slice(0, this.locationCount),
      strings,
    };
  }
}

/** The edge thread's job: tokenize only the edges array into the shared arrays. */
export function readEdgesSection(job: EdgeJob, fd: number, size: number): void {
  SnapshotTokenizer.readEdges(job, fd, size);
}
