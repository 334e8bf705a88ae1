/** A point of a memory series: time in ms, value in bytes. */
export interface TrendPoint {
  time: number;
  bytes: number;
}

export interface Trend {
  /** Least-squares slope over the window. */
  bytesPerHour: number;
  /** When the fitted line reaches the budget; undefined when not growing or already over. */
  msToBudget?: number;
  samples: number;
  spanMs: number;
}

export interface TrendOptions {
  windowMs: number;
  /** Fewer points, or a shorter span, give no trend: GC sawtooth dominates short series. */
  minSamples: number;
  minSpanMs: number;
}

export const DEFAULT_TREND_OPTIONS: TrendOptions = { windowMs: 15 * 60_000, minSamples: 5, minSpanMs: 4_000 };

const HOUR_MS = 3_600_000;

/**
 * Running sums for a least-squares line through (hours, bytes) points, times taken relative to
 * the first point ever seen so the sums keep their precision. O(1) memory: a whole session's
 * growth can be fitted without keeping its points.
 */
export class LeastSquares {
  private origin: number | undefined;
  private n = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;

  get count(): number {
    return this.n;
  }

  add(point: TrendPoint, sign: 1 | -1 = 1): void {
    this.origin ??= point.time;
    const x = this.hours(point.time);
    this.n += sign;
    this.sx += sign * x;
    this.sy += sign * point.bytes;
    this.sxx += sign * x * x;
    this.sxy += sign * x * point.bytes;
  }

  clear(): void {
    this.origin = undefined;
    this.n = this.sx = this.sy = this.sxx = this.sxy = 0;
  }

  /** Slope in bytes per hour and the fitted value at `time`; undefined without a spread of times. */
  fit(time: number): { bytesPerHour: number; fittedBytes: number } | undefined {
    const denominator = this.n * this.sxx - this.sx * this.sx;
    if (denominator <= 0) return undefined;
    const slopePerHour = (this.n * this.sxy - this.sx * this.sy) / denominator; // x is in hours
    const intercept = (this.sy - slopePerHour * this.sx) / this.n;
    return { bytesPerHour: slopePerHour, fittedBytes: intercept + slopePerHour * this.hours(time) };
  }

  private hours(time: number): number {
    return (time - (this.origin ?? time)) / HOUR_MS;
  }
}

/**
 * Growth by least squares over a sliding time window, kept incrementally: running sums make
 * each sample O(1) on top of evicting what fell out of the window.
 */
export class TrendWindow {
  private readonly points: TrendPoint[] = [];
  private head = 0;
  private readonly sums = new LeastSquares();

  constructor(private readonly options: TrendOptions = DEFAULT_TREND_OPTIONS) {}

  add(point: TrendPoint): void {
    this.points.push(point);
    this.sums.add(point);
    const oldest = point.time - this.options.windowMs;
    while (this.head < this.points.length && this.points[this.head].time < oldest) {
      this.sums.add(this.points[this.head++], -1);
    }
    if (this.head > 1024 && this.head * 2 > this.points.length) {
      this.points.splice(0, this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.points.length = 0;
    this.head = 0;
    this.sums.clear();
  }

  current(budgetBytes?: number): Trend | undefined {
    if (this.sums.count < this.options.minSamples) return undefined;
    const first = this.points[this.head];
    const last = this.points[this.points.length - 1];
    const spanMs = last.time - first.time;
    if (spanMs < this.options.minSpanMs) return undefined;
    const fit = this.sums.fit(last.time);
    if (!fit) return undefined;
    return { bytesPerHour: fit.bytesPerHour, msToBudget: msToBudget(fit, budgetBytes), samples: this.sums.count, spanMs };
  }
}

/** When a fitted line reaches the budget; undefined when not growing or already over. */
export function msToBudget(fit: { bytesPerHour: number; fittedBytes: number }, budgetBytes: number | undefined): number | undefined {
  if (budgetBytes === undefined || fit.bytesPerHour <= 0 || fit.fittedBytes >= budgetBytes) return undefined;
  return ((budgetBytes - fit.fittedBytes) / fit.bytesPerHour) * HOUR_MS;
}
