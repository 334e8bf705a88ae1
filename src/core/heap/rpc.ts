/**
 * The methods of the heap-analysis worker (workers/heapWorker.js): one call per worker, answered
 * with progress messages and then one result or failure (see core/workers).
 */
import type { CompareOptions } from './compare';
import type { AnalysisProgress, HeapDiff, HeapSummary } from './model';
import type { SummaryOptions } from './summary';

/** Options that can cross postMessage (no callbacks). */
export type WorkerSummaryOptions = SummaryOptions & { maxArrayBytes?: number };
export type WorkerCompareOptions = Omit<CompareOptions, 'onPhase' | 'onProgress'>;

export type HeapMethods = {
  summarize: { params: { file: string; options: WorkerSummaryOptions }; result: HeapSummary; progress: AnalysisProgress };
  compare: { params: { files: string[]; options: WorkerCompareOptions }; result: HeapDiff; progress: AnalysisProgress };
};
