// Messages between a heap report panel (extension host) and its webview, with a guard for each
// direction. Imported by both sides: neither `vscode`, DOM nor Node here.
import type {
  DiffRow,
  GrowingCollection,
  HeapDiff,
  HeapObjectInfo,
  HeapSummary,
  LeakGroup,
  SnapshotInfo,
  SummaryRow,
} from '../core/heap/model';
import { arrayOf, count, isNumber, isString, literal, optional, shape, shortString, tagged } from './validate';

/** Extension host → webview. */
export type HeapHostMessage = { type: 'summary'; summary: HeapSummary } | { type: 'diff'; diff: HeapDiff };

/** Webview → extension host. `line` and `column` are 0-based, as the snapshot records them. */
export type HeapViewMessage = { type: 'ready' } | { type: 'openLocation'; url: string; line: number; column: number };

type Location = NonNullable<HeapObjectInfo['location']>;
const location = shape<Location>({ scriptId: isNumber, line: isNumber, column: isNumber, url: optional(isString) });
const heapObject = shape<HeapObjectInfo>({
  id: isNumber,
  name: isString,
  className: isString,
  selfSize: isNumber,
  retainedSize: isNumber,
  retainerPath: isString,
  location: optional(location),
});
const objects = optional(arrayOf(heapObject));
const snapshotInfo = shape<SnapshotInfo>({
  file: isString,
  fileBytes: isNumber,
  nodeCount: isNumber,
  edgeCount: isNumber,
  totalSize: isNumber,
});

const summary = shape<HeapSummary>({
  snapshot: snapshotInfo,
  rows: arrayOf(
    shape<SummaryRow>({
      name: isString,
      count: isNumber,
      selfSize: isNumber,
      retainedSize: isNumber,
      location: optional(location),
      objects,
    }),
  ),
});

const diff = shape<HeapDiff>({
  snapshots: arrayOf(snapshotInfo),
  rows: arrayOf(
    shape<DiffRow>({
      name: isString,
      newCount: isNumber,
      deletedCount: isNumber,
      countDelta: isNumber,
      allocSize: isNumber,
      freedSize: isNumber,
      sizeDelta: isNumber,
      retainedSize: isNumber,
      objects,
    }),
  ),
  leaks: arrayOf(
    shape<LeakGroup>({
      name: isString,
      count: isNumber,
      selfSize: isNumber,
      retainedSize: isNumber,
      retainerPaths: arrayOf(shape<{ path: string; count: number }>({ path: isString, count: isNumber })),
      objects,
    }),
  ),
  growingCollections: arrayOf(
    shape<GrowingCollection>({
      id: isNumber,
      kind: isString,
      className: isString,
      counts: arrayOf(isNumber),
      growth: isNumber,
      retainedSize: isNumber,
      retainerPath: isString,
    }),
  ),
});

/** What the webview accepts from the host. */
export const parseHeapHostMessage = tagged<HeapHostMessage>({
  summary: shape({ type: literal('summary'), summary }),
  diff: shape({ type: literal('diff'), diff }),
});

/** What the host accepts from the webview; where a location may be opened is the host's decision. */
export const parseHeapViewMessage = tagged<HeapViewMessage>({
  ready: shape({ type: literal('ready') }),
  openLocation: shape({ type: literal('openLocation'), url: shortString(4096), line: count(), column: count() }),
});

/** Every script URL a report names: the only locations its view may ask to open. */
export function reportScriptUrls(message: HeapHostMessage): Set<string> {
  const urls = new Set<string>();
  const add = (l: { location?: { url?: string } } | undefined) => l?.location?.url && urls.add(l.location.url);
  const rows: Array<{ location?: Location; objects?: HeapObjectInfo[] }> =
    message.type === 'summary' ? message.summary.rows : [...message.diff.rows, ...message.diff.leaks];
  for (const row of rows) {
    add(row);
    row.objects?.forEach(add);
  }
  return urls;
}
