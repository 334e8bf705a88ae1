import { closeSync, readSync } from 'node:fs';
import { looksLikeJscSnapshot, readJscSnapshot } from './jscSnapshotReader';
import type { RawSnapshot } from './rawSnapshot';
import { openSnapshotFile } from './snapshotInput';
import { readSnapshot, type ReadOptions } from './snapshotReader';

/** The format of a snapshot file by its first bytes: V8's `{"snapshot":…}` or JavaScriptCore's `{"version":…,"type":…}`. */
export function snapshotFormatOf(file: string): 'v8' | 'jsc' | undefined {
  let fd: number | undefined;
  try {
    // Never blocks (a FIFO, a directory): those are refused, and the V8 reader says why.
    fd = openSnapshotFile(file).fd;
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.toString('latin1', 0, n);
    if (looksLikeJscSnapshot(text)) return 'jsc';
    return /^\s*\{\s*"snapshot"\s*:/.test(text) ? 'v8' : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads a V8 or a JavaScriptCore heap snapshot into the same columns; anything else gets the V8 reader's error. */
export function readHeapSnapshot(file: string, options: ReadOptions = {}): RawSnapshot {
  if (snapshotFormatOf(file) === 'jsc')
    return readJscSnapshot(file, { onProgress: options.onProgress, maxArrayBytes: options.maxArrayBytes });
  return readSnapshot(file, options);
}
