import { totalmem } from 'node:os';
import { join } from 'node:path';
import { HeapAnalysisClient, type RunningAnalysis } from '../../core/heap/heapAnalysisClient';
import { UsageError, type CliIo } from '../command';
import { numberOption } from '../options';

/** `--top N` shared by summary and diff. */
export function parseTop(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--top needs a positive whole number, got "${value}"`);
  return n;
}

/** Options every analysing command takes. */
export const analysisOptions = { timeout: { type: 'string' } } as const;
export const analysisUsage = '  --timeout SECONDS  stop an analysis that takes longer (default 600)';

/**
 * The analysis runs in a worker thread (the bundled dist/workers/heapWorker.js), so this thread
 * stays free to hear Ctrl+C and SIGTERM and stop it at once, and a time limit holds.
 */
export function analysisClient(values: { timeout?: string }): HeapAnalysisClient {
  const seconds = numberOption(values.timeout, 'timeout', 0.1);
  const ramMb = totalmem() / 2 ** 20;
  return new HeapAnalysisClient(join(__dirname, 'workers', 'heapWorker.js'), {
    // A terminal has the machine to itself more than an editor does.
    maxOldGenerationSizeMb: Math.max(4096, Math.floor(ramMb / 2)),
    maxArrayBytes: Math.floor(ramMb * 0.8) * 2 ** 20,
    ...(seconds !== undefined ? { timeLimitMs: seconds * 1000 } : {}),
  });
}

/** Exit code of a command stopped by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT = 130;

/** The analysis's result, or undefined when the user interrupted it (its worker is stopped then). */
export async function resultUnlessInterrupted<R>(running: RunningAnalysis<R>, io: CliIo, command: string): Promise<R | undefined> {
  let interrupted = false;
  void io.interrupted.then(() => {
    interrupted = true;
    running.cancel();
  });
  try {
    return await running.result;
  } catch (err) {
    if (!interrupted) throw err;
    io.stderr.write(`memory-budget ${command}: cancelled\n`);
    return undefined;
  }
}
