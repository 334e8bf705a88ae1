import { parentPort, workerData } from 'node:worker_threads';
import { classify, type InterfaceDefinition } from './classes';
import { digestBuffers, digestOf } from './digest';
import { loadClassified } from './heapGraph';
import { HeapSnapshotError } from './rawSnapshot';
import type { DigestWorkerData, DigestWorkerMessage } from './digestWorkerClient';

// Reads the older snapshots of a comparison while the caller reads the last one. Classes need the
// last snapshot's interface definitions, so each read waits for them before classifying.
const port = parentPort;
if (port) {
  const { files, maxArrayBytes } = workerData as DigestWorkerData;
  const interfaces = new Promise<InterfaceDefinition[]>((resolve) =>
    port.once('message', (m: { interfaces: InterfaceDefinition[] }) => resolve(m.interfaces)),
  );
  const post = (message: DigestWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  void (async () => {
    try {
      for (const [index, file] of files.entries()) {
        const { raw, types } = loadClassified(file, { maxArrayBytes }, false);
        const classes = classify(raw, types, await interfaces);
        const digest = digestOf({ raw, types, classes });
        post({ kind: 'digest', index, digest }, digestBuffers(digest));
      }
    } catch (err) {
      const message =
        err instanceof RangeError
          ? `not enough memory to analyse the snapshot (${err.message})`
          : err instanceof Error
            ? err.message
            : String(err);
      post({ kind: 'error', message, badInput: err instanceof HeapSnapshotError });
    }
  })();
}
