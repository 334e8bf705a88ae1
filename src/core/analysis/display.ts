import type { HeavyImportFinding, ImportCost, StartupImport } from './model';

/** Text shown to people: code lens titles, diagnostic messages, details. */

export function formatMB(mb: number): string {
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function sourceLabel(cost: ImportCost): string {
  return cost.source === 'measured' ? 'measured' : 'typical';
}

/** `≈ 12 MB heap · 417 ms at startup (measured) · lazy-load candidate` */
export function lensTitle(f: HeavyImportFinding): string {
  const tail = f.startupImport.lazyFix ? 'lazy-load candidate' : 'loaded at startup';
  return `≈ ${formatMB(f.cost.heapMB)} MB heap · ${formatMs(f.cost.loadMs)} at startup (${sourceLabel(f.cost)}) · ${tail}`;
}

export function heavyImportMessage(imp: StartupImport, cost: ImportCost): string {
  const what =
    cost.source === 'measured'
      ? `measured here${cost.version ? `, ${imp.packageName} ${cost.version}` : ''}`
      : `typical figure from the built-in table for ${cost.basis}, not measured here`;
  const advice = imp.lazyFix
    ? 'Import it where it is used to load it only when needed.'
    : `Not moved automatically: ${imp.notLazyReason ?? 'it is needed at startup'}.`;
  return `Heavy startup import '${imp.module}': ≈ ${formatMB(cost.heapMB)} MB heap (RSS up to ${formatMB(cost.rssMB)} MB) and ${formatMs(cost.loadMs)} when the module loads (${what}). ${advice}`;
}

/** Multi-line details for the code lens click. */
export function importDetails(f: HeavyImportFinding, note?: string): string {
  const c = f.cost;
  return [
    `${f.startupImport.module} (package ${f.startupImport.packageName}${c.version ? ` ${c.version}` : ''})`,
    `Heap: ≈ ${formatMB(c.heapMB)} MB — adds up across packages.`,
    `RSS: ≤ ${formatMB(c.rssMB)} MB — an upper bound: packages share memory, so RSS deltas do not add up.`,
    `Load time: ${formatMs(c.loadMs)}.`,
    c.source === 'measured'
      ? 'Source: measured in a separate process from this workspace.'
      : `Source: built-in table (${c.basis})${note ? `; ${note}` : ''}.`,
    f.startupImport.lazyFix
      ? `Fix: ${f.startupImport.lazyFix.title}.`
      : `No automatic fix: ${f.startupImport.notLazyReason ?? 'needed at startup'}.`,
  ].join('\n');
}
