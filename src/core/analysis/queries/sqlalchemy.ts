import type { Fix, QueryFinding } from '../model';
import type { SyntaxNode } from '../parsers';
import { DEFAULT_BOUND, describe, insertAt, queryFinding } from './findings';
import { type Chain, PythonScopes, directMaterialisation, unrollChain } from './pythonScope';

/**
 * SQLAlchemy: `session.query(M)…all()`, Flask-SQLAlchemy `M.query…all()`, and
 * `session.scalars(select(M)…)` / `session.execute(select(M))` loaded whole (`.all()` or
 * iterated) without `.limit()`; `yield_per` bounds the memory too.
 */

const BOUNDING = new Set([
  'limit',
  'yield_per',
  'paginate',
  'slice',
  'first',
  'one',
  'one_or_none',
  'scalar',
  'scalar_one',
  'get',
  'count',
  'exists',
  'fetchmany',
  'partitions',
  'fetch',
]);

interface Classified {
  readonly origin: string;
  /** Where `.limit(n)` goes. */
  readonly limitAt: number;
  readonly isLegacyQuery: boolean;
}

function boundedLinks(chain: Chain): boolean {
  return chain.sliced || chain.links.some((l) => BOUNDING.has(l.name) || l.call?.text.includes('yield_per'));
}

export class SqlAlchemyQueryRule {
  private readonly scopes: PythonScopes;
  private readonly seen = new Set<number>();
  readonly findings: QueryFinding[] = [];

  constructor(private readonly root: SyntaxNode) {
    this.scopes = new PythonScopes(root);
  }

  run(): QueryFinding[] {
    for (const call of this.root.descendantsOfType('call')) {
      const fn = call.childForFieldName('function');
      if (
        fn?.type === 'attribute' &&
        fn.childForFieldName('attribute')?.text === 'all' &&
        call.childForFieldName('arguments')?.namedChildCount === 0
      ) {
        const receiver = fn.childForFieldName('object');
        if (receiver) this.check(receiver, call, false);
      }
    }
    for (const node of this.root.descendantsOfType(['for_statement', 'for_in_clause'])) {
      const right = node.childForFieldName('right');
      if (right) this.check(right, right, true);
    }
    for (const call of this.root.descendantsOfType('call')) {
      const first = call.childForFieldName('arguments')?.namedChildren[0];
      if (first && directMaterialisation(first) === 'builtin') this.check(first, first, false);
    }
    return this.findings;
  }

  private classify(expr: SyntaxNode): Classified | undefined {
    const chain = unrollChain(expr, this.scopes);
    if (boundedLinks(chain)) return undefined;
    const q = chain.links.findIndex((l) => l.name === 'query');
    if (q >= 0) {
      const link = chain.links[q]!;
      const receiver = q === 0 ? chain.root.text : chain.links[q - 1]!.name;
      const sessionQuery = link.call && /session|^db$|Session\(\)/i.test(receiver);
      const flaskModelQuery = !link.call && q === 0 && chain.root.type === 'identifier' && /^[A-Z]/.test(chain.root.text);
      if (sessionQuery || flaskModelQuery) return { origin: describe(expr.text), limitAt: expr.endIndex, isLegacyQuery: true };
      return undefined;
    }
    const exec = chain.links.find((l) => (l.name === 'scalars' || l.name === 'execute') && l.call);
    const statement = exec?.call?.childForFieldName('arguments')?.namedChildren[0];
    if (!statement) return undefined;
    const stmtChain = unrollChain(statement, this.scopes);
    const isSelect =
      stmtChain.root.type === 'call' && /^(sa\.|sqlalchemy\.)?select$/.test(stmtChain.root.childForFieldName('function')?.text ?? '');
    if (!isSelect || boundedLinks(stmtChain)) return undefined;
    return { origin: describe(statement.text), limitAt: statement.endIndex, isLegacyQuery: false };
  }

  private check(expr: SyntaxNode, reported: SyntaxNode, iterated: boolean): void {
    if (this.seen.has(reported.id)) return;
    const c = this.classify(expr);
    if (!c) return;
    this.seen.add(reported.id);
    const fixes: Fix[] = [{ title: `Add a bound: \`.limit(${DEFAULT_BOUND})\``, edits: [insertAt(c.limitAt, `.limit(${DEFAULT_BOUND})`)] }];
    if (iterated && c.isLegacyQuery) {
      fixes.push({
        title: `Stream rows with \`.yield_per(${DEFAULT_BOUND})\``,
        edits: [insertAt(expr.endIndex, `.yield_per(${DEFAULT_BOUND})`)],
      });
    }
    const message = `${c.origin} loads every row into memory (${iterated ? 'iterated' : '.all()'} with no .limit()). Add .limit() or stream with yield_per().`;
    this.findings.push(queryFinding('sqlalchemy-unbounded-query', 'sqlalchemy', reported, message, fixes));
  }
}
