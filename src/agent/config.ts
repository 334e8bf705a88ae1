import path from 'node:path';
import { DEFAULT_BUDGET_SETTINGS, PRESET_IDS, type BudgetSettings } from '../core/budget/presets';

/** What the agent is told through the environment (the same variables the Python agent reads). */
export interface AgentConfig {
  disabled: boolean;
  directory: string;
  intervalMs: number;
  /** A JSONL sample record every this often (events are always written); 0: every sample. */
  jsonlIntervalMs: number;
  /** A periodic line in memory_debug.log every this often. */
  periodicMs: number;
  budget: BudgetSettings;
  service: string | undefined;
  metricsPort: number | undefined;
  metricsHost: string;
}

/** Reads the configuration; a bad value becomes a warning and its default, never an exception. */
export function readAgentConfig(env: NodeJS.ProcessEnv, cwd: string): { config: AgentConfig; warnings: string[] } {
  const warnings: string[] = [];
  const number = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= min && n <= max) return n;
    warnings.push(`${name}=${raw} is not a number from ${min} to ${max}; using ${fallback}`);
    return fallback;
  };
  let preset = env.MEMORY_BUDGET_PRESET?.trim() || DEFAULT_BUDGET_SETTINGS.preset;
  if (!PRESET_IDS.includes(preset)) {
    warnings.push(`MEMORY_BUDGET_PRESET=${preset} is not one of ${PRESET_IDS.join(', ')}; using auto`);
    preset = 'auto';
  }
  const budgetMB = number('MEMORY_BUDGET_MB', 0, 0);
  const portText = env.MEMORY_BUDGET_METRICS_PORT?.trim();
  const metricsPort = portText ? number('MEMORY_BUDGET_METRICS_PORT', -1, 0, 65535) : -1;
  const disabled = /^(1|true|yes|on)$/i.test(env.MEMORY_BUDGET_DISABLE?.trim() ?? '');
  return {
    config: {
      disabled,
      directory: path.resolve(cwd, env.MEMORY_BUDGET_DIR?.trim() || '.memory-budget'),
      intervalMs: number('MEMORY_BUDGET_INTERVAL_MS', 1000, 50),
      jsonlIntervalMs: number('MEMORY_BUDGET_JSONL_INTERVAL_MS', 10_000, 0),
      periodicMs: number('MEMORY_BUDGET_LOG_INTERVAL_MS', 60_000, 0),
      budget: {
        preset,
        budgetMB: budgetMB > 0 ? budgetMB : undefined,
        warnPercent: number('MEMORY_BUDGET_WARN_PERCENT', DEFAULT_BUDGET_SETTINGS.warnPercent, 1, 100),
        criticalPercent: number('MEMORY_BUDGET_CRITICAL_PERCENT', DEFAULT_BUDGET_SETTINGS.criticalPercent, 1, 100),
      },
      service: env.MEMORY_BUDGET_SERVICE?.trim() || undefined,
      metricsPort: metricsPort >= 0 ? metricsPort : undefined,
      metricsHost: env.MEMORY_BUDGET_METRICS_HOST?.trim() || '127.0.0.1',
    },
    warnings,
  };
}
