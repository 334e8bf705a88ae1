import { BudgetTracker } from '../../core/budget/budgetTracker';
import { formatMB, levelWord } from '../../core/budget/display';
import { resolveBudget } from '../../core/budget/presets';
import { heapCapLineFor } from '../../core/heapCap/display';
import { openSource } from '../../core/inspector/openSource';
import { formatTargetSpec } from '../../core/inspector/targetSpec';
import type { CliCommand } from '../command';
import { budgetOptions, budgetSettings, parse, targetArg } from '../options';
import { sampleRecord } from '../../core/budget/sampleRecord';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'one sample against the budget: exit 0 under, 1 over, 2 unreachable (the CI gate)',
  usage: `Usage: memory-budget check <target> --budget MB [--preset NAME] [--json] [--no-children]

Takes one sample and prints a one-line verdict, and under it the heap cap to set when the heap
limit leaves too little of the budget for what lives outside the heap (see \`advise\`).
Exit code: 0 under budget, 1 over budget, 2 when the target cannot be reached or read (the reason
goes to stderr).`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...budgetOptions, json: { type: 'boolean' }, 'no-children': { type: 'boolean' } });
    const spec = targetArg(positionals, 'check');
    const settings = budgetSettings(values);
    let source;
    try {
      source = await openSource(spec, { includeChildren: !values['no-children'] });
    } catch (err) {
      io.stderr.write(`memory-budget check: ${(err as Error).message}\n`);
      return 2;
    }
    if (source.facts.rssOnlyReason) io.stderr.write(`RSS only: ${source.facts.rssOnlyReason}\n`);
    try {
      const sample = await source.read();
      const tracker = new BudgetTracker(resolveBudget(settings, source.facts.constrainedMemoryBytes));
      const { status } = tracker.add(sample);
      const over = status.level === 'over';
      if (values.json) {
        io.stdout.write(JSON.stringify(sampleRecord(formatTargetSpec(spec), status, source.facts)) + '\n');
      } else {
        const verdict = over ? 'OVER BUDGET' : `under budget (${levelWord(status.level)})`;
        io.stdout.write(
          `${source.facts.name}${source.facts.pid ? ` (pid ${source.facts.pid})` : ''}: RSS ${formatMB(sample.rssBytes)} / ${formatMB(status.budget.bytes)} ` +
            `(${status.percent.toFixed(0)}%) — ${verdict}\n`,
        );
        const advice = heapCapLineFor(source.facts, status);
        if (advice) io.stdout.write(`  heap: ${advice}\n`);
      }
      return over ? 1 : 0;
    } catch (err) {
      io.stderr.write(`memory-budget check: cannot read ${formatTargetSpec(spec)}: ${(err as Error).message}\n`);
      return 2;
    } finally {
      await source.close().catch(() => undefined);
    }
  },
};
