/** One reading of a target's memory. Heap fields are absent for RSS-only targets. */
export interface MemorySample {
  /** Milliseconds since the epoch. */
  time: number;
  pid?: number;
  /** The process's RSS, plus its descendants' when `includeChildren` is on. */
  rssBytes: number;
  /** The descendants' share of `rssBytes` (0 when none or not counted). */
  childrenRssBytes?: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  externalBytes?: number;
  arrayBuffersBytes?: number;
}

/** What a target says about itself once per attach. */
export interface TargetFacts {
  /** A short human name: the script's file name, or the inspector's title. */
  name: string;
  pid?: number;
  /** `node v20.20.2`, `bun 1.2.0`, or the executable's name for RSS-only targets. */
  runtime: string;
  /** V8's `heap_size_limit`: heap used reaching it is a V8 out-of-memory (exit 134). */
  heapLimitBytes?: number;
  /** `process.constrainedMemory()` (the container's limit), where the runtime reports one. */
  constrainedMemoryBytes?: number;
  /** The budget the target declares itself: an agent's, read from its /metrics. */
  budgetBytes?: number;
  /** The process runs on this machine, so /proc (or ps) can be read for it. */
  local: boolean;
  /** `process.argv` (or the command line), used to recognise the same service after a restart. */
  argv?: string[];
  hasInspector: boolean;
}
