import { join } from 'node:path';
import { analyse, helperWorkersIn } from '../../core/heap/analyse';
import { summaryTable } from '../../core/heap/display';
import type { HeapSummary } from '../../core/heap/model';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../options';
import { parseTop } from './heapOptions';

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
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, top: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one snapshot file');
    const top = values.top === undefined && values.json ? undefined : parseTop(values.top, 30);
    const summary = (await analyse(
      { method: 'summarize', params: { file: positionals[0]!, options: { top, detailRows: values.json ? 0 : 10, objectsPerClass: 1 } } },
      () => {},
      helperWorkersIn(join(__dirname, 'workers')),
    )) as HeapSummary;
    if (values.json) {
      const rows = summary.rows.map(({ name, count, selfSize, retainedSize }) => ({ name, count, selfSize, retainedSize }));
      io.stdout.write(JSON.stringify({ rows }) + '\n');
    } else {
      io.stdout.write(summaryTable(summary) + '\n');
    }
    return 0;
  },
};
