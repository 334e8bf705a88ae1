import { parentPort, workerData, type Transferable } from 'node:worker_threads';
import { failureOf, type FromWorker, type MethodTable, type ProgressOf, type SyncCallData, type ToWorker } from './protocol';

/** What a handler gets besides its params. */
export interface CallContext<P> {
  progress(progress: P, transfer?: readonly Transferable[]): void;
  /** True once the caller has cancelled: long work in a shared worker checks it between steps. */
  readonly cancelled: boolean;
  /** The next note the caller sends for this call (input that is only ready mid-call). */
  nextNote<N>(): Promise<N>;
  /** Tells a caller blocked in `SyncWorkerCall.join` that the work moves on. */
  heartbeat(): void;
}

export type Handlers<T extends MethodTable> = {
  [M in keyof T & string]: (params: T[M]['params'], context: CallContext<ProgressOf<T, M>>) => T[M]['result'] | Promise<T[M]['result']>;
};

export interface ServeOptions {
  /** The work in words, for messages: "the snapshot analysis". */
  readonly what: string;
  /** Errors that mean the input is at fault (reported as `bad-input`, message as it is). */
  isBadInput?(err: unknown): boolean;
  /** Buffers to move to the caller with a result rather than copy. */
  transferOf?(result: unknown): Transferable[];
}

interface CallState {
  cancelled: boolean;
  readonly notes: unknown[];
  readonly waiting: ((note: unknown) => void)[];
}

/**
 * The body of a worker thread: answers calls posted by a `WorkerHost` (or the one call a
 * `SyncWorkerCall` put in workerData) with the handler of their method.
 */
export function serveWorker<T extends MethodTable>(handlers: Handlers<T>, options: ServeOptions): void {
  const sync = workerData as Partial<SyncCallData<T>> | undefined;
  if (sync?.call && sync.reply && sync.flags) {
    const { reply, flags } = sync;
    const send = (message: FromWorker, transfer?: readonly Transferable[]) => reply.postMessage(message, transfer);
    void answer(handlers, options, sync.call, newState(), send, () => Atomics.add(flags, 1, 1)).finally(() => {
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
    });
    return;
  }
  const port = parentPort;
  if (!port) return;
  const calls = new Map<number, CallState>();
  const send = (message: FromWorker, transfer?: readonly Transferable[]) => port.postMessage(message, transfer);
  port.on('message', (m: ToWorker<T>) => {
    if (m.kind === 'call') {
      const state = newState();
      calls.set(m.id, state);
      void answer(handlers, options, m, state, send, () => {}).finally(() => calls.delete(m.id));
    } else if (m.kind === 'cancel') {
      const state = calls.get(m.id);
      if (state) state.cancelled = true;
    } else {
      const state = calls.get(m.id);
      if (!state) return;
      const waiter = state.waiting.shift();
      if (waiter) waiter(m.note);
      else state.notes.push(m.note);
    }
  });
}

function newState(): CallState {
  return { cancelled: false, notes: [], waiting: [] };
}

async function answer<T extends MethodTable>(
  handlers: Handlers<T>,
  options: ServeOptions,
  call: Extract<ToWorker<T>, { kind: 'call' }>,
  state: CallState,
  send: (message: FromWorker, transfer?: readonly Transferable[]) => void,
  heartbeat: () => void,
): Promise<void> {
  const { id } = call;
  const context: CallContext<unknown> = {
    progress: (progress, transfer) => send({ kind: 'progress', id, progress }, transfer),
    get cancelled() {
      return state.cancelled;
    },
    nextNote: <N>() =>
      state.notes.length > 0
        ? Promise.resolve(state.notes.shift() as N)
        : new Promise<N>((resolve) => state.waiting.push(resolve as (note: unknown) => void)),
    heartbeat,
  };
  try {
    const handler = handlers[call.method] as (params: unknown, context: CallContext<unknown>) => unknown;
    const result = await handler(call.params, context);
    send({ kind: 'result', id, result }, options.transferOf?.(result));
  } catch (err) {
    send({ kind: 'failure', id, failure: failureOf(err, options.what, options.isBadInput ?? (() => false)) });
  }
}
