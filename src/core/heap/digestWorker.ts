import { serveWorker } from '../workers/serveWorker';
import { classify, type InterfaceDefinition } from './classes';
import { digestBuffers, digestOf } from './digest';
import type { DigestWorkerMethods } from './digestWorkerClient';
import { loadClassified } from './heapGraph';
import { HeapSnapshotError } from './rawSnapshot';

// Reads the older snapshots of a comparison while the caller reads the last one. Classes need the
// last snapshot's interface definitions, so each read waits for them before classifying.
serveWorker<DigestWorkerMethods>(
  {
    digest: async ({ files, maxArrayBytes }, context) => {
      let interfaces: Promise<InterfaceDefinition[]> | undefined;
      for (const [index, file] of files.entries()) {
        const { raw, types } = loadClassified(file, { maxArrayBytes }, false);
        interfaces ??= context.nextNote<InterfaceDefinition[]>();
        const digest = digestOf({ raw, types, classes: classify(raw, types, await interfaces) });
        context.progress({ index, digest }, digestBuffers(digest));
      }
      return null;
    },
  },
  { what: 'reading the older snapshots', isBadInput: (err) => err instanceof HeapSnapshotError },
);
