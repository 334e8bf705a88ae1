import type { DiffRow, GrowingCollection } from '../heap/model';
import type { BudgetLevel } from './thresholds';

/** An automatic snapshot series compared its snapshots and names a class (see core/series). */
export interface LeakSuspectEvent {
  type: 'leak-suspect';
  time: number;
  className: string;
  countDelta: number;
  sizeDelta: number;
  retainedSize: number;
  retainerPath?: string;
  /** With three snapshots: what the leak finder counted. */
  leakFinder?: { count: number; retainedSize: number };
  growingCollections: Omit<GrowingCollection, 'id'>[];
  /** The snapshots compared, oldest first (full paths). */
  files: string[];
  /** The top of the comparison, as `memory-budget diff --json` prints its rows. */
  rows: Omit<DiffRow, 'objects'>[];
}

/** Something worth a line in the memory log and a marker on the chart. */
export type BudgetEvent =
  | { type: 'level'; time: number; from: BudgetLevel; to: BudgetLevel; rssBytes: number; budgetBytes: number }
  | { type: 'spike'; time: number; deltaBytes: number; rssBytes: number }
  | { type: 'gc'; time: number; freedBytes: number; heapUsedBytes: number; rssBytes: number; forced: boolean }
  | { type: 'leak'; time: number; bytesPerHour: number; msToBudget?: number }
  /**
   * Another process now answers for the target. An agent also says how many restarts its log has
   * seen and whether the previous run ended with a shutdown summary (no: crash or OOM kill).
   */
  | { type: 'restart'; time: number; previousPid?: number; pid?: number; restarts?: number; cleanExit?: boolean }
  | { type: 'disconnect'; time: number; reason: string }
  | { type: 'reconnect'; time: number; pid?: number }
  | { type: 'snapshot'; time: number; file: string; bytes: number; rssBytes?: number }
  | { type: 'note'; time: number; text: string }
  | LeakSuspectEvent
  | {
      type: 'snapshot-skipped';
      time: number;
      thresholdPercent: number;
      rssBytes: number;
      estimateBytes: number;
      budgetBytes: number;
      reason: string;
    }
  /** An operation the app itself reported (agent `mark()`), with its counters. */
  | { type: 'mark'; time: number; name: string; rssBytes: number; counters?: MarkCounters }
  /** The process is stopping (signal or normal exit): what its run looked like. */
  | ({ type: 'shutdown'; time: number; reason: string } & RunSummary);

export type MarkCounters = Record<string, number | string | boolean>;

/** A run of one process against its budget, as a shutdown summary or a report states it. */
export interface RunSummary {
  uptimeMs: number;
  peakRssBytes: number;
  peakTime: number;
  budgetBytes: number;
  /** Least-squares growth over the whole run; absent until there are enough samples. */
  growthBytesPerHour?: number;
  overWarnMs: number;
  restarts: number;
}
