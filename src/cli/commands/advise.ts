import { resolveBudget } from '../../core/budget/presets';
import { heapCapReport } from '../../core/heapCap/display';
import { adviseHeapCap } from '../../core/heapCap/model';
import type { MemorySample } from '../../core/inspector/memorySample';
import { openSource } from '../../core/inspector/openSource';
import { formatTargetSpec } from '../../core/inspector/targetSpec';
import type { CliCommand } from '../command';
import { budgetOptions, budgetSettings, numberOption, parse, targetArg } from '../options';

export const adviseCommand: CliCommand = {
  name: 'advise',
  summary: 'the heap cap that fits the budget, from what this target keeps outside its heap',
  usage: `Usage: memory-budget advise <target> --budget MB [--preset NAME] [--samples N] [--json]

Samples the target a few times, measures how much of its RSS lives outside the JavaScript heap
(buffers, code, native memory, child processes), and says whether the heap limit leaves room for it
in the budget. When it does not: the --max-old-space-size that does (Node; --v8-flags=… for Deno).
Bun ignores that flag; advise says what works there instead.

  --budget MB      the budget (overrides --preset); default: the preset (auto: container limit, else 512 MB)
  --samples N      samples to measure from, 300 ms apart (default 3); the largest non-heap share counts
  --json           {"target","runtime","budgetBytes","advice":{"kind",…}}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...budgetOptions, samples: { type: 'string' }, json: { type: 'boolean' } });
    const spec = targetArg(positionals, 'advise');
    const settings = budgetSettings(values);
    const count = Math.round(numberOption(values.samples, 'samples', 1) ?? 3);
    const source = await openSource(spec, { includeChildren: true });
    try {
      const samples: MemorySample[] = [];
      for (let i = 0; i < count; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 300));
        samples.push(await source.read());
      }
      const budget = resolveBudget(settings, source.facts.constrainedMemoryBytes);
      const advice = adviseHeapCap({ facts: source.facts, samples, budgetBytes: budget.bytes });
      if (values.json) {
        io.stdout.write(
          JSON.stringify({ target: formatTargetSpec(spec), runtime: source.facts.runtime, budgetBytes: budget.bytes, advice }) + '\n',
        );
      } else {
        const name = `${source.facts.name}${source.facts.pid ? ` (pid ${source.facts.pid}, ${source.facts.runtime})` : ''}`;
        io.stdout.write(heapCapReport(advice, name).join('\n') + '\n');
      }
      return 0;
    } finally {
      await source.close().catch(() => undefined);
    }
  },
};
