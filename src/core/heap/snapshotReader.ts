import { closeSync, existsSync, readSync } from 'node:fs';
import { SyncWorkerCall } from '../workers/workerHost';
import { OPEN, QUOTE, READ_CHUNK_BYTES } from './bytes';
import {
  findArrayStart,
  findEdgesEnd,
  newEdgeSplit,
  readEdgesFromBack,
  type EdgeJob,
  type EdgeSectionRead,
  type EdgeSplit,
  type EdgeWorkerMethods,
} from './edgeSection';
import { openSnapshotFile } from './snapshotInput';
import { NumberArrayReader, NumberTokenizer, type RecordSink } from './numberArrayReader';
import { heapReadError } from './helperFailure';
import { HeapSnapshotError, type RawSnapshot, type SnapshotMeta } from './rawSnapshot';
import {
  allocateEdgeColumns,
  allocateNodeColumns,
  edgeSink,
  LocationColumn,
  nodeSink,
  type EdgeColumns,
  type NodeColumns,
} from './sections';
import { checkMeta } from './snapshotMeta';
import { SkipReader } from './skipReader';
import { StringTableReader } from './stringTable';
import { WantedStrings } from './wantedStrings';

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
const HEADER_LIMIT = 1 << 20;

const enum Section {
  SeekKey,
  Key,
  SeekArray,
  Numbers,
  Strings,
  Skip,
  Done,
}

