/**
 * Plain data that leaves the analysis worker: summaries, diffs, leak candidates. No typed arrays,
 * no methods, so it crosses `postMessage` and goes into `--json` output as it is.
 */
import type { SourceLocation } from './classes';

export type { SourceLocation };

export interface HeapObjectInfo {
  readonly id: number;
  readonly name: string;
  readonly className: string;
  readonly selfSize: number;
  readonly retainedSize: number;
  /** "Map ← sessions ← BroadcasterService ← broadcaster ← (scope)". */
  readonly retainerPath: string;
  readonly location?: SourceLocation & { readonly url?: string };
}

export interface SummaryRow {
  readonly name: string;
  readonly count: number;
  readonly selfSize: number;
  readonly retainedSize: number;
  readonly location?: SourceLocation & { readonly url?: string };
  /** The largest objects of the class by retained size (only for the rows asked for). */
  readonly objects?: HeapObjectInfo[];
}

export interface SnapshotInfo {
  readonly file: string;
  readonly fileBytes: number;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Retained size of the root: everything reachable. */
  readonly totalSize: number;
}

export interface HeapSummary {
  readonly snapshot: SnapshotInfo;
  readonly rows: SummaryRow[];
}

export interface DiffRow {
  readonly name: string;
  readonly newCount: number;
  readonly deletedCount: number;
  readonly countDelta: number;
  readonly allocSize: number;
  readonly freedSize: number;
  readonly sizeDelta: number;
  /** Retained size of the class in the later snapshot. */
  readonly retainedSize: number;
  /** Largest new objects of the class, in the later snapshot. */
  readonly objects?: HeapObjectInfo[];
}

export interface LeakGroup {
  readonly name: string;
  /** Objects allocated between the baseline and the target and still alive in the final snapshot. */
  readonly count: number;
  readonly selfSize: number;
  readonly retainedSize: number;
  /** The commonest retainer paths of those objects, most frequent first. */
  readonly retainerPaths: { readonly path: string; readonly count: number }[];
  readonly objects?: HeapObjectInfo[];
}

export interface GrowingCollection {
  readonly id: number;
  /** Map, Set, Array or Object (with its DevTools class name when it has one). */
  readonly kind: string;
  readonly className: string;
  /** Element count in each snapshot given, oldest first. */
  readonly counts: number[];
  readonly growth: number;
  readonly retainedSize: number;
  readonly retainerPath: string;
}

export interface HeapDiff {
  readonly snapshots: SnapshotInfo[];
  readonly rows: DiffRow[];
  /** Empty unless three snapshots were given. */
  readonly leaks: LeakGroup[];
  readonly growingCollections: GrowingCollection[];
}

export interface AnalysisProgress {
  readonly file: string;
  readonly phase: 'reading' | 'dominators' | 'summarising' | 'comparing';
  readonly bytesRead?: number;
  readonly totalBytes?: number;
}
