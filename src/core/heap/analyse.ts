import { existsSync } from 'node:fs';
import { compareSnapshots, compareSnapshotsInParallel } from './compare';
import { HeapGraph } from './heapGraph';
import type { AnalysisProgress } from './model';
import type { HeapMethod, HeapMethods, WorkerRequest } from './rpc';
import { summarize } from './summary';

/**
 * Runs one request: the same code in the analysis worker and in the CLI. `digestWorkerFile` (the
 * bundled workers/digestWorker.js) lets a comparison read its older snapshots on a second thread.
 */
export async function analyse(
  request: WorkerRequest,
  onProgress: (p: AnalysisProgress) => void = () => {},
  digestWorkerFile?: string,
): Promise<HeapMethods[HeapMethod]['result']> {
  if (request.method === 'summarize') {
    const { file, options } = request.params;
    onProgress({ file, phase: 'reading' });
    const graph = HeapGraph.load(file, {
      maxArrayBytes: options.maxArrayBytes,
      onProgress: (bytesRead, totalBytes) => onProgress({ file, phase: 'reading', bytesRead, totalBytes }),
      onPhase: (phase) => onProgress({ file, phase }),
    });
    return summarize(graph, options);
  }
  const { files, options } = request.params;
  let current = files[files.length - 1]!;
  const compareOptions = {
    ...options,
    onPhase: (file: string, phase: AnalysisProgress['phase']) => {
      current = file;
      onProgress({ file, phase });
    },
    onProgress: (bytesRead: number, totalBytes: number) => onProgress({ file: current, phase: 'reading', bytesRead, totalBytes }),
  };
  return digestWorkerFile && existsSync(digestWorkerFile) ? compareSnapshotsInParallel(files, digestWorkerFile, compareOptions) : compareSnapshots(files, compareOptions);
}
