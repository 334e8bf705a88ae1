import type { MessagePort } from 'node:worker_threads';

/**
 * The one message shape between a thread and the workers it starts (heap analysis, the older
 * snapshots of a comparison, a snapshot's edges, workspace scans). Every request carries an id;
 * the worker answers with progress messages and then exactly one result or failure for that id.
 */

/** Per method: what goes in, what comes out, and what progress looks like. */
export type MethodTable = Record<string, { params: unknown; result: unknown; progress?: unknown }>;

export type ProgressOf<T extends MethodTable, M extends keyof T> = T[M] extends { progress: infer P } ? P : never;

export type ToWorker<T extends MethodTable> =
  | { [M in keyof T & string]: { kind: 'call'; id: number; method: M; params: T[M]['params'] } }[keyof T & string]
  | { kind: 'cancel'; id: number }
  | { kind: 'note'; id: number; note: unknown };

export type FromWorker =
  | { kind: 'progress'; id: number; progress: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'failure'; id: number; failure: WorkerFailure };

/**
 * Why a call ended without a result. `bad-input`: the input is at fault (told to the user as it
 * is); `out-of-memory`: a memory cap or an allocation failed; `timeout`: the time limit passed;
 * `cancelled`: the caller asked; `failed`: anything else, a bug or a crash.
 */
export type FailureReason = 'bad-input' | 'out-of-memory' | 'timeout' | 'cancelled' | 'failed';

export interface WorkerFailure {
  readonly message: string;
  readonly reason: FailureReason;
}

/** What a worker started for one synchronous call finds in `workerData`. */
export interface SyncCallData<T extends MethodTable> {
  readonly call: Extract<ToWorker<T>, { kind: 'call' }>;
  /** Where the answer goes (the caller reads it with receiveMessageOnPort). */
  readonly reply: MessagePort;
  /** [0] is set to 1 and notified once the answer is posted; [1] counts heartbeats. */
  readonly flags: Int32Array;
}

/** A call that failed in or around a worker thread. */
export class WorkerCallError extends Error {
  override name = 'WorkerCallError';
  /** True when the input is at fault rather than the tool. */
  readonly badInput: boolean;

  constructor(
    message: string,
    readonly reason: FailureReason,
  ) {
    super(message);
    this.badInput = reason === 'bad-input';
  }
}

/**
 * The one place errors become failures. A RangeError from an allocation (a typed array, a
 * string, an array grown too far) means the thread ran out of memory, not that the input is bad.
 */
export function failureOf(err: unknown, what: string, isBadInput: (err: unknown) => boolean): WorkerFailure {
  if (err instanceof WorkerCallError) return { message: err.message, reason: err.reason };
  if (isBadInput(err)) return { message: (err as Error).message, reason: 'bad-input' };
  if (err instanceof RangeError && !/call stack/i.test(err.message)) {
    return { message: `not enough memory for ${what} (${err.message})`, reason: 'out-of-memory' };
  }
  return { message: err instanceof Error ? err.message : String(err), reason: 'failed' };
}
