// @vitest-environment happy-dom
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../../src/core/heap/compare';
import type { HeapDiff } from '../../../src/core/heap/model';
import type { HeapViewMessage } from '../../../src/webview/heapProtocol';
import { writeOrderLeakSnapshots } from '../../integration/heap/helpers';

// The results webview's script, run in a DOM against a comparison of real snapshots.
describe('heap snapshot results view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-view-'));
  const posted: HeapViewMessage[] = [];
  let diff: HeapDiff;
  const root = () => document.getElementById('root')!;

  beforeAll(async () => {
    const { files } = writeOrderLeakSnapshots(dir);
    diff = compareSnapshots(files, { top: 40, detailRows: 10, objectsPerClass: 3 });

    document.body.innerHTML = '<main id="root"></main>';
    (globalThis as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: HeapViewMessage) => posted.push(m),
    });
    await import('../../../media/heap/heapView');
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'diff', diff } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tables = () => Array.from(root().querySelectorAll('table'));
  const firstCells = (table: HTMLTableElement) =>
    Array.from(table.querySelectorAll('tbody tr.row')).map((tr) => tr.querySelector('td')!.textContent);

  it('tells the host it is ready, then shows leak candidates, growing collections and the comparison', () => {
    expect(posted[0]).toEqual({ type: 'ready' });
    expect(Array.from(root().querySelectorAll('h2')).map((h) => h.textContent)).toEqual([
      'Leak candidates',
      'Growing collections',
      'Comparison',
    ]);
    const [leaks, growing] = tables();
    expect(firstCells(leaks!)[0]).toBe('Order');
    expect(growing!.querySelector('tbody tr.row')!.textContent).toContain('10 → 310 → 410');
    expect(growing!.querySelector('tbody tr.row')!.textContent).toMatch(/Map ← pending/);
  });

  it('sorts by a column when its header is clicked, and filters by class name', () => {
    const comparison = tables()[2]!;
    const header = Array.from(comparison.querySelectorAll('th')).find((th) => th.textContent === '# New')!;
    header.click();
    const news = Array.from(comparison.querySelectorAll('tbody tr.row')).map((tr) =>
      Number(tr.querySelectorAll('td')[1]!.textContent!.replace(/,/g, '')),
    );
    expect(news).toEqual([...news].sort((a, b) => b - a));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    const filter = comparison.parentElement!.querySelector('input')!;
    filter.value = 'orde';
    filter.dispatchEvent(new Event('input'));
    expect(firstCells(comparison)).toEqual(['Order']);
  });

  it('expands a leak row to its retainer paths and objects, and a source link asks the host to open it', () => {
    const leaks = tables()[0]!;
    const row = leaks.querySelector('tbody tr.row') as HTMLTableRowElement;
    row.click();
    const detail = row.nextElementSibling!;
    expect(detail.classList.contains('detail')).toBe(true);
    expect(detail.textContent).toMatch(/300 × Order ← Map ← pending/);
    const link = detail.querySelector('a.location') as HTMLAnchorElement;
    // `class Order` is on line 3 of the script (it starts with a blank line); the view counts from 1.
    expect(link.textContent).toMatch(/leak\.js:3:\d+$/);
    link.click();
    expect(posted[posted.length - 1]).toMatchObject({ type: 'openLocation', url: join(dir, 'leak.js'), line: 2 });
    row.click();
    expect(row.nextElementSibling?.classList.contains('detail') ?? false).toBe(false);
  });

  it('shows no table for a malformed report, and says so', () => {
    const broken = { ...diff, rows: diff.rows.map((r, i) => (i === 0 ? { ...r, sizeDelta: 'a lot' } : r)) };
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'diff', diff: broken } }));
    expect(tables()).toHaveLength(0);
    expect(root().textContent).toMatch(/malformed/);
  });
});
