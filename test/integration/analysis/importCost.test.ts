import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CostCache } from '../../../src/core/analysis/costs/costCache';
import { ImportCostResolver, tableCost } from '../../../src/core/analysis/costs/importCostResolver';
import { ImportCostMeasurer } from '../../../src/core/analysis/costs/measure';
import type { StartupImport } from '../../../src/core/analysis/model';
import { REPO } from './helpers';

/**
 * Real packages, really imported in child processes: xlsx (heavy, ~11 MB heap) and moment
 * (light) are devDependencies, so `npm ci` installs them; Python uses the standard library
 * (asyncio heavy, colorsys light) because which third-party packages exist here is unknown.
 */

const range = { start: { line: 0, column: 0 }, end: { line: 0, column: 10 } };
function nodeImport(module: string, packageName = module): StartupImport {
  return { ecosystem: 'node', module, packageName, importedNames: ['*'], range, sideEffectOnly: false, unused: false };
}
function pythonImport(module: string, packageName = module): StartupImport {
  return { ecosystem: 'python', module, packageName, importedNames: [], range, sideEffectOnly: false, unused: false };
}

/** Counts real measurements, to tell a cache hit from a new child process. */
class CountingMeasurer extends ImportCostMeasurer {
  runs = 0;
  override async measureNode(specifier: string, fromDir: string) {
    this.runs++;
    return super.measureNode(specifier, fromDir);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'mb-cost-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('import-cost measurement', () => {
  it('measures a heavy npm package as costing far more heap than a light one', async () => {
    const m = new ImportCostMeasurer();
    const heavy = await m.measureNode('xlsx', REPO);
    const light = await m.measureNode('moment', REPO);
    console.log(
      `xlsx: heap ${heavy.heapMB.toFixed(2)} MB, rss ${heavy.rssMB.toFixed(1)} MB, ${heavy.loadMs.toFixed(0)} ms; moment: heap ${light.heapMB.toFixed(2)} MB, ${light.loadMs.toFixed(0)} ms`,
    );
    expect(heavy.heapMB).toBeGreaterThan(5);
    expect(light.heapMB).toBeLessThan(2);
    expect(heavy.heapMB).toBeGreaterThan(light.heapMB * 4);
    expect(heavy.loadMs).toBeGreaterThan(0);
  });

  it('reports a package that is not installed as an error, not a number', async () => {
    await expect(new ImportCostMeasurer().measureNode('no-such-package-memory-budget', tmp)).rejects.toThrow(/Cannot find module/);
  });

  it('measures Python imports in the interpreter, heavy stdlib module above a light one', async () => {
    const m = new ImportCostMeasurer({ pythonPath: '/usr/bin/python3' });
    const heavy = await m.measurePython('import asyncio', tmp);
    const light = await m.measurePython('import colorsys', tmp);
    console.log(
      `asyncio: heap ${heavy.heapMB.toFixed(2)} MB, ${heavy.loadMs.toFixed(0)} ms; colorsys: heap ${light.heapMB.toFixed(3)} MB, ${light.loadMs.toFixed(1)} ms`,
    );
    expect(heavy.heapMB).toBeGreaterThan(1);
    expect(heavy.heapMB).toBeGreaterThan(light.heapMB * 10);
    await expect(m.measurePython('import no_such_module_memory_budget', tmp)).rejects.toThrow(/ModuleNotFoundError/);
  });

  it('caches measurements per package and version, so the second open runs nothing', async () => {
    const cacheFile = join(tmp, 'cache', 'import-costs.json');
    const first = new CountingMeasurer();
    const r1 = await new ImportCostResolver({ measure: true, measurer: first, cache: new CostCache(cacheFile) }).resolve(
      nodeImport('xlsx'),
      REPO,
    );
    expect(r1.cost?.source).toBe('measured');
    expect(r1.cost?.version).toBe(JSON.parse(readFileSync(join(REPO, 'node_modules/xlsx/package.json'), 'utf8')).version);
    expect(first.runs).toBe(1);
    expect(existsSync(cacheFile)).toBe(true);

    const second = new CountingMeasurer();
    const resolver = new ImportCostResolver({ measure: true, measurer: second, cache: new CostCache(cacheFile) });
    const quick = await resolver.quick(nodeImport('xlsx'), REPO);
    const r2 = await resolver.resolve(nodeImport('xlsx'), REPO);
    expect(second.runs).toBe(0);
    expect(quick.cost).toEqual(r1.cost);
    expect(r2.cost).toEqual(r1.cost);
  });

  it('falls back to the built-in table when measuring is off or the package is missing', async () => {
    const untrusted = await new ImportCostResolver({ measure: false }).resolve(nodeImport('mongoose'), REPO);
    expect(untrusted.cost).toMatchObject({ source: 'table', basis: expect.stringContaining('mongoose') });
    const missing = await new ImportCostResolver({ measure: true, measurer: new ImportCostMeasurer() }).resolve(
      nodeImport('googleapis'),
      tmp,
    );
    expect(missing.cost?.source).toBe('table');
    expect(missing.note).toMatch(/not installed/);
  });

  it('takes the table figure of the module actually imported: django.db.models, not django', () => {
    const models = tableCost({ ...pythonImport('django.db', 'django'), importedNames: ['models'] });
    const bare = tableCost(pythonImport('django'));
    expect(models!.heapMB).toBeGreaterThan(bare!.heapMB * 10);
    expect(tableCost(nodeImport('langchain/llms/openai', 'langchain'))?.basis).toMatch(/^langchain /);
  });

  it('labels a table figure with its release line, and with the version the project pins when that differs', () => {
    const pinned = tableCost(nodeImport('mongoose'), '6.12.0');
    expect(pinned).toMatchObject({ version: '6.13.11', label: 'typical for 6.13' });
    const other = tableCost(pythonImport('sqlalchemy'), '2.0.36');
    expect(other?.label).toBe('typical for 1.4; this project pins 2.0.36');
    // No Debian version strings (epochs, +dfsg, revisions) anywhere a person reads them.
    for (const p of ['django', 'numpy', 'torch', 'pandas']) expect(tableCost(pythonImport(p))?.version).toMatch(/^\d+(\.\d+)*$/);
  });

  it('measures Python through the resolver, keyed by interpreter, shown with the package version only', async () => {
    const resolver = new ImportCostResolver({
      measure: true,
      measurer: new ImportCostMeasurer({ pythonPath: '/usr/bin/python3' }),
      workspaceRoot: tmp,
    });
    const r = await resolver.resolve(pythonImport('asyncio'), tmp);
    expect(r.cost?.source).toBe('measured');
    expect(r.cost?.label).toMatch(/^measured, /);
    expect(r.cost?.version).toMatch(/^python 3\.\d+/);
  });
});
