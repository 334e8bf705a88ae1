import { OfferedHostRefusedError } from '../core/inspector/offeredHost';

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  ELOOP: 'is a symbolic link (not followed)',
  EMFILE: 'too many open files',
};

const SYSCALL_VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the directory',
  rename: 'rename',
  link: 'create',
  stat: 'read',
  lstat: 'read',
  scandir: 'list',
  unlink: 'remove',
};

/** What an errno code means, in words; undefined for codes without a wording here. */
export function errnoWords(code: string | undefined): string | undefined {
  return code === undefined ? undefined : ERRNO_WORDS[code];
}

/**
 * One line for stderr about why a command failed. A file-system error names its file and says what
 * went wrong in words ("cannot open /x/memory_debug.log: permission denied"), where Node's own
 * message starts with an errno code.
 */
export function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as NodeJS.ErrnoException & { dest?: string };
  let line = e.message;
  if (typeof e.code === 'string' && typeof e.path === 'string') {
    const verb = SYSCALL_VERBS[e.syscall ?? ''] ?? e.syscall ?? 'use';
    const target = e.syscall === 'rename' || e.syscall === 'link' ? (e.dest ?? e.path) : e.path;
    line = `cannot ${verb} ${target}: ${ERRNO_WORDS[e.code] ?? e.message}`;
  }
  if (causes(err).some((c) => c instanceof OfferedHostRefusedError)) line += '; give --allow-remote to follow it';
  return line;
}

function causes(err: Error): unknown[] {
  const chain: unknown[] = [];
  for (let c: unknown = err; c !== undefined && chain.length < 10; c = (c as { cause?: unknown }).cause) chain.push(c);
  return chain;
}
