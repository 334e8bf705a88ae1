/**
 * What the editor shows of a running (or stopped, or orphaned) allocation sampling: rows placed on
 * this machine, the target they came from, and whether that target is still there. Plain data, so
 * the lenses, the gutter and the tree read one state.
 */
import { intensityLevel } from './model';
import type { LocatedRow } from './sourceLocator';

export interface LiveAllocations {
  readonly targetId: string;
  readonly targetName: string;
  readonly intervalBytes: number;
  /** When the rows were read; undefined before the first reading. */
  readonly time?: number;
  readonly rows: readonly LocatedRow[];
  readonly totalLiveBytes: number;
  /** Set when the target went away: the rows are its last reading. */
  readonly detachedAt?: number;
}

/** The rows placed in `file`, largest first, each with its gutter level. */
export function rowsInFile(view: LiveAllocations, file: string): Array<{ row: LocatedRow; level: number }> {
  return view.rows.filter((r) => r.file === file).map((row) => ({ row, level: intensityLevel(row.liveBytes, view.totalLiveBytes) }));
}

/** What the tree lists: every site holding live bytes, largest first, at most `limit`. */
export function treeRows(view: LiveAllocations, limit = 200): LocatedRow[] {
  return view.rows.filter((r) => r.liveBytes > 0).slice(0, limit);
}
