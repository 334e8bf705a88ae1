import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../../src/core/heap/compare';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import type { HeapDiff, HeapSummary } from '../../../src/core/heap/model';
import { summarize } from '../../../src/core/heap/summary';
import { parseChartHostMessage, parseChartViewMessage, type ChartHostMessage } from '../../../src/webview/chartProtocol';
import { parseHeapHostMessage, parseHeapViewMessage, reportScriptUrls } from '../../../src/webview/heapProtocol';
import { repoRoot, tempDir, writeOrderLeakSnapshots } from '../../integration/heap/helpers';

/** A copy of `value` with the field at `path` replaced (or removed, for undefined). */
function withField(value: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('chart webview protocol', () => {
  // A recorded leak, as the panel sends it on open.
  const recorded = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/series/leaking.json'), 'utf8')) as {
    samples: Array<{ t: number; rss: number; heapUsed: number }>;
  };
  const budget = {
    bytes: 512 * 2 ** 20,
    label: 'Render Free — 512 MB',
    warnBytes: 0.8 * 512 * 2 ** 20,
    criticalBytes: 0.94 * 512 * 2 ** 20,
  };
  const init: ChartHostMessage = {
    type: 'init',
    targets: [{ id: '1', name: 'server.js (127.0.0.1:9229)' }],
    targetId: '1',
    budget,
    history: recorded.samples.map((s) => ({ t: s.t, rss: s.rss, heapUsed: s.heapUsed, heapTotal: NaN, external: NaN })),
    events: [{ time: 5, type: 'spike', text: 'RSS +40 MB in 10 s' }],
    canSnapshot: true,
    canGc: false,
    allocationSampling: { running: false },
  };

  it('accepts what the panel sends, NaN for missing heap figures included', () => {
    expect(parseChartHostMessage(init)).toBe(init);
    const sample = { type: 'sample', targetId: '1', point: init.history[0], budget, summary: 'server.js: 45 MB / 512 MB' };
    expect(parseChartHostMessage(sample)).toBe(sample);
    expect(parseChartHostMessage({ type: 'gcResult', text: 'Forced GC freed 3 MB' })).toBeDefined();
    const sampling = { type: 'allocationSampling', targetId: '1', state: { running: false, unavailable: "Bun's inspector has none" } };
    expect(parseChartHostMessage(sampling)).toBe(sampling);
  });

  it('drops host messages that are not whole', () => {
    expect(parseChartHostMessage(withField(init, ['history', 3, 'rss'], '45 MB'))).toBeUndefined();
    expect(parseChartHostMessage(withField(init, ['budget'], undefined))).toBeUndefined();
    expect(parseChartHostMessage(withField(init, ['targets', 0, 'id'], '<img src=x onerror=alert(1)>'))).toBeUndefined();
    expect(parseChartHostMessage(withField(init, ['type'], 'redraw'))).toBeUndefined();
    expect(parseChartHostMessage(withField(init, ['allocationSampling', 'running'], 'yes'))).toBeUndefined();
    expect(parseChartHostMessage(null)).toBeUndefined();
  });

  it('accepts only the five view messages, with a well-formed target id', () => {
    expect(parseChartViewMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseChartViewMessage({ type: 'toggleAllocationSampling' })).toEqual({ type: 'toggleAllocationSampling' });
    expect(parseChartViewMessage({ type: 'selectTarget', targetId: '2' })).toEqual({ type: 'selectTarget', targetId: '2' });
    expect(parseChartViewMessage({ type: 'selectTarget', targetId: 2 })).toBeUndefined();
    expect(parseChartViewMessage({ type: 'selectTarget', targetId: 'x'.repeat(65) })).toBeUndefined();
    expect(parseChartViewMessage({ type: 'evaluate', expression: 'process.exit()' })).toBeUndefined();
    expect(parseChartViewMessage({ type: 'toString' })).toBeUndefined();
    expect(parseChartViewMessage('ready')).toBeUndefined();
  });
});

describe('heap report webview protocol, on reports of real snapshots', () => {
  const tmp = tempDir();
  let summary: HeapSummary;
  let diff: HeapDiff;
  let script: string;

  beforeAll(() => {
    const written = writeOrderLeakSnapshots(tmp.dir);
    script = written.script;
    summary = summarize(HeapGraph.load(written.files[2]!), { top: 50, detailRows: 10, objectsPerClass: 3 });
    diff = compareSnapshots(written.files, { top: 40, detailRows: 10, objectsPerClass: 3 });
  });
  afterAll(() => tmp.dispose());

  it('accepts a summary and a three-way comparison as the host sends them', () => {
    expect(parseHeapHostMessage({ type: 'summary', summary })).toBeDefined();
    expect(parseHeapHostMessage({ type: 'diff', diff })).toBeDefined();
    expect(diff.leaks.length).toBeGreaterThan(0);
  });

  it('drops a report with a malformed row', () => {
    expect(parseHeapHostMessage(withField({ type: 'summary', summary }, ['summary', 'rows', 0, 'count'], '10'))).toBeUndefined();
    expect(parseHeapHostMessage(withField({ type: 'diff', diff }, ['diff', 'leaks', 0, 'retainerPaths'], 'Map'))).toBeUndefined();
    expect(parseHeapHostMessage(withField({ type: 'diff', diff }, ['diff', 'growingCollections'], undefined))).toBeUndefined();
  });

  it("names the scripts the report records: the leaking class's own file", () => {
    expect([...reportScriptUrls({ type: 'diff', diff })]).toContain(script);
    expect([...reportScriptUrls({ type: 'summary', summary })]).toContain(script);
  });

  it('accepts openLocation only with a string URL and whole, non-negative line and column', () => {
    const open = { type: 'openLocation', url: script, line: 2, column: 6 };
    expect(parseHeapViewMessage(open)).toEqual(open);
    expect(parseHeapViewMessage({ ...open, line: -1 })).toBeUndefined();
    expect(parseHeapViewMessage({ ...open, column: 1.5 })).toBeUndefined();
    expect(parseHeapViewMessage({ ...open, url: { toString: () => '/etc/passwd' } })).toBeUndefined();
    expect(parseHeapViewMessage({ ...open, url: `/${'a'.repeat(5000)}` })).toBeUndefined();
    expect(parseHeapViewMessage({ type: 'ready' })).toEqual({ type: 'ready' });
  });
});
