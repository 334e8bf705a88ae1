import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compareSnapshots, compareSnapshotsInParallel } from './compare';
import { HeapGraph } from './heapGraph';
import type { AnalysisProgress, HeapDiff, HeapSummary } from './model';
import type { HeapMethods } from './rpc';
import { summarize } from './summary';

/** The bundled helper threads (dist/workers/*.js); without them everything runs on one thread. */
export interface HelperWorkers {
  /** Reads a summary's edges on a second thread. */
  readonly edges?: string;
  /** Reads a comparison's older snapshots on a second thread. */
  readonly digest?: string;
}

/** The helper workers in `dir` (dist/workers of the bundle). */
export function helperWorkersIn(dir: string): HelperWorkers {
  return { edges: join(dir, 'edgeWorker.js'), digest: join(dir, 'digestWorker.js') };
}

/** A summary of one snapshot: the body of the heap worker's `summarize`. */
export function summarizeFile(
  { file, options }: HeapMethods['summarize']['params'],
  onProgress: (p: AnalysisProgress) => void = () => {},
  workers: HelperWorkers = {},
): HeapSummary {
  onProgress({ file, phase: 'reading' });
  const graph = HeapGraph.load(file, {
    maxArrayBytes: options.maxArrayBytes,
    edgeWorkerFile: workers.edges,
    onProgress: (bytesRead, totalBytes) => onProgress({ file, phase: 'reading', bytesRead, totalBytes }),
    onPhase: (phase) => onProgress({ file, phase }),
  });
  return summarize(graph, options);
}

/** A comparison of 2 or 3 snapshots: the body of the heap worker's `compare`. */
export async function compareFiles(
  { files, options }: HeapMethods['compare']['params'],
  onProgress: (p: AnalysisProgress) => void = () => {},
  workers: HelperWorkers = {},
): Promise<HeapDiff> {
  let current = files[files.length - 1]!;
  const compareOptions = {
    ...options,
    onPhase: (file: string, phase: AnalysisProgress['phase']) => {
      current = file;
      onProgress({ file, phase });
    },
    onProgress: (bytesRead: number, totalBytes: number) => onProgress({ file: current, phase: 'reading', bytesRead, totalBytes }),
  };
  const digestWorker = workers.digest;
  return digestWorker && existsSync(digestWorker)
    ? compareSnapshotsInParallel(files, digestWorker, compareOptions)
    : compareSnapshots(files, compareOptions);
}
