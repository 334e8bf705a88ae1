import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CapabilityError, type InspectorSession } from '../inspector/inspectorSession';

export interface CaptureOptions {
  readonly session: InspectorSession;
  /** Where the finished snapshot goes; it appears there only when complete. */
  readonly file: string;
  /** V8's own progress while it walks the heap (objects done / total); JavaScriptCore reports none. */
  onProgress?(done: number, total: number): void;
  /** Bytes written so far, as chunks arrive. */
  onBytes?(bytes: number): void;
  readonly signal?: AbortSignal;
}

export interface CapturedSnapshot {
  readonly file: string;
  readonly bytes: number;
}

/** Why a capture stopped; the partial file is gone by the time this is thrown. */
export class CaptureError extends Error {
  override name = 'CaptureError';
  constructor(
    message: string,
    readonly reason: 'cancelled' | 'target-gone' | 'write-failed' | 'protocol' | 'unsupported',
  ) {
    super(message);
  }
}

/**
 * Takes a heap snapshot over the target's inspector (V8's chunks over CDP, or JavaScriptCore's one
 * reply over WebKit's protocol) and writes it to disk as it arrives: the protocols have no
 * backpressure, so buffering (or an async stream that queues) would hold the whole snapshot in this
 * process. Writes go to a temporary name beside the target file and are renamed
 * into place at the end, so a capture that fails (target dies, user cancels, disk full) leaves no
 * half file behind.
 */
export async function captureHeapSnapshot(options: CaptureOptions): Promise<CapturedSnapshot> {
  const { session, file, signal } = options;
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  const fd = openSync(temp, 'w');
  let bytes = 0;
  let failure: CaptureError | undefined;
  let fail: (err: CaptureError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (err) => {
      failure ??= err;
      reject(failure);
    };
  });
  failed.catch(() => {});
  const write = (chunk: string | Uint8Array) => {
    if (failure) return;
    try {
      bytes += typeof chunk === 'string' ? writeSync(fd, chunk) : writeAll(fd, chunk);
      options.onBytes?.(bytes);
    } catch (err) {
      fail(new CaptureError(`cannot write the snapshot to ${temp}: ${(err as Error).message}`, 'write-failed'));
    }
  };
  const onClose = () =>
    fail(new CaptureError(`the target went away during the snapshot (${formatMb(bytes)} received); no file was written`, 'target-gone'));
  const onAbort = () => fail(new CaptureError('the heap snapshot was cancelled; no file was written', 'cancelled'));
  const offClose = session.onClose(onClose);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) onAbort();
    if (session.isClosed) onClose();
    const taken = session.takeHeapSnapshot({ write, onProgress: options.onProgress }).catch((err: Error) => {
      if (session.isClosed) onClose();
      if (err instanceof CaptureError) throw err;
      if (err instanceof CapabilityError) throw new CaptureError(err.message, 'unsupported');
      throw new CaptureError(`the target refused the heap snapshot: ${err.message}`, 'protocol');
    });
    await Promise.race([taken, failed]);
    if (failure) throw failure;
    closeSync(fd);
    if (bytes === 0 || statSync(temp).size === 0)
      throw new CaptureError('the target sent an empty snapshot; no file was written', 'protocol');
    renameSync(temp, file);
    return { file, bytes };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed on the success path
    }
    rmSync(temp, { force: true });
    throw err;
  } finally {
    offClose();
    signal?.removeEventListener('abort', onAbort);
  }
}

function writeAll(fd: number, chunk: Uint8Array): number {
  let written = 0;
  while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
  return written;
}

/** A warning to show before capturing when the target is already high in its budget, else undefined. */
export function captureRiskWarning(rssBytes: number | undefined, budgetBytes: number, thresholdPercent = 60): string | undefined {
  if (rssBytes === undefined || budgetBytes <= 0) return undefined;
  const percent = (rssBytes / budgetBytes) * 100;
  if (percent <= thresholdPercent) return undefined;
  return (
    `The target uses ${formatMb(rssBytes)} of its ${formatMb(budgetBytes)} budget (${percent.toFixed(0)} %). ` +
    'Taking a heap snapshot needs extra memory in the target and can push it over the budget.'
  );
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
 * `<dir>/<time>-<label>.heapsnapshot`, with `-2`, `-3`… when that name is taken: two snapshots
 * in one second must not replace each other (the rename at the end of a capture would).
 */
export function uniqueSnapshotPath(dir: string, label: string, at: Date = new Date()): string {
  const name = snapshotFileName(label, at);
  let candidate = join(dir, name);
  for (let n = 2; existsSync(candidate); n++) candidate = join(dir, name.replace(/\.heapsnapshot$/, `-${n}.heapsnapshot`));
  return candidate;
}

function formatMb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}
