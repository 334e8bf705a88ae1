// Wording for allocation rows: the editor's code lens and tree, and the CLI's table.
import { formatMB, formatRate } from '../budget/display';
import { formatBytes } from '../heap/display';
import type { AllocationRow } from './model';
import type { LocatedRow } from './sourceLocator';

const MB = 1024 * 1024;

/** "38 MB", or "412.0 kB" below a megabyte, where whole MB would read 0.4 MB. */
export function formatLiveBytes(bytes: number): string {
  return bytes < MB ? formatBytes(bytes) : formatMB(bytes);
}

/** "+12.0 MB/h", or "growth: measuring" until there are enough readings. */
export function formatGrowth(bytesPerHour: number | null): string {
  return bytesPerHour === null ? 'growth: measuring' : formatRate(bytesPerHour);
}

/** The code lens over an allocating line: `▲ 38 MB live · +12.0 MB/h`. */
export function lensTitle(row: AllocationRow, detachedAt?: number): string {
  const title = `▲ ${formatLiveBytes(row.liveBytes)} live · ${formatGrowth(row.growthBytesPerHour)}`;
  return detachedAt === undefined ? title : `${title} · target detached, as of ${clock(detachedAt)}`;
}

/** "makeOrder · server.js:18" for the tree and hovers. */
export function siteLabel(row: LocatedRow): string {
  const where = row.file ?? (row.url || '(no script)');
  return `${row.functionName} · ${basename(where)}:${row.line}`;
}

/** Why the target is not being sampled, in the words of the tree view and the CLI. */
export function samplingStatus(state: { target: string; intervalBytes: number; time?: number; detachedAt?: number }): string {
  if (state.detachedAt !== undefined) return `${state.target} detached at ${clock(state.detachedAt)}: showing its last reading`;
  const every = `sampling ${state.target} every ${formatBytes(state.intervalBytes)} allocated`;
  return state.time === undefined ? `${every}, first reading soon` : `${every}, read ${clock(state.time)}`;
}

/** The CLI's table: live bytes, growth, function, file:line, largest first. */
export function allocationTable(rows: readonly LocatedRow[]): string {
  const cells = rows.map((r) => [formatLiveBytes(r.liveBytes), formatGrowth(r.growthBytesPerHour), r.functionName, placeOf(r)]);
  const header = ['Live', 'Growth', 'Function', 'Where'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i < 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

function placeOf(r: LocatedRow): string {
  if (r.file) return `${r.file}:${r.line}:${r.column}`;
  return r.url ? `${r.url}:${r.line}:${r.column} (not on this machine)` : '(native code)';
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function clock(time: number): string {
  return new Date(time).toLocaleTimeString('en-GB');
}
