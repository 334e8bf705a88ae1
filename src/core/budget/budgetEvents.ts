import type { BudgetLevel } from './thresholds';

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
  | { type: 'note'; time: number; text: string };
