import { Worker } from 'node:worker_threads';
import type { StartupLedger } from './project/ledger';
import type { DocumentReport } from './project/workspaceIndex';
import type { AnalyseParams, ScanParams, ScanReply, WorkerMessage, WorkerReply, WorkerRequest } from './rpc';
import type { Finding } from './model';

interface Pending {
  resolve(r: WorkerReply): void;
  reject(e: Error): void;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Talks to the analysis worker thread. The worker starts on first use, has its own heap cap,
 * and a crash in it rejects the pending scans instead of taking the editor down.
 */
export class AnalysisWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly workerFile: string,
    private readonly heapCapMB = 512,
  ) {}

  scan(params: ScanParams, options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ScanReply> {
    return this.request('scan', params, options) as Promise<ScanReply>;
  }

  /** One open document against its folder: its findings, with verdicts from the whole project. */
  analyse(params: AnalyseParams): Promise<DocumentReport> {
    return this.request('analyse', params) as Promise<DocumentReport>;
  }

  /** The folder's startup ledger, and every finding with it. */
  ledger(params: ScanParams): Promise<{ findings: Array<{ file: string; finding: Finding }>; ledger: StartupLedger }> {
    return this.request('ledger', params) as Promise<{ findings: Array<{ file: string; finding: Finding }>; ledger: StartupLedger }>;
  }

  private request(
    method: 'scan' | 'analyse' | 'ledger',
    params: ScanParams | AnalyseParams,
    options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<WorkerReply> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress: options.onProgress });
      this.send(worker, { id, method, params } as WorkerRequest);
      if (options.signal?.aborted) this.send(worker, { id, method: 'cancel' });
      else options.signal?.addEventListener('abort', () => this.send(worker, { id, method: 'cancel' }), { once: true });
    });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Error('analysis worker stopped'));
  }

  private send(worker: Worker, request: WorkerRequest): void {
    worker.postMessage(request);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile, { resourceLimits: { maxOldGenerationSizeMb: this.heapCapMB } });
    worker.on('message', (m: WorkerMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') {
        p.onProgress?.(m.done, m.total);
        return;
      }
      this.pending.delete(m.id);
      if (m.kind === 'result') p.resolve(m.result);
      else p.reject(new Error(m.message));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`analysis worker exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
