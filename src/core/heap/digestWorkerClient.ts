import { WorkerHost, type RunningCall } from '../workers/workerHost';
import type { InterfaceDefinition } from './classes';
import type { SnapshotDigest } from './digest';
import { heapReadError } from './helperFailure';

/** The methods of workers/digestWorker.js: digests of `files`, one progress message each, in order. */
export type DigestWorkerMethods = {
  digest: {
    params: { files: string[]; maxArrayBytes?: number };
    result: null;
    progress: { index: number; digest: SnapshotDigest };
  };
};

/** The older snapshots of a comparison, reduced to digests in a worker thread. */
export class DigestWorker {
  readonly digests: Promise<SnapshotDigest[]>;
  private readonly call: RunningCall<null>;

  constructor(workerFile: string, files: string[], options: { maxArrayBytes?: number }) {
    const host = new WorkerHost<DigestWorkerMethods>(workerFile, {
      what: 'reading the older snapshots',
      // Capped like the analysis worker: decoded names are the only big thing on its JS heap.
      limits: { maxOldGenerationSizeMb: 2048 },
      toError: heapReadError,
    });
    const digests: SnapshotDigest[] = [];
    this.call = host.call('digest', { files, maxArrayBytes: options.maxArrayBytes }, { onProgress: (p) => (digests[p.index] = p.digest) });
    this.digests = this.call.result.then(() => digests);
    this.digests.catch(() => {});
  }

  /** Classes need the last snapshot's interface definitions; the worker waits for them. */
  provideInterfaces(interfaces: InterfaceDefinition[]): void {
    this.call.note(interfaces);
  }

  dispose(): void {
    this.call.cancel();
  }
}
