import path from 'node:path';
import {
  AllocationSampler,
  allocationSamplingUnavailable,
  DEFAULT_READ_EVERY_MS,
  DEFAULT_SAMPLING_INTERVAL_BYTES,
  samplingSessionOf,
} from '../../core/allocations/allocationSampler';
import { allocationTable } from '../../core/allocations/display';
import { locateRows, SourceLocator } from '../../core/allocations/sourceLocator';
import { InspectorSource } from '../../core/inspector/inspectorSource';
import { openSource } from '../../core/inspector/openSource';
import { UsageError, type CliCommand } from '../command';
import { numberOption, parse, targetArg } from '../options';
import { parseTop } from './heapOptions';

export const allocationsCommand: CliCommand = {
  name: 'allocations',
  summary: 'Sample live allocations and name the functions (file:line) that hold the most, with their growth',
  usage: [
    'Usage: memory-budget allocations <target> [--duration S] [--interval BYTES] [--json] [--top N]',
    '                                 [--remote-root DIR [--local-root DIR]]',
    '',
    "Runs V8's sampling heap profiler in the target for S seconds, reading it every few seconds, and",
    'prints the live bytes each allocating function holds at the end, largest first, with its growth',
    '(MB/h, least squares over the readings). A location is where the allocating function starts',
    "(V8 records functions, not statements); allocations inside Node's own code and builtins are",
    'charged to the nearest caller in your code, and a function the optimising compiler inlined into',
    'its caller to that caller. Source maps (TypeScript, bundles) lead to the original file and line.',
    'Sampling stops when the command ends.',
    '',
    '  --duration S       how long to sample (default 30); Ctrl+C stops early and prints what was read',
    '  --interval BYTES   mean bytes allocated between samples (default 32768); smaller is finer and costlier',
    '  --json             print {"rows":[{"url","file","line","column","functionName","liveBytes",',
    '                     "growthBytesPerHour"}]}: line and column from 1, file null when not on this machine',
    '  --top N            rows to print (default 20; --json prints every row)',
    "  --remote-root DIR  where the target runs its files (a container's /app, through a forwarded port)…",
    '  --local-root DIR   …and the folder here that holds the same files (default: the current folder)',
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      duration: { type: 'string' },
      interval: { type: 'string' },
      json: { type: 'boolean' },
      top: { type: 'string' },
      'remote-root': { type: 'string' },
      'local-root': { type: 'string' },
    });
    const spec = targetArg(positionals, 'allocations');
    const durationMs = (numberOption(values.duration, 'duration', 0.1) ?? 30) * 1000;
    const intervalBytes = numberOption(values.interval, 'interval', 1) ?? DEFAULT_SAMPLING_INTERVAL_BYTES;
    if (!Number.isInteger(intervalBytes)) throw new UsageError(`--interval needs a whole number of bytes, got "${values.interval}"`);
    const top = parseTop(values.top, 20);
    if (values['local-root'] && !values['remote-root']) throw new UsageError('--local-root goes with --remote-root');
    const locator = new SourceLocator({
      remoteRoot: values['remote-root'],
      localRoot: path.resolve(values['local-root'] ?? '.'),
    });

    const source = await openSource(spec, { includeChildren: false });
    try {
      if (!(source instanceof InspectorSource)) throw new Error(`${positionals[0]} has no inspector: allocation sampling needs one`);
      const session = samplingSessionOf(source);
      if (!session) throw new Error(allocationSamplingUnavailable(source.facts) ?? 'this target cannot be sampled');
      // Readings every few seconds give the growth; a short run still gets three of them.
      const sampler = new AllocationSampler(session, { intervalBytes, readEveryMs: Math.min(DEFAULT_READ_EVERY_MS, durationMs / 3) });
      sampler.on('readError', (err) => io.stderr.write(`reading the profile failed: ${err.message}\n`));
      const detached = new Promise<void>((resolve) => sampler.once('detached', resolve));
      await sampler.start();
      if (!values.json) io.stderr.write(`sampling ${source.facts.name} for ${durationMs / 1000} s…\n`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => (timer = setTimeout(r, durationMs))), io.interrupted, detached]);
      clearTimeout(timer);
      const reading = sampler.detached ? sampler.latest : await sampler.stop();
      if (sampler.detached) io.stderr.write('the target went away; showing the last reading\n');
      if (!reading) throw new Error('the target went away before the first reading');
      const rows = locateRows(reading.rows, locator);
      if (values.json) {
        const json = rows.map(({ url, file, line, column, functionName, liveBytes, growthBytesPerHour }) => ({
          url,
          file,
          line,
          column,
          functionName,
          liveBytes,
          growthBytesPerHour,
        }));
        io.stdout.write(JSON.stringify({ rows: json }) + '\n');
      } else {
        io.stdout.write(allocationTable(rows.slice(0, top)) + '\n');
      }
      return sampler.detached ? 1 : 0;
    } finally {
      await source.close().catch(() => undefined);
    }
  },
};
