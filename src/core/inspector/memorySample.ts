import type { HeapSnapshotFormat } from './inspectorSession';
import type { RuntimeName } from './runtimes';

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

/** What a target's inspector offers, so views show only what works (asked of the protocol, not assumed). */
export interface TargetCapabilities {
  /** A forced full garbage collection. */
  readonly gc: boolean;
  /** Heap snapshots, and their format; undefined when there are none. */
  readonly heapSnapshot: HeapSnapshotFormat | undefined;
  /** V8's sampling heap profiler (Node, Deno; not Bun). */
  readonly allocationSampling: boolean;
}

/** What a target says about itself once per attach. */
export interface TargetFacts {
  /** A short human name: the script's file name, or the inspector's title. */
  name: string;
  pid?: number;
  /** `node v20.20.2`, `bun 1.2.0`, `deno 2.9.6`, or the executable's name for RSS-only targets. */
  runtime: string;
  /** The JavaScript runtime, when it is one (also for Bun and Deno watched RSS-only). */
  runtimeName?: RuntimeName;
  /** V8's `heap_size_limit`: heap used reaching it is a V8 out-of-memory (exit 134). */
  heapLimitBytes?: number;
  /**
   * `process.constrainedMemory()` (the container's limit), where the runtime reports one. A value at
   * or above the machine's memory is no limit (Bun reports the host's memory without a cgroup limit).
   */
  constrainedMemoryBytes?: number;
  /** The machine's memory as the target sees it. */
  physicalMemoryBytes?: number;
  /** The budget the target declares itself: an agent's, read from its /metrics. */
  budgetBytes?: number;
  /** The process runs on this machine, so /proc (or ps) can be read for it. */
  local: boolean;
  /** `process.argv` (or the command line), used to recognise the same service after a restart. */
  argv?: string[];
  hasInspector: boolean;
  /** Absent for RSS-only targets. */
  capabilities?: TargetCapabilities;
  /** Why a JavaScript runtime is watched RSS-only ("Bun — start it with --inspect to attach"). */
  rssOnlyReason?: string;
}
