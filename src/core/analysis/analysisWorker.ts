import { join } from 'node:path';
import { serveWorker, type CallContext } from '../workers/serveWorker';
import type { AnalysisWorkerMethods } from './analysisWorkerClient';
import { CostCache } from './costs/costCache';
import { ImportCostResolver } from './costs/importCostResolver';
import { ImportCostMeasurer } from './costs/measure';
import { SourceParser, findGrammars } from './parsers';
import type { ScanParams, ScanReply } from './rpc';
import { scanTree } from './scanner';

/** Worker-thread entry (dist/workers/analysisWorker.js): runs workspace scans for the editor. */

// Bundled to dist/workers/: the grammars sit beside it in dist/grammars.
const parser = new SourceParser(findGrammars([join(__dirname, '..', 'grammars')]));

async function scan(p: ScanParams, context: CallContext<{ done: number; total: number }>): Promise<ScanReply> {
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
    isCancelled: () => context.cancelled,
    onProgress: (done, total) => context.progress({ done, total }),
  });
  return { findings: result.findings, files: result.files, bytes: result.bytes, errors: result.errors };
}

serveWorker<AnalysisWorkerMethods>({ scan }, { what: 'the workspace scan' });
