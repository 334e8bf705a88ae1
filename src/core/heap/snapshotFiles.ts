import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** What to do when the snapshot's file name is taken. */
export type IfExists = 'next-free' | 'fail' | 'replace';

/** A destination or temporary file that cannot be used; nothing was captured. */
export class SnapshotFileError extends Error {
  override name = 'SnapshotFileError';
}

/**
 * Checks, before anything is captured, that `file` can be written: not a directory, not taken
 * (unless replacing or picking the next free name), in a directory that exists or can be made.
 */
export function checkDestination(file: string, ifExists: IfExists): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory())
    throw new SnapshotFileError(`${file} is a directory; give a file name such as ${join(file, 'heap.heapsnapshot')}`);
  if (stat && ifExists === 'fail') throw new SnapshotFileError(`${file} already exists`);
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SnapshotFileError(`cannot create the directory ${dir}: ${(err as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new SnapshotFileError(`${dir} is not a directory`);
}

// Temporary files of captures in flight: removed if the process exits (an uncaught error,
// process.exit) before the capture ends. A crash that skips 'exit' (SIGKILL, out of memory)
// leaves one behind; the next capture into that directory removes it.
const inFlight = new Set<string>();
let exitHookInstalled = false;
const PARTIAL = /^\..+\.(\d+)\.[0-9a-f]{8}\.partial$/;

/**
 * Opens a new temporary file beside `file`: a random name, created exclusively and never through
 * a symlink (O_EXCL|O_NOFOLLOW), readable by its owner only (a heap holds secrets).
 */
export function openTemporary(file: string): { fd: number; path: string } {
  removeStalePartials(dirname(file));
  const path = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (err) {
    throw new SnapshotFileError(`cannot create a file in ${dirname(file)}: ${(err as Error).message}`);
  }
  inFlight.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of inFlight) rmSync(p, { force: true });
    });
  }
  return { fd, path };
}

/** Closes (unless already closed) and removes a temporary file: a capture that failed. */
export function discardTemporary(fd: number | undefined, path: string): void {
  if (fd !== undefined) closeSync(fd);
  rmSync(path, { force: true });
  inFlight.delete(path);
}

/**
 * Gives the finished temporary file its name, claimed atomically: a hard link fails if the name
 * exists, so two captures never end up at one path. Returns the name it got.
 */
export function placeTemporary(path: string, file: string, ifExists: IfExists): string {
  try {
    if (ifExists === 'replace') {
      if (lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new SnapshotFileError(`${file} is a directory`);
      renameSync(path, file);
      return file;
    }
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? file : file.replace(/(\.heapsnapshot)?$/, `-${n}$1`);
      if (claim(path, candidate)) return candidate;
      if (ifExists === 'fail') throw new SnapshotFileError(`${file} already exists`);
    }
  } finally {
    rmSync(path, { force: true });
    inFlight.delete(path);
  }
}

/** Links `path` to `name` unless `name` exists; where the file system has no hard links, checks and renames. */
function claim(path: string, name: string): boolean {
  try {
    linkSync(path, name);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      throw new SnapshotFileError(`cannot write ${name}: ${(err as Error).message}`);
    }
    if (existsSync(name)) return false;
    renameSync(path, name);
    return true;
  }
}

/** Removes temporary files of captures whose process is gone. */
function removeStalePartials(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(PARTIAL.exec(name)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `2026-11-23T14-05-09-leaky-bot.heapsnapshot`: sortable by time, safe on every file system. */
export function snapshotFileName(label: string, at: Date = new Date()): string {
  const time = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/:/g, '-');
  const safe =
    label
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'target';
  return `${time}-${safe}.heapsnapshot`;
}

/**
 * `<dir>/<time>-<label>.heapsnapshot`, with `-2`, `-3`… when that name is taken now. Only a hint:
 * the name a capture gets is claimed when it ends (placeTemporary), so captures running at once
 * still end up apart.
 */
export function uniqueSnapshotPath(dir: string, label: string, at: Date = new Date()): string {
  const name = snapshotFileName(label, at);
  let candidate = join(dir, name);
  for (let n = 2; existsSync(candidate); n++) candidate = join(dir, name.replace(/\.heapsnapshot$/, `-${n}.heapsnapshot`));
  return candidate;
}
