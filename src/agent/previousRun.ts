import fs from 'node:fs';

/** What the end of an existing memory_debug.jsonl says about the run before this one. */
export interface PreviousRun {
  pid: number;
  /** Its last record is a shutdown summary; otherwise it crashed or was killed. */
  cleanExit: boolean;
  /** Restarts the log had seen by then. */
  restarts: number;
}

const TAIL_BYTES = 64 * 1024;

/** Reads only the file's tail: a log of months must not slow the app's start. */
export function readPreviousRun(jsonlPath: string): PreviousRun | undefined {
  let text: string;
  try {
    const fd = fs.openSync(jsonlPath, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const records: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    try {
      const record = JSON.parse(line) as unknown;
      if (typeof record === 'object' && record !== null) records.push(record as Record<string, unknown>);
    } catch {
      // a partial first line, or a line cut by a crash
    }
  }
  const last = records.at(-1);
  const withPid = lastWhere(records, (r) => typeof r.pid === 'number');
  if (!last || !withPid) return undefined;
  const counted = lastWhere(records, (r) => typeof r.restarts === 'number');
  return { pid: withPid.pid as number, cleanExit: last.type === 'shutdown', restarts: (counted?.restarts as number | undefined) ?? 0 };
}

function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return items[i];
  return undefined;
}
