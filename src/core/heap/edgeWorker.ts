import { serveWorker } from '../workers/serveWorker';
import { readEdgeSection, type EdgeWorkerMethods } from './edgeSection';
import { HeapSnapshotError } from './rawSnapshot';

// Tokenizes a snapshot's edges array into shared columns while the reading thread does the nodes.
serveWorker<EdgeWorkerMethods>(
  { readEdges: (job, context) => readEdgeSection(job, () => context.heartbeat()) },
  { what: "reading the snapshot's edges", isBadInput: (err) => err instanceof HeapSnapshotError },
);
