import { diffTable } from '../../core/heap/display';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../options';
import { analysisClient, analysisOptions, analysisUsage, INTERRUPTED_EXIT, parseTop, resultUnlessInterrupted } from './heapOptions';

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'Compare 2 heap snapshots (or 3: baseline, target, final) and name what leaks',
  usage: [
    'Usage: memory-budget diff A B [C] [--json] [--top N]',
    '',
    'Matches objects of snapshots of one process by node id and prints, per constructor: new,',
    'deleted, count delta, allocated, freed and size delta of the last snapshot against the first,',
    'largest size delta first (DevTools Comparison view), and the collections (Map, Set, Array,',
    'Object) whose element count grows. With three snapshots it also lists leak candidates: objects',
    'allocated between A and B that are still alive in C, by constructor and retainer path.',
    '',
    '  --json     print {"rows":[{"name","newCount","deletedCount","countDelta","allocSize","freedSize",',
    '             "sizeDelta"}],"leaks":[…],"growingCollections":[…]} (sizes in bytes)',
    '  --top N    rows, leak groups and collections to show (default 20)',
    analysisUsage,
    '',
    'Ctrl+C stops the comparison at once (exit 130).',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, top: { type: 'string' }, ...analysisOptions });
    if (positionals.length < 2 || positionals.length > 3) throw new UsageError('give 2 or 3 snapshot files');
    const top = parseTop(values.top, 20);
    const running = analysisClient(values).compare({
      files: positionals,
      options: { top, detailRows: values.json ? 0 : 3, objectsPerClass: 1 },
    });
    const diff = await resultUnlessInterrupted(running, io, 'diff');
    if (!diff) return INTERRUPTED_EXIT;
    if (values.json) {
      const rows = diff.rows.map(({ name, newCount, deletedCount, countDelta, allocSize, freedSize, sizeDelta }) => ({
        name,
        newCount,
        deletedCount,
        countDelta,
        allocSize,
        freedSize,
        sizeDelta,
      }));
      io.stdout.write(JSON.stringify({ rows, leaks: diff.leaks, growingCollections: diff.growingCollections }) + '\n');
    } else {
      io.stdout.write(diffTable(diff) + '\n');
    }
    return 0;
  },
};
