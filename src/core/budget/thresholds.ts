import type { ResolvedBudget } from './presets';

export type BudgetLevel = 'ok' | 'warn' | 'critical' | 'over';

const ORDER: readonly BudgetLevel[] = ['ok', 'warn', 'critical', 'over'];

export function classify(rssBytes: number, budget: ResolvedBudget): BudgetLevel {
  if (rssBytes >= budget.bytes) return 'over';
  if (rssBytes >= budget.criticalBytes) return 'critical';
  if (rssBytes >= budget.warnBytes) return 'warn';
  return 'ok';
}

export function severity(level: BudgetLevel): number {
  return ORDER.indexOf(level);
}

/** The RSS at which a level begins. */
export function levelFloor(level: BudgetLevel, budget: ResolvedBudget): number {
  return { ok: 0, warn: budget.warnBytes, critical: budget.criticalBytes, over: budget.bytes }[level];
}

/**
 * Like `classify`, but a level is only left downwards once RSS is `hysteresisBytes` below
 * where it begins, so a series hovering on a line does not flap (one notification per crossing).
 */
export function classifyWithHysteresis(
  rssBytes: number,
  budget: ResolvedBudget,
  current: BudgetLevel | undefined,
  hysteresisBytes: number,
): BudgetLevel {
  const raw = classify(rssBytes, budget);
  if (current === undefined || severity(raw) >= severity(current)) return raw;
  let level = current;
  while (severity(level) > severity(raw) && rssBytes < levelFloor(level, budget) - hysteresisBytes) {
    level = ORDER[severity(level) - 1];
  }
  return level;
}
