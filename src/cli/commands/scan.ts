import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { CostCache } from '../../core/analysis/costs/costCache';
import { ImportCostResolver } from '../../core/analysis/costs/importCostResolver';
import { ImportCostMeasurer } from '../../core/analysis/costs/measure';
import { DEFAULT_THRESHOLDS } from '../../core/analysis/model';
import { SourceParser } from '../../core/analysis/parsers';
import { formatJson, formatSarif, formatStartup, formatText, toReported } from '../../core/analysis/report';
import { scanTree } from '../../core/analysis/scanner';
import { type CliCommand, UsageError } from '../command';
import { numberOption, parse } from '../options';

declare const VERSION: string;
declare const REPOSITORY_URL: string;

const USAGE = `Usage: memory-budget scan DIR [options]

Finds heavy startup imports and unbounded ORM queries in JS/TS and Python sources.
Entry points (package.json start/main/bin, Procfile, Dockerfile, manage.py, main.py, Next.js
server files) give the processes; each third-party package gets one verdict per process.

Options:
  --format text|json|sarif   output format (default text)
  --startup                  print the startup ledger: every package each process loads at
                             startup, its cost, the total against the budget, the saving
  --budget MB                the memory budget the ledger is set against (default 512)
  --no-measure               use the built-in table of typical import costs; run no package code
  --fail-on KIND             exit 1 when a finding of KIND is found: heavy-import, unbounded-query or any
  --heavy-heap-mb N          heap threshold for a heavy import (default ${DEFAULT_THRESHOLDS.heapMB})
  --heavy-ms N               load-time threshold for a heavy import (default ${DEFAULT_THRESHOLDS.loadMs})
  --python PATH              interpreter whose environment Python imports are measured in
  --exclude GLOB             also skip files matching GLOB (repeatable)

Measuring imports each package in a separate process from DIR's node_modules / Python
environment: it runs the package's code. Results are cached in ~/.cache/memory-budget.
Exits 0 whatever it finds unless --fail-on is given.`;

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'memory-budget', 'import-costs.json');
}

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'find heavy startup imports and unbounded queries in a source tree',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: 'string', default: 'text' },
      'no-measure': { type: 'boolean', default: false },
      startup: { type: 'boolean', default: false },
      budget: { type: 'string' },
      'fail-on': { type: 'string' },
      'heavy-heap-mb': { type: 'string' },
      'heavy-ms': { type: 'string' },
      python: { type: 'string' },
      exclude: { type: 'string', multiple: true },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one directory to scan');
    const root = resolve(positionals[0]!);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`not a directory: ${positionals[0]}`);
    const format = values.format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format "${format}"`);
    const failOn = values['fail-on'];
    if (failOn !== undefined && !['heavy-import', 'unbounded-query', 'any'].includes(failOn))
      throw new UsageError(`unknown --fail-on "${failOn}"`);
    const thresholds = {
      heapMB: numberOption(values['heavy-heap-mb'], 'heavy-heap-mb', 0) ?? DEFAULT_THRESHOLDS.heapMB,
      loadMs: numberOption(values['heavy-ms'], 'heavy-ms', 0) ?? DEFAULT_THRESHOLDS.loadMs,
    };
    const measure = !values['no-measure'];
    const resolver = new ImportCostResolver({
      measure,
      measurer: measure ? new ImportCostMeasurer({ pythonPath: values.python }) : undefined,
      cache: measure ? new CostCache(cacheFile()) : undefined,
      workspaceRoot: root,
    });
    // A one-off scan parses for a second or two: V8's optimising compile of the grammars (MBs of
    // WASM, in background threads that the process then waits for at exit) costs more than it
    // saves. The baseline compiler alone takes a 200-file scan from seconds to well under one.
    setFlagsFromString('--liftoff-only');
    let stop = false;
    void io.interrupted.then(() => (stop = true));
    const scan = await scanTree(root, {
      parser: new SourceParser(),
      resolver,
      thresholds,
      excludeGlobs: values.exclude ?? [],
      isCancelled: () => stop,
      budgetMB: numberOption(values.budget, 'budget', 1) ?? 512,
    });
    const findings = toReported(root, scan);
    const out =
      format === 'json'
        ? formatJson(findings, scan)
        : format === 'sarif'
          ? formatSarif(
              findings,
              typeof VERSION === 'undefined' ? '0.0.0' : VERSION,
              pathToFileURL(root).href,
              typeof REPOSITORY_URL === 'undefined' ? undefined : REPOSITORY_URL || undefined,
            )
          : values.startup
            ? formatStartup(scan)
            : formatText(findings, scan);
    io.stdout.write(`${out}\n`);
    for (const e of format === 'text' ? [] : scan.errors) io.stderr.write(`could not analyse ${e.file}: ${e.error}\n`);
    if (!failOn) return 0;
    return findings.some((f) => failOn === 'any' || f.kind === failOn) ? 1 : 0;
  },
};
