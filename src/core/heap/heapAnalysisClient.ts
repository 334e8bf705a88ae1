import { totalmem } from 'node:os';
import { WorkerCallError, type FailureReason } from '../workers/protocol';
import { WorkerHost, type CancellationLike, type RunningCall } from '../workers/workerHost';
import type { AnalysisProgress } from './model';
import type { HeapMethods } from './rpc';

export interface AnalysisLimits {
  /** V8 heap of the worker (strings, small objects); typed arrays are counted by maxArrayBytes. */
  maxOldGenerationSizeMb: number;
  /** Refuse snapshots whose arrays would need more than this. */
  maxArrayBytes: number;
  /** Stop an analysis that runs longer (a 2 GB snapshot takes well under a minute). */
  timeLimitMs: number;
}

export function defaultLimits(): AnalysisLimits {
  return { maxOldGenerationSizeMb: 2048, maxArrayBytes: Math.floor(totalmem() * 0.5), timeLimitMs: 10 * 60_000 };
}

/** Why an analysis stopped, in words for the user. `badInput` is true when the file is at fault. */
export class HeapAnalysisError extends WorkerCallError {
  override name = 'HeapAnalysisError';
  constructor(message: string, reason: FailureReason) {
    super(message, reason);
  }
}

export type RunningAnalysis<R> = RunningCall<R>;

/**
 * Starts heap analyses in worker threads with a memory cap and a time limit; one worker per
 * analysis, gone when it ends. Cancel (or the token) terminates the worker mid-loop.
 */
export class HeapAnalysisClient {
  private readonly host: WorkerHost<HeapMethods>;

  private readonly limits: AnalysisLimits;

  constructor(workerFile: string, limits: Partial<AnalysisLimits> = {}) {
    this.limits = { ...defaultLimits(), ...limits };
    this.host = new WorkerHost<HeapMethods>(workerFile, {
      what: 'the snapshot analysis',
      limits: this.limits,
      toError: (failure) => new HeapAnalysisError(failure.message, failure.reason),
    });
  }

  summarize(
    params: HeapMethods['summarize']['params'],
    onProgress?: (p: AnalysisProgress) => void,
    cancellation?: CancellationLike | AbortSignal,
  ): RunningAnalysis<HeapMethods['summarize']['result']> {
    const options = { maxArrayBytes: this.limits.maxArrayBytes, ...params.options };
    return this.host.call('summarize', { ...params, options }, { onProgress, cancellation });
  }

  compare(
    params: HeapMethods['compare']['params'],
    onProgress?: (p: AnalysisProgress) => void,
    cancellation?: CancellationLike | AbortSignal,
  ): RunningAnalysis<HeapMethods['compare']['result']> {
    const options = { maxArrayBytes: this.limits.maxArrayBytes, ...params.options };
    return this.host.call('compare', { ...params, options }, { onProgress, cancellation });
  }
}
