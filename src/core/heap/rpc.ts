/**
 * The tiny typed protocol between the extension host and the heap-analysis worker. One request per
 * worker; the worker answers with progress messages and then exactly one result or error.
 */
import type { CompareOptions } from './compare';
import type { AnalysisProgress, HeapDiff, HeapSummary } from './model';
import type { SummaryOptions } from './summary';

/** Options that can cross postMessage (no callbacks). */
export type WorkerSummaryOptions = SummaryOptions & { maxArrayBytes?: number };
export type WorkerCompareOptions = Omit<CompareOptions, 'onPhase' | 'onProgress'>;

export interface HeapMethods {
  summarize: { params: { file: string; options: WorkerSummaryOptions }; result: HeapSummary };
  compare: { params: { files: string[]; options: WorkerCompareOptions }; result: HeapDiff };
}
export type HeapMethod = keyof HeapMethods;

export type WorkerRequest = { [M in HeapMethod]: { method: M; params: HeapMethods[M]['params'] } }[HeapMethod];

export type WorkerMessage =
  | { kind: 'progress'; progress: AnalysisProgress }
  | { kind: 'result'; result: HeapMethods[HeapMethod]['result'] }
  | { kind: 'error'; message: string; badInput: boolean };
