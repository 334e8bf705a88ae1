// Small type guards to check a webview message's shape. A message is untrusted on both sides:
// the extension host must not act on whatever a webview (or script injected into it) posts, and
// a webview must not render half a payload as if it were whole. Neither DOM nor Node types here.

export type Guard<T> = (value: unknown) => value is T;

export const isString: Guard<string> = (v): v is string => typeof v === 'string';
/** Any number, NaN included: the chart uses NaN for "no heap figures in this sample". */
export const isNumber: Guard<number> = (v): v is number => typeof v === 'number';
export const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (v): v is T | undefined => v === undefined || guard(v);
}

export function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.every(guard);
}

export function literal<const L extends string>(...values: L[]): Guard<L> {
  return (v): v is L => typeof v === 'string' && (values as string[]).includes(v);
}

/** A string of at most `max` characters (ids, paths and labels are short; a megabyte is not). */
export function shortString(max: number): Guard<string> {
  return (v): v is string => typeof v === 'string' && v.length <= max;
}

/** A whole number in [0, max]. */
export function count(max = Number.MAX_SAFE_INTEGER): Guard<number> {
  return (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
}

/**
 * An object with (at least) these fields, each checked by its guard. The shape must name every
 * field of T, so a field added to a message type without a check does not compile.
 */
export function shape<T>(fields: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  const entries = Object.entries(fields) as Array<[string, Guard<unknown>]>;
  return (v): v is T => isRecord(v) && entries.every(([key, guard]) => guard(v[key]));
}

/** One guard per message `type`: picks the guard by the tag, rejects unknown tags. */
export function tagged<M extends { type: string }>(guards: { [T in M['type']]: Guard<Extract<M, { type: T }>> }): (
  raw: unknown,
) => M | undefined {
  const byType = guards as Record<string, Guard<M>>;
  return (raw) => {
    if (!isRecord(raw) || typeof raw.type !== 'string' || !Object.hasOwn(byType, raw.type)) return undefined;
    return byType[raw.type](raw) ? raw : undefined;
  };
}
