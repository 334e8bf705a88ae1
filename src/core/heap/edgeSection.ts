import { closeSync, readSync } from 'node:fs';
import { OPEN, READ_CHUNK_BYTES } from './bytes';
import { NumberArrayReader, NumberTokenizer } from './numberArrayReader';
import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';
import { edgeSink, type EdgeColumns } from './sections';
import { openSnapshotFile } from './snapshotInput';
import { WantedStrings } from './wantedStrings';

/** What a second thread needs to read the edges: where they start, the header, and the shared columns to fill. */
export interface EdgeJob {
  readonly file: string;
  /** Byte offset just after the '[' that opens the edges array. */
  readonly start: number;
  readonly meta: SnapshotMeta;
  readonly chunkBytes: number;
  readonly columns: EdgeColumns;
}

/** What the edge thread hands back: where the edges array ends, and the strings edges are named by. */
export interface EdgeSectionRead {
  /** Byte offset just after the ']' that closes the edges array. */
  readonly end: number;
  readonly wanted: Uint8Array;
}

/** The methods of workers/edgeWorker.js. */
export type EdgeWorkerMethods = { readEdges: { params: EdgeJob; result: EdgeSectionRead } };

/** Tokenizes only the edges array into the job's columns: the edge thread's work. */
export function readEdgeSection(job: EdgeJob, onChunk: () => void = () => {}): EdgeSectionRead {
  const { fd, size } = openSnapshotFile(job.file);
  try {
    return readEdges(job, fd, size, onChunk);
  } finally {
    closeSync(fd);
  }
}

function readEdges(job: EdgeJob, fd: number, size: number, onChunk: () => void): EdgeSectionRead {
  const malformed = (what: string): never => {
    throw new HeapSnapshotError(`${job.file} is malformed: ${what}`);
  };
  const m = job.meta;
  const tokenizer = new NumberTokenizer(job.chunkBytes);
  const wanted = new WantedStrings(m, size, malformed);
  const sink = edgeSink(m, job.columns, wanted, malformed);
  const reader = new NumberArrayReader(tokenizer, 'edges', m.edgeFieldCount, m.edgeCount, sink, malformed);
  const buf = tokenizer.input;
  for (let position = job.start; ;) {
    const end = position < size ? readSync(fd, buf, 0, buf.length, position) : 0;
    if (end === 0) throw new HeapSnapshotError(`${job.file} is truncated: it ends inside the edges`);
    const at = reader.consume(0, end);
    if (reader.closed) return { end: position + at, wanted: wanted.finish() };
    position += end;
    onChunk();
  }
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
