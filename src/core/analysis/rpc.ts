import type { Finding, HeavyImportThresholds, RuleId, SourceLanguage } from './model';
import type { StartupLedger } from './project/ledger';
import type { DocumentReport } from './project/workspaceIndex';

/**
 * The messages between the editor and the analysis worker: workspace scans, the analysis of
 * open documents against their project, and the startup ledger run off the extension host's
 * thread, so ten thousand files or a 2,000-line document do not freeze the editor.
 */

export interface CostSettings {
  /** Measure import costs (trusted workspace); the table otherwise. */
  readonly measure: boolean;
  readonly nodePath?: string;
  readonly pythonPath?: string;
  readonly cacheFile?: string;
}

export interface ScanParams extends CostSettings {
  readonly root: string;
  readonly excludeGlobs: readonly string[];
  readonly thresholds: HeavyImportThresholds;
  readonly disabledRules: readonly RuleId[];
  readonly budgetMB?: number;
}

export interface ScanReply {
  readonly findings: Array<{ file: string; finding: Finding }>;
  readonly files: number;
  readonly bytes: number;
  readonly errors: Array<{ file: string; error: string }>;
  readonly ledger: StartupLedger;
}

export interface AnalyseParams extends ScanParams {
  readonly file: string;
  readonly text: string;
  readonly language: SourceLanguage;
  /** Table and cached figures only: the reply comes at once; measuring follows in the background. */
  readonly quick: boolean;
}

export type WorkerRequest =
  | { readonly id: number; readonly method: 'scan'; readonly params: ScanParams }
  | { readonly id: number; readonly method: 'analyse'; readonly params: AnalyseParams }
  | { readonly id: number; readonly method: 'ledger'; readonly params: ScanParams }
  | { readonly id: number; readonly method: 'cancel' };

export type WorkerReply =
  ScanReply | DocumentReport | { readonly findings: Array<{ file: string; finding: Finding }>; readonly ledger: StartupLedger };

export type WorkerMessage =
  | { readonly id: number; readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly id: number; readonly kind: 'result'; readonly result: WorkerReply }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };
