import type { BudgetStatus } from '../budget/budgetTracker';
import type { TargetFacts } from '../inspector/memorySample';
import { adviseHeapCap, type HeapCapAdvice } from './model';

/** One line for the status bar tooltip, the chart and `check`; undefined when there is nothing to say. */
export function heapCapLine(advice: HeapCapAdvice): string | undefined {
  switch (advice.kind) {
    case 'cap':
      return `${advice.flag} leaves ~${advice.leavesMb} MB for buffers and code on a ${advice.budgetMb} MB budget (heap limit now ${advice.heapLimitMb} MB; ${advice.nonHeapMb} MB measured outside the heap)`;
    case 'no-room':
      return `${advice.nonHeapMb} MB of RSS is outside the heap: no heap cap fits a ${advice.budgetMb} MB budget`;
    case 'ignored':
      return 'Bun ignores --max-old-space-size: use bun --smol and BUN_JSC_forceRAMSize, and a memory limit on the machine';
    case 'fits':
    case 'unknown':
      return undefined;
  }
}

/** The advice line for a watched target's latest status (tooltip, chart), or undefined. */
export function heapCapLineFor(facts: TargetFacts | undefined, status: BudgetStatus): string | undefined {
  if (!facts) return undefined;
  return heapCapLine(adviseHeapCap({ facts, samples: [status.sample], budgetBytes: status.budget.bytes }));
}

/** The full advice `memory-budget advise` prints: the verdict, the figures it rests on, how to apply it. */
export function heapCapReport(advice: HeapCapAdvice, name: string): string[] {
  switch (advice.kind) {
    case 'cap':
      return [
        `${name}: cap the heap with ${advice.flag}`,
        `  It leaves ~${advice.leavesMb} MB of the ${advice.budgetMb} MB budget for buffers, code, V8's young generation and child processes.`,
        `  Measured now: ${advice.nonHeapMb} MB of RSS outside the heap; the heap limit is ${advice.heapLimitMb} MB, so the heap could grow past the budget before V8 collects hard.`,
        advice.runtime === 'deno'
          ? `  Apply: deno run ${advice.flag} … (or in deno.json: "tasks": { "start": "deno run ${advice.flag} …" })`
          : `  Apply: node ${advice.flag} app.js, or NODE_OPTIONS="${advice.flag}" for every node the service starts`,
      ];
    case 'fits':
      return [
        `${name}: no cap needed`,
        `  The heap limit (${advice.heapLimitMb} MB) plus the ${advice.nonHeapMb} MB measured outside the heap fits the ${advice.budgetMb} MB budget.`,
      ];
    case 'no-room':
      return [
        `${name}: no heap cap fits`,
        `  ${advice.nonHeapMb} MB of RSS is outside the heap, nearly all of the ${advice.budgetMb} MB budget: look at buffers, native modules and child processes first.`,
      ];
    case 'ignored':
      return [
        `${name}: Bun ignores --max-old-space-size (JavaScriptCore sizes its heap itself; there is no heap cap to set)`,
        ...(advice.nonHeapMb !== undefined
          ? [`  Measured now: ${advice.nonHeapMb} MB of RSS outside the heap, on a ${advice.budgetMb} MB budget.`]
          : []),
        '  What works on Bun:',
        ...table([
          ['bun --smol app.ts', 'a smaller heap, collected more often'],
          [
            `BUN_JSC_forceRAMSize=${advice.budgetMb * 2 ** 20} bun app.ts`,
            `the collector paces itself to ${advice.budgetMb} MB (not a hard cap)`,
          ],
          ['a memory limit on the machine or container', 'the hard stop; Bun reports it as process.constrainedMemory()'],
        ]),
      ];
    case 'unknown':
      return [`${name}: no heap advice — ${advice.reason}`];
  }
}

function table(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `    ${a.padEnd(width)}  ${b}`);
}
