/**
 * Live allocations per source location, from V8's sampling heap profiler. Pure: a profile goes
 * in, rows come out; the sampler (allocationSampler.ts) does the talking and the editor and the
 * CLI the showing.
 *
 * V8 keys each node of the profile by function (its script and start position), not by the
 * statement that allocated, so a location is where the allocating function starts: the line of
 * `constructor(id, kb) {` or `function makeOrder(i) {`. Objects the collector has freed leave
 * the profile, so what it holds is live.
 */
import type { Protocol } from 'devtools-protocol';
import { TrendWindow, type TrendOptions } from '../budget/trend';

export type SamplingProfile = Protocol.HeapProfiler.SamplingHeapProfile;
type ProfileNode = Protocol.HeapProfiler.SamplingHeapProfileNode;

/** Where an allocating function starts, as an editor counts: line and column from 1. */
export interface AllocationSite {
  readonly url: string;
  readonly line: number;
  readonly column: number;
  readonly functionName: string;
}

export interface SiteBytes extends AllocationSite {
  /** Bytes of sampled objects allocated here and still alive (V8 scales samples to an estimate). */
  readonly liveBytes: number;
}

export interface AllocationRow extends SiteBytes {
  /** Least-squares growth of liveBytes over the readings so far; null until there are enough. */
  readonly growthBytesPerHour: number | null;
}

/** One reading of the profile: rows sorted by live bytes, largest first. */
export interface AllocationReading {
  readonly time: number;
  readonly rows: readonly AllocationRow[];
  /** Every sampled live byte, including those of sites with no script (native code, the GC). */
  readonly totalLiveBytes: number;
}

/**
 * Code of the runtime itself (`node:internal/timers`, Deno's `ext:`) or with no script at all
 * (builtins such as `String.prototype.repeat`, "(V8 API)"). Its allocations are charged to the
 * nearest caller in the program's own code, the line a user can change.
 */
export function isRuntimeCode(url: string): boolean {
  return url === '' || /^(node|ext|deno|bun):/.test(url) || /^internal[\\/]/.test(url);
}

/**
 * Sums live bytes per site. A node's own bytes go to the innermost frame on its stack that is the
 * program's code; allocations with no such frame keep their own frame ("(V8 API)", a Node
 * internal) so that the total still adds up.
 */
export function liveBytesBySite(profile: SamplingProfile): SiteBytes[] {
  const bytes = new Map<string, { site: AllocationSite; liveBytes: number }>();
  const charge = (frame: ProfileNode['callFrame'], size: number) => {
    const site = siteOf(frame);
    const key = siteKey(site);
    const entry = bytes.get(key);
    if (entry) entry.liveBytes += size;
    else bytes.set(key, { site, liveBytes: size });
  };
  // Iterative: a deep recursion in the target gives a deep profile tree.
  const stack: Array<{ node: ProfileNode; owner: ProfileNode['callFrame'] | undefined }> = [{ node: profile.head, owner: undefined }];
  while (stack.length > 0) {
    const { node, owner } = stack.pop()!;
    const own = isRuntimeCode(node.callFrame.url) ? owner : node.callFrame;
    if (node.selfSize > 0) charge(own ?? node.callFrame, node.selfSize);
    for (const child of node.children) stack.push({ node: child, owner: own });
  }
  return [...bytes.values()].map(({ site, liveBytes }) => ({ ...site, liveBytes })).sort(byLiveBytes);
}

export function siteKey(site: AllocationSite): string {
  return `${site.url}\u0000${site.line}\u0000${site.column}\u0000${site.functionName}`;
}

function siteOf(frame: ProfileNode['callFrame']): AllocationSite {
  return {
    url: frame.url,
    // CDP counts from 0 and says -1 for "no position".
    line: Math.max(0, frame.lineNumber) + 1,
    column: Math.max(0, frame.columnNumber) + 1,
    functionName: frame.functionName || '(anonymous)',
  };
}

function byLiveBytes(a: SiteBytes, b: SiteBytes): number {
  return b.liveBytes - a.liveBytes || a.url.localeCompare(b.url) || a.line - b.line;
}

/** Growth is fitted over the last 15 minutes, from three readings spread over 2 s or more. */
export const ALLOCATION_TREND: TrendOptions = { windowMs: 15 * 60_000, minSamples: 3, minSpanMs: 2_000 };

/**
 * Follows each site across readings and fits its growth. A site missing from a reading had
 * nothing live then: it counts as zero, so a site whose objects were freed shows shrinking.
 */
export class AllocationHistory {
  private readonly trends = new Map<string, TrendWindow>();
  private lastTime: number | undefined;

  constructor(private readonly trendOptions: TrendOptions = ALLOCATION_TREND) {}

  add(time: number, profile: SamplingProfile): AllocationReading {
    const sites = liveBytesBySite(profile);
    const seen = new Set<string>();
    const rows = sites.map((site): AllocationRow => {
      const key = siteKey(site);
      seen.add(key);
      let trend = this.trends.get(key);
      if (!trend) {
        trend = new TrendWindow(this.trendOptions);
        // A site appearing now had nothing live at the previous reading, if there was one.
        if (this.lastTime !== undefined) trend.add({ time: this.lastTime, bytes: 0 });
        this.trends.set(key, trend);
      }
      trend.add({ time, bytes: site.liveBytes });
      return { ...site, growthBytesPerHour: trend.current()?.bytesPerHour ?? null };
    });
    for (const [key, trend] of this.trends) if (!seen.has(key)) trend.add({ time, bytes: 0 });
    this.lastTime = time;
    return { time, rows, totalLiveBytes: sites.reduce((sum, s) => sum + s.liveBytes, 0) };
  }
}

/** Gutter intensity levels, 1 (faint) to LEVELS (strong). */
export const INTENSITY_LEVELS = 5;
const LEVEL_FROM_SHARE = [0.03, 0.1, 0.2, 0.4];

/**
 * How strongly a site is marked, from its share of all live bytes: a site holding 40 % or more
 * is at the top level, one under 3 % at the faintest.
 */
export function intensityLevel(liveBytes: number, totalLiveBytes: number): number {
  const share = totalLiveBytes > 0 ? liveBytes / totalLiveBytes : 0;
  return 1 + LEVEL_FROM_SHARE.filter((step) => share >= step).length;
}
