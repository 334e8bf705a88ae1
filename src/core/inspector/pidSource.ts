import path from 'node:path';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource, SourceOptions } from './memorySource';
import { processExists, readDescendantsRssBytes, readProcess, readRssBytes } from './procfs';
import { runtimeOfProcess } from './runtimes';

/** RSS-only watching of a local process (a Python service, say): no heap figures. */
export class PidSource implements MemorySource {
  private readonly closeListeners: Array<() => void> = [];
  private closed = false;

  private constructor(
    readonly facts: TargetFacts,
    private readonly options: SourceOptions,
  ) {}

  /** `rssOnlyReason`: why a JavaScript runtime gets no inspector ("Bun — start it with --inspect to attach"). */
  static async open(pid: number, options: SourceOptions, rssOnlyReason?: string): Promise<PidSource> {
    const info = await readProcess(pid);
    if (!info || !(await processExists(pid))) throw new Error(`no process with pid ${pid}`);
    const script = info.argv.slice(1).find((a) => !a.startsWith('-'));
    return new PidSource(
      {
        name: script ? path.basename(script) : info.exeName,
        pid,
        runtime: info.exeName,
        ...(runtimeOfProcess(info) ? { runtimeName: runtimeOfProcess(info) } : {}),
        local: true,
        argv: info.argv,
        hasInspector: false,
        ...(rssOnlyReason ? { rssOnlyReason } : {}),
      },
      options,
    );
  }

  async read(): Promise<MemorySample> {
    const pid = this.facts.pid!;
    const rss = await readRssBytes(pid);
    if (rss === undefined) {
      this.markClosed();
      throw new Error(`process ${pid} has exited`);
    }
    const children = this.options.includeChildren ? await readDescendantsRssBytes(pid) : 0;
    return { time: Date.now(), pid, rssBytes: rss + children, childrenRssBytes: children };
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l();
  }
}
