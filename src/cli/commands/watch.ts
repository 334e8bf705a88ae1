import path from 'node:path';
import { describeEvent } from '../../core/budget/display';
import { MemoryLog } from '../../core/budget/memoryLog';
import { resolveBudget } from '../../core/budget/presets';
import { MonitoredTarget } from '../../core/inspector/monitoredTarget';
import { formatTargetSpec } from '../../core/inspector/targetSpec';
import { MemoryWatch } from '../../core/watch/memoryWatch';
import type { CliCommand } from '../command';
import { budgetOptions, budgetSettings, numberOption, parse, targetArg } from '../options';
import { readoutLine } from '../readout';
import { sampleRecord } from '../sampleRecord';

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'live RSS and heap against the budget, with trend and events; --json for machines',
  usage: `Usage: memory-budget watch <target> [--budget MB | --preset NAME] [--interval ms]
                            [--duration s] [--log DIR] [--once] [--json] [--no-children]

  --budget MB      the budget (overrides --preset); default: the preset
  --preset NAME    auto (container limit, else 512 MB), render-free, fly-256, heroku-eco, …
  --interval ms    sampling interval (default 1000)
  --duration s     stop after this many seconds (default: until Ctrl+C)
  --log DIR        write memory_debug.log and memory_debug.jsonl into DIR
  --once           take one sample, print it and exit 0
  --json           one JSON object per sample per line
  --no-children    do not add the RSS of the target's child processes`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...budgetOptions,
      interval: { type: 'string' },
      duration: { type: 'string' },
      log: { type: 'string' },
      once: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-children': { type: 'boolean' },
    });
    const spec = targetArg(positionals, 'watch');
    const settings = budgetSettings(values);
    const intervalMs = numberOption(values.interval, 'interval', 50) ?? 1000;
    const durationS = numberOption(values.duration, 'duration', 0);
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
    const tty = !values.json && io.stdout.isTTY === true;

    const done = new Promise<number>((resolve) => {
      watch.on('update', ({ status, facts: current }) => {
        if (values.json) io.stdout.write(JSON.stringify(sampleRecord(label, status, current)) + '\n');
        else if (tty) io.stdout.write(`\r\x1b[K${readoutLine(current.name, status)}`);
        else io.stdout.write(`${new Date(status.sample.time).toISOString()} ${readoutLine(current.name, status)}\n`);
        if (values.once) resolve(0);
      });
      watch.on('event', (event) => {
        if (values.json || values.once) return;
        io.stdout.write(`${tty ? '\r\x1b[K' : ''}${new Date(event.time).toISOString()} ${describeEvent(event)}\n`);
      });
      watch.on('sampleError', (err) => io.stderr.write(`${tty ? '\r\x1b[K' : ''}sample failed: ${err.message}\n`));
      void io.interrupted.then(() => resolve(0));
      if (durationS !== undefined && durationS > 0) setTimeout(() => resolve(0), durationS * 1000).unref();
    });
    const code = await done;
    if (tty) io.stdout.write('\n');
    await watch.stop();
    return code;
  },
};
