import { compareSnapshots } from './compare';
import { HeapGraph } from './heapGraph';
import type { AnalysisProgress } from './model';
import type { HeapMethod, HeapMethods, WorkerRequest } from './rpc';
import { summarize } from './summary';

/** Runs one request: the same code in the worker and in the CLI. */
export function analyse(request: WorkerRequest, onProgress: (p: AnalysisProgress) => void = () => {}): HeapMethods[HeapMethod]['result'] {
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
  return compareSnapshots(files, {
    ...options,
    onPhase: (file, phase) => {
      current = file;
      onProgress({ file, phase });
    },
    onProgress: (bytesRead, totalBytes) => onProgress({ file: current, phase: 'reading', bytesRead, totalBytes }),
  });
}
