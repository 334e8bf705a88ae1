import type { BudgetEvent, MarkCounters } from '../core/budget/budgetEvents';
import { BudgetTracker, type BudgetStatus } from '../core/budget/budgetTracker';
import type { MemoryLog } from '../core/budget/memoryLog';
import { resolveBudget, type BudgetSettings } from '../core/budget/presets';
import { RunStats } from '../core/budget/runStats';
import { sampleRecord } from '../core/budget/sampleRecord';
import type { MemorySample, TargetFacts } from '../core/inspector/memorySample';

/** An agent's JSONL sample record: `watch --json`'s fields, plus where it comes from. */
export function agentSampleRecord(target: string, status: BudgetStatus, facts: TargetFacts): object {
  return { ...sampleRecord(target, status, facts), source: 'agent' };
}

/**
 * What an agent does with each reading, without reading anything itself: samples → tracker →
 * memory log, marks, the restart line and the shutdown summary. The Python agent has the same
 * class (`Recorder`), and a test drives both with one series and compares the files byte for byte.
 */
export class AgentRecorder {
  private readonly tracker: BudgetTracker;
  private readonly stats = new RunStats();
  private latest: BudgetStatus | undefined;
  private restartCount = 0;
  private finished = false;

  constructor(
    private readonly service: string,
    private readonly log: MemoryLog | undefined,
    private readonly settings: BudgetSettings,
    containerLimitBytes: number | undefined,
    private readonly onWriteError: (err: Error) => void = () => undefined,
  ) {
    this.tracker = new BudgetTracker(resolveBudget(settings, containerLimitBytes));
  }

  get status(): BudgetStatus | undefined {
    return this.latest;
  }

  get restarts(): number {
    return this.restartCount;
  }

  get done(): boolean {
    return this.finished;
  }

  /** The run before this one in the same log, when there was one. */
  restarted(time: number, previousPid: number, pid: number, previousRestarts: number, cleanExit: boolean): void {
    this.restartCount = previousRestarts + 1;
    this.record({ type: 'restart', time, previousPid, pid, restarts: this.restartCount, cleanExit });
  }

  containerLimitChanged(bytes: number | undefined): void {
    for (const event of this.tracker.setBudget(resolveBudget(this.settings, bytes))) this.record(event);
  }

  /** `logged: false` for the last reading at shutdown: it counts, but the summary says the rest. */
  observe(sample: MemorySample, logged = true): void {
    const { status, events } = this.tracker.add(sample);
    this.latest = status;
    this.stats.add(sample.time, sample.rssBytes, status.level);
    if (logged) this.write(() => this.log?.sample(this.service, status));
    for (const event of events) this.record(event);
  }

  mark(time: number, name: string, rssBytes: number, counters: MarkCounters | undefined): void {
    if (this.finished) return;
    this.record(counters ? { type: 'mark', time, name, rssBytes, counters } : { type: 'mark', time, name, rssBytes });
  }

  note(time: number, text: string): void {
    this.record({ type: 'note', time, text });
  }

  shutdown(time: number, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.record({ type: 'shutdown', time, reason, ...this.stats.summary(this.tracker.currentBudget.bytes, this.restartCount, time) });
    this.write(() => this.log?.close());
  }

  private record(event: BudgetEvent): void {
    this.write(() => this.log?.event(this.service, event));
  }

  private write(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.onWriteError(err as Error);
    }
  }
}
