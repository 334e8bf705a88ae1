import path from 'node:path';
import { describeEvent } from '../../core/budget/display';
import { MemoryLog } from '../../core/budget/memoryLog';
import { resolveBudget } from '../../core/budget/presets';
import { MonitoredTarget } from '../../core/inspector/monitoredTarget';
import { metricsHost, startMetricsServer, type MetricsServer } from '../../core/metrics/metricsServer';
import { metricsText } from '../../core/metrics/prometheusText';
import { formatTargetSpec } from '../../core/inspector/targetSpec';
import { MemoryWatch } from '../../core/watch/memoryWatch';
import { UsageError, type CliCommand } from '../command';
import { budgetOptions, budgetSettings, numberOption, parse, targetArg } from '../options';
import { readoutLine } from '../readout';
import { verdictDetails } from '../../core/series/display';
import { seriesOptions, snapshotSeriesFor } from './seriesOptions';
import { sampleRecord } from '../../core/budget/sampleRecord';

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'live RSS and heap against the budget, with trend and events; --json for machines',
  usage: `Usage: memory-budget watch <target> [--budget MB | --preset NAME] [--interval ms]
                            [--duration s] [--log DIR] [--once] [--json] [--no-children]
                            [--metrics-port N] [--service NAME]
                            [--auto-snapshots DIR [--at 50,80] [--keep-series 3] [--max-series-mb 2048]]

  --budget MB      the budget (overrides --preset); default: the preset
  --preset NAME    auto (container limit, else 512 MB), render-free, fly-256, heroku-eco, …
  --interval ms    sampling interval (default 1000)
  --duration s     stop after this many seconds (default: until Ctrl+C)
  --log DIR        write memory_debug.log and memory_debug.jsonl into DIR
  --once           take one sample, print it and exit 0
  --json           one JSON object per sample per line
  --no-children    do not add the RSS of the target's child processes
  --metrics-port N serve GET /metrics (Prometheus text format) on 127.0.0.1:N
                   (MEMORY_BUDGET_METRICS_HOST to bind elsewhere; 0 picks a free port)
  --service NAME   the service label of the metrics (default: the target's name)

  --auto-snapshots DIR  when RSS first crosses each --at percent of the budget, stream a heap
                   snapshot into a series under DIR (one inspector session, so they compare), skip
                   one that would not fit in what is left of the budget, compare from the second on
                   (three: the leak finder) and print the LEAK SUSPECT; with --log it goes to the logs
  --at 50,80       up to three thresholds, percent of the budget (default 50,80)
  --keep-series N  series kept under DIR (default 3); --max-series-mb MB caps their total (default 2048)`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...budgetOptions,
      interval: { type: 'string' },
      duration: { type: 'string' },
      log: { type: 'string' },
      once: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-children': { type: 'boolean' },
      ...seriesOptions,
      'metrics-port': { type: 'string' },
      service: { type: 'string' },
    });
    const spec = targetArg(positionals, 'watch');
    const settings = budgetSettings(values);
    const intervalMs = numberOption(values.interval, 'interval', 50) ?? 1000;
    const durationS = numberOption(values.duration, 'duration', 0);
    const metricsPort = numberOption(values['metrics-port'], 'metrics-port', 0);
    if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort > 65535)) {
      throw new UsageError(`--metrics-port must be a port number (0–65535), not "${values['metrics-port']}"`);
    }
    const label = formatTargetSpec(spec);

    const target = new MonitoredTarget(spec, { intervalMs, includeChildren: !values['no-children'] });
    let log: MemoryLog | undefined;
    const facts = await target.start();
    if (facts.rssOnlyReason) io.stderr.write(`RSS only: ${facts.rssOnlyReason}\n`);
    if (values.log)
      log = new MemoryLog(
        path.resolve(values.log),
        `${facts.name} (${label}) — budget ${resolveBudget(settings, facts.constrainedMemoryBytes).label}`,
      );
    const watch = new MemoryWatch(target, settings, log);
    const series = snapshotSeriesFor(watch, facts.name.replace(/\.[cm]?[jt]s$/, ''), values, __dirname);
    const tty = !values.json && io.stdout.isTTY === true;
    let restarts = 0;
    watch.on('event', (event) => {
      if (event.type === 'restart') restarts++;
    });
    let metrics: MetricsServer | undefined;
    if (metricsPort !== undefined) {
      const host = metricsHost();
      try {
        metrics = await startMetricsServer(() => watchMetrics(watch, values.service, restarts), metricsPort, host);
      } catch (err) {
        await watch.stop();
        throw new Error(`cannot serve /metrics on ${host}:${metricsPort}: ${(err as Error).message}`, { cause: err });
      }
      io.stderr.write(
        `serving /metrics on http://${metrics.host.includes(':') ? `[${metrics.host}]` : metrics.host}:${metrics.port}/metrics\n`,
      );
    }

    const done = new Promise<number>((resolve) => {
      watch.on('update', ({ status, facts: current }) => {
        if (values.json) io.stdout.write(JSON.stringify(sampleRecord(label, status, current)) + '\n');
        else if (tty) io.stdout.write(`\r\x1b[K${readoutLine(current.name, status)}`);
        else io.stdout.write(`${new Date(status.sample.time).toISOString()} ${readoutLine(current.name, status)}\n`);
        if (values.once) resolve(0);
      });
      watch.on('event', (event) => {
        if (values.json || values.once) return;
        const details =
          event.type === 'leak-suspect'
            ? verdictDetails(event)
                .map((l) => `  ${l}\n`)
                .join('')
            : '';
        io.stdout.write(`${tty ? '\r\x1b[K' : ''}${new Date(event.time).toISOString()} ${describeEvent(event)}\n${details}`);
      });
      watch.on('sampleError', (err) => io.stderr.write(`${tty ? '\r\x1b[K' : ''}sample failed: ${err.message}\n`));
      void io.interrupted.then(() => resolve(0));
      if (durationS !== undefined && durationS > 0) setTimeout(() => resolve(0), durationS * 1000).unref();
    });
    const code = await done;
    if (tty) io.stdout.write('\n');
    series?.dispose();
    await metrics?.close();
    await watch.stop();
    return code;
  },
};

function watchMetrics(watch: MemoryWatch, service: string | undefined, restarts: number): string {
  const status = watch.status;
  if (!status) return metricsText([]);
  const s = status.sample;
  const facts = watch.target.facts;
  return metricsText([
    {
      service: service ?? watch.name,
      pid: s.pid ?? facts?.pid,
      rssBytes: s.rssBytes,
      heapUsedBytes: s.heapUsedBytes,
      heapTotalBytes: s.heapTotalBytes,
      externalBytes: s.externalBytes,
      heapLimitBytes: facts?.heapLimitBytes,
      budgetBytes: status.budget.bytes,
      growthBytesPerHour: status.trend?.bytesPerHour,
      level: status.level,
      restarts,
    },
  ]);
}
