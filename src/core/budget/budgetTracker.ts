import type { MemorySample } from '../inspector/memorySample';
import type { BudgetEvent } from './budgetEvents';
import type { ResolvedBudget } from './presets';
import { classifyWithHysteresis, severity, type BudgetLevel } from './thresholds';
import { DEFAULT_TREND_OPTIONS, TrendWindow, type Trend, type TrendOptions } from './trend';

const MB = 1024 * 1024;

export interface TrackerOptions {
  /** RSS growth between two samples that counts as a spike. */
  spikeBytes: number;
  /** A heap drop of at least this much between samples is reported as a GC. */
  gcMinFreedBytes: number;
  /** Sustained growth above this is a suspected leak. */
  leakBytesPerHour: number;
  /** …sustained over at least this span. */
  leakMinSpanMs: number;
  /** How far (percent of the budget) RSS must fall below a line to leave its level. */
  hysteresisPercent: number;
  trend: TrendOptions;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  spikeBytes: 25 * MB,
  gcMinFreedBytes: 5 * MB,
  leakBytesPerHour: 10 * MB,
  leakMinSpanMs: 10 * 60_000,
  hysteresisPercent: 2,
  trend: DEFAULT_TREND_OPTIONS,
};

/** Where a target stands against its budget after the latest sample. */
export interface BudgetStatus {
  sample: MemorySample;
  budget: ResolvedBudget;
  level: BudgetLevel;
  percent: number;
  trend?: Trend;
}

/**
 * Turns a series of samples into a level, a trend and events. Pure: no I/O, no timers, so
 * the CLI, the extension and the tests feed it the same way.
 */
export class BudgetTracker {
  private readonly trend: TrendWindow;
  private previous: MemorySample | undefined;
  private level: BudgetLevel | undefined;
  private leakReported = false;
  private latest: BudgetStatus | undefined;

  constructor(
    private budget: ResolvedBudget,
    private readonly options: TrackerOptions = DEFAULT_TRACKER_OPTIONS,
  ) {
    this.trend = new TrendWindow(options.trend);
  }

  get status(): BudgetStatus | undefined {
    return this.latest;
  }

  get currentBudget(): ResolvedBudget {
    return this.budget;
  }

  /** A new budget (settings changed); the level is re-evaluated at the next sample. */
  setBudget(budget: ResolvedBudget): BudgetEvent[] {
    this.budget = budget;
    if (!this.previous) return [];
    return this.update(this.previous, false).events;
  }

  add(sample: MemorySample): { status: BudgetStatus; events: BudgetEvent[] } {
    return this.update(sample, true);
  }

  /** A new process starts a new series: the old slope says nothing about it. */
  restart(): void {
    this.trend.clear();
    this.previous = undefined;
    this.leakReported = false;
  }

  private update(sample: MemorySample, isNew: boolean): { status: BudgetStatus; events: BudgetEvent[] } {
    const events: BudgetEvent[] = [];
    const prev = isNew ? this.previous : undefined;
    if (isNew) this.trend.add({ time: sample.time, bytes: sample.rssBytes });

    if (prev) {
      const delta = sample.rssBytes - prev.rssBytes;
      if (delta >= this.options.spikeBytes) events.push({ type: 'spike', time: sample.time, deltaBytes: delta, rssBytes: sample.rssBytes });
      if (prev.heapUsedBytes !== undefined && sample.heapUsedBytes !== undefined) {
        const freed = prev.heapUsedBytes - sample.heapUsedBytes;
        if (freed >= this.options.gcMinFreedBytes) {
          events.push({
            type: 'gc',
            time: sample.time,
            freedBytes: freed,
            heapUsedBytes: sample.heapUsedBytes,
            rssBytes: sample.rssBytes,
            forced: false,
          });
        }
      }
    }

    const level = classifyWithHysteresis(
      sample.rssBytes,
      this.budget,
      this.level,
      (this.budget.bytes * this.options.hysteresisPercent) / 100,
    );
    if (this.level !== undefined && level !== this.level) {
      events.push({
        type: 'level',
        time: sample.time,
        from: this.level,
        to: level,
        rssBytes: sample.rssBytes,
        budgetBytes: this.budget.bytes,
      });
    } else if (this.level === undefined && level !== 'ok') {
      events.push({ type: 'level', time: sample.time, from: 'ok', to: level, rssBytes: sample.rssBytes, budgetBytes: this.budget.bytes });
    }
    this.level = level;

    const trend = this.trend.current(this.budget.bytes);
    if (trend) {
      const sustained = trend.spanMs >= this.options.leakMinSpanMs;
      if (!this.leakReported && sustained && trend.bytesPerHour >= this.options.leakBytesPerHour) {
        this.leakReported = true;
        events.push({ type: 'leak', time: sample.time, bytesPerHour: trend.bytesPerHour, msToBudget: trend.msToBudget });
      } else if (this.leakReported && trend.bytesPerHour < this.options.leakBytesPerHour / 2) {
        this.leakReported = false;
      }
    }

    if (isNew) this.previous = sample;
    this.latest = { sample, budget: this.budget, level, percent: (sample.rssBytes / this.budget.bytes) * 100, trend };
    return { status: this.latest, events };
  }
}

export function isEscalation(event: BudgetEvent): boolean {
  return event.type === 'level' && severity(event.to) > severity(event.from);
}
