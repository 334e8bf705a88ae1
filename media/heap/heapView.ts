// A heap summary or comparison: sortable, filterable tables whose rows expand to the largest
// objects and their retainer paths.
import { formatBytes, formatSigned } from '../../src/core/heap/display';
import type { DiffRow, GrowingCollection, HeapDiff, HeapObjectInfo, HeapSummary, LeakGroup, SummaryRow } from '../../src/core/heap/model';
import { parseHeapHostMessage, type HeapViewMessage } from '../../src/webview/heapProtocol';
import { isRecord } from '../../src/webview/validate';
import './heapView.css';

declare function acquireVsCodeApi(): { postMessage(message: HeapViewMessage): void };
const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

interface Column<R> {
  readonly title: string;
  readonly numeric?: boolean;
  readonly sortValue: (row: R) => number | string;
  readonly render: (row: R) => string | Node;
  readonly className?: (row: R) => string;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (string | Node)[]) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
};
const count = (n: number) => n.toLocaleString('en-US');
const signClass = (n: number) => (n > 0 ? 'grow' : n < 0 ? 'shrink' : '');

/** Column builders: a name, a count, a size in bytes, a signed change, a retainer path. */
const nameColumn = <R>(title: string, name: (r: R) => string, render: (r: R) => string | Node = name): Column<R> => ({
  title,
  sortValue: name,
  render,
});
const countColumn = <R>(title: string, n: (r: R) => number): Column<R> => ({
  title,
  numeric: true,
  sortValue: n,
  render: (r) => count(n(r)),
});
const bytesColumn = <R>(title: string, n: (r: R) => number): Column<R> => ({
  title,
  numeric: true,
  sortValue: n,
  render: (r) => formatBytes(n(r)),
});
const changeColumn = <R>(title: string, n: (r: R) => number, format?: (n: number) => string): Column<R> => ({
  title,
  numeric: true,
  sortValue: n,
  render: (r) => formatSigned(n(r), format),
  className: (r) => signClass(n(r)),
});
const pathColumn = <R>(title: string, path: (r: R) => string): Column<R> => ({
  title,
  sortValue: path,
  render: (r) => el('span', { class: 'path' }, path(r)),
});

/** Count, self size and retained size: the columns of every per-class table. */
const classColumns = <R extends { count: number; selfSize: number; retainedSize: number }>(): Column<R>[] => [
  countColumn('Count', (r) => r.count),
  bytesColumn('Self size', (r) => r.selfSize),
  bytesColumn('Retained size', (r) => r.retainedSize),
];

/** A heading and its table. */
const section = (title: string, ...content: Node[]): Node[] => [el('h2', {}, title), ...content];

/** A sortable table, filterable by the first column, with rows that expand to details. */
function sortableTable<R>(
  rows: R[],
  columns: Column<R>[],
  nameOf: (row: R) => string,
  detail: (row: R) => Node | undefined,
  sortBy = 0,
): HTMLElement {
  const wrapper = el('div');
  const filter = el('input', {
    class: 'filter',
    type: 'search',
    placeholder: 'Filter by class name',
    'aria-label': 'Filter by class name',
  }) as HTMLInputElement;
  const table = el('table');
  const head = el('tr');
  const body = el('tbody');
  let sortColumn = sortBy;
  let descending = true;
  const draw = () => {
    const needle = filter.value.trim().toLowerCase();
    const sorted = rows.filter((r) => !needle || nameOf(r).toLowerCase().includes(needle));
    const key = columns[sortColumn]!.sortValue;
    sorted.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    head
      .querySelectorAll('th')
      .forEach((th, i) =>
        i === sortColumn ? th.setAttribute('aria-sort', descending ? 'descending' : 'ascending') : th.removeAttribute('aria-sort'),
      );
    body.replaceChildren();
    for (const row of sorted.slice(0, 1000)) {
      const tr = el('tr', { class: 'row', tabindex: '0' });
      for (const c of columns) tr.append(el('td', { class: `${c.numeric ? 'num' : ''} ${c.className?.(row) ?? ''}` }, c.render(row)));
      const toggle = () => {
        const next = tr.nextElementSibling;
        if (next?.classList.contains('detail')) {
          next.remove();
          tr.classList.remove('open');
          return;
        }
        const content = detail(row) ?? el('span', { class: 'empty' }, 'No objects listed for this row.');
        tr.after(el('tr', { class: 'detail' }, el('td', { colspan: String(columns.length) }, content)));
        tr.classList.add('open');
      };
      tr.addEventListener('click', toggle);
      tr.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), toggle()));
      body.append(tr);
    }
    if (sorted.length === 0)
      body.append(el('tr', {}, el('td', { colspan: String(columns.length), class: 'empty' }, 'No matching classes.')));
  };
  columns.forEach((c, i) => {
    const th = el('th', { class: c.numeric ? 'num' : '', scope: 'col' }, c.title);
    th.addEventListener('click', () => {
      descending = sortColumn === i ? !descending : true;
      sortColumn = i;
      draw();
    });
    head.append(th);
  });
  table.append(el('thead', {}, head), body);
  filter.addEventListener('input', draw);
  wrapper.append(filter, table);
  draw();
  return wrapper;
}

