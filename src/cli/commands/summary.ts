import { summaryTable } from '../../core/heap/display';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../options';
import { analysisClient, analysisOptions, analysisUsage, INTERRUPTED_EXIT, parseTop, resultUnlessInterrupted } from './heapOptions';

export const summaryCommand: CliCommand = {
  name: 'summary',
  summary: 'Per-constructor count, self size and retained size of a heap snapshot',
  usage: [
    'Usage: memory-budget summary FILE [--json] [--top N]',
    '',
    'Reads a .heapsnapshot (streamed; any size that fits in memory as typed arrays) and prints, per',
    'constructor as Chrome DevTools groups them, the object count, self size and retained size,',
    'largest retained size first.',
    '',
    '  --json     print {"rows":[{"name","count","selfSize","retainedSize"}]} (sizes in bytes)',
    '  --top N    only the N largest classes (default 30; all with --json unless given)',
    analysisUsage,
    '',
    'Ctrl+C stops the analysis at once (exit 130).',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, top: { type: 'string' }, ...analysisOptions });
    if (positionals.length !== 1) throw new UsageError('give exactly one snapshot file');
    const top = values.top === undefined && values.json ? undefined : parseTop(values.top, 30);
    const running = analysisClient(values).summarize({
      file: positionals[0]!,
      options: { top, detailRows: values.json ? 0 : 10, objectsPerClass: 1 },
    });
    const summary = await resultUnlessInterrupted(running, io, 'summary');
    if (!summary) return INTERRUPTED_EXIT;
    if (values.json) {
      const rows = summary.rows.map(({ name, count, selfSize, retainedSize }) => ({ name, count, selfSize, retainedSize }));
      io.stdout.write(JSON.stringify({ rows }) + '\n');
    } else {
      io.stdout.write(summaryTable(summary) + '\n');
    }
    return 0;
  },
};
