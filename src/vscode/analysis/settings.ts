import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLDS, type HeavyImportThresholds, type RuleId } from '../../core/analysis/model';
import { BUDGET_PRESETS } from '../../core/budget/presets';

/** The `memoryBudget.*` settings this feature reads (declared in package.json). */

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

export interface AnalysisSettings {
  readonly thresholds: HeavyImportThresholds;
  readonly measureImports: boolean;
  readonly nodePath: string;
  readonly pythonPath: string;
  /** What the startup ledger is set against: `memoryBudget.budgetMB`, else the preset's size, else 512. */
  readonly budgetMB: number;
  isRuleEnabled(rule: RuleId): boolean;
}

function budgetOf(config: vscode.WorkspaceConfiguration): number {
  const own = config.get<number>('budgetMB', 0);
  if (own > 0) return own;
  const preset = BUDGET_PRESETS.find((p) => p.id === config.get<string>('preset'));
  return preset ? preset.bytes / (1024 * 1024) : 512;
}

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

export function readSettings(folder: string | undefined): AnalysisSettings {
  const config = vscode.workspace.getConfiguration('memoryBudget');
  const rules = new Map(Object.entries(RULE_SETTINGS).map(([rule, key]) => [rule, config.get<boolean>(key, true)]));
  return {
    thresholds: {
      heapMB: config.get<number>('heavyImportHeapMB', DEFAULT_THRESHOLDS.heapMB),
      loadMs: config.get<number>('heavyImportMs', DEFAULT_THRESHOLDS.loadMs),
    },
    measureImports: config.get<boolean>('measureImports', true),
    nodePath: config.get<string>('nodePath') || 'node',
    pythonPath: pythonFor(config, folder),
    budgetMB: budgetOf(config),
    isRuleEnabled: (rule) => rules.get(rule) !== false,
  };
}
