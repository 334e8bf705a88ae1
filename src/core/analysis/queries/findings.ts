import type { Fix, Orm, QueryFinding, QueryRuleId, RelatedLocation } from '../model';
import type { SyntaxNode } from '../parsers';
import { rangeOf, statementStartOf } from '../syntax';

/** The bound the quick fixes insert; a starting point the user edits. */
export const DEFAULT_BOUND = 100;

export function insertAt(offset: number, text: string): Fix['edits'][number] {
  return { startOffset: offset, endOffset: offset, newText: text };
}

export function queryFinding(
  rule: QueryRuleId,
  orm: Orm,
  node: SyntaxNode,
  message: string,
  fixes: Fix[],
  related: RelatedLocation[] = [],
): QueryFinding {
  // One place per line: a loop and the .all() on it are the same place to a reader.
  const places = [...new Map(related.map((r) => [`${r.file ?? ''}:${r.range.start.line}`, r])).values()];
  return {
    kind: 'unbounded-query',
    rule,
    orm,
    message,
    range: rangeOf(node),
    statementStart: statementStartOf(node),
    fixes,
    related: places,
  };
}

/** Shortens an expression for a message: `ProfanityWord.objects.filter(…)`. */
export function describe(text: string, max = 60): string {
  const flat = text
    .trim()
    .replace(/^\(([\s\S]*)\)$/, '$1')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\(([^()]|\([^()]*\))+\)/g, '(…)');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
