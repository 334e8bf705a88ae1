import { EventEmitter } from 'node:events';
import type { BudgetEvent } from '../budget/budgetEvents';
import { BudgetTracker, DEFAULT_TRACKER_OPTIONS, type BudgetStatus, type TrackerOptions } from '../budget/budgetTracker';
import type { MemoryLog } from '../budget/memoryLog';
import { resolveBudget, type BudgetSettings } from '../budget/presets';
import { InspectorSource } from '../inspector/inspectorSource';
import type { MemorySample, TargetFacts } from '../inspector/memorySample';
import type { MonitoredTarget, MonitoredTargetEvents } from '../inspector/monitoredTarget';

export interface WatchUpdate {
  status: BudgetStatus;
  facts: TargetFacts;
  events: BudgetEvent[];
}

export interface MemoryWatchEvents {
  update: [WatchUpdate];
  /** Every event, including those not tied to a sample (restart, disconnect, snapshot). */
  event: [BudgetEvent];
  sampleError: [Error];
}

export interface ForcedGcResult {
  before: MemorySample;
  after: MemorySample;
  freedHeapBytes: number;
}

/**
 * One watched target end to end: samples → budget level, trend and events → memory log.
 * The CLI's `watch` and each attached target in the extension are one of these.
 */
export class MemoryWatch extends EventEmitter<MemoryWatchEvents> {
  private readonly tracker: BudgetTracker;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    readonly target: MonitoredTarget,
    private settings: BudgetSettings,
    private readonly log?: MemoryLog,
    trackerOptions: TrackerOptions = DEFAULT_TRACKER_OPTIONS,
  ) {
    super();
    this.tracker = new BudgetTracker(
      resolveBudget(settings, target.facts?.constrainedMemoryBytes, target.facts?.budgetBytes),
      trackerOptions,
    );
    this.listen('sample', (sample, facts) => this.onSample(sample, facts));
    this.listen('sampleError', (err) => this.emit('sampleError', err));
    this.listen('disconnected', (reason) => this.publish({ type: 'disconnect', time: Date.now(), reason }));
    this.listen('reconnected', (facts) => this.publish({ type: 'reconnect', time: Date.now(), pid: facts.pid }));
    this.listen('restarted', (facts, previous) => {
      this.tracker.restart();
      this.refreshBudget(facts);
      this.publish({ type: 'restart', time: Date.now(), previousPid: previous.pid, pid: facts.pid });
    });
  }

  get status(): BudgetStatus | undefined {
    return this.tracker.status;
  }

  get name(): string {
    return this.target.facts?.name ?? this.target.label;
  }

  async start(): Promise<TargetFacts> {
    const facts = await this.target.start();
    this.refreshBudget(facts);
    return facts;
  }

  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.target.stop();
    this.log?.close();
  }

  setBudgetSettings(settings: BudgetSettings): void {
    this.settings = settings;
    this.refreshBudget(this.target.facts);
  }

  /** Records an event from outside the sample stream (a snapshot taken, say). */
  publish(event: BudgetEvent): void {
    this.log?.event(this.name, event);
    this.emit('event', event);
  }

  /** `HeapProfiler.collectGarbage`, with the samples around it; logs what it freed. */
  async forceGc(): Promise<ForcedGcResult> {
    const source = this.target.source;
    if (!(source instanceof InspectorSource)) throw new Error('forcing a GC needs an inspector; this target is watched RSS-only');
    const before = await source.read();
    await source.collectGarbage();
    const after = await source.read();
    const freedHeapBytes = Math.max(0, (before.heapUsedBytes ?? 0) - (after.heapUsedBytes ?? 0));
    this.publish({
      type: 'gc',
      time: after.time,
      freedBytes: freedHeapBytes,
      heapUsedBytes: after.heapUsedBytes ?? 0,
      rssBytes: after.rssBytes,
      forced: true,
    });
    return { before, after, freedHeapBytes };
  }

  private onSample(sample: MemorySample, facts: TargetFacts): void {
    const { status, events } = this.tracker.add(sample);
    this.log?.sample(this.name, status);
    for (const e of events) this.publish(e);
    this.emit('update', { status, facts, events });
  }

  private refreshBudget(facts: TargetFacts | undefined): void {
    for (const e of this.tracker.setBudget(resolveBudget(this.settings, facts?.constrainedMemoryBytes, facts?.budgetBytes)))
      this.publish(e);
  }

  private listen<K extends keyof MonitoredTargetEvents>(event: K, handler: (...args: MonitoredTargetEvents[K]) => void): void {
    const target = this.target as EventEmitter<MonitoredTargetEvents>;
    target.on(event, handler as never);
    this.unsubscribe.push(() => target.off(event, handler as never));
  }
}
