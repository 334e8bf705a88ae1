import { fstatSync, readSync } from 'node:fs';
import { OPEN, READ_CHUNK_BYTES } from './bytes';
import { NumberArrayReader, NumberTokenizer } from './numberArrayReader';
import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';
import { edgeSink, type EdgeColumns } from './sections';

/** What a second thread needs to read the edges: where they start, the header, and the shared columns to fill. */
export interface EdgeJob {
  /** For messages; the thread reads through `fd`, the reading thread's descriptor (positional reads share it safely). */
  readonly file: string;
  readonly fd: number;
  /** Byte offset just after the '[' that opens the edges array. */
  readonly start: number;
  readonly meta: SnapshotMeta;
  readonly chunkBytes: number;
  readonly columns: EdgeColumns;
}

/** The methods of workers/edgeWorker.js. */
export type EdgeWorkerMethods = { readEdges: { params: EdgeJob; result: null } };

/** Tokenizes only the edges array into the job's columns: the edge thread's work. */
export function readEdgeSection(job: EdgeJob, onChunk: () => void = () => {}): null {
  const malformed = (what: string): never => {
    throw new HeapSnapshotError(`${job.file} is malformed: ${what}`);
  };
  const m = job.meta;
  const tokenizer = new NumberTokenizer(job.chunkBytes);
  const reader = new NumberArrayReader(tokenizer, 'edges', m.edgeFieldCount, m.edgeCount, edgeSink(m, job.columns, malformed), malformed);
  const size = fstatSync(job.fd).size;
  const buf = tokenizer.input;
  let position = job.start;
  while (!reader.closed) {
    const end = position < size ? readSync(job.fd, buf, 0, buf.length, position) : 0;
    if (end === 0) throw new HeapSnapshotError(`${job.file} is truncated: it ends inside the edges`);
    position += end;
    reader.consume(0, end);
    onChunk();
  }
  return null;
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
