import { workerData, type MessagePort } from 'node:worker_threads';
import { runEdgeJob, type EdgeJob } from './edgeThread';

// Tokenizes a snapshot's edges array into shared arrays while the reading thread does the nodes.
const { job, done, port } = workerData as { job: EdgeJob; done: Int32Array; port: MessagePort };
runEdgeJob(job, done, port);
