import { Worker } from 'node:worker_threads';
import type { InterfaceDefinition } from './classes';
import type { SnapshotDigest } from './digest';
import { HeapSnapshotError } from './rawSnapshot';

export interface DigestWorkerData {
  readonly files: string[];
  readonly maxArrayBytes?: number;
}

export type DigestWorkerMessage =
  { kind: 'digest'; index: number; digest: SnapshotDigest } | { kind: 'error'; message: string; badInput: boolean };

/** The older snapshots of a comparison, reduced to digests in a worker thread. */
export class DigestWorker {
  readonly digests: Promise<SnapshotDigest[]>;
  private readonly worker: Worker;

  constructor(workerFile: string, files: string[], options: { maxArrayBytes?: number }) {
    this.worker = new Worker(workerFile, {
      workerData: { files, maxArrayBytes: options.maxArrayBytes } satisfies DigestWorkerData,
      // Capped like the analysis worker: decoded names are the only big thing on its JS heap.
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
    });
    this.digests = new Promise((resolve, reject) => {
      const digests: SnapshotDigest[] = [];
      this.worker.on('message', (m: DigestWorkerMessage) => {
        if (m.kind === 'error') reject(m.badInput ? new HeapSnapshotError(m.message) : new Error(m.message));
        else if ((digests[m.index] = m.digest) && digests.filter(Boolean).length === files.length) resolve(digests);
      });
      this.worker.on('error', (err) => reject(new Error(`reading the older snapshots failed: ${err.message}`)));
      this.worker.on('exit', (code) => reject(new Error(`reading the older snapshots stopped (exit code ${code})`)));
    });
    this.digests.catch(() => {});
  }

  provideInterfaces(interfaces: InterfaceDefinition[]): void {
    this.worker.postMessage({ interfaces });
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
