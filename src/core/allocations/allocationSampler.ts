import { EventEmitter } from 'node:events';
import { CdpSession } from '../inspector/cdpSession';
import type { InspectorSource } from '../inspector/inspectorSource';
import type { TargetFacts } from '../inspector/memorySample';
import { withTimeout } from '../inspector/withTimeout';
import { AllocationHistory, type AllocationReading } from './model';

/** V8's own default: one sample per 32 KiB allocated on average. */
export const DEFAULT_SAMPLING_INTERVAL_BYTES = 32 * 1024;
/**
 * Every read costs the target a full garbage collection: V8's inspector starts the sampler with
 * kSamplingForceGC, so each getSamplingProfile collects first (about 10 ms for a 60 MB heap, and a
 * pause of the event loop). The first read comes soon, so the lenses appear; later ones are spaced
 * out so that reading stays a small share of what sampling costs a service.
 */
export const DEFAULT_FIRST_READ_MS = 3000;
export const DEFAULT_READ_EVERY_MS = 10_000;

export interface AllocationSamplerOptions {
  /** Mean bytes allocated between two samples (a Poisson process in V8). */
  readonly intervalBytes: number;
  /** How often the profile is read and the rows updated. */
  readonly readEveryMs: number;
  /** When the first read comes (default: readEveryMs). */
  readonly firstReadMs?: number;
}

export interface AllocationSamplerEvents {
  reading: [AllocationReading];
  /** A reading failed while the connection stayed up (the target paused at a breakpoint, say). */
  readError: [Error];
  /** The inspector connection went away: V8 stops sampling with it. */
  detached: [];
}

const REQUEST_TIMEOUT_MS = 10_000;

/** Why a target cannot be sampled, in a sentence; undefined when it can (asked of its inspector when attaching). */
export function allocationSamplingUnavailable(facts: TargetFacts | undefined): string | undefined {
  if (!facts?.hasInspector) return 'allocation sampling needs an inspector; this target is watched RSS-only';
  if (!facts.capabilities?.allocationSampling)
    return `${facts.runtime} offers no sampling heap profiler over its inspector (Node.js and Deno do)`;
  return undefined;
}

/** The CDP session to sample through, when the target's inspector has V8's sampling heap profiler. */
export function samplingSessionOf(source: InspectorSource): CdpSession | undefined {
  return source.session instanceof CdpSession && !allocationSamplingUnavailable(source.facts) ? source.session : undefined;
}

/**
 * `HeapProfiler.startSampling` on one inspector session, read every few seconds into live bytes
 * per source location. V8 keeps one sampler per process and ends it when the session that
 * started it closes, so closing the session is also the way a target is never left sampling.
 */
export class AllocationSampler extends EventEmitter<AllocationSamplerEvents> {
  private readonly history = new AllocationHistory();
  private timer: NodeJS.Timeout | undefined;
  private state: 'idle' | 'running' | 'stopped' | 'detached' = 'idle';
  private latestReading: AllocationReading | undefined;
  private readonly offClose: () => void;

  constructor(
    private readonly session: CdpSession,
    readonly options: AllocationSamplerOptions = { intervalBytes: DEFAULT_SAMPLING_INTERVAL_BYTES, readEveryMs: DEFAULT_READ_EVERY_MS },
  ) {
    super();
    this.offClose = session.onClose(() => this.onDetached());
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get detached(): boolean {
    return this.state === 'detached';
  }

  get latest(): AllocationReading | undefined {
    return this.latestReading;
  }

  /** Starts V8's sampler; throws with a sentence for the user when the target refuses. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('this sampler has already been started');
    if (this.session.isClosed) throw new Error('the inspector connection is closed');
    try {
      await withTimeout(this.session.send('HeapProfiler.enable'), REQUEST_TIMEOUT_MS, 'the target did not answer');
      await withTimeout(
        this.session.send('HeapProfiler.startSampling', { samplingInterval: this.options.intervalBytes }),
        REQUEST_TIMEOUT_MS,
        'the target did not answer',
      );
    } catch (err) {
      throw new Error(`the target refused allocation sampling: ${(err as Error).message}`, { cause: err });
    }
    this.state = 'running';
    this.schedule(this.options.firstReadMs ?? this.options.readEveryMs);
  }

  /** Reads the profile now (the timer does this every `readEveryMs`). */
  async read(): Promise<AllocationReading> {
    const { profile } = await withTimeout(
      this.session.send('HeapProfiler.getSamplingProfile'),
      REQUEST_TIMEOUT_MS,
      'the target did not answer (paused at a breakpoint, or busy)',
    );
    const reading = this.history.add(Date.now(), profile);
    this.latestReading = reading;
    this.emit('reading', reading);
    return reading;
  }

  /** Stops V8's sampler; resolves with the last reading, taken from the profile it returns. */
  async stop(): Promise<AllocationReading | undefined> {
    clearTimeout(this.timer);
    if (this.state !== 'running') return this.latestReading;
    this.state = 'stopped';
    this.offClose();
    try {
      const { profile } = await withTimeout(
        this.session.send('HeapProfiler.stopSampling'),
        REQUEST_TIMEOUT_MS,
        'the target did not answer',
      );
      this.latestReading = this.history.add(Date.now(), profile);
    } catch {
      // The target went away or is paused: what was read before stands.
    }
    return this.latestReading;
  }

  private schedule(delayMs = this.options.readEveryMs): void {
    this.timer = setTimeout(() => {
      if (this.state !== 'running') return;
      this.read().then(
        () => this.state === 'running' && this.schedule(),
        (err: Error) => {
          if (this.state !== 'running') return;
          this.emit('readError', err);
          this.schedule();
        },
      );
    }, delayMs);
  }

  private onDetached(): void {
    if (this.state !== 'running') return;
    clearTimeout(this.timer);
    this.state = 'detached';
    this.emit('detached');
  }
}
