import type { DiffRow, GrowingCollection, HeapDiff, HeapSummary, LeakGroup, SummaryRow } from './model';

/** Text tables for the terminal; the webview formats its own cells with the same helpers. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b < 1024) return `${sign}${b} B`;
  if (b < 1024 ** 2) return `${sign}${(b / 1024).toFixed(1)} kB`;
  if (b < 1024 ** 3) return `${sign}${(b / 1024 ** 2).toFixed(1)} MB`;
  return `${sign}${(b / 1024 ** 3).toFixed(2)} GB`;
}

export function formatSigned(n: number, format: (n: number) => string = (x) => x.toLocaleString('en-US')): string {
  return n > 0 ? `+${format(n)}` : format(n);
}

const count = (n: number) => n.toLocaleString('en-US');

/** `align` has one letter per column: l(eft) or r(ight). */
function table(header: string[], rows: string[][], align: string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'l' ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

function clip(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function summaryTable(summary: HeapSummary): string {
  const s = summary.snapshot;
  const head = `${s.file}: ${count(s.nodeCount)} nodes, ${count(s.edgeCount)} edges, ${formatBytes(s.totalSize)} reachable`;
  const rows = summary.rows.map((r: SummaryRow) => [clip(r.name), count(r.count), formatBytes(r.selfSize), formatBytes(r.retainedSize)]);
  // The first class of the program's own (not V8's "(…)" or "system / …" groups) with objects listed.
  const biggest = summary.rows.find((r) => r.objects?.length && !/^\(|^system \/ |^global$/.test(r.name))?.objects?.[0];
  const tail = biggest ? `\n\nLargest ${biggest.className}: ${formatBytes(biggest.retainedSize)} retained\n  ${biggest.retainerPath}` : '';
  return `${head}\n\n${table(['Constructor', 'Count', 'Self size', 'Retained size'], rows, 'lrrr')}${tail}`;
}

export function diffTable(diff: HeapDiff): string {
  const files = diff.snapshots.map((s) => s.file);
  const parts = [`Comparing ${files[files.length - 1]} with ${files[0]}`, ''];
  parts.push(
    table(
      ['Constructor', '# New', '# Deleted', '# Delta', 'Alloc. size', 'Freed size', 'Size delta'],
      diff.rows.map((r: DiffRow) => [
        clip(r.name),
        count(r.newCount),
        count(r.deletedCount),
        formatSigned(r.countDelta),
        formatBytes(r.allocSize),
        formatBytes(r.freedSize),
        formatSigned(r.sizeDelta, formatBytes),
      ]),
      'lrrrrrr',
    ),
  );
  if (diff.leaks.length > 0) {
    parts.push('', `Leak candidates: allocated between ${files[0]} and ${files[1]}, still alive in ${files[2]}`, '');
    parts.push(
      table(
        ['Constructor', 'Count', 'Self size', 'Retained size', 'Commonest retainer path'],
        diff.leaks.map((l: LeakGroup) => [
          clip(l.name, 40),
          count(l.count),
          formatBytes(l.selfSize),
          formatBytes(l.retainedSize),
          l.retainerPaths[0]?.path ?? '',
        ]),
        'lrrrl',
      ),
    );
  }
  if (diff.growingCollections.length > 0) {
    parts.push('', 'Growing collections', '');
    parts.push(
      table(
        ['Collection', 'Elements', 'Growth', 'Retained size', 'Retainer path'],
        diff.growingCollections.map((g: GrowingCollection) => [
          clip(g.className, 40),
          g.counts.map(count).join(' → '),
          formatSigned(g.growth),
          formatBytes(g.retainedSize),
          g.retainerPath,
        ]),
        'lrrrl',
      ),
    );
  }
  return parts.join('\n');
}