function locationLink(object: { location?: HeapObjectInfo['location'] }): Node | string {
  const l = object.location;
  if (!l) return '';
  const text = `${l.url ?? `script ${l.scriptId}`}:${l.line + 1}:${l.column + 1}`;
  if (!l.url) return ` · ${text}`;
  const a = el('a', { class: 'location', title: 'Open the source' }, text);
  a.addEventListener('click', (e) => {
    e.stopPropagation();
    vscode.postMessage({ type: 'openLocation', url: l.url!, line: l.line, column: l.column });
  });
  return el('span', {}, ' · ', a);
}

function objectList(objects: HeapObjectInfo[] | undefined): Node | undefined {
  if (!objects?.length) return undefined;
  const list = el('div');
  for (const o of objects) {
    list.append(
      el(
        'div',
        { class: 'object' },
        el('strong', {}, `${o.className} @${o.id}`),
        ` · self ${formatBytes(o.selfSize)} · retained ${formatBytes(o.retainedSize)}`,
        locationLink(o),
        el('div', { class: 'path' }, o.retainerPath),
      ),
    );
  }
  return list;
}

function renderSummary(summary: HeapSummary): void {
  const s = summary.snapshot;
  const columns: Column<SummaryRow>[] = [
    nameColumn(
      'Constructor',
      (r) => r.name,
      (r) => el('span', {}, r.name, locationLink(r)),
    ),
    ...classColumns<SummaryRow>(),
  ];
  root.replaceChildren(
    ...section(
      'Summary',
      el('div', { class: 'meta' }, `${s.file} · ${count(s.nodeCount)} nodes · ${formatBytes(s.totalSize)} in total`),
      sortableTable(
        summary.rows,
        columns,
        (r) => r.name,
        (r) => objectList(r.objects),
        3,
      ),
    ),
  );
}

function renderDiff(diff: HeapDiff): void {
  const files = diff.snapshots.map((s) => s.file);
  const parts: Node[] = [el('div', { class: 'meta' }, files.join(' → '))];
  if (diff.leaks.length > 0) {
    const columns: Column<LeakGroup>[] = [
      nameColumn('Constructor', (r) => r.name),
      ...classColumns<LeakGroup>(),
      pathColumn('Commonest retainer path', (r) => r.retainerPaths[0]?.path ?? ''),
    ];
    const leakDetail = (r: LeakGroup) => {
      const box = el('div');
      for (const p of r.retainerPaths) box.append(el('div', { class: 'path' }, `${count(p.count)} × ${p.path}`));
      const objects = objectList(r.objects);
      if (objects) box.append(objects);
      return box;
    };
    parts.push(
      ...section(
        'Leak candidates',
        el('div', { class: 'meta' }, `Allocated between ${files[0]} and ${files[1]}, still alive in ${files[2]}.`),
        sortableTable(diff.leaks, columns, (r) => r.name, leakDetail, 3),
      ),
    );
  }
  if (diff.growingCollections.length > 0) {
    const columns: Column<GrowingCollection>[] = [
      nameColumn(
        'Collection',
        (r) => r.className,
        (r) => `${r.className} @${r.id}`,
      ),
      { ...countColumn('Elements', (r) => r.counts[r.counts.length - 1]!), render: (r) => r.counts.map(count).join(' → ') },
      changeColumn('Growth', (r) => r.growth),
      bytesColumn('Retained size', (r) => r.retainedSize),
      pathColumn('Retainer path', (r) => r.retainerPath),
    ];
    parts.push(
      ...section(
        'Growing collections',
        sortableTable(
          diff.growingCollections,
          columns,
          (r) => r.className,
          () => undefined,
          2,
        ),
      ),
    );
  }
  const columns: Column<DiffRow>[] = [
    nameColumn('Constructor', (r) => r.name),
    countColumn('# New', (r) => r.newCount),
    countColumn('# Deleted', (r) => r.deletedCount),
    changeColumn('# Delta', (r) => r.countDelta),
    bytesColumn('Alloc. size', (r) => r.allocSize),
    bytesColumn('Freed size', (r) => r.freedSize),
    changeColumn('Size delta', (r) => r.sizeDelta, formatBytes),
    bytesColumn('Retained size', (r) => r.retainedSize),
  ];
  parts.push(
    ...section(
      'Comparison',
      sortableTable(
        diff.rows,
        columns,
        (r) => r.name,
        (r) => objectList(r.objects),
        6,
      ),
    ),
  );
  root.replaceChildren(...parts);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHeapHostMessage(event.data);
  if (message?.type === 'summary') renderSummary(message.summary);
  else if (message?.type === 'diff') renderDiff(message.diff);
  else if (isRecord(event.data) && (event.data.type === 'summary' || event.data.type === 'diff'))
    root.replaceChildren(el('p', { class: 'empty' }, 'This report is malformed and was not shown; run the command again.'));
});
vscode.postMessage({ type: 'ready' });
