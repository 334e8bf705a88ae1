import { join } from 'node:path';
import { serveWorker, type CallContext } from '../workers/serveWorker';
import type { AnalysisWorkerMethods } from './analysisWorkerClient';
import { CostCache } from './costs/costCache';
import { ImportCostResolver } from './costs/importCostResolver';
import { ImportCostMeasurer } from './costs/measure';
import { SourceParser, findGrammars } from './parsers';
import { WorkspaceIndex } from './project/workspaceIndex';
import type { CostSettings, ScanParams, ScanReply } from './rpc';
import { scanTree } from './scanner';

/** Worker-thread entry (dist/workers/analysisWorker.js): workspace scans and open documents for the editor. */

// Bundled to dist/workers/: the grammars sit beside it in dist/grammars.
const parser = new SourceParser(findGrammars([join(__dirname, '..', 'grammars')]));
/** One index per folder and settings: a settings change starts a fresh one. */
const indexes = new Map<string, WorkspaceIndex>();

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

async function scan(p: ScanParams, context: CallContext<{ done: number; total: number }>): Promise<ScanReply> {
  const disabled = new Set(p.disabledRules);
  const result = await scanTree(p.root, {
    parser,
    resolver: resolverFor(p),
    thresholds: p.thresholds,
    excludeGlobs: p.excludeGlobs,
    budgetMB: p.budgetMB,
    isRuleEnabled: (rule) => !disabled.has(rule),
    isCancelled: () => context.cancelled,
    onProgress: (done, total) => context.progress({ done, total }),
  });
  return { findings: result.findings, files: result.files, bytes: result.bytes, errors: result.errors, ledger: result.ledger };
}

serveWorker<AnalysisWorkerMethods>(
  {
    scan,
    analyse: (p) => indexFor(p).update(p.file, p.text, p.language, p.quick),
    ledger: (p) => indexFor(p).judgeAll(),
  },
  { what: 'the workspace analysis' },
);
