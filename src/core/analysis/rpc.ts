import type { Finding, HeavyImportThresholds, RuleId } from './model';

/**
 * The messages between the editor and the analysis worker: a workspace scan runs off the
 * extension host's thread, so ten thousand files do not freeze the editor.
 */

export interface ScanParams {
  readonly root: string;
  readonly excludeGlobs: readonly string[];
  readonly thresholds: HeavyImportThresholds;
  readonly disabledRules: readonly RuleId[];
  /** Measure import costs (trusted workspace); the table otherwise. */
  readonly measure: boolean;
  readonly nodePath?: string;
  readonly pythonPath?: string;
  readonly cacheFile?: string;
}

export interface ScanReply {
  readonly findings: Array<{ file: string; finding: Finding }>;
  readonly files: number;
  readonly bytes: number;
  readonly errors: Array<{ file: string; error: string }>;
}

export type WorkerRequest =
  { readonly id: number; readonly method: 'scan'; readonly params: ScanParams } | { readonly id: number; readonly method: 'cancel' };

export type WorkerMessage =
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: 'result'; readonly result: ScanReply }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };
