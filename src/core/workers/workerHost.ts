import { MessageChannel, receiveMessageOnPort, Worker, type Transferable } from 'node:worker_threads';
import {
  WorkerCallError,
  type FromWorker,
  type MethodTable,
  type ProgressOf,
  type SyncCallData,
  type ToWorker,
  type WorkerFailure,
} from './protocol';

export interface WorkerLimits {
  /** Cap of the worker's V8 heap in MB (strings, objects; typed arrays live outside it). */
  readonly maxOldGenerationSizeMb?: number;
  /** A call still running after this long is stopped. */
  readonly timeLimitMs?: number;
}

/** The shape of `vscode.CancellationToken`, so the extension passes its token as it is. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface CallOptions<P> {
  onProgress?(progress: P): void;
  readonly cancellation?: CancellationLike | AbortSignal;
}

export interface RunningCall<R> {
  readonly result: Promise<R>;
  /** Resolves when the thread that ran the call has stopped (per-call workers) or the call has ended (shared ones). */
  readonly ended: Promise<void>;
  cancel(): void;
  /** Input the worker needs mid-call; it reads them with `context.nextNote()`. */
  note(value: unknown, transfer?: readonly Transferable[]): void;
}

export interface WorkerHostOptions {
  /** The work in words, for messages: "the snapshot analysis". */
  readonly what: string;
  readonly limits?: WorkerLimits;
  /**
   * `per-call` (default): a fresh worker for each call, terminated when the call ends, so its
   * memory goes back at once and cancel or a timeout stop it mid-loop. `shared`: one worker serves
   * every call until dispose; cancel is a message the worker checks (it answers with what it has),
   * and a worker that has not answered `cancelGraceMs` after a cancel or a timeout is terminated.
   */
  readonly mode?: 'per-call' | 'shared';
  readonly cancelGraceMs?: number;
  /** The errors callers expect for a failure (HeapSnapshotError for bad input, say); default WorkerCallError. */
  toError?(failure: WorkerFailure): Error;
}

interface PendingCall {
  readonly worker: Worker;
  readonly onProgress?: (progress: unknown) => void;
  settle(outcome: { result: unknown } | { failure: WorkerFailure }): void;
}

/** Starts workers with resource limits and a typed request/response protocol; every failure becomes one error type. */
export class WorkerHost<T extends MethodTable> {
  private shared?: Worker;
  private nextId = 1;
  private readonly calls = new Map<number, PendingCall>();
  /** Cancelled calls of the shared worker that it has not answered yet, with their grace timers. */
  private readonly cancelling = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly file: string,
    private readonly options: WorkerHostOptions,
  ) {}

  call<M extends keyof T & string>(
    method: M,
    params: T[M]['params'],
    options: CallOptions<ProgressOf<T, M>> = {},
  ): RunningCall<T[M]['result']> {
    const perCall = this.options.mode !== 'shared';
    const id = this.nextId++;
    const worker = perCall ? this.spawn() : this.sharedWorker();
    const what = this.options.what;
    let settled = false;
    let cleanup = () => {};
    let endedResolve = () => {};
    const ended = new Promise<void>((resolve) => (endedResolve = resolve));
    if (perCall) worker.once('exit', () => endedResolve());
    const result = new Promise<T[M]['result']>((resolve, reject) => {
      this.calls.set(id, {
        worker,
        onProgress: options.onProgress as ((progress: unknown) => void) | undefined,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          this.calls.delete(id);
          cleanup();
          if (perCall) void worker.terminate();
          else endedResolve();
          if ('result' in outcome) resolve(outcome.result as T[M]['result']);
          else reject(this.toError(outcome.failure));
        },
      });
    });
    result.catch(() => {});
    const stop = (failure: WorkerFailure) => {
      const pending = this.calls.get(id);
      if (!pending) return;
      if (perCall) return pending.settle({ failure });
      // A shared worker stops at its next check and answers; one that has not answered in time is ended.
      post(worker, { kind: 'cancel', id });
      const grace = setTimeout(() => {
        this.cancelling.delete(id);
        pending.settle({ failure });
        this.fail(worker, { message: `${what} was stopped: a cancelled call did not end in time`, reason: 'failed' });
      }, this.options.cancelGraceMs ?? 1000);
      grace.unref();
      this.cancelling.set(id, grace);
      // A cancelled call gets the worker's answer (what it found so far); one past its time limit ends now.
      if (failure.reason !== 'cancelled') pending.settle({ failure });
    };
    const cancel = () => stop({ message: `${what} was cancelled`, reason: 'cancelled' });
    const limit = this.options.limits?.timeLimitMs;
    const timer =
      limit !== undefined
        ? setTimeout(() => stop({ message: `${what} took longer than ${formatSeconds(limit)} and was stopped`, reason: 'timeout' }), limit)
        : undefined;
    const unlisten = onCancel(options.cancellation, cancel);
    cleanup = () => {
      if (timer) clearTimeout(timer);
      unlisten();
    };
    post(worker, { kind: 'call', id, method, params } as ToWorker<T>);
    return { result, ended, cancel, note: (value, transfer) => post(worker, { kind: 'note', id, note: value }, transfer) };
  }

  /** Stops the shared worker and fails what it was running. */
  dispose(): void {
    const worker = this.shared;
    this.shared = undefined;
    if (worker) this.fail(worker, { message: `${this.options.what} was stopped`, reason: 'cancelled' });
  }

  private sharedWorker(): Worker {
    if (!this.shared) {
      const worker = this.spawn();
      worker.once('exit', () => {
        if (this.shared === worker) this.shared = undefined;
      });
      // An idle shared worker must not keep the process alive.
      worker.unref();
      this.shared = worker;
    }
    return this.shared;
  }

  private spawn(): Worker {
    const worker = new Worker(this.file, { resourceLimits: resourceLimitsOf(this.options.limits) });
    const what = this.options.what;
    worker.on('message', (m: FromWorker) => {
      if (m.kind !== 'progress') this.acknowledge(m.id);
      const pending = this.calls.get(m.id);
      if (!pending) return;
      if (m.kind === 'progress') pending.onProgress?.(m.progress);
      else if (m.kind === 'result') pending.settle({ result: m.result });
      else pending.settle({ failure: m.failure });
    });
    worker.on('error', (err: Error & { code?: string }) => this.fail(worker, crashFailure(err, what, this.options.limits)));
    worker.on('exit', (code) => this.fail(worker, { message: `${what} stopped without an answer (exit code ${code})`, reason: 'failed' }));
    return worker;
  }

  /** The shared worker has answered a call it was asked to stop. */
  private acknowledge(id: number): void {
    clearTimeout(this.cancelling.get(id));
    this.cancelling.delete(id);
  }

  private fail(worker: Worker, failure: WorkerFailure): void {
    // Calls made from here on get a new worker, not this dying one.
    if (this.shared === worker) this.shared = undefined;
    for (const pending of [...this.calls.values()]) if (pending.worker === worker) pending.settle({ failure });
    void worker.terminate();
  }

  private toError(failure: WorkerFailure): Error {
    return this.options.toError?.(failure) ?? new WorkerCallError(failure.message, failure.reason);
  }
}