export function readSnapshot(file: string, options: ReadOptions = {}): RawSnapshot {
  const { fd, size } = openSnapshotFile(file);
  try {
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
  private readonly tokenizer: NumberTokenizer;
  private readonly buf: Buffer;
  /** File offset of the next read, and of the chunk in the buffer. */
  private position = 0;
  private chunkStart = 0;
  private section = Section.SeekKey;
  private key = '';
  private meta!: SnapshotMeta;
  private nodes!: NodeColumns;
  private edges!: EdgeColumns;
  private locations!: LocationColumn;
  private wanted!: WantedStrings;
  /** Where reading goes on after the current chunk, when a section was read elsewhere (the edge thread's). */
  private seekTo?: number;
  /** The array being read: nodes, edges or locations. */
  private numbers?: NumberArrayReader;
  private skipped?: SkipReader;
  private sawNodes = false;
  private sawEdges = false;
  private stringTable?: StringTableReader;
  private edgeThread?: SyncWorkerCall<EdgeWorkerMethods, 'readEdges'>;
  /** The edges' shared bounds, and where they end, when two threads read them. */
  private split?: { split: EdgeSplit; end: number };

  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly size: number,
    private readonly options: ReadOptions,
  ) {
    this.tokenizer = new NumberTokenizer(options.chunkBytes ?? READ_CHUNK_BYTES);
    this.buf = this.tokenizer.input;
  }

  run(): RawSnapshot {
    try {
      return this.read();
    } catch (err) {
      // Bad input found on this thread: the edge thread's work is moot.
      this.edgeThread?.cancel();
      throw err;
    }
  }

  private read(): RawSnapshot {
    this.position = this.readHeader();
    this.edgeThread = this.startEdgeThread();
    let lastReport = 0;
    const chunk = this.buf.length;
    for (;;) {
      const end = readSync(this.fd, this.buf, 0, chunk, this.position);
      if (end === 0) break;
      this.chunkStart = this.position;
      this.stringTable?.newChunk(this.chunkStart);
      this.position += end;
      this.consume(0, end);
      if (this.seekTo !== undefined) [this.position, this.seekTo] = [this.seekTo, undefined];
      if (this.options.onProgress && this.position - lastReport > 64 * 2 ** 20) {
        lastReport = this.position;
        this.options.onProgress(this.position, this.size);
      }
      if (this.section === Section.Done) break;
    }
    return this.finish();
  }

  /** Parses the `{"snapshot":{…},` header with JSON.parse; returns where the body starts. */
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
    const m = (this.meta = checkMeta(this.file, parsed.snapshot));
    const { nodeCount, edgeCount } = m;
    // Every number takes at least a digit and a separator: a header that promises more than the
    // file can hold is refused before anything is allocated.
    const leastBytes = 2 * (nodeCount * m.nodeFieldCount + edgeCount * m.edgeFieldCount);
    if (leastBytes > this.size) {
      throw new HeapSnapshotError(
        `${this.file} is truncated (or malformed): its header promises ${nodeCount.toLocaleString('en-US')} nodes and ` +
          `${edgeCount.toLocaleString('en-US')} edges, more than its ${this.size.toLocaleString('en-US')} bytes can hold`,
      );
    }
    const need = estimateAnalysisBytes(nodeCount, edgeCount);
    if (this.options.maxArrayBytes !== undefined && need > this.options.maxArrayBytes) {
      throw new HeapSnapshotError(
        `${this.file} has ${nodeCount.toLocaleString('en-US')} nodes and ${edgeCount.toLocaleString('en-US')} edges; analysing it needs ` +
          `about ${Math.ceil(need / 2 ** 20)} MB, over the ${Math.floor(this.options.maxArrayBytes / 2 ** 20)} MB cap`,
      );
    }
    this.nodes = allocateNodeColumns(nodeCount);
    this.edges = allocateEdgeColumns(edgeCount, this.parallel());
    this.locations = new LocationColumn(m.locationFieldCount);
    this.wanted = new WantedStrings(m, this.size, (what) => this.malformed(what));
    return Buffer.byteLength(text.slice(0, at), 'latin1');
  }

  private consume(start: number, end: number): void {
    const buf = this.buf;
    let i = start;
    while (i < end) {
      switch (this.section) {
        case Section.SeekKey: {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) return;
          this.key = '';
          this.section = Section.Key;
          i = q + 1;
          break;
        }
        case Section.Key: {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || q >= end) {
            this.key += buf.toString('latin1', i, end);
            if (this.key.length > 64) this.malformed('a key of more than 64 characters where a section name belongs');
            return;
          }
          this.key += buf.toString('latin1', i, q);
          this.section = Section.SeekArray;
          i = q + 1;
          break;
        }
        case Section.SeekArray: {
          const c = buf[i++]!;
          if (c === OPEN) {
            this.enterArray();
            if (this.seekTo !== undefined) return;
          } else if (c === 125 /* } */) this.section = Section.Done;
          else if (c !== 58 /* : */ && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
            this.malformed(`expected an array after "${this.key}"`);
          }
          break;
        }
        case Section.Numbers: {
          const numbers = this.numbers!;
          i = numbers.consume(i, end);
          if (numbers.closed) {
            this.numbers = undefined;
            this.section = Section.SeekKey;
          }
          break;
        }
        case Section.Strings: {
          const { at, closed } = this.stringTable!.consume(buf, i, end);
          if (closed) this.section = Section.SeekKey;
          i = at;
          break;
        }
        case Section.Skip: {
          const skipped = this.skipped!;
          i = skipped.consume(buf, i, end);
          if (skipped.closed) this.section = Section.SeekKey;
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
  private startEdgeThread(): SyncWorkerCall<EdgeWorkerMethods, 'readEdges'> | undefined {
    if (!this.parallel()) return undefined;
    const start = findArrayStart(this.fd, this.position, '"edges"');
    if (start < 0) {
      this.edges = allocateEdgeColumns(this.meta.edgeCount, false);
      return undefined;
    }
    const end = findEdgesEnd(this.fd, this.size);
    this.split = end > start ? { split: newEdgeSplit(start, end), end } : undefined;
    const job: EdgeJob = {
      file: this.file,
      start,
      meta: this.meta,
      chunkBytes: this.buf.length,
      columns: this.edges,
      split: this.split?.split,
    };
    return new SyncWorkerCall<EdgeWorkerMethods, 'readEdges'>(this.options.edgeWorkerFile!, 'readEdges', job, {
      what: `reading the edges of ${this.file}`,
      // Its JS heap holds a read buffer and little else; the edges go to shared memory.
      limits: { maxOldGenerationSizeMb: 256 },
      toError: heapReadError,
    });
  }

  /**
   * Reads the edges from the back until it meets the edge thread, waits for that thread, and
   * returns where the edges array ends — or undefined when the two halves do not add up (a file
   * not laid out one record per line), to read the edges again from here, alone.
   */
  private edgesFromBothEnds(): number | undefined {
    const m = this.meta;
    const split = this.split;
    const back = split ? readEdgesFromBack(this.file, this.fd, m, this.edges, this.wanted, split.split, this.buf.length) : 0;
    const front = this.joinEdgeThread();
    if (front?.end !== undefined) return front.end;
    if (split && front && back >= 0 && front.records >= 0 && front.records + back === m.edgeCount) return split.end + 1;
    return undefined;
  }

  private joinEdgeThread(): EdgeSectionRead | undefined {
    const thread = this.edgeThread;
    if (!thread) return undefined;
    this.edgeThread = undefined;
    const read = thread.join();
    this.wanted.merge(read.wanted);
    return read;
  }

  private enterArray(): void {
    const m = this.meta;
    const malformed = (what: string) => this.malformed(what);
    switch (this.key) {
      case 'nodes':
        this.readNumbers('nodes', m.nodeFieldCount, m.nodeCount, nodeSink(m, this.nodes, this.wanted, malformed));
        this.sawNodes = true;
        break;
      case 'edges':
        this.sawEdges = true;
        if (this.edgeThread) {
          this.seekTo = this.edgesFromBothEnds();
          if (this.seekTo !== undefined) {
            this.section = Section.SeekKey;
            break;
          }
        }
        this.readNumbers('edges', m.edgeFieldCount, m.edgeCount, edgeSink(m, this.edges, this.wanted, malformed));
        break;
      case 'locations':
        this.readNumbers('locations', m.locationFieldCount, Infinity, this.locations.sink);
        break;
      case 'strings': {
        this.section = Section.Strings;
        if (!this.sawNodes || !this.sawEdges) this.malformed('the strings come before the nodes and edges');
        this.stringTable = new StringTableReader(this.file, this.wanted.finish());
        this.stringTable.newChunk(this.chunkStart);
        break;
      }
      default:
        this.section = Section.Skip;
        this.skipped = new SkipReader();
    }
  }

  /** The array just opened holds records of `fieldCount` numbers, `records` of them (Infinity: not said), for `sink`. */
  private readNumbers(what: string, fieldCount: number, records: number, sink: RecordSink): void {
    this.section = Section.Numbers;
    this.numbers = new NumberArrayReader(this.tokenizer, what, fieldCount, records, sink, (w) => this.malformed(w));
  }

  private malformed(what: string): never {
    throw new HeapSnapshotError(`${this.file} is malformed: ${what}`);
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
    if (read < needed) this.malformed(`names refer to string ${needed - 1} but the table has ${read}`);
    const firstEdge = this.nodes.firstEdge;
    // Summed as doubles and checked at every step: edge counts that wrap around in 32 bits must
    // not add up to edge_count and send later loops over billions of edges.
    let sum = 0;
    for (let i = 1; i <= m.nodeCount; i++) {
      sum += firstEdge[i]!;
      if (sum > m.edgeCount) break;
      firstEdge[i] = sum;
    }
    if (sum !== m.edgeCount) {
      this.malformed(`the nodes' edge counts add up to ${sum > m.edgeCount ? 'more than' : `${sum}, not`} edge_count ${m.edgeCount}`);
    }
    return {
      file: this.file,
      fileBytes: this.size,
      meta: m,
      nodeCount: m.nodeCount,
      edgeCount: m.edgeCount,
      ...this.nodes,
      ...this.edges,
      locations: this.locations.finish(),
      strings: this.stringTable.finish(),
    };
  }
}
