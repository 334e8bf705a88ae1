import { WorkerCallError, type WorkerFailure } from '../workers/protocol';
import { HeapSnapshotError } from './rawSnapshot';

/** What a helper thread's failure becomes for the reader's callers: bad input stays a HeapSnapshotError. */
export function heapReadError(failure: WorkerFailure): Error {
  return failure.reason === 'bad-input' ? new HeapSnapshotError(failure.message) : new WorkerCallError(failure.message, failure.reason);
}
