import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CostCache } from './costs/costCache';
import { ImportCostResolver } from './costs/importCostResolver';
import { ImportCostMeasurer } from './costs/measure';
import { SourceParser, findGrammars } from './parsers';
import type { ScanParams, ScanReply, WorkerMessage, WorkerRequest } from './rpc';
import { scanTree } from './scanner';

/** Worker-thread entry (dist/workers/analysisWorker.js): runs workspace scans for the editor. */

// Bundled to dist/workers/: the grammars sit beside it in dist/grammars.
const parser = new SourceParser(findGrammars([join(__dirname, '..', 'grammars')]));
const cancelled = new Set<number>();
const port = parentPort;

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

async function scan(id: number, p: ScanParams): Promise<ScanReply> {
  const resolver = new ImportCostResolver({
    measure: p.measure,
    measurer: p.measure ? new ImportCostMeasurer({ nodePath: p.nodePath, pythonPath: p.pythonPath }) : undefined,
    cache: p.cacheFile ? new CostCache(p.cacheFile) : undefined,
    workspaceRoot: p.root,
  });
  const disabled = new Set(p.disabledRules);
  const result = await scanTree(p.root, {
    parser,
    resolver,
    thresholds: p.thresholds,
    excludeGlobs: p.excludeGlobs,
    isRuleEnabled: (rule) => !disabled.has(rule),
    isCancelled: () => cancelled.has(id),
    onProgress: (done, total) => post({ id, kind: 'progress', done, total }),
  });
  return { findings: result.findings, files: result.files, bytes: result.bytes, errors: result.errors };
}

port?.on('message', (request: WorkerRequest) => {
  if (request.method === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  scan(request.id, request.params)
    .then(
      (result) => post({ id: request.id, kind: 'result', result }),
      (err: unknown) => post({ id: request.id, kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => cancelled.delete(request.id));
});
