import type { SnapshotMeta } from './rawSnapshot';

/**
 * Where script id, line and column sit in a `locations` tuple. V8 added `script_object_index`
 * between script id and line (V8 15, as in Deno 2.9): the meta's `location_fields` says which.
 */
export interface LocationOffsets {
  readonly scriptId: number;
  readonly line: number;
  readonly column: number;
}

export function locationOffsets(meta: SnapshotMeta): LocationOffsets {
  const fields = meta.raw.location_fields ?? ['object_index', 'script_id', 'line', 'column'];
  const at = (name: string, fallback: number) => (fields.indexOf(name) >= 0 ? fields.indexOf(name) : fallback);
  return { scriptId: at('script_id', 1), line: at('line', 2), column: at('column', 3) };
}
