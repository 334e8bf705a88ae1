import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLDS, type HeavyImportThresholds, type RuleId } from '../core/analysis/model';
import { DEFAULT_SAMPLING_INTERVAL_BYTES } from '../core/allocations/allocationSampler';
import { AUTO_FALLBACK_BYTES, BUDGET_PRESETS, type BudgetSettings } from '../core/budget/presets';
import { DEFAULT_DISCOVERY_PORTS, parsePorts } from '../core/inspector/discovery';
import {
  DEFAULT_KEEP_SERIES,
  DEFAULT_MAX_TOTAL_BYTES,
  DEFAULT_THRESHOLDS as DEFAULT_SNAPSHOT_THRESHOLDS,
  parseThresholds,
} from '../core/series/model';

/** `memoryBudget.*` settings, typed, with the defaults package.json documents. */
export interface Settings {
  readonly monitor: MonitorSettings;
  readonly analysis: AnalysisSettings;
  readonly snapshotSeries: SnapshotSeriesSettings;
  readonly allocations: AllocationSettings;
}

export interface SnapshotSeriesSettings {
  /** `off`, or `series`: a snapshot as RSS first crosses each threshold. */
  readonly enabled: boolean;
  /** Percent of the budget, ascending; the defaults when the setting is unusable (with the reason). */
  readonly thresholds: number[];
  readonly thresholdsProblem?: string;
  readonly keepSeries: number;
  readonly maxTotalBytes: number;
}

export interface AllocationSettings {
  readonly intervalBytes: number;
  /** Where a port-forwarded target keeps its files (`/app`); mapped to the first workspace folder. */
  readonly remoteRoot: string;
}

export interface MonitorSettings {
  budget: BudgetSettings;
  sampleIntervalMs: number;
  discoveryPorts: number[];
  includeChildren: boolean;
  logDirectory: string;
  autoAttach: string[];
}

export interface AnalysisSettings {
  readonly thresholds: HeavyImportThresholds;
  readonly measureImports: boolean;
  readonly nodePath: string;
  readonly pythonPath: string;
  /** What the startup ledger is set against: `budgetMB`, else the preset's size, else 512. */
  readonly budgetMB: number;
  isRuleEnabled(rule: RuleId): boolean;
}

export const SECTION = 'memoryBudget';

/** The setting (under `memoryBudget.`) that switches each rule. */
export const RULE_SETTINGS: Record<RuleId, string> = {
  'heavy-import': 'rules.heavyImports',
  'django-unbounded-queryset': 'rules.django',
  'sqlalchemy-unbounded-query': 'rules.sqlalchemy',
  'prisma-findmany-without-take': 'rules.prisma',
  'mongoose-find-without-limit': 'rules.mongoose',
  'sequelize-findall-without-limit': 'rules.sequelize',
  'typeorm-find-without-take': 'rules.typeorm',
  'knex-query-without-limit': 'rules.knex',
};

/** `folder` (a workspace folder's path) is where the analysis looks for a virtualenv. */
export function readSettings(folder?: string): Settings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    monitor: monitorSettings(c),
    analysis: analysisSettings(c, folder),
    snapshotSeries: snapshotSeriesSettings(c),
    allocations: {
      intervalBytes: Math.max(512, Math.round(c.get<number>('allocationSamplingIntervalBytes', DEFAULT_SAMPLING_INTERVAL_BYTES))),
      remoteRoot: c.get<string>('remoteRoot', '').trim(),
    },
  };
}

function snapshotSeriesSettings(c: vscode.WorkspaceConfiguration): SnapshotSeriesSettings {
  const common = {
    enabled: c.get<string>('autoSnapshots', 'off') === 'series',
    keepSeries: Math.max(1, Math.floor(c.get<number>('autoSnapshotKeepSeries', DEFAULT_KEEP_SERIES))),
    maxTotalBytes: Math.max(1, c.get<number>('autoSnapshotMaxTotalMB', DEFAULT_MAX_TOTAL_BYTES / 2 ** 20)) * 2 ** 20,
  };
  const raw = c.get<unknown>('autoSnapshotAt', [...DEFAULT_SNAPSHOT_THRESHOLDS]);
  try {
    return { ...common, thresholds: parseThresholds(Array.isArray(raw) ? raw : [raw]) };
  } catch (err) {
    return { ...common, thresholds: [...DEFAULT_SNAPSHOT_THRESHOLDS], thresholdsProblem: (err as Error).message };
  }
}

/** Calls `listener` with fresh settings whenever any `memoryBudget.*` setting changes. */
export function onSettingsChanged(listener: (settings: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener(readSettings());
  });
}

function monitorSettings(c: vscode.WorkspaceConfiguration): MonitorSettings {
  const budgetMB = c.get<number>('budgetMB', 0);
  const ports = c.get<string>('discoveryPorts', '9229-9239');
  return {
    budget: {
      preset: c.get<string>('preset', 'auto'),
      budgetMB: budgetMB > 0 ? budgetMB : undefined,
      warnPercent: c.get<number>('warnPercent', 80),
      criticalPercent: c.get<number>('criticalPercent', 94),
    },
    sampleIntervalMs: Math.max(100, c.get<number>('sampleIntervalMs', 1000)),
    discoveryPorts: ports.trim() ? parsePorts(ports) : [...DEFAULT_DISCOVERY_PORTS],
    includeChildren: c.get<boolean>('includeChildren', true),
    logDirectory: c.get<string>('logDirectory', ''),
    autoAttach: c.get<string[]>('autoAttach', []),
  };
}

function analysisSettings(c: vscode.WorkspaceConfiguration, folder: string | undefined): AnalysisSettings {
  const rules = new Map(Object.entries(RULE_SETTINGS).map(([rule, key]) => [rule, c.get<boolean>(key, true)]));
  return {
    thresholds: {
      heapMB: c.get<number>('heavyImportHeapMB', DEFAULT_THRESHOLDS.heapMB),
      loadMs: c.get<number>('heavyImportMs', DEFAULT_THRESHOLDS.loadMs),
    },
    measureImports: c.get<boolean>('measureImports', true),
    nodePath: c.get<string>('nodePath') || 'node',
    get pythonPath() {
      return pythonFor(c, folder);
    },
    budgetMB: ledgerBudget(c),
    isRuleEnabled: (rule) => rules.get(rule) !== false,
  };
}

function ledgerBudget(c: vscode.WorkspaceConfiguration): number {
  const own = c.get<number>('budgetMB', 0);
  if (own > 0) return own;
  const preset = BUDGET_PRESETS.find((p) => p.id === c.get<string>('preset'));
  return preset ? preset.bytes / (1024 * 1024) : AUTO_FALLBACK_BYTES / (1024 * 1024);
}

/** `memoryBudget.pythonPath`, else the Python extension's interpreter, else a virtualenv in the folder. */
function pythonFor(config: vscode.WorkspaceConfiguration, folder: string | undefined): string {
  const own = config.get<string>('pythonPath');
  if (own) return own;
  const fromPythonExtension = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath');
  if (fromPythonExtension && isAbsolute(fromPythonExtension)) return fromPythonExtension;
  for (const venv of ['.venv', 'venv', 'env']) {
    const candidate = folder ? join(folder, venv, 'bin', 'python') : undefined;
    if (candidate && existsSync(candidate)) return candidate;
  }
  return 'python3';
}
