/**
 * Heap-cap advice: when a runtime's heap limit lets the heap grow past what the budget leaves
 * once everything outside the heap is counted, which cap fits. "Outside the heap" is measured on
 * the target (RSS, children included, minus the heap's committed size), not assumed.
 */
import type { MemorySample, TargetFacts } from '../inspector/memorySample';
import type { RuntimeName } from '../inspector/runtimes';

const MB = 2 ** 20;

/**
 * What V8 adds to `--max-old-space-size` in `heap_size_limit`: the young generation, three 16 MB
 * semi-spaces on 64-bit builds (measured with Node 20: a 384 MB old space reports a 432 MB limit).
 */
export const YOUNG_GENERATION_BYTES = 48 * MB;
/** Below this an old space is too small to be worth suggesting: the budget itself is the problem. */
const MIN_USEFUL_CAP_BYTES = 64 * MB;

export type HeapCapAdvice =
  /** The heap limit lets the heap reach past the room the budget leaves: cap it. */
  | {
      readonly kind: 'cap';
      readonly runtime: 'node' | 'deno';
      readonly capMb: number;
      /** The command-line form: `--max-old-space-size=384` (Node) or `--v8-flags=--max-old-space-size=384` (Deno). */
      readonly flag: string;
      /** Budget minus the cap: what stays for buffers, code, the young generation and children. */
      readonly leavesMb: number;
      readonly budgetMb: number;
      readonly nonHeapMb: number;
      readonly heapLimitMb: number;
    }
  /** The heap limit already leaves room for what lives outside the heap. */
  | { readonly kind: 'fits'; readonly heapLimitMb: number; readonly budgetMb: number; readonly nonHeapMb: number }
  /** Outside the heap alone takes (nearly) all of the budget: no cap helps. */
  | { readonly kind: 'no-room'; readonly budgetMb: number; readonly nonHeapMb: number }
  /** Bun: `--max-old-space-size` does nothing there. */
  | { readonly kind: 'ignored'; readonly runtime: 'bun'; readonly budgetMb: number; readonly nonHeapMb?: number }
  /** Nothing to say: RSS-only, no heap limit reported, not a JavaScript runtime. */
  | { readonly kind: 'unknown'; readonly reason: string };

export interface HeapCapInput {
  readonly facts: Pick<TargetFacts, 'runtimeName' | 'heapLimitBytes' | 'hasInspector'>;
  /** Samples to measure the non-heap share from; the largest share among them counts (RSS peaks). */
  readonly samples: readonly Pick<MemorySample, 'rssBytes' | 'heapTotalBytes' | 'heapUsedBytes'>[];
  readonly budgetBytes: number;
}

/**
 * RSS outside the heap (children included): the largest over the samples, since peaks are what kill.
 * The heap counts as the larger of its committed and used size (Bun reports used above "total").
 */
export function nonHeapBytes(samples: HeapCapInput['samples']): number | undefined {
  let largest: number | undefined;
  for (const s of samples) {
    if (s.heapTotalBytes === undefined) continue;
    const outside = Math.max(0, s.rssBytes - Math.max(s.heapTotalBytes, s.heapUsedBytes ?? 0));
    if (largest === undefined || outside > largest) largest = outside;
  }
  return largest;
}

/** Room kept free under the budget: the critical band (6 %) and never less than 16 MB. */
export function headroomBytes(budgetBytes: number): number {
  return Math.max(16 * MB, Math.round(budgetBytes * 0.06));
}

export function adviseHeapCap(input: HeapCapInput): HeapCapAdvice {
  const { facts, budgetBytes } = input;
  const runtime: RuntimeName | undefined = facts.runtimeName;
  const budgetMb = Math.round(budgetBytes / MB);
  const outside = nonHeapBytes(input.samples);
  if (runtime === 'bun') return { kind: 'ignored', runtime, budgetMb, ...(outside !== undefined ? { nonHeapMb: toMb(outside) } : {}) };
  if (runtime === undefined || !facts.hasInspector)
    return { kind: 'unknown', reason: 'the target is watched RSS-only: its heap is not visible' };
  if (facts.heapLimitBytes === undefined) return { kind: 'unknown', reason: 'the target reports no heap limit' };
  if (outside === undefined) return { kind: 'unknown', reason: 'no sample with heap figures yet' };
  const room = budgetBytes - outside - headroomBytes(budgetBytes);
  const heapLimitMb = toMb(facts.heapLimitBytes);
  if (facts.heapLimitBytes <= room) return { kind: 'fits', heapLimitMb, budgetMb, nonHeapMb: toMb(outside) };
  const capBytes = Math.floor((room - YOUNG_GENERATION_BYTES) / (8 * MB)) * 8 * MB;
  if (capBytes < MIN_USEFUL_CAP_BYTES) return { kind: 'no-room', budgetMb, nonHeapMb: toMb(outside) };
  const capMb = capBytes / MB;
  return {
    kind: 'cap',
    runtime,
    capMb,
    flag: runtime === 'deno' ? `--v8-flags=--max-old-space-size=${capMb}` : `--max-old-space-size=${capMb}`,
    leavesMb: budgetMb - capMb,
    budgetMb,
    nonHeapMb: toMb(outside),
    heapLimitMb,
  };
}

function toMb(bytes: number): number {
  return Math.round(bytes / MB);
}
