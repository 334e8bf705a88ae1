import { serveWorker } from '../workers/serveWorker';
import { compareFiles, helperWorkersIn, summarizeFile } from './analyse';
import { HeapSnapshotError } from './rawSnapshot';
import type { HeapMethods } from './rpc';

// Runs one analysis in its own thread (and V8 heap, capped by resourceLimits), so a huge or broken
// snapshot fails here with a message instead of taking the extension host down. The helper
// workers are bundled beside this file in dist/workers/.
const helpers = helperWorkersIn(__dirname);
serveWorker<HeapMethods>(
  {
    summarize: (params, context) => summarizeFile(params, (p) => context.progress(p), helpers),
    compare: (params, context) => compareFiles(params, (p) => context.progress(p), helpers),
  },
  { what: 'the snapshot analysis', isBadInput: (err) => err instanceof HeapSnapshotError },
);
