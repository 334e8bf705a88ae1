import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { reportText } from '../../core/report/display';
import { readMemoryLogFile } from '../../core/report/memoryLogFile';
import { buildReport } from '../../core/report/runReport';
import { UsageError, type CliCommand } from '../command';
import { parse } from '../options';
import { writeReportHtml } from '../reportHtml';

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'summarise a memory_debug.jsonl (agent or CLI, from a server): peak, growth, restarts, crossings; --html for a chart',
  usage: `Usage: memory-budget report memory_debug.jsonl [--html out.html] [--json]

Reads a memory_debug.jsonl written by an agent or by \`watch --log\` (copied from a server, say)
and prints, per process: peak, growth, time over warn, restarts, and the operations (marks)
most frequent in the 10 minutes before each crossing. Lines that are not records are skipped
and counted, never fatal.

  --html FILE   also write a self-contained page with the chart (one per pid), for an incident or CI
  --json        print the report as JSON instead of text`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { html: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('report takes exactly one memory_debug.jsonl');
    const file = path.resolve(positionals[0]);
    if (!existsSync(file) || !statSync(file).isFile()) {
      io.stderr.write(`memory-budget report: ${positionals[0]}: no such file\n`);
      return 2;
    }
    const log = await readMemoryLogFile(file);
    const report = buildReport(log);
    io.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : reportText(positionals[0], report));
    if (values.html) {
      const out = path.resolve(values.html);
      await writeReportHtml(out, path.basename(file), log, report);
      if (!values.json) io.stdout.write(`\nChart: ${out}\n`);
    }
    return log.lines > 0 && log.skipped === log.lines ? 1 : 0;
  },
};
