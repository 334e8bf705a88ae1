import { UsageError } from '../command';

/** `--top N` shared by summary and diff. */
export function parseTop(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--top needs a positive whole number, got "${value}"`);
  return n;
}
