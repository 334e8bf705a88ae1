import type { BudgetEvent } from '../budget/budgetEvents';
import { describeEvent } from '../budget/display';
import { formatBudgetSize } from '../budget/presets';
import type { ChartBudget, ChartEvent, ChartPoint } from '../../webview/chartProtocol';
import { describeAllocations } from './display';
import type { LoggedEvent, LoggedProcess } from './memoryLogFile';

const DEFAULT_WARN_PERCENT = 80;
const DEFAULT_CRITICAL_PERCENT = 94;

/** A logged process as the chart draws it: its series, budget line and event markers. */
export interface ChartSeries {
  id: string;
  name: string;
  budget: ChartBudget;
  heapLimitBytes?: number;
  history: ChartPoint[];
  events: ChartEvent[];
}

export function chartSeries(p: LoggedProcess, index: number): ChartSeries {
  const last = p.points.at(-1);
  const budgetBytes =
    last?.budgetBytes ?? (p.events.find((e) => typeof e.budgetBytes === 'number')?.budgetBytes as number | undefined) ?? 0;
  return {
    id: `p${index}`,
    name: `${p.pid !== undefined ? `pid ${p.pid} — ` : ''}${p.target}`,
    // The log records the budget, not where warn and critical sat: the defaults draw the bands.
    budget: {
      bytes: budgetBytes,
      label: `Budget — ${formatBudgetSize(budgetBytes)}`,
      warnBytes: Math.round((budgetBytes * DEFAULT_WARN_PERCENT) / 100),
      criticalBytes: Math.round((budgetBytes * DEFAULT_CRITICAL_PERCENT) / 100),
    },
    heapLimitBytes: last?.heapLimitBytes,
    history: p.points.map((s) => ({
      t: s.time,
      rss: s.rssBytes,
      heapUsed: s.heapUsedBytes ?? NaN,
      heapTotal: s.heapTotalBytes ?? NaN,
      external: s.externalBytes ?? NaN,
    })),
    events: p.events.map(chartEvent),
  };
}

export function chartEvent(e: LoggedEvent): ChartEvent {
  if (e.type === 'allocations') return { time: e.time, type: e.type, text: describeAllocations(e) };
  // The reader checked the fields of every type describeEvent knows; others show their type.
  const known = ['level', 'spike', 'gc', 'leak', 'restart', 'disconnect', 'reconnect', 'snapshot', 'note', 'mark', 'shutdown'];
  return { time: e.time, type: e.type, text: known.includes(e.type) ? describeEvent(e as unknown as BudgetEvent) : e.type };
}
