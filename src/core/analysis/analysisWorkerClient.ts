import { WorkerHost } from '../workers/workerHost';
import type { ScanParams, ScanReply } from './rpc';

/** The methods of the analysis worker (dist/workers/analysisWorker.js). */
export type AnalysisWorkerMethods = { scan: { params: ScanParams; result: ScanReply; progress: { done: number; total: number } } };

/**
 * Talks to the analysis worker thread. The worker starts on first use, has its own heap cap,
 * and a crash in it rejects the pending scans instead of taking the editor down. A cancelled scan
 * answers with what it found so far.
 */
export class AnalysisWorkerClient {
  private readonly host: WorkerHost<AnalysisWorkerMethods>;

  constructor(workerFile: string, heapCapMB = 512) {
    this.host = new WorkerHost(workerFile, { what: 'the workspace scan', mode: 'shared', limits: { maxOldGenerationSizeMb: heapCapMB } });
  }

  scan(params: ScanParams, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ScanReply> {
    const { onProgress, signal } = options;
    return this.host.call('scan', params, { onProgress: onProgress && ((p) => onProgress(p.done, p.total)), cancellation: signal }).result;
  }

  dispose(): void {
    this.host.dispose();
  }
}
