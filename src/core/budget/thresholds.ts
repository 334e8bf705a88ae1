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
