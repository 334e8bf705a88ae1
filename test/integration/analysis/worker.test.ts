import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('judges an open document against its project: the framework needed at load is info, a package used only in a handler a warning', async () => {
    const root = join(CORPUS, 'express-mongoose-api');
    const file = join(root, 'routes', 'export.js');
    const text = readFileSync(file, 'utf8');
    const report = await client.analyse({ ...params(root), file, text, language: 'javascript', quick: true });
    expect(report.startup).toBe(true);
    const heavy = report.findings.filter((f) => f.kind === 'heavy-import');
    const express = heavy.find((f) => f.kind === 'heavy-import' && f.verdict.packageName === 'express');
    const xlsx = heavy.find((f) => f.kind === 'heavy-import' && f.verdict.packageName === 'xlsx');
    expect(express?.kind === 'heavy-import' && express.verdict).toMatchObject({ severity: 'info', state: 'already-loaded', marginalMB: 0 });
    expect(xlsx?.kind === 'heavy-import' && xlsx.verdict).toMatchObject({ severity: 'warning', state: 'candidate', deferrable: true });
    expect(xlsx?.fixes[0]?.title).toMatch(/Move `require\('xlsx'\)`/);
    // The edit is the document's, not the disk's: using XLSX at load makes it needed.
    const edited = `${text}\nconsole.log(XLSX.version);\n`;
    const after = await client.analyse({ ...params(root), file, text: edited, language: 'javascript', quick: true });
    const now = after.findings.find((f) => f.kind === 'heavy-import' && f.verdict.packageName === 'xlsx');
    expect(now?.kind === 'heavy-import' && now.verdict.severity).toBe('info');
  });

  it('gives the startup ledger of a folder with the saving of its lazy-load candidates', async () => {
    const { ledger } = await client.ledger(params(join(CORPUS, 'telegram-ai-bot')));
    expect(ledger.mode).toBe('graph');
    const p = ledger.processes[0]!;
    expect(p.name).toBe('python main.py');
    expect(p.candidates).toEqual(expect.arrayContaining(['openai', 'anthropic', 'litellm']));
    expect(p.summary).toMatch(/^lazy-load .*: −\d+ MB of 512$/);
    expect(p.rows.find((r) => r.packageName === 'sqlalchemy')?.state).toBe('needed');
  });
});
