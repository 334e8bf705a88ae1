import { parsePrometheusText, type PromSample } from '../metrics/parsePrometheus';
import { CloseSignal } from './closeSignal';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource } from './memorySource';
import { withTimeout } from './withTimeout';

const TIMEOUT_MS = 5_000;

/** Where an agent's /metrics lives, from what the user typed: `/metrics` when no path was given. */
export function metricsUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/metrics';
  return u.toString();
}

/**
 * An agent's (or `watch --metrics-port`'s) read-only `/metrics`, e.g. through `fly proxy 9464`:
 * the figures the agent publishes, nothing more. No inspector, so no GC and no snapshots — the
 * safe way to watch production. A new pid behind the same port is a restart.
 */
export class MetricsSource implements MemorySource {
  private readonly gone = new CloseSignal();

  private constructor(
    readonly facts: TargetFacts,
    private readonly url: string,
  ) {}

  static async open(url: string): Promise<MetricsSource> {
    const target = metricsUrl(url);
    const samples = await scrape(target);
    const rss = samples.find((s) => s.name === 'memory_budget_rss_bytes');
    if (!rss) throw new Error(`${target} answers, but has no memory_budget_rss_bytes: is it a Memory Budget agent?`);
    const pid = rss.labels.pid !== undefined ? Number(rss.labels.pid) : undefined;
    const value = (name: string) => figure(samples, name, rss.labels);
    return new MetricsSource(
      {
        name: rss.labels.service ?? new URL(target).host,
        pid: Number.isSafeInteger(pid) ? pid : undefined,
        runtime: value('memory_budget_heap_limit_bytes') !== undefined ? 'node (agent metrics)' : 'agent metrics',
        heapLimitBytes: value('memory_budget_heap_limit_bytes'),
        budgetBytes: value('memory_budget_budget_bytes'),
        local: false,
        hasInspector: false,
      },
      target,
    );
  }

  async read(): Promise<MemorySample> {
    let samples: PromSample[];
    try {
      samples = await scrape(this.url);
    } catch (err) {
      this.gone.fire();
      throw err;
    }
    const rss = samples.find((s) => s.name === 'memory_budget_rss_bytes');
    if (!rss) throw new Error(`${this.url} no longer reports memory_budget_rss_bytes`);
    const pid = Number(rss.labels.pid);
    if (this.facts.pid !== undefined && pid !== this.facts.pid) {
      // Another process behind the port: reopen, so the watcher sees a restart.
      this.gone.fire();
      throw new Error(`pid ${this.facts.pid} is gone; pid ${pid} answers now`);
    }
    const value = (name: string) => figure(samples, name, rss.labels);
    return {
      time: Date.now(),
      pid: this.facts.pid,
      rssBytes: rss.value,
      heapUsedBytes: value('memory_budget_heap_used_bytes'),
      heapTotalBytes: value('memory_budget_heap_total_bytes'),
      externalBytes: value('memory_budget_external_bytes'),
    };
  }

  onClose(listener: () => void): void {
    this.gone.listen(listener);
  }

  async close(): Promise<void> {
    this.gone.fire();
  }
}

async function scrape(url: string): Promise<PromSample[]> {
  const controller = new AbortController();
  const res = await withTimeout(fetch(url, { signal: controller.signal, redirect: 'error' }), TIMEOUT_MS, `GET ${url}`).catch(
    (err: Error) => {
      controller.abort();
      throw new Error(`cannot read ${url}: ${err.message}`, { cause: err });
    },
  );
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  return parsePrometheusText(await res.text());
}

/** The same process's value of another series (same service and pid labels). */
function figure(samples: PromSample[], name: string, labels: Record<string, string>): number | undefined {
  const s = samples.find((x) => x.name === name && x.labels.pid === labels.pid && x.labels.service === labels.service);
  return s && Number.isFinite(s.value) ? s.value : undefined;
}
