import { WorkerHost } from '../workers/workerHost';
import type { StartupLedger } from './project/ledger';
import type { DocumentReport } from './project/workspaceIndex';
import type { AnalyseParams, ScanParams, ScanReply } from './rpc';
import type { Finding } from './model';

/** The methods of the analysis worker (dist/workers/analysisWorker.js). */
export type AnalysisWorkerMethods = {
  scan: { params: ScanParams; result: ScanReply; progress: { done: number; total: number } };
  analyse: { params: AnalyseParams; result: DocumentReport };
  ledger: { params: ScanParams; result: { findings: Array<{ file: string; finding: Finding }>; ledger: StartupLedger } };
};

/**
 * Talks to the analysis worker thread. The worker starts on first use, has its own heap cap,
 * and a crash in it rejects the pending scans instead of taking the editor down.
 */
export class AnalysisWorkerClient {
  private readonly host: WorkerHost<AnalysisWorkerMethods>;

  constructor(workerFile: string, heapCapMB = 512) {
    this.host = new WorkerHost(workerFile, {
      what: 'the workspace analysis',
      mode: 'shared',
      limits: { maxOldGenerationSizeMb: heapCapMB },
    });
  }

  /** A cancelled scan answers with what it found so far. */
  scan(params: ScanParams, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ScanReply> {
    const { onProgress, signal } = options;
    return this.host.call('scan', params, { onProgress: onProgress && ((p) => onProgress(p.done, p.total)), cancellation: signal }).result;
  }

  /** One open document against its folder: its findings, with verdicts from the whole project. */
  analyse(params: AnalyseParams): Promise<DocumentReport> {
    return this.host.call('analyse', params).result;
  }

  /** The folder's startup ledger, and every finding with it. */
  ledger(params: ScanParams): Promise<AnalysisWorkerMethods['ledger']['result']> {
    return this.host.call('ledger', params).result;
  }

  dispose(): void {
    this.host.dispose();
  }
}
