import { EventEmitter } from 'node:events';
import type { BudgetEvent } from '../budget/budgetEvents';
import { MemoryLog } from '../budget/memoryLog';
import { resolveBudget, type BudgetSettings, type ResolvedBudget } from '../budget/presets';
import { classify, type BudgetLevel } from '../budget/thresholds';
import { MonitoredTarget } from '../inspector/monitoredTarget';
import { formatTargetSpec, type TargetSpec } from '../inspector/targetSpec';
import { MemoryWatch, type WatchUpdate } from './memoryWatch';
import { SeriesRing } from './seriesRing';

export interface WatchOptions {
  budget: BudgetSettings;
  intervalMs: number;
  includeChildren: boolean;
  /** Where memory_debug.log goes; no log when undefined. */
  logDirectory?: string;
  /** Points kept per target: a day at 1 Hz by default. */
  historyCapacity?: number;
}

/** One attached target with its history. */
export interface WatchEntry {
  readonly id: string;
  readonly spec: TargetSpec;
  readonly label: string;
  readonly watch: MemoryWatch;
  readonly series: SeriesRing;
  readonly events: BudgetEvent[];
}

export interface CombinedStatus {
  rssBytes: number;
  budget: ResolvedBudget;
  level: BudgetLevel;
  percent: number;
  targets: number;
}

export interface WatchSetEvents {
  added: [WatchEntry];
  removed: [WatchEntry];
  update: [WatchEntry, WatchUpdate];
  event: [WatchEntry, BudgetEvent];
  sampleError: [WatchEntry, Error];
}

const MAX_EVENTS = 1000;

/**
 * Every attached target: attach, detach, live settings, and the combined total a container's
 * budget counts. No VS Code here: the extension shows it, tests drive it directly.
 */
export class WatchSet extends EventEmitter<WatchSetEvents> {
  private readonly entries = new Map<string, WatchEntry>();
  private nextId = 1;

  constructor(private options: WatchOptions) {
    super();
  }

  get all(): WatchEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): WatchEntry | undefined {
    return this.entries.get(id);
  }

  findBySpec(spec: TargetSpec): WatchEntry | undefined {
    const label = formatTargetSpec(spec);
    return this.all.find((e) => e.label === label);
  }

  async attach(spec: TargetSpec): Promise<WatchEntry> {
    const existing = this.findBySpec(spec);
    if (existing) return existing;
    const target = new MonitoredTarget(spec, { intervalMs: this.options.intervalMs, includeChildren: this.options.includeChildren });
    const facts = await target.start();
    const log = this.options.logDirectory
      ? new MemoryLog(
          this.options.logDirectory,
          `${facts.name} (${formatTargetSpec(spec)}, ${facts.runtime}) — budget ${resolveBudget(this.options.budget, facts.constrainedMemoryBytes, facts.budgetBytes).label}`,
        )
      : undefined;
    const watch = new MemoryWatch(target, this.options.budget, log);
    const entry: WatchEntry = {
      id: String(this.nextId++),
      spec,
      label: formatTargetSpec(spec),
      watch,
      series: new SeriesRing(this.options.historyCapacity ?? 86_400),
      events: [],
    };
    watch.on('update', (update) => {
      const s = update.status.sample;
      entry.series.push({
        t: s.time,
        rss: s.rssBytes,
        heapUsed: s.heapUsedBytes ?? NaN,
        heapTotal: s.heapTotalBytes ?? NaN,
        external: s.externalBytes ?? NaN,
      });
      this.emit('update', entry, update);
    });
    watch.on('event', (event) => {
      entry.events.push(event);
      if (entry.events.length > MAX_EVENTS) entry.events.splice(0, entry.events.length - MAX_EVENTS);
      this.emit('event', entry, event);
    });
    watch.on('sampleError', (err) => this.emit('sampleError', entry, err));
    this.entries.set(entry.id, entry);
    this.emit('added', entry);
    return entry;
  }

  async detach(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    await entry.watch.stop();
    this.emit('removed', entry);
  }

  async detachAll(): Promise<void> {
    await Promise.all(this.all.map((e) => this.detach(e.id)));
  }

  applyOptions(options: WatchOptions): void {
    this.options = options;
    for (const e of this.entries.values()) {
      e.watch.setBudgetSettings(options.budget);
      e.watch.target.updateOptions({ intervalMs: options.intervalMs, includeChildren: options.includeChildren });
    }
  }

  /** All targets' latest RSS against one budget (a container counts every process in it). */
  combined(): CombinedStatus | undefined {
    const statuses = this.all.map((e) => e.watch.status).filter((s) => s !== undefined);
    if (statuses.length === 0) return undefined;
    const budget = statuses[0].budget;
    const rssBytes = statuses.reduce((sum, s) => sum + s.sample.rssBytes, 0);
    return { rssBytes, budget, level: classify(rssBytes, budget), percent: (rssBytes / budget.bytes) * 100, targets: statuses.length };
  }

  /** Latest budget: the first target's (they share settings; `auto` may differ per container). */
  budget(): ResolvedBudget {
    return this.all[0]?.watch.status?.budget ?? resolveBudget(this.options.budget);
  }
}
