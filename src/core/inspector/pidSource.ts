import path from 'node:path';
import { CloseSignal } from './closeSignal';
import type { MemorySample, TargetFacts } from './memorySample';
import type { MemorySource, SourceOptions } from './memorySource';
import { processExists, readDescendantsRssBytes, readProcess, readRssBytes } from './procfs';
import { runtimeOfProcess } from './runtimes';

/** RSS-only watching of a local process (a Python service, say): no heap figures. */
export class PidSource implements MemorySource {
  private readonly gone = new CloseSignal();

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
      this.gone.fire();
      throw new Error(`process ${pid} has exited`);
    }
    const children = this.options.includeChildren ? await readDescendantsRssBytes(pid) : 0;
    return { time: Date.now(), pid, rssBytes: rss + children, childrenRssBytes: children };
  }

  onClose(listener: () => void): void {
    this.gone.listen(listener);
  }

  async close(): Promise<void> {
    this.gone.fire();
  }
}
