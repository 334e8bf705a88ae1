import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { HeapSnapshotError } from './rawSnapshot';

/**
 * Opens a snapshot for reading, refusing what is not a regular file with a message that names it:
 * a directory, or a FIFO, which would block the read forever (hence the non-blocking open).
 */
export function openSnapshotFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new HeapSnapshotError(`cannot open ${file}: ${why}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new HeapSnapshotError(`${file} is a directory, not a heap snapshot file`);
    if (!stat.isFile()) {
      throw new HeapSnapshotError(`${file} is not a regular file (a pipe, socket or device): save the snapshot to a file first`);
    }
    if (stat.size === 0) throw new HeapSnapshotError(`${file} is empty, not a heap snapshot`);
    return { fd, size: stat.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}
