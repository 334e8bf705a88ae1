import { resolve } from 'node:path';
import { captureHeapSnapshot, CaptureError, uniqueSnapshotPath, type IfExists } from '../../core/heap/capture';
import { checkDestination, SnapshotFileError } from '../../core/heap/snapshotFiles';
import { connectInspector } from '../../core/inspector/connectInspector';
import { endpointOf } from '../../core/inspector/openSource';
import { UsageError, type CliCommand } from '../command';
import { numberOption, parse, targetArg } from '../options';
import { INTERRUPTED_EXIT } from './heapOptions';

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  summary: 'Stream a heap snapshot of a running Node, Deno or Bun process to a file',
  usage: [
    'Usage: memory-budget snapshot <target> [-o FILE]... [--force] [--interval SECONDS] [--stall-timeout SECONDS]',
    '',
    'Attaches to the inspector at <target> (host:port or a ws:// URL) and writes a heap snapshot,',
    'chunk by chunk as the target sends it, to FILE (default .memory-budget/snapshots/<time>-<host>.heapsnapshot,',
    'with -2, -3… when the name is taken). The file appears only when the snapshot is complete;',
    'Ctrl+C cancels and leaves nothing behind (exit 130).',
    '',
    'Give -o two or three times to take a series for `memory-budget diff`: object ids only match',
    'between snapshots taken in one inspector session (V8 forgets them when a session ends).',
    '',
    "Bun's snapshots are JavaScriptCore's format (Bun sends each whole, in one message); summary and",
    'diff read both formats.',
    '',
    '  -o, --output FILE        where to write a snapshot (repeatable); checked before anything is captured',
    '  --force                  replace an existing FILE (otherwise: exit 2, the file untouched)',
    '  --interval SECONDS       wait between snapshots of a series (default 10)',
    '  --stall-timeout SECONDS  give up when the target sends nothing for this long (default 60; ×10 for Bun)',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      output: { type: 'string', short: 'o', multiple: true },
      force: { type: 'boolean' },
      interval: { type: 'string' },
      'stall-timeout': { type: 'string' },
    });
    const spec = targetArg(positionals, 'snapshot');
    // Snapshots need an inspector: a pid gets one through `watch pid:N` first, not silently here.
    if (spec.kind === 'pid') throw new UsageError('snapshot needs an inspector address (host:port or ws:// URL), not a pid');
    if (spec.kind === 'metrics')
      throw new UsageError("snapshot needs an inspector address (host:port or ws:// URL); an agent's metrics are read-only");
    const endpoint = endpointOf(spec);
    const intervalMs = (numberOption(values.interval, 'interval', 0) ?? 10) * 1000;
    const stallTimeoutMs = (numberOption(values['stall-timeout'], 'stall-timeout', 1) ?? 60) * 1000;
    const given = values.output?.map((f) => resolve(f));
    if (given && new Set(given).size !== given.length) throw new UsageError('each -o names a different file');
    const files = given ?? [resolve(uniqueSnapshotPath('.memory-budget/snapshots', positionals[0]!))];
    const ifExists: IfExists = !given ? 'next-free' : values.force ? 'replace' : 'fail';
    // Every destination is checked before the target is asked for anything.
    for (const file of files) {
      try {
        checkDestination(file, ifExists);
      } catch (err) {
        if (err instanceof SnapshotFileError && ifExists === 'fail' && /already exists/.test(err.message)) {
          throw new Error(`${err.message}; give --force to replace it`, { cause: err });
        }
        throw err;
      }
    }
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
          ifExists,
          stallTimeoutMs,
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
    } catch (err) {
      if (!(err instanceof CaptureError && err.reason === 'cancelled')) throw err;
      io.stderr.write(`memory-budget snapshot: ${err.message}\n`);
      return INTERRUPTED_EXIT;
    } finally {
      await session.close().catch(() => {});
    }
  },
};
