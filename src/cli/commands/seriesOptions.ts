import path from 'node:path';
import { HeapAnalysisClient } from '../../core/heap/heapAnalysisClient';
import { DEFAULT_KEEP_SERIES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_THRESHOLDS, parseThresholds } from '../../core/series/model';
import { SnapshotSeries } from '../../core/series/snapshotSeries';
import type { MemoryWatch } from '../../core/watch/memoryWatch';
import { UsageError } from '../command';
import { numberOption } from '../options';

/** `watch`'s options for a budget-driven snapshot series. */
export const seriesOptions = {
  'auto-snapshots': { type: 'string' },
  at: { type: 'string' },
  'keep-series': { type: 'string' },
  'max-series-mb': { type: 'string' },
} as const;

type SeriesValues = { 'auto-snapshots'?: string; at?: string; 'keep-series'?: string; 'max-series-mb'?: string };

/** The series `--auto-snapshots DIR` asks for, comparing in the bundled heap worker; undefined without it. */
export function snapshotSeriesFor(watch: MemoryWatch, label: string, values: SeriesValues, bundleDir: string): SnapshotSeries | undefined {
  const root = values['auto-snapshots'];
  if (root === undefined) {
    if (values.at || values['keep-series'] || values['max-series-mb'])
      throw new UsageError('--at, --keep-series and --max-series-mb go with --auto-snapshots DIR');
    return undefined;
  }
  let thresholds: number[];
  try {
    thresholds = values.at === undefined ? [...DEFAULT_THRESHOLDS] : parseThresholds(values.at.split(','));
  } catch (err) {
    throw new UsageError(`--at: ${(err as Error).message}`);
  }
  const keepSeries = numberOption(values['keep-series'], 'keep-series', 1) ?? DEFAULT_KEEP_SERIES;
  const maxMb = numberOption(values['max-series-mb'], 'max-series-mb', 1);
  const client = new HeapAnalysisClient(path.join(bundleDir, 'workers', 'heapWorker.js'));
  return new SnapshotSeries(
    watch,
    label,
    {
      thresholds,
      root: path.resolve(root),
      keepSeries: Math.floor(keepSeries),
      maxTotalBytes: maxMb !== undefined ? maxMb * 1024 * 1024 : DEFAULT_MAX_TOTAL_BYTES,
    },
    (files) => client.compare({ files, options: { top: 50, detailRows: 30, objectsPerClass: 1 } }).result,
  );
}
