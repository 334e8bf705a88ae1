/** The series a chart draws, one value per sample (NaN where a target has no heap figures). */
export const SERIES_KEYS = ['rss', 'heapUsed', 'heapTotal', 'external'] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

export interface SeriesPoint {
  /** Milliseconds since the epoch. */
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** Column-wise arrays, as uPlot wants them (time in seconds). */
export interface SeriesColumns {
  t: number[];
  rss: number[];
  heapUsed: number[];
  heapTotal: number[];
  external: number[];
}

/**
 * A fixed-capacity ring of samples in typed arrays: a day at 1 Hz is 86,400 points, 3.5 MB,
 * with no allocation per sample. Shared by the extension (history) and the chart webview.
 */
export class SeriesRing {
  private readonly time: Float64Array;
  private readonly values: Record<SeriesKey, Float64Array>;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.time = new Float64Array(capacity);
    this.values = {
      rss: new Float64Array(capacity),
      heapUsed: new Float64Array(capacity),
      heapTotal: new Float64Array(capacity),
      external: new Float64Array(capacity),
    };
  }

  get size(): number {
    return this.count;
  }

  push(p: SeriesPoint): void {
    const i = (this.start + this.count) % this.capacity;
    this.time[i] = p.t;
    for (const k of SERIES_KEYS) this.values[k][i] = p[k];
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  timeAt(n: number): number {
    return this.time[(this.start + n) % this.capacity];
  }

  valueAt(key: SeriesKey, n: number): number {
    return this.values[key][(this.start + n) % this.capacity];
  }

  /** Index of the first point at or after `t` (binary search; times only grow). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The points from `fromTime` on, at most about `maxPoints` of them: above that, each bucket
   * keeps its first point plus the minimum and maximum RSS, so spikes survive decimation.
   */
  columns(fromTime: number, maxPoints: number): SeriesColumns {
    const from = this.lowerBound(fromTime);
    const n = this.count - from;
    const out: SeriesColumns = { t: [], rss: [], heapUsed: [], heapTotal: [], external: [] };
    const emit = (i: number) => {
      out.t.push(this.timeAt(i) / 1000);
      for (const k of SERIES_KEYS) out[k].push(this.valueAt(k, i));
    };
    if (n <= maxPoints) {
      for (let i = from; i < this.count; i++) emit(i);
      return out;
    }
    const buckets = Math.max(1, Math.floor(maxPoints / 3));
    const per = n / buckets;
    for (let b = 0; b < buckets; b++) {
      const lo = from + Math.floor(b * per);
      const hi = Math.min(this.count, from + Math.floor((b + 1) * per));
      if (lo >= hi) continue;
      let min = lo;
      let max = lo;
      for (let i = lo + 1; i < hi; i++) {
        const v = this.valueAt('rss', i);
        if (v < this.valueAt('rss', min)) min = i;
        if (v > this.valueAt('rss', max)) max = i;
      }
      for (const i of [...new Set([lo, min, max])].sort((a, c) => a - c)) emit(i);
    }
    return out;
  }

  /** Every point, oldest first (to hand a new chart the history). */
  all(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    for (let i = 0; i < this.count; i++) {
      out.push({
        t: this.timeAt(i),
        rss: this.valueAt('rss', i),
        heapUsed: this.valueAt('heapUsed', i),
        heapTotal: this.valueAt('heapTotal', i),
        external: this.valueAt('external', i),
      });
    }
    return out;
  }
}
