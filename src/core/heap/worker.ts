import { parentPort, workerData } from 'node:worker_threads';
import { analyse, helperWorkersIn } from './analyse';
import { HeapSnapshotError } from './rawSnapshot';
import type { WorkerMessage, WorkerRequest } from './rpc';

// Runs one analysis in its own thread (and V8 heap, capped by resourceLimits), so a huge or broken
// snapshot fails here with a message instead of taking the extension host down.
const port = parentPort;
if (port) {
  const post = (message: WorkerMessage) => port.postMessage(message);
  // The helper workers are bundled beside this file in dist/workers/.
  analyse(workerData as WorkerRequest, (progress) => post({ kind: 'progress', progress }), helperWorkersIn(__dirname)).then(
    (result) => post({ kind: 'result', result }),
    (err: unknown) => {
      const badInput = err instanceof HeapSnapshotError;
      const message =
        err instanceof RangeError
          ? `not enough memory to analyse the snapshot (${err.message})`
          : err instanceof Error
            ? err.message
            : String(err);
      post({ kind: 'error', message, badInput });
    },
  );
}
