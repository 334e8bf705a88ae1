import type { BudgetStatus } from './budgetTracker';
import type { TargetFacts } from '../inspector/memorySample';

/** The `--json` line of `watch` and `check`: exactly these fields, null where not known. */
export interface SampleRecord {
  time: string;
  target: string;
  pid: number | null;
  rssBytes: number;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  externalBytes: number | null;
  arrayBuffersBytes: number | null;
  heapLimitBytes: number | null;
  constrainedMemoryBytes: number | null;
  budgetBytes: number;
  percent: number;
  state: BudgetStatus['level'];
  growthBytesPerHour: number | null;
}

export function sampleRecord(target: string, status: BudgetStatus, facts: TargetFacts): SampleRecord {
  const s = status.sample;
  return {
    time: new Date(s.time).toISOString(),
    target,
    pid: s.pid ?? facts.pid ?? null,
    rssBytes: s.rssBytes,
    heapUsedBytes: s.heapUsedBytes ?? null,
    heapTotalBytes: s.heapTotalBytes ?? null,
    externalBytes: s.externalBytes ?? null,
    arrayBuffersBytes: s.arrayBuffersBytes ?? null,
    heapLimitBytes: facts.heapLimitBytes ?? null,
    constrainedMemoryBytes: facts.constrainedMemoryBytes ?? null,
    budgetBytes: status.budget.bytes,
    percent: Math.round(status.percent * 100) / 100,
    state: status.level,
    growthBytesPerHour: status.trend ? Math.round(status.trend.bytesPerHour) : null,
  };
}
