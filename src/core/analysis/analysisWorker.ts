import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { CostCache } from './costs/costCache';
import { ImportCostResolver } from './costs/importCostResolver';
import { ImportCostMeasurer } from './costs/measure';
import { SourceParser, findGrammars } from './parsers';
import { WorkspaceIndex } from './project/workspaceIndex';
import type { AnalyseParams, CostSettings, ScanParams, ScanReply, WorkerMessage, WorkerReply, WorkerRequest } from './rpc';
import { scanTree } from './scanner';

/** Worker-thread entry (dist/workers/analysisWorker.js): workspace scans and open documents for the editor. */

// Bundled to dist/workers/: the grammars sit beside it in dist/grammars.
const parser = new SourceParser(findGrammars([join(__dirname, '..', 'grammars')]));
const cancelled = new Set<number>();
const port = parentPort;
/** One index per folder and settings: a settings change starts a fresh one. */
const indexes = new Map<string, WorkspaceIndex>();

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

function resolverFor(p: CostSettings & { root: string }): ImportCostResolver {
  return new ImportCostResolver({
    measure: p.measure,
    measurer: p.measure ? new ImportCostMeasurer({ nodePath: p.nodePath, pythonPath: p.pythonPath }) : undefined,
    cache: p.cacheFile ? new CostCache(p.cacheFile) : undefined,
    workspaceRoot: p.root,
  });
}

function indexFor(p: ScanParams): WorkspaceIndex {
  const key = JSON.stringify([p.root, p.measure, p.nodePath, p.pythonPath, p.thresholds, p.disabledRules, p.excludeGlobs, p.budgetMB]);
  let index = indexes.get(key);
  if (!index) {
    for (const [k, old] of indexes) if (old.root === p.root) indexes.delete(k);
    index = new WorkspaceIndex(p.root, parser, resolverFor(p), {
      thresholds: p.thresholds,
      disabledRules: p.disabledRules,
      excludeGlobs: p.excludeGlobs,
      budgetMB: p.budgetMB ?? 512,
    });
    indexes.set(key, index);
  }
  return index;
}

async function scan(id: number, p: ScanParams): Promise<ScanReply> {
  const disabled = new Set(p.disabledRules);
  const result = await scanTree(p.root, {
    parser,
    resolver: resolverFor(p),
    thresholds: p.thresholds,
    excludeGlobs: p.excludeGlobs,
    budgetMB: p.budgetMB,
    isRuleEnabled: (rule) => !disabled.has(rule),
    isCancelled: () => cancelled.has(id),
    onProgress: (done, total) => post({ id, kind: 'progress', done, total }),
  });
  return { findings: result.findings, files: result.files, bytes: result.bytes, errors: result.errors, ledger: result.ledger };
}

function handle(request: Exclude<WorkerRequest, { method: 'cancel' }>): Promise<WorkerReply> {
  switch (request.method) {
    case 'scan':
      return scan(request.id, request.params);
    case 'analyse': {
      const p: AnalyseParams = request.params;
      return indexFor(p).update(p.file, p.text, p.language, p.quick);
    }
    case 'ledger':
      return indexFor(request.params).judgeAll();
  }
}

port?.on('message', (request: WorkerRequest) => {
  if (request.method === 'cancel') {
    cancelled.add(request.id);
    return;
  }
  handle(request)
    .then(
      (result) => post({ id: request.id, kind: 'result', result }),
      (err: unknown) => post({ id: request.id, kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => cancelled.delete(request.id));
});
