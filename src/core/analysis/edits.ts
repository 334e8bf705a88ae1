import type { TextEdit } from './model';

/** Applies non-overlapping edits to a source text (what a quick fix does, outside the editor). */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.startOffset - a.startOffset || b.endOffset - a.endOffset);
  let out = source;
  let limit = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.endOffset > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.startOffset) + e.newText + out.slice(e.endOffset);
    limit = e.startOffset;
  }
  return out;
}
