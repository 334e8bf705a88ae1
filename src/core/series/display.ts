// Wording of the series: the LEAK SUSPECT line of the memory log, the notification and the chart
// marker, and why a capture was skipped.
import { formatBytes, formatSigned } from '../heap/display';
import type { GrowingCollection } from '../heap/model';
import type { LeakVerdict } from './model';

/** Hops of a retainer path worth reading; past them the path runs through module scopes to a root. */
const PATH_HOPS = 5;

export function shortPath(path: string | undefined): string {
  if (!path) return '(no retainer path recorded)';
  const hops = path.split(' ← ');
  return hops.length > PATH_HOPS ? `${hops.slice(0, PATH_HOPS).join(' ← ')} ← …` : path;
}

/** `UserSession +300 (+16.4 kB, 80.1 MB retained) ← Map ← sessions ← BroadcasterService ← broadcaster`. */
export function suspectText(
  v: Pick<LeakVerdict, 'className' | 'countDelta' | 'sizeDelta' | 'retainedSize'> & { readonly retainerPath?: string },
): string {
  const sizes = `${formatSigned(v.sizeDelta, formatBytes)}, ${formatBytes(v.retainedSize)} retained`;
  return `${v.className} ${formatSigned(v.countDelta)} (${sizes}) ← ${shortPath(v.retainerPath)}`;
}

/** `🔎 LEAK SUSPECT: <class> +<countDelta> (<size delta>) ← <retainer path>`. */
export function leakSuspectLine(v: Parameters<typeof suspectText>[0]): string {
  return `🔎 LEAK SUSPECT: ${suspectText(v)}`;
}

/** `Map 20 → 320 entries (+300) ← sessions ← BroadcasterService ← broadcaster`. */
export function growingCollectionLine(c: Pick<GrowingCollection, 'kind' | 'counts' | 'growth' | 'retainerPath'>): string {
  const counts = c.counts.map((n) => n.toLocaleString('en-US')).join(' → ');
  const hops = c.retainerPath.split(' ← ');
  const holders = hops[0] === c.kind ? hops.slice(1).join(' ← ') : c.retainerPath;
  return `${c.kind} ${counts} entries (${formatSigned(c.growth)}) ← ${shortPath(holders)}`;
}

/** The detail lines under the suspect: the leak finder's word, growing collections, the files. */
export function verdictDetails(v: {
  className: string;
  leakFinder?: { count: number; retainedSize: number };
  growingCollections: ReadonlyArray<Pick<GrowingCollection, 'kind' | 'counts' | 'growth' | 'retainerPath'>>;
  files: readonly string[];
}): string[] {
  const lines: string[] = [];
  if (v.leakFinder)
    lines.push(
      `leak finder: ${v.leakFinder.count.toLocaleString('en-US')} ${v.className} allocated between the first and second snapshots ` +
        `are still alive in the third (${formatBytes(v.leakFinder.retainedSize)} retained)`,
    );
  for (const c of v.growingCollections) lines.push(`growing: ${growingCollectionLine(c)}`);
  lines.push(`snapshots: ${v.files.map((f) => f.split(/[\\/]/).pop()).join(' → ')}`);
  return lines;
}

/** Why a capture was not taken, with the numbers: RSS, the estimate, the budget. */
export function skippedText(e: {
  thresholdPercent: number;
  rssBytes: number;
  estimateBytes: number;
  budgetBytes: number;
  reason: string;
}): string {
  return `auto snapshot at ${e.thresholdPercent} % skipped: ${e.reason}`;
}

export function guardReason(rssBytes: number, estimateBytes: number, budgetBytes: number): string {
  return (
    `RSS ${formatBytes(rssBytes)} + ≈ ${formatBytes(estimateBytes)} the capture would add in the target passes the ` +
    `${formatBytes(budgetBytes)} budget (lower the thresholds to capture while the heap is smaller)`
  );
}
