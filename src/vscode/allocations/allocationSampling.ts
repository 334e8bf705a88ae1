import * as vscode from 'vscode';
import {
  AllocationSampler,
  allocationSamplingUnavailable,
  DEFAULT_FIRST_READ_MS,
  DEFAULT_READ_EVERY_MS,
  samplingSessionOf,
} from '../../core/allocations/allocationSampler';
import type { LiveAllocations } from '../../core/allocations/liveView';
import type { AllocationReading } from '../../core/allocations/model';
import { locateRows, SourceLocator } from '../../core/allocations/sourceLocator';
import { InspectorSource } from '../../core/inspector/inspectorSource';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { Commands, ContextKeys, executeCommand, ForeignCommands } from '../commands';
import type { AllocationSettings } from '../settings';

/**
 * "Start/Stop Allocation Sampling": V8's sampling heap profiler on one attached target at a time,
 * read every few seconds and placed in the workspace. The lenses, the gutter and the tree follow
 * `onDidChange`; a target that goes away leaves its last reading, marked as such, until Stop.
 */
export class AllocationSampling implements vscode.Disposable {
  private sampler: AllocationSampler | undefined;
  private live: LiveAllocations | undefined;
  private locator: SourceLocator;
  private readonly changed = new vscode.EventEmitter<LiveAllocations | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly watches: WatchSet,
    private settings: AllocationSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.locator = this.makeLocator();
  }

  get current(): LiveAllocations | undefined {
    return this.live;
  }

  /** The target being sampled now (not one whose sampling ended with its connection). */
  get runningTargetId(): string | undefined {
    return this.sampler?.running ? this.live?.targetId : undefined;
  }

  /** A new interval applies from the next Start; a new remote root re-places the rows now. */
  applySettings(settings: AllocationSettings): void {
    const remapped = settings.remoteRoot !== this.settings.remoteRoot;
    this.settings = settings;
    if (remapped) this.relocate();
  }

  /** Places the rows again: the remote root or the workspace folders changed. */
  relocate(): void {
    this.locator = this.makeLocator();
    const reading = this.sampler?.latest;
    if (reading && this.live) this.show(this.live, reading);
  }

  async start(targetId?: string): Promise<boolean> {
    const entry = await this.pickTarget(targetId);
    if (!entry) return false;
    const source = entry.watch.target.source;
    const session = source instanceof InspectorSource ? samplingSessionOf(source) : undefined;
    if (!session) {
      const why = allocationSamplingUnavailable(entry.watch.target.facts) ?? 'this target has no inspector connection right now';
      void vscode.window.showWarningMessage(`Memory Budget: ${why}.`);
      return false;
    }
    if (this.runningTargetId === entry.id) return true;
    await this.stop();
    const sampler = new AllocationSampler(session, {
      intervalBytes: this.settings.intervalBytes,
      readEveryMs: DEFAULT_READ_EVERY_MS,
      firstReadMs: DEFAULT_FIRST_READ_MS,
    });
    try {
      await sampler.start();
    } catch (err) {
      void vscode.window.showErrorMessage(`Memory Budget: ${(err as Error).message}`);
      return false;
    }
    this.sampler = sampler;
    const live: LiveAllocations = {
      targetId: entry.id,
      targetName: entry.watch.name,
      intervalBytes: this.settings.intervalBytes,
      rows: [],
      totalLiveBytes: 0,
    };
    sampler.on('reading', (reading) => this.sampler === sampler && this.show(this.live ?? live, reading));
    sampler.on('readError', (err) => this.log.warn(`${entry.label}: reading the allocation profile failed: ${err.message}`));
    sampler.on('detached', () => {
      if (this.sampler !== sampler || !this.live) return;
      this.live = { ...this.live, detachedAt: Date.now() };
      this.changed.fire(this.live);
      void this.setContext(false);
    });
    this.live = live;
    this.changed.fire(live);
    await this.setContext(true);
    this.log.info(`${entry.label}: allocation sampling every ${this.settings.intervalBytes} bytes`);
    return true;
  }

  /** Stops V8's sampler (when the target is still there) and takes the lenses away. */
  async stop(): Promise<void> {
    const sampler = this.sampler;
    this.sampler = undefined;
    this.live = undefined;
    this.changed.fire(undefined);
    await this.setContext(false);
    await sampler?.stop();
  }

  private show(base: LiveAllocations, reading: AllocationReading): void {
    this.live = { ...base, time: reading.time, rows: locateRows(reading.rows, this.locator), totalLiveBytes: reading.totalLiveBytes };
    this.changed.fire(this.live);
  }

  private makeLocator(): SourceLocator {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const localRoot = folder?.scheme === 'file' ? folder.fsPath : undefined;
    return new SourceLocator({ remoteRoot: this.settings.remoteRoot || undefined, localRoot });
  }

  private async pickTarget(targetId: string | undefined): Promise<WatchEntry | undefined> {
    const candidates = this.watches.all.filter((e) => e.watch.target.source instanceof InspectorSource);
    const named = targetId !== undefined ? this.watches.get(targetId) : undefined;
    if (named) return named;
    if (candidates.length === 1) return candidates[0];
    if (candidates.length === 0) {
      const choice = await vscode.window.showWarningMessage(
        'Memory Budget: attach to a Node.js process before sampling its allocations.',
        'Attach…',
      );
      if (choice) await executeCommand(Commands.Attach);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((e) => ({ label: e.watch.name, description: e.label, entry: e })),
      { title: 'Sample the allocations of which target?' },
    );
    return picked?.entry;
  }

  private setContext(sampling: boolean): Thenable<void> {
    return executeCommand(ForeignCommands.SetContext, ContextKeys.AllocationSampling, sampling);
  }

  dispose(): void {
    void this.sampler?.stop();
    this.sampler = undefined;
    this.changed.dispose();
  }
}
