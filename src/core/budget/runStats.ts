import type { RunSummary } from './budgetEvents';
import { severity, type BudgetLevel } from './thresholds';
import { DEFAULT_TREND_OPTIONS, LeastSquares } from './trend';

/**
 * What one process's run looked like against its budget: peak, growth over the whole run, time
 * spent at or above warn. O(1) memory, so an agent can keep it for weeks; the shutdown summary
 * and `memory-budget report` both come from here.
 */
export class RunStats {
  private readonly sums = new LeastSquares();
  private firstTime: number | undefined;
  private lastTime: number | undefined;
  private lastLevel: BudgetLevel | undefined;
  private peakRssBytes = 0;
  private peakTime = 0;
  private overWarnMs = 0;

  add(time: number, rssBytes: number, level: BudgetLevel): void {
    if (this.lastTime !== undefined && time < this.lastTime) return;
    this.firstTime ??= time;
    // An interval counts as over warn when it started there: the level holds until the next sample.
    if (this.lastTime !== undefined && this.lastLevel !== undefined && severity(this.lastLevel) >= severity('warn')) {
      this.overWarnMs += time - this.lastTime;
    }
    this.lastTime = time;
    this.lastLevel = level;
    if (rssBytes > this.peakRssBytes) {
      this.peakRssBytes = rssBytes;
      this.peakTime = time;
    }
    this.sums.add({ time, bytes: rssBytes });
  }

  get samples(): number {
    return this.sums.count;
  }

  get startTime(): number | undefined {
    return this.firstTime;
  }

  get endTime(): number | undefined {
    return this.lastTime;
  }

  summary(budgetBytes: number, restarts: number, now = this.lastTime ?? Date.now()): RunSummary {
    const spanMs = (this.lastTime ?? 0) - (this.firstTime ?? 0);
    const enough = this.sums.count >= DEFAULT_TREND_OPTIONS.minSamples && spanMs >= DEFAULT_TREND_OPTIONS.minSpanMs;
    const fit = enough ? this.sums.fit(this.lastTime ?? now) : undefined;
    return {
      uptimeMs: Math.max(0, now - (this.firstTime ?? now)),
      peakRssBytes: this.peakRssBytes,
      peakTime: this.peakTime,
      budgetBytes,
      growthBytesPerHour: fit === undefined ? undefined : Math.round(fit.bytesPerHour),
      overWarnMs: this.overWarnMs,
      restarts,
    };
  }
}
