import { resolve } from 'node:path';
import { captureHeapSnapshot, uniqueSnapshotPath } from '../../core/heap/capture';
import { connectInspector } from '../../core/inspector/connectInspector';
import { endpointOf } from '../../core/inspector/openSource';
import { UsageError, type CliCommand } from '../command';
import { parse, targetArg } from '../options';

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  summary: 'Stream a heap snapshot of a running Node, Deno or Bun process to a file',
  usage: [
    'Usage: memory-budget snapshot <target> [-o FILE]... [--interval SECONDS]',
    '',
    'Attaches to the inspector at <target> (host:port or a ws:// URL) and writes a heap snapshot,',
    'chunk by chunk as the target sends it, to FILE (default .memory-budget/snapshots/<time>-<host>.heapsnapshot).',
    'The file appears only when the snapshot is complete; Ctrl+C cancels and leaves nothing behind.',
    '',
    'Give -o two or three times to take a series for `memory-budget diff`: object ids only match',
    'between snapshots taken in one inspector session (V8 forgets them when a session ends).',
    '',
    "Bun's snapshots are JavaScriptCore's format (Bun sends each whole, in one message); summary and",
    'diff read both formats.',
    '',
    '  -o, --output FILE     where to write a snapshot (repeatable)',
    '  --interval SECONDS    wait between snapshots of a series (default 10)',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { output: { type: 'string', short: 'o', multiple: true }, interval: { type: 'string' } });
    const spec = targetArg(positionals, 'snapshot');
    // Snapshots need an inspector: a pid gets one through `watch pid:N` first, not silently here.
    if (spec.kind === 'pid') throw new UsageError('snapshot needs an inspector address (host:port or ws:// URL), not a pid');
    if (spec.kind === 'metrics')
      throw new UsageError("snapshot needs an inspector address (host:port or ws:// URL); an agent's metrics are read-only");
    const endpoint = endpointOf(spec);
    const intervalMs = Number(values.interval ?? 10) * 1000;
    if (!Number.isFinite(intervalMs) || intervalMs < 0)
      throw new UsageError(`--interval needs a number of seconds, got "${values.interval}"`);
    const files = (values.output ?? [uniqueSnapshotPath('.memory-budget/snapshots', positionals[0]!)]).map((f) => resolve(f));
    const session = await connectInspector(endpoint);
    if (!(await session.capabilities()).heapSnapshot) {
      await session.close().catch(() => {});
      io.stderr.write(`memory-budget snapshot: ${positionals[0]} offers no heap snapshots over its inspector\n`);
      return 2;
    }
    const abort = new AbortController();
    void io.interrupted.then(() => abort.abort());
    try {
      for (const [i, file] of files.entries()) {
        if (i > 0) {
          io.stderr.write(`next snapshot in ${intervalMs / 1000} s\n`);
          await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), io.interrupted]);
        }
        let lastPercent = -1;
        const result = await captureHeapSnapshot({
          session,
          file,
          signal: abort.signal,
          onProgress: (done, total) => {
            const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
            if (percent > lastPercent && (percent >= lastPercent + 25 || percent === 100)) {
              lastPercent = percent;
              io.stderr.write(`walking the heap: ${percent} %\n`);
            }
          },
        });
        io.stdout.write(`${result.file} (${(result.bytes / 2 ** 20).toFixed(1)} MB)\n`);
      }
      return 0;
    } finally {
      await session.close().catch(() => {});
    }
  },
};
