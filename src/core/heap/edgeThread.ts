import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { HeapSnapshotError, type SnapshotMeta } from './rawSnapshot';
import { readEdgesSection } from './snapshotReader';

const CHUNK = 4 << 20;
const OPEN = 91;

/** What the edge thread needs: where the edges start, the header, and the shared arrays to fill. */
export interface EdgeJob {
  readonly file: string;
  readonly start: number;
  readonly meta: SnapshotMeta;
  readonly chunkBytes: number;
  readonly edgeType: Uint8Array;
  readonly edgeName: Uint32Array;
  readonly edgeTo: Uint32Array;
}

export type EdgeThreadReport = { ok: true } | { ok: false; message: string; badInput: boolean };

/** Runs an edge job in the worker thread: the body of workers/edgeWorker.js. */
export function runEdgeJob(job: EdgeJob, done: Int32Array, port: MessagePort): void {
  let report: EdgeThreadReport = { ok: true };
  let fd: number | undefined;
  try {
    fd = openSync(job.file, 'r');
    readEdgesSection(job, fd, fstatSync(fd).size);
  } catch (err) {
    report = { ok: false, message: err instanceof Error ? err.message : String(err), badInput: err instanceof HeapSnapshotError };
  } finally {
    if (fd !== undefined) closeSync(fd);
    port.postMessage(report);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

/**
 * The second thread of a parallel read. The API stays synchronous: `join` blocks on a shared flag
 * (Atomics.wait) and takes the report with receiveMessageOnPort, no event loop needed.
 */
export class EdgeThread {
  private readonly worker: Worker;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private readonly channel = new MessageChannel();

  constructor(workerFile: string, job: EdgeJob) {
    this.worker = new Worker(workerFile, {
      workerData: { job, done: this.done, port: this.channel.port2 },
      transferList: [this.channel.port2],
    });
  }

  join(): void {
    const started = Date.now();
    while (Atomics.wait(this.done, 0, 0, 1000) === 'timed-out') {
      if (Date.now() - started > 30 * 60_000) throw new Error('the edge reader thread did not finish');
    }
    const report = receiveMessageOnPort(this.channel.port1)?.message as EdgeThreadReport | undefined;
    void this.worker.terminate();
    this.channel.port1.close();
    if (!report) throw new Error('the edge reader thread ended without a report');
    if (!report.ok) throw report.badInput ? new HeapSnapshotError(report.message) : new Error(report.message);
  }
}

/** Byte offset just after the '[' that opens the array named `key` (searching from `from`), or -1. */
export function findArrayStart(fd: number, from: number, key: string): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  const overlap = key.length + 8;
  let position = from;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, position);
    if (n === 0) return -1;
    const at = buf.subarray(0, n).indexOf(key);
    if (at >= 0) {
      const open = buf.subarray(0, n).indexOf(OPEN, at);
      return open >= 0 ? position + open + 1 : -1;
    }
    if (n < CHUNK) return -1;
    position += n - overlap;
  }
}
