import { closeSync, readSync } from 'node:fs';
import { NEWLINE, OPEN, READ_CHUNK_BYTES } from './bytes';
import { NumberArrayReader, NumberTokenizer } from './numberArrayReader';
import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';
import { edgeSink, type EdgeColumns } from './sections';
import { openSnapshotFile } from './snapshotInput';
import { WantedStrings } from './wantedStrings';

/**
 * The edges, the largest section, are read by two threads at once: the edge thread from the
 * front, the reading thread (once it has the nodes) from the back, chunk by chunk, until they
 * meet. V8 writes one record per line, so the back reader starts its chunks just after a newline;
 * a file laid out otherwise shows up as a count that does not add up, and is then read again
 * from the front alone.
 */
export interface EdgeSplit {
  /** A spin lock guarding `bounds`. */
  readonly lock: Int32Array;
  /** [0]: where the front reader's claims end; [1]: where the back reader's claims begin. */
  readonly bounds: Float64Array;
}

export function newEdgeSplit(start: number, end: number): EdgeSplit {
  const bounds = new Float64Array(new SharedArrayBuffer(16));
  bounds[0] = start;
  bounds[1] = end;
  return { lock: new Int32Array(new SharedArrayBuffer(4)), bounds };
}

function claimed<T>(split: EdgeSplit, claim: (bounds: Float64Array) => T): T {
  while (Atomics.compareExchange(split.lock, 0, 0, 1) !== 0);
  try {
    return claim(split.bounds);
  } finally {
    Atomics.store(split.lock, 0, 0);
  }
}

/** What the edge thread needs: where the edges start, the header, the shared columns to fill, and the split. */
export interface EdgeJob {
  readonly file: string;
  /** Byte offset just after the '[' that opens the edges array. */
  readonly start: number;
  readonly meta: SnapshotMeta;
  readonly chunkBytes: number;
  readonly columns: EdgeColumns;
  readonly split?: EdgeSplit;
}

/** What the edge thread hands back: the records it stored, where the array ends, the strings the edges are named by. */
export interface EdgeSectionRead {
  /** Records stored from the front: all of them unless the back reader took some. */
  readonly records: number;
  /** Byte offset just after the ']' that closes the edges array, when this thread got there. */
  readonly end?: number;
  readonly wanted: Uint8Array;
}

/** The methods of workers/edgeWorker.js. */
export type EdgeWorkerMethods = { readEdges: { params: EdgeJob; result: EdgeSectionRead } };

/** Tokenizes the edges array from its start into the job's columns, until it closes or meets the back reader. */
export function readEdgeSection(job: EdgeJob, onChunk: () => void = () => {}): EdgeSectionRead {
  const { fd, size } = openSnapshotFile(job.file);
  try {
    return readFromFront(job, fd, size, onChunk);
  } finally {
    closeSync(fd);
  }
}

function malformedIn(file: string): (what: string) => never {
  return (what) => {
    throw new HeapSnapshotError(`${file} is malformed: ${what}`);
  };
}

function readFromFront(job: EdgeJob, fd: number, size: number, onChunk: () => void): EdgeSectionRead {
  const malformed = malformedIn(job.file);
  const m = job.meta;
  const tokenizer = new NumberTokenizer(job.chunkBytes);
  const wanted = new WantedStrings(m, size, malformed);
  const reader = new NumberArrayReader(
    tokenizer,
    'edges',
    m.edgeFieldCount,
    m.edgeCount,
    edgeSink(m, job.columns, wanted, malformed),
    malformed,
  );
  const buf = tokenizer.input;
  for (let position = job.start; ;) {
    // Claim the next chunk, up to where the back reader has got.
    const until = job.split ? claimed(job.split, (b) => (b[0] = Math.min(position + buf.length, b[1]!))) : size;
    if (position >= until) return { records: reader.stopHere() ?? -1, wanted: wanted.finish() };
    const end = readSync(fd, buf, 0, Math.min(buf.length, until - position), position);
    if (end === 0) throw new HeapSnapshotError(`${job.file} is truncated: it ends inside the edges`);
    const at = reader.consume(0, end);
    if (reader.closed) return { records: reader.records, end: position + at, wanted: wanted.finish() };
    position += end;
    onChunk();
  }
}

/**
 * The back reader: chunks from the end of the edges array towards the front, each one starting
 * just after a newline, its records stored before the ones already stored. Returns how many
 * records it stored (-1 when a chunk did not hold whole records, which sends the caller back to
 * reading from the front alone).
 */
export function readEdgesFromBack(
  file: string,
  fd: number,
  meta: SnapshotMeta,
  columns: EdgeColumns,
  wanted: WantedStrings,
  split: EdgeSplit,
  chunkBytes: number,
): number {
  const malformed = malformedIn(file);
  // Room for a whole chunk's numbers: each takes at least two bytes.
  const tokenizer = new NumberTokenizer(chunkBytes, Math.ceil(chunkBytes / 2) + 1);
  const sink = edgeSink(meta, columns, wanted, malformed);
  const fields = meta.edgeFieldCount;
  const buf = tokenizer.input;
  let next = meta.edgeCount;
  let back = split.bounds[1]!;
  for (;;) {
    const from = Math.max(split.bounds[0]!, back - buf.length);
    if (from >= back) break;
    const read = readSync(fd, buf, 0, back - from, from);
    if (read !== back - from) break;
    const newline = buf.subarray(0, read).indexOf(NEWLINE);
    if (newline < 0) break;
    const start = from + newline + 1;
    // Only part of a line is left before the front reader's claim: it reads that.
    if (start >= back) break;
    // Take [start, back) unless the front reader has claimed past `start` meanwhile.
    const taken = claimed(split, (b) => {
      if (start < b[0]!) return false;
      b[1] = start;
      return true;
    });
    if (!taken) break;
    const numbers = tokenizer.tokenizeWhole(newline + 1, read, fields, 'edges', malformed);
    if (numbers < 0 || numbers / fields > next) return -1;
    next -= numbers / fields;
    sink(tokenizer.staged, numbers / fields, next);
    back = start;
  }
  return meta.edgeCount - next;
}

/** Byte offset just after the '[' that opens the array named `key` (searching from `from`), or -1. */
export function findArrayStart(fd: number, from: number, key: string): number {
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  const overlap = key.length + 8;
  let position = from;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, position);
    if (n === 0) return -1;
    const at = buf.subarray(0, n).indexOf(key);
    if (at >= 0) {
      const open = buf.subarray(0, n).indexOf(OPEN, at);
      return open >= 0 ? position + open + 1 : -1;
    }
    if (n < buf.length) return -1;
    position += n - overlap;
  }
}

/**
 * Offset of the ']' that closes the edges array, found from the end of the file: the sections
 * after it (traces, samples, locations, strings) are a small part of a snapshot. -1 when the
 * layout is not V8's usual one.
 */
export function findEdgesEnd(fd: number, size: number): number {
  const key = Buffer.from('],\n"trace_function_infos":');
  const buf = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (let end = size; end > 0;) {
    const from = Math.max(0, end - buf.length);
    const n = readSync(fd, buf, 0, end - from, from);
    const at = buf.subarray(0, n).lastIndexOf(key);
    if (at >= 0) return from + at;
    if (from === 0) return -1;
    end = from + key.length;
  }
  return -1;
}
