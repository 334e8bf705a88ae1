import { closeSync, statSync, writeSync } from 'node:fs';
import { CapabilityError, type InspectorSession } from '../inspector/inspectorSession';
import { checkDestination, discardTemporary, openTemporary, placeTemporary, SnapshotFileError, type IfExists } from './snapshotFiles';

export { snapshotFileName, uniqueSnapshotPath, type IfExists } from './snapshotFiles';

export interface CaptureOptions {
  readonly session: InspectorSession;
  /** Where the finished snapshot goes; it appears there only when complete. */
  readonly file: string;
  /**
   * When `file` is taken: `next-free` (default) writes `<name>-2.heapsnapshot` and so on (the
   * result says where), `fail` refuses, `replace` overwrites. Nothing is ever written halfway.
   */
  readonly ifExists?: IfExists;
  /**
   * Give up when the target sends nothing (no progress, no chunk) for this long (default 60 s;
   * ten times that for JavaScriptCore, which sends nothing until its whole snapshot is ready).
   */
  readonly stallTimeoutMs?: number;
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
    readonly reason: 'cancelled' | 'target-gone' | 'write-failed' | 'protocol' | 'unsupported' | 'stalled' | 'destination',
  ) {
    super(message);
  }
}

/**
 * Takes a heap snapshot over the target's inspector (V8's chunks over CDP, or JavaScriptCore's one
 * reply over WebKit's protocol) and writes it to disk as it arrives: the protocols have no
 * backpressure, so buffering (or an async stream that queues) would hold the whole snapshot in this
 * process. Writes go to a new temporary file beside the target file, which gets
 * its name only at the end, so a capture that fails (target dies, user cancels, disk full, the
 * target goes silent) leaves no half file behind.
 */
export async function captureHeapSnapshot(options: CaptureOptions): Promise<CapturedSnapshot> {
  const { session, file, signal } = options;
  const ifExists = options.ifExists ?? 'next-free';
  // V8 reports progress while it walks the heap and sends chunks as it writes; JavaScriptCore sends
  // the whole snapshot in one reply after its walk, so silence there is not yet a stall.
  const stallMs = (options.stallTimeoutMs ?? 60_000) * (session.protocol === 'webkit' ? 10 : 1);
  const { fd, path: temp } = destination(() => {
    checkDestination(file, ifExists);
    return openTemporary(file);
  });
  let bytes = 0;
  let closed = false;
  let failure: CaptureError | undefined;
  let fail: (err: CaptureError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (err) => {
      failure ??= err;
      reject(failure);
    };
  });
  failed.catch(() => {});
  let stall: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(stall);
    stall = setTimeout(
      () =>
        fail(
          new CaptureError(
            `the target sent nothing for ${Math.round(stallMs / 1000)} s (${formatMb(bytes)} received); no file was written`,
            'stalled',
          ),
        ),
      stallMs,
    );
  };
  const write = (chunk: string | Uint8Array) => {
    if (failure) return;
    alive();
    try {
      bytes += typeof chunk === 'string' ? writeSync(fd, chunk) : writeAll(fd, chunk);
      options.onBytes?.(bytes);
    } catch (err) {
      fail(new CaptureError(`cannot write the snapshot to ${temp}: ${(err as Error).message}`, 'write-failed'));
    }
  };
  const onProgress = (done: number, total: number) => {
    alive();
    options.onProgress?.(done, total);
  };
  const onClose = () =>
    fail(new CaptureError(`the target went away during the snapshot (${formatMb(bytes)} received); no file was written`, 'target-gone'));
  const onAbort = () => fail(new CaptureError('the heap snapshot was cancelled; no file was written', 'cancelled'));
  const offClose = session.onClose(onClose);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    alive();
    if (signal?.aborted) onAbort();
    if (session.isClosed) onClose();
    const taken = session.takeHeapSnapshot({ write, onProgress }).catch((err: Error) => {
      if (session.isClosed) onClose();
      if (err instanceof CaptureError) throw err;
      if (err instanceof CapabilityError) throw new CaptureError(err.message, 'unsupported');
      throw new CaptureError(`the target refused the heap snapshot: ${err.message}`, 'protocol');
    });
    taken.catch(() => {});
    await Promise.race([taken, failed]);
    if (failure) throw failure;
    closeSync(fd);
    closed = true;
    if (bytes === 0 || statSync(temp).size === 0)
      throw new CaptureError('the target sent an empty snapshot; no file was written', 'protocol');
    return { file: destination(() => placeTemporary(temp, file, ifExists)), bytes };
  } catch (err) {
    discardTemporary(closed ? undefined : fd, temp);
    throw err;
  } finally {
    clearTimeout(stall);
    offClose();
    signal?.removeEventListener('abort', onAbort);
  }
}

function writeAll(fd: number, chunk: Uint8Array): number {
  let written = 0;
  while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
  return written;
}

/** Runs a file step, turning its SnapshotFileError into a CaptureError. */
function destination<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof SnapshotFileError) throw new CaptureError(err.message, 'destination');
    throw err;
  }
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

function formatMb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}
