import type { MemorySample, TargetFacts } from './memorySample';
import type { OfferedHostConsent } from './offeredHost';

/** A connected target that can be read. `onClose` fires once when it goes away. */
export interface MemorySource {
  readonly facts: TargetFacts;
  read(): Promise<MemorySample>;
  onClose(listener: () => void): void;
  close(): Promise<void>;
}

export interface SourceOptions {
  /** Add the RSS of the process's descendants (a PaaS budget counts every process). */
  includeChildren: boolean;
  /**
   * Asked before following a WebSocket URL an inspector offers on another host than the one named
   * (`/json/list` can point anywhere); without it such a URL is refused.
   */
  confirmOfferedHost?: OfferedHostConsent;
}
