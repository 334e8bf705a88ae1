import { formatMB1 } from '../../core/budget/display';
import { InspectorSource } from '../../core/inspector/inspectorSource';
import { openSource } from '../../core/inspector/openSource';
import type { CliCommand } from '../command';
import { parse, targetArg } from '../options';

export const gcCommand: CliCommand = {
  name: 'gc',
  summary: 'force a full garbage collection and print RSS and heap before and after',
  usage: `Usage: memory-budget gc <target> [--json]

Forces a full collection in the target (HeapProfiler.collectGarbage over CDP for Node and Deno,
Heap.gc over WebKit's protocol for Bun). What a forced GC frees was garbage; what it does not
free is live, and a heap snapshot shows who holds it.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
    const spec = targetArg(positionals, 'gc');
    const source = await openSource(spec, { includeChildren: false });
    try {
      if (!(source instanceof InspectorSource)) {
        throw new Error(
          `this target is watched RSS-only, so no GC can be forced${source.facts.rssOnlyReason ? ` (${source.facts.rssOnlyReason})` : ''}`,
        );
      }
      const before = await source.read();
      await source.collectGarbage();
      const after = await source.read();
      if (values.json) {
        io.stdout.write(JSON.stringify({ before, after, freedHeapBytes: (before.heapUsedBytes ?? 0) - (after.heapUsedBytes ?? 0) }) + '\n');
      } else {
        const row = (label: string, a: number | undefined, b: number | undefined) =>
          `  ${label.padEnd(10)} ${formatMB1(a ?? 0).padStart(10)} → ${formatMB1(b ?? 0).padStart(10)}  (${formatDelta((b ?? 0) - (a ?? 0))})\n`;
        io.stdout.write(`${source.facts.name} (pid ${source.facts.pid}) after a forced GC:\n`);
        io.stdout.write(row('RSS', before.rssBytes, after.rssBytes));
        io.stdout.write(row('heap used', before.heapUsedBytes, after.heapUsedBytes));
        io.stdout.write(row('heap total', before.heapTotalBytes, after.heapTotalBytes));
        io.stdout.write(row('external', before.externalBytes, after.externalBytes));
      }
      return 0;
    } finally {
      await source.close().catch(() => undefined);
    }
  },
};

function formatDelta(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${formatMB1(Math.abs(bytes))}`;
}
