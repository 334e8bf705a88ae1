import fs from 'node:fs';
import path from 'node:path';

/**
 * Who writes which memory log files in a directory. Lines were lost when several writers shared one
 * file: each counted only its own bytes and renamed a file the others still held open. So every file
 * has exactly one writer:
 *
 * - `memory_debug.log` / `.jsonl` belong to the process named in `memory_debug.lock` (pid and start
 *   time; a lock whose process is gone is taken over);
 * - any other process writes `memory_debug-<pid>.log` / `.jsonl` and says so in the main log (an
 *   agent's worker processes always do);
 * - writers in one process (two targets in one window) share that process's files.
 *
 * Each file rotates on its own size to `<file>.1`, … `<file>.<keep>`. The Python agent follows the
 * same rules (python/memory_budget_agent/_budget.py).
 */

export const LOG_BASE = 'memory_debug';
export const LOCK_FILE = `${LOG_BASE}.lock`;

export interface LogFilesOptions {
  /** Past this size a file is rotated. */
  maxBytes: number;
  /** Rotated generations kept (`.1` … `.N`). */
  keepRotated: number;
  /** A base name of this process's own (`memory_debug-<pid>`): no claim on the main files. */
  fileBase?: string;
}

type Kind = 'log' | 'jsonl';

interface OpenFile {
  path: string;
  fd: number;
  bytes: number;
}

const OPEN_APPEND = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);

/** One directory's files as this process writes them. Get it with `LogFiles.acquire`, give it back with `release`. */
export class LogFiles {
  private static readonly open = new Map<string, LogFiles>();
  private users = 0;
  private readonly files: Record<Kind, OpenFile>;
  /** Written at the top of each new file after a rotation (each user's header). */
  private readonly headers = new Set<() => string>();

  private constructor(
    readonly directory: string,
    readonly base: string,
    /** True when this process holds the directory's lock (and so writes the main files). */
    readonly ownsDirectory: boolean,
    private readonly options: LogFilesOptions,
  ) {
    this.files = { log: this.openFile(`${base}.log`), jsonl: this.openFile(`${base}.jsonl`) };
  }

  /** This process's files in `directory`: the main ones if it can claim them, else its own. */
  static acquire(directory: string, options: LogFilesOptions): LogFiles {
    const key = `${path.resolve(directory)}\0${options.fileBase ?? ''}`;
    let files = LogFiles.open.get(key);
    if (!files) {
      fs.mkdirSync(directory, { recursive: true });
      const owns = options.fileBase === undefined && claimDirectory(directory);
      files = new LogFiles(directory, options.fileBase ?? (owns ? LOG_BASE : `${LOG_BASE}-${process.pid}`), owns, options);
      LogFiles.open.set(key, files);
    }
    files.users++;
    return files;
  }

  /** The human-readable log this process writes in `directory`, if it writes one there. */
  static writtenIn(directory: string): string | undefined {
    for (const files of LogFiles.open.values()) if (path.resolve(files.directory) === path.resolve(directory)) return files.path('log');
    return undefined;
  }

  path(kind: Kind): string {
    return this.files[kind].path;
  }

  onRotate(header: () => string): () => void {
    this.headers.add(header);
    return () => this.headers.delete(header);
  }

  append(kind: Kind, text: string, sync = false): void {
    const file = this.files[kind];
    // Another process may append a line here (an agent's worker announcing its file): the size on
    // disk decides, the count kept here only says when to look.
    if (file.bytes > this.options.maxBytes) {
      file.bytes = fs.fstatSync(file.fd).size;
      if (file.bytes > this.options.maxBytes) this.rotate(kind);
    }
    const buffer = Buffer.from(text, 'utf8');
    fs.writeSync(file.fd, buffer);
    file.bytes += buffer.length;
    if (sync) fs.fdatasyncSync(file.fd);
  }

  release(): void {
    if (--this.users > 0) return;
    for (const key of [...LogFiles.open.keys()]) if (LogFiles.open.get(key) === this) LogFiles.open.delete(key);
    for (const file of Object.values(this.files)) closeQuietly(file.fd);
    if (this.ownsDirectory) releaseDirectory(this.directory);
  }

