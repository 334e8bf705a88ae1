import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalysisWorkerClient } from '../../../src/core/analysis/analysisWorkerClient';
import { toReported } from '../../../src/core/analysis/report';
import { DEFAULT_THRESHOLDS } from '../../../src/core/analysis/model';
import { CORPUS, WORKER, ensureCliBuilt, findingKey, scanWithTable } from './helpers';

/** The bundled worker (what the editor's Scan Workspace command uses) finds what the core finds. */
describe('analysis worker', () => {
  let client: AnalysisWorkerClient;
  beforeAll(() => {
    ensureCliBuilt();
    client = new AnalysisWorkerClient(WORKER);
  });
  afterAll(() => client.dispose());

  const params = (root: string, disabledRules: string[] = []) => ({
    root,
    excludeGlobs: [],
    thresholds: DEFAULT_THRESHOLDS,
    disabledRules: disabledRules as never[],
    measure: false,
  });

  it('scans a corpus app in the worker thread with the bundled grammars', async () => {
    const root = join(CORPUS, 'telegram-ai-bot');
    let progressCalls = 0;
    const reply = await client.scan(params(root), { onProgress: () => progressCalls++ });
    const viaWorker = toReported(root, { ...reply, costNotes: new Map() })
      .map(findingKey)
      .sort();
    expect(viaWorker).toEqual((await scanWithTable(root)).map(findingKey).sort());
    expect(reply.files).toBeGreaterThan(5);
    expect(progressCalls).toBeGreaterThan(0);
  });

  it('honours rule switches and excludes', async () => {
    const root = join(CORPUS, 'django-channels-app');
    const reply = await client.scan({ ...params(root, ['heavy-import']), excludeGlobs: ['**/digest.py'] });
    expect(reply.findings.length).toBeGreaterThan(0);
    expect(reply.findings.every((f) => f.finding.kind === 'unbounded-query')).toBe(true);
    expect(reply.findings.some((f) => f.file.endsWith('digest.py'))).toBe(false);
  });

  it('stops a scan when cancelled', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mb-worker-'));
    try {
      for (let i = 0; i < 2000; i++) writeFileSync(join(root, `m${i}.py`), `import os\nx = ${i}\n`);
      const abort = new AbortController();
      const reply = await client.scan(params(root), { signal: abort.signal, onProgress: () => abort.abort() });
      expect(reply.files).toBeLessThan(2000);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
