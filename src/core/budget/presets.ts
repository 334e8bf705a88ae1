const MB = 1024 * 1024;

export interface BudgetPreset {
  id: string;
  /** Shown beside the budget line: "Render Free — 512 MB". */
  label: string;
  bytes: number;
}

/** The plans people run small services on; `custom` and `auto` are resolved separately. */
export const BUDGET_PRESETS: readonly BudgetPreset[] = [
  { id: 'render-free', label: 'Render Free', bytes: 512 * MB },
  { id: 'render-starter', label: 'Render Starter', bytes: 512 * MB },
  { id: 'render-standard', label: 'Render Standard', bytes: 2048 * MB },
  { id: 'render-pro', label: 'Render Pro', bytes: 4096 * MB },
  { id: 'fly-256', label: 'Fly.io 256 MB', bytes: 256 * MB },
  { id: 'fly-512', label: 'Fly.io 512 MB', bytes: 512 * MB },
  { id: 'fly-1g', label: 'Fly.io 1 GB', bytes: 1024 * MB },
  { id: 'fly-2g', label: 'Fly.io 2 GB', bytes: 2048 * MB },
  { id: 'heroku-eco', label: 'Heroku Eco', bytes: 512 * MB },
  { id: 'heroku-basic', label: 'Heroku Basic', bytes: 512 * MB },
  { id: 'heroku-standard-1x', label: 'Heroku Standard-1X', bytes: 512 * MB },
  { id: 'heroku-standard-2x', label: 'Heroku Standard-2X', bytes: 1024 * MB },
];

export const PRESET_IDS: readonly string[] = ['auto', 'custom', ...BUDGET_PRESETS.map((p) => p.id)];

/** Without a container limit, `auto` assumes the commonest small plan. */
export const AUTO_FALLBACK_BYTES = 512 * MB;

export interface BudgetSettings {
  /** A preset id, or `auto` (the container's limit, else 512 MB). `custom` needs `budgetMB`. */
  preset: string;
  /** When above 0, the budget in MB, whatever the preset. */
  budgetMB?: number;
  warnPercent: number;
  criticalPercent: number;
}

export const DEFAULT_BUDGET_SETTINGS: BudgetSettings = { preset: 'auto', warnPercent: 80, criticalPercent: 94 };

export interface ResolvedBudget {
  bytes: number;
  label: string;
  warnBytes: number;
  criticalBytes: number;
}

/** `declaredBytes`: the budget an agent was given, which `auto` follows when watching it from outside. */
export function resolveBudget(settings: BudgetSettings, constrainedMemoryBytes?: number, declaredBytes?: number): ResolvedBudget {
  const { bytes, name } = budgetBytes(settings, constrainedMemoryBytes, declaredBytes);
  const warnPercent = clampPercent(settings.warnPercent, 80);
  const criticalPercent = Math.max(warnPercent, clampPercent(settings.criticalPercent, 94));
  return {
    bytes,
    label: `${name} — ${formatBudgetSize(bytes)}`,
    warnBytes: Math.round((bytes * warnPercent) / 100),
    criticalBytes: Math.round((bytes * criticalPercent) / 100),
  };
}

function budgetBytes(settings: BudgetSettings, constrained?: number, declared?: number): { bytes: number; name: string } {
  // An explicit size wins over any preset: it is the most specific thing the user said.
  if (settings.budgetMB !== undefined && settings.budgetMB > 0) return { bytes: Math.round(settings.budgetMB * MB), name: 'Custom' };
  const preset = BUDGET_PRESETS.find((p) => p.id === settings.preset);
  if (preset) return { bytes: preset.bytes, name: preset.label };
  if (settings.preset === 'auto' && declared !== undefined && declared > 0) return { bytes: declared, name: "Agent's budget" };
  if (constrained !== undefined && constrained > 0) return { bytes: constrained, name: 'Container limit' };
  return { bytes: AUTO_FALLBACK_BYTES, name: 'Default' };
}

export function formatBudgetSize(bytes: number): string {
  const mb = bytes / MB;
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${Math.round(mb)} MB`;
}

function clampPercent(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 && value <= 100 ? value : fallback;
}
