import type { MemorySample, TargetFacts } from './memorySample';

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
}
