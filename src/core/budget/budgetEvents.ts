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
  | { type: 'restart'; time: number; previousPid?: number; pid?: number }
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
    };