/**
 * One call on a worker that the calling thread waits for without an event loop (`join` blocks on
 * a shared flag), so synchronous code can hand half its work to a second thread. The worker beats
 * a heartbeat as it goes; one that stops beating for `stallMs` is taken for dead.
 */
export class SyncWorkerCall<T extends MethodTable, M extends keyof T & string> {
  private readonly worker: Worker;
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly channel = new MessageChannel();

  constructor(
    file: string,
    method: M,
    params: T[M]['params'],
    private readonly options: WorkerHostOptions & { readonly stallMs?: number },
  ) {
    const data: SyncCallData<T> = {
      call: { kind: 'call', id: 0, method, params } as SyncCallData<T>['call'],
      reply: this.channel.port2,
      flags: this.flags,
    };
    this.worker = new Worker(file, {
      workerData: data,
      transferList: [this.channel.port2],
      resourceLimits: resourceLimitsOf(options.limits),
    });
    // Its 'error' event may only come after join has given up; join reports instead.
    this.worker.on('error', () => {});
  }

  /** Stops the worker without waiting for it (its answer no longer matters). */
  cancel(): void {
    void this.worker.terminate();
    this.channel.port1.close();
  }

  join(): T[M]['result'] {
    const { what, limits } = this.options;
    const stallMs = this.options.stallMs ?? 30_000;
    const started = Date.now();
    let beat = Atomics.load(this.flags, 1);
    let lastBeat = started;
    let failure: WorkerFailure | undefined;
    while (Atomics.wait(this.flags, 0, 0, 250) === 'timed-out') {
      const now = Date.now();
      const current = Atomics.load(this.flags, 1);
      if (current !== beat) [beat, lastBeat] = [current, now];
      if (limits?.timeLimitMs !== undefined && now - started > limits.timeLimitMs) {
        failure = { message: `${what} took longer than ${formatSeconds(limits.timeLimitMs)} and was stopped`, reason: 'timeout' };
      } else if (now - lastBeat > stallMs) {
        failure = { message: `${what} made no progress for ${formatSeconds(stallMs)} and was stopped`, reason: 'failed' };
      }
      if (failure) break;
    }
    const answer = failure ? undefined : (receiveMessageOnPort(this.channel.port1)?.message as FromWorker | undefined);
    void this.worker.terminate();
    this.channel.port1.close();
    if (!failure && answer?.kind === 'result') return answer.result as T[M]['result'];
    failure ??= answer?.kind === 'failure' ? answer.failure : { message: `${what} ended without an answer`, reason: 'failed' };
    throw this.options.toError?.(failure) ?? new WorkerCallError(failure.message, failure.reason);
  }
}

function post<T extends MethodTable>(worker: Worker, message: ToWorker<T>, transfer?: readonly Transferable[]): void {
  worker.postMessage(message, transfer);
}

function onCancel(cancellation: CancellationLike | AbortSignal | undefined, cancel: () => void): () => void {
  if (!cancellation) return () => {};
  if ('aborted' in cancellation) {
    if (cancellation.aborted) queueMicrotask(cancel);
    cancellation.addEventListener('abort', cancel, { once: true });
    return () => cancellation.removeEventListener('abort', cancel);
  }
  if (cancellation.isCancellationRequested) queueMicrotask(cancel);
  const listener = cancellation.onCancellationRequested(cancel);
  return () => listener.dispose();
}

function crashFailure(err: Error & { code?: string }, what: string, limits: WorkerLimits | undefined): WorkerFailure {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const cap = limits?.maxOldGenerationSizeMb;
    return { message: `${what} ran out of ${cap ? `its ${cap} MB memory cap` : 'memory'} and was stopped`, reason: 'out-of-memory' };
  }
  return { message: `${what} failed: ${err.message}`, reason: 'failed' };
}

function resourceLimitsOf(limits: WorkerLimits | undefined): { maxOldGenerationSizeMb?: number } {
  return limits?.maxOldGenerationSizeMb ? { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb } : {};
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
