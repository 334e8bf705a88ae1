import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRESET_IDS, type BudgetSettings, DEFAULT_BUDGET_SETTINGS } from '../core/budget/presets';
import type { OfferedHostConsent } from '../core/inspector/offeredHost';
import { parseTargetSpec, TargetSpecError, type TargetSpec } from '../core/inspector/targetSpec';
import { UsageError } from './command';

/** `parseArgs` with its errors turned into usage errors (exit 2 with the usage text). */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function targetArg(positionals: string[], command: string): TargetSpec {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one <target>`);
  try {
    return parseTargetSpec(positionals[0]);
  } catch (err) {
    if (err instanceof TargetSpecError) throw new UsageError(err.message);
    throw err;
  }
}

export function numberOption(value: string | undefined, name: string, min: number, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, not "${value}"`);
  if (n > max) throw new UsageError(`--${name} must be at most ${max}, not "${value}"`);
  return n;
}

/** Options of every command that attaches to a target. */
export const attachOptions = {
  'allow-remote': { type: 'boolean' },
} as const;

export const attachUsage = `  --allow-remote   follow a WebSocket URL the inspector offers on another host than the one named
                   (by default such a URL is refused: it would run code on a machine nobody chose)`;

/** What the attach options allow, as the core's options take it. */
export function attachSettings(values: { 'allow-remote'?: boolean }): { confirmOfferedHost?: OfferedHostConsent } {
  return values['allow-remote'] ? { confirmOfferedHost: () => Promise.resolve(true) } : {};
}

export const budgetOptions = {
  budget: { type: 'string' },
  preset: { type: 'string' },
  'warn-percent': { type: 'string' },
  'critical-percent': { type: 'string' },
} as const;

export function budgetSettings(values: {
  budget?: string;
  preset?: string;
  'warn-percent'?: string;
  'critical-percent'?: string;
}): BudgetSettings {
  if (values.preset !== undefined && !PRESET_IDS.includes(values.preset)) {
    throw new UsageError(`unknown preset "${values.preset}"; one of: ${PRESET_IDS.join(', ')}`);
  }
  return {
    preset: values.preset ?? DEFAULT_BUDGET_SETTINGS.preset,
    budgetMB: numberOption(values.budget, 'budget', 1),
    warnPercent: numberOption(values['warn-percent'], 'warn-percent', 1) ?? DEFAULT_BUDGET_SETTINGS.warnPercent,
    criticalPercent: numberOption(values['critical-percent'], 'critical-percent', 1) ?? DEFAULT_BUDGET_SETTINGS.criticalPercent,
  };
}
