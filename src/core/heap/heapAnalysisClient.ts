import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisProgress } from './model';
import type { HeapMethod, HeapMethods, WorkerMessage, WorkerRequest } from './rpc';

export interface AnalysisLimits {
  /** V8 heap of the worker (strings, small objects); typed arrays are counted by maxArrayBytes. */
  maxOldGenerationSizeMb: number;
  /** Refuse snapshots whose arrays would need more than this. */
  maxArrayBytes: number;
}

export function defaultLimits(): AnalysisLimits {
  return { maxOldGenerationSizeMb: 2048, maxArrayBytes: Math.floor(totalmem() * 0.5) };
}

/** Why an analysis stopped, in words for the user. `badInput` is true when the file is at fault. */
export class HeapAnalysisError extends Error {
  override name = 'HeapAnalysisError';
  constructor(
    message: string,
    readonly badInput: boolean,
  ) {
    super(message);
  }
}

export interface RunningAnalysis<R> {
  readonly result: Promise<R>;
  cancel(): void;
}

/** Starts heap analyses in worker threads with a memory cap; one worker per analysis, gone when it ends. */
export class HeapAnalysisClient {
  constructor(
    private readonly workerFile: string,
    private readonly limits: AnalysisLimits = defaultLimits(),
  ) {}

  summarize(
    params: HeapMethods['summarize']['params'],
    onProgress?: (p: AnalysisProgress) => void,
  ): RunningAnalysis<HeapMethods['summarize']['result']> {
    return this.run<'summarize'>(
      { method: 'summarize', params: { ...params, options: { maxArrayBytes: this.limits.maxArrayBytes, ...params.options } } },
      onProgress,
    );
  }

  compare(
    params: HeapMethods['compare']['params'],
    onProgress?: (p: AnalysisProgress) => void,
  ): RunningAnalysis<HeapMethods['compare']['result']> {
    return this.run<'compare'>(
      { method: 'compare', params: { ...params, options: { maxArrayBytes: this.limits.maxArrayBytes, ...params.options } } },
      onProgress,
    );
  }

  private run<M extends HeapMethod>(
    request: WorkerRequest,
    onProgress?: (p: AnalysisProgress) => void,
  ): RunningAnalysis<HeapMethods[M]['result']> {
    const worker = new Worker(this.workerFile, {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxOldGenerationSizeMb },
    });
    let settled = false;
    let cancel = () => {};
    const result = new Promise<HeapMethods[M]['result']>((resolve, reject) => {
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        void worker.terminate();
      };
      cancel = () => finish(() => reject(new HeapAnalysisError('the snapshot analysis was cancelled', false)));
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') onProgress?.(message.progress);
        else if (message.kind === 'result') finish(() => resolve(message.result as HeapMethods[M]['result']));
        else finish(() => reject(new HeapAnalysisError(message.message, message.badInput)));
      });
      worker.on('error', (err: Error & { code?: string }) => {
        const message =
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the snapshot analysis ran out of its ${this.limits.maxOldGenerationSizeMb} MB memory cap and was stopped`
            : `the snapshot analysis failed: ${err.message}`;
        finish(() => reject(new HeapAnalysisError(message, false)));
      });
      worker.on('exit', (code) =>
        finish(() =>
          reject(
            new HeapAnalysisError(
              code === 0 ? 'the snapshot analysis stopped without a result' : `the snapshot analysis was stopped (exit code ${code})`,
              false,
            ),
          ),
        ),
      );
    });
    return { result, cancel: () => cancel() };
  }
}