  private openFile(name: string): OpenFile {
    const file = path.join(this.directory, name);
    const fd = openForAppend(file);
    return { path: file, fd, bytes: fs.fstatSync(fd).size };
  }

  private rotate(kind: Kind): void {
    const file = this.files[kind];
    closeQuietly(file.fd);
    for (let n = this.options.keepRotated - 1; n >= 1; n--) renameIfThere(`${file.path}.${n}`, `${file.path}.${n + 1}`);
    renameIfThere(file.path, `${file.path}.1`);
    this.files[kind] = this.openFile(path.basename(file.path));
    if (kind === 'log') for (const header of this.headers) this.append('log', header());
  }
}

/** O_APPEND, created if missing, and never through a symbolic link (one planted in a workspace could aim anywhere). */
export function openForAppend(file: string): number {
  return fs.openSync(file, OPEN_APPEND, 0o644);
}

function renameIfThere(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
}

interface LockHolder {
  pid: number;
  /** The process's start time (clock ticks after boot, /proc/<pid>/stat), where it can be read. */
  start?: string;
}

/** Takes `memory_debug.lock` when it is free or its process is gone; false when a live process holds it. */
function claimDirectory(directory: string): boolean {
  const lock = path.join(directory, LOCK_FILE);
  const me = holderText({ pid: process.pid, start: startTime(process.pid) });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(
        lock,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0),
        0o644,
      );
      try {
        fs.writeSync(fd, me);
      } finally {
        fs.closeSync(fd);
      }
      releaseOnExit(directory);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readHolder(lock);
    if (holder === 'unreadable' || (holder && isAlive(holder))) return false;
    // A lock left by a process that is gone. Moving it aside is atomic: of several takers only one
    // moves it, and the others try again from the start.
    const aside = `${lock}.${process.pid}.stale`;
    try {
      fs.renameSync(lock, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readHolder(aside);
    fs.rmSync(aside, { force: true });
    // Between reading it and moving it, a live process took the lock: it keeps the files.
    if (moved && moved !== 'unreadable' && isAlive(moved)) {
      restoreLock(lock, moved);
      return false;
    }
  }
  return false;
}

function restoreLock(lock: string, holder: LockHolder): void {
  try {
    fs.writeFileSync(lock, holderText(holder), { flag: 'wx' });
  } catch {
    // someone holds it again; either way it is not ours
  }
}

const exitHooks = new Set<string>();
function releaseOnExit(directory: string): void {
  if (exitHooks.size === 0) process.on('exit', () => exitHooks.forEach((d) => releaseDirectory(d)));
  exitHooks.add(path.resolve(directory));
}

/** Removes the lock when it names this process (a lock taken over since is someone else's). */
function releaseDirectory(directory: string): void {
  exitHooks.delete(path.resolve(directory));
  const lock = path.join(directory, LOCK_FILE);
  const holder = readHolder(lock);
  if (holder && holder !== 'unreadable' && holder.pid === process.pid) fs.rmSync(lock, { force: true });
}

function holderText(holder: LockHolder): string {
  return `${holder.pid}${holder.start ? ` ${holder.start}` : ''}\n`;
}

/** The lock's holder; undefined when there is no lock, 'unreadable' when it cannot be read or is being written. */
function readHolder(lock: string): LockHolder | 'unreadable' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'unreadable';
  }
  const m = /^(\d+)(?: (\d+))?\n$/.exec(text);
  if (!m) {
    // Empty for the instant between its creation and its first write; empty for long, it was abandoned there.
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age > 10_000 ? { pid: 0 } : 'unreadable';
  }
  return { pid: Number(m[1]), start: m[2] };
}

function isAlive(holder: LockHolder): boolean {
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // The pid of a process that died may have been given to another since.
  const start = startTime(holder.pid);
  return holder.start === undefined || start === undefined || start === holder.start;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised name, which may hold spaces). */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
