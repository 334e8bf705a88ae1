import type { HeavyImportFinding, ImportCost, ImportVerdict, StartupImport } from './model';

/** Text shown to people: code lens titles, diagnostic messages, details. */

export function formatMB(mb: number): string {
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** `≈ 12 MB heap · 417 ms (typical for 1.4)` */
function costText(cost: ImportCost): string {
  return `≈ ${formatMB(cost.heapMB)} MB heap · ${formatMs(cost.loadMs)} (${cost.label})`;
}

/**
 * The lens above each startup import of a heavy package:
 * `⚠ lazy-load candidate · ≈ 25 MB heap · 350 ms (typical for 1.x) · saves 25 MB`,
 * `express · needed at load · ≈ 2.9 MB heap · 117 ms (typical for 5.3)`,
 * `sqlalchemy already loaded by app/db.py:3 · 0 MB more`, `langchain · cost unknown (not measured)`.
 */
export function lensTitle(f: HeavyImportFinding): string {
  const v = f.verdict;
  const pkg = v.packageName;
  if (!f.cost) return `${pkg} · cost unknown (not measured)${v.deferrable ? ' · could load lazily' : ''}`;
  switch (v.state) {
    case 'candidate':
      return v.marginalMB > 0
        ? `⚠ ${pkg}: lazy-load candidate · ${costText(f.cost)} · saves ${formatMB(v.marginalMB)} MB`
        : `⚠ ${pkg}: lazy-load candidate · also loaded by ${where(v)} · move both to save ${formatMB(f.cost.heapMB)} MB`;
    case 'unused':
      return `⚠ ${pkg}: unused: remove it · ${costText(f.cost)}`;
    case 'already-loaded':
      return `${pkg} already loaded by ${where(v)} · 0 MB more`;
    default:
      return `${pkg} · needed at load · ${costText(f.cost)}`;
  }
}

function where(v: ImportVerdict): string {
  return v.alreadyLoadedBy ? `${v.alreadyLoadedBy.file}:${v.alreadyLoadedBy.line + 1}` : 'another import';
}

export function heavyImportMessage(
  imp: StartupImport,
  cost: ImportCost | undefined,
  v: ImportVerdict,
  threshold: string | undefined,
  neededBy?: { file: string; line: number; what: string },
): string {
  const pkg = v.packageName;
  if (!cost) {
    return `'${imp.module}' (${pkg}) loads at startup; cost unknown (not measured): not installed here and not in the built-in table.`;
  }
  const figure = `≈ ${formatMB(cost.heapMB)} MB heap (RSS up to ${formatMB(cost.rssMB)} MB) and ${formatMs(cost.loadMs)}, ${threshold ?? 'under the thresholds'} (${cost.label})`;
  const scope = v.startup === null ? 'when this module loads' : 'at startup';
  switch (v.state) {
    case 'candidate':
      return `${pkg} is loaded ${scope} but only used inside functions: ${figure}. Load it where it is used to save ${formatMB(cost.heapMB)} MB${v.marginalMB === 0 ? ` (with the import at ${where(v)})` : ''}.`;
    case 'unused':
      return `${pkg} is imported but never used: remove it. It costs ${figure} ${scope}.`;
    case 'already-loaded':
      return `${pkg} already loaded by ${where(v)}, 0 MB more.`;
    default: {
      const need = neededBy
        ? ` (${neededBy.what}, ${neededBy.file}:${neededBy.line + 1})`
        : imp.notLazyReason
          ? ` (${imp.notLazyReason})`
          : '';
      return `${pkg} is needed when the app starts${need}: ${figure}. Nothing to defer.`;
    }
  }
}

/** Multi-line details for the code lens click. */
export function importDetails(f: HeavyImportFinding, note?: string): string {
  const c = f.cost;
  const v = f.verdict;
  const fix = f.fixes[0];
  const lines = [
    `${f.startupImport.module} (package ${v.packageName}${c?.version ? ` ${c.version}` : ''}${c?.pinned ? `; this project pins ${c.pinned}` : ''})`,
  ];
  if (!c) lines.push('Cost unknown (not measured): not installed here and not in the built-in table.');
  else {
    lines.push(
      `Heap: ≈ ${formatMB(c.heapMB)} MB — adds up across packages. This line adds ${formatMB(v.marginalMB)} MB.`,
      `RSS: ≤ ${formatMB(c.rssMB)} MB — an upper bound: packages share memory, so RSS deltas do not add up.`,
      `Load time: ${formatMs(c.loadMs)}.${f.threshold ? ` Heavy: ${f.threshold}.` : ''}`,
      c.source === 'measured'
        ? `Source: measured in a separate process from this workspace (${c.version}).`
        : `Source: built-in table (${c.basis}; ${c.label})${note ? `; ${note}` : ''}.`,
    );
  }
  lines.push(
    v.startup === null
      ? 'Startup: no entry point found, so this file is judged on its own.'
      : `Startup: loaded by ${v.process ?? 'the app'} when it starts.`,
    fix ? `Fix: ${fix.title}.` : `No automatic fix: ${f.startupImport.notLazyReason ?? 'needed at startup'}.`,
  );
  return lines.join('\n');
}
