import { severity, type BudgetLevel } from '../budget/thresholds';

/** One process's latest figures, as `/metrics` exposes them. */
export interface MetricsSnapshot {
  service: string;
  pid?: number;
  rssBytes: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
  heapLimitBytes?: number;
  budgetBytes: number;
  growthBytesPerHour?: number;
  level: BudgetLevel;
  restarts: number;
}

interface SeriesDefinition {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  value(s: MetricsSnapshot): number | undefined;
}

/** The series every exporter serves (the Node and Python agents, `watch --metrics-port`), in this order. */
export const SERIES: readonly SeriesDefinition[] = [
  { name: 'memory_budget_rss_bytes', type: 'gauge', help: 'Resident set size of the process.', value: (s) => s.rssBytes },
  { name: 'memory_budget_heap_used_bytes', type: 'gauge', help: 'V8 heap used.', value: (s) => s.heapUsedBytes },
  { name: 'memory_budget_heap_total_bytes', type: 'gauge', help: 'V8 heap reserved.', value: (s) => s.heapTotalBytes },
  {
    name: 'memory_budget_external_bytes',
    type: 'gauge',
    help: 'Memory of C++ objects bound to JavaScript objects.',
    value: (s) => s.externalBytes,
  },
  { name: 'memory_budget_heap_limit_bytes', type: 'gauge', help: 'V8 heap size limit.', value: (s) => s.heapLimitBytes },
  { name: 'memory_budget_budget_bytes', type: 'gauge', help: 'The memory budget.', value: (s) => s.budgetBytes },
  {
    name: 'memory_budget_growth_bytes_per_hour',
    type: 'gauge',
    help: 'Least-squares RSS growth over the recent window.',
    value: (s) => s.growthBytesPerHour,
  },
  {
    name: 'memory_budget_state',
    type: 'gauge',
    help: 'Budget state: 0 ok, 1 warn, 2 critical, 3 over.',
    value: (s) => severity(s.level),
  },
  { name: 'memory_budget_restarts_total', type: 'counter', help: 'Restarts seen.', value: (s) => s.restarts },
];

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Prometheus text exposition format 0.0.4. A figure the runtime does not have (heap for Python,
 * growth before enough samples) is left out rather than written as 0 or NaN.
 */
export function metricsText(snapshots: readonly MetricsSnapshot[]): string {
  const lines: string[] = [];
  for (const series of SERIES) {
    lines.push(`# HELP ${series.name} ${series.help}`, `# TYPE ${series.name} ${series.type}`);
    for (const s of snapshots) {
      const value = series.value(s);
      if (value === undefined || !Number.isFinite(value)) continue;
      lines.push(`${series.name}${labels(s)} ${Math.round(value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function labels(s: MetricsSnapshot): string {
  const pairs = [`service="${escapeLabel(s.service)}"`];
  if (s.pid !== undefined) pairs.push(`pid="${s.pid}"`);
  return `{${pairs.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
