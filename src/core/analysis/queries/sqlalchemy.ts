import type { Fix, QueryFinding, RelatedLocation, YieldedQuery } from '../model';
import { rangeOf } from '../syntax';
import type { SyntaxNode } from '../parsers';
import { DEFAULT_BOUND, describe, insertAt, queryFinding } from './findings';
import { yieldingFunction } from './generators';
import { type Chain, PythonScopes, directMaterialisation, queryNodeAt, unrollChains } from './pythonScope';

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

/** Session methods that run a statement: the first two buffer every row, the stream ones hand them out as they are read. */
const EXECUTING = new Set(['scalars', 'execute', 'stream', 'stream_scalars']);

/** Calls whose result is a Python list (or one row): what follows them is no longer a query. */
const MATERIALISED = new Set([
  'all',
  'fetchall',
  'first',
  'one',
  'one_or_none',
  'scalar',
  'scalar_one',
  'scalar_one_or_none',
  'fetchone',
  'fetchmany',
]);
/** `.where(User.id.in_(ids))`, `.filter(User.id == x)`, `.filter_by(id=x)`: as many rows as ids named. */
const BY_ID = /\.(id|pk)\s*(==|\.in_\s*\()|\b(id|pk)\s*=[^=]/;
const AGGREGATE = /\bfunc\.|\bgroup_by\b/;

interface Classified {
  readonly origin: string;
  /** The query expression: where the finding points. */
  readonly node: SyntaxNode;
  /** select() statements take `.limit()` where they are built; legacy queries where they are loaded. */
  readonly isLegacyQuery: boolean;
  /** Executed with `stream()`/`stream_scalars()`: a loop over it holds one row at a time. */
  readonly streamed: boolean;
}

interface Evaluation {
  readonly expr: SyntaxNode;
  readonly how: 'all' | 'iterated' | 'list' | 'executed' | 'yielded';
  /** The generator that yields the streamed rows (`yielded`). */
  readonly generator?: string;
}

/** Reads of a result that take one row at most. */
const ONE_ROW = new Set(['first', 'one', 'one_or_none', 'scalar', 'scalar_one', 'scalar_one_or_none', 'fetchone']);

/** The method calls made on `node`'s value where it stands: `x.scalars().first()` from `x` gives scalars, first. */
function callsOn(node: SyntaxNode): string[] {
  const out: string[] = [];
  let n = node;
  while (n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.id === n.id && n.parent.parent?.type === 'call') {
    out.push(n.parent.childForFieldName('attribute')?.text ?? '');
    n = n.parent.parent;
  }
  return out;
}

function boundedLinks(chain: Chain): boolean {
  return (
    chain.sliced ||
    chain.links.some(
      (l) =>
        BOUNDING.has(l.name) ||
        l.call?.text.includes('yield_per') ||
        ((l.name === 'where' || l.name === 'filter' || l.name === 'filter_by') &&
          BY_ID.test(l.call?.childForFieldName('arguments')?.text ?? '')) ||
        l.name === 'group_by',
    )
  );
}

export class SqlAlchemyQueryRule {
  private readonly scopes: PythonScopes;
  private readonly seen = new Set<number>();
  private readonly queries = new Map<number, { c: Classified; evaluations: Evaluation[] }>();
  readonly findings: QueryFinding[] = [];
  /** Streamed queries whose rows a generator yields: reported only where a caller collects them. */
  readonly yielded: YieldedQuery[] = [];

  constructor(private readonly root: SyntaxNode) {
    this.scopes = new PythonScopes(root);
  }

  run(): QueryFinding[] {
    for (const call of this.root.descendantsOfType('call')) {
      const fn = call.childForFieldName('function');
      const fnType = fn?.type;
      const name = fnType === 'attribute' ? fn!.childForFieldName('attribute')?.text : undefined;
      const args = call.childForFieldName('arguments');
      const first = args?.namedChildren[0];
      if ((name === 'all' || name === 'fetchall') && args?.namedChildCount === 0) {
        const receiver = fn!.childForFieldName('object');
        if (receiver) this.evaluate(receiver, 'all');
      }
      // `list(q)`, `sorted(q)`…: only a call of a builtin by its plain name can load its first argument whole.
      if (first && fnType === 'identifier' && directMaterialisation(first, args) === 'builtin') this.evaluate(first, 'list');
      // The ORM buffers every row of session.execute()/scalars() before it returns: the call loads
      // them, unless whoever reads the result takes one row (.first(), .scalar_one()…).
      if ((name === 'execute' || name === 'scalars') && first && !this.onlyOneRowRead(call)) this.evaluate(call, 'executed');
    }
    for (const node of this.root.descendantsOfType(['for_statement', 'for_in_clause'])) {
      const right = node.childForFieldName('right');
      if (right) this.evaluate(right, 'iterated');
    }
    for (const { c, evaluations } of this.queries.values()) this.report(c, evaluations);
    return this.findings;
  }

  /** Every read of what `call` returns takes one row at most (directly, or through the variable it is assigned to). */
  private onlyOneRowRead(call: SyntaxNode): boolean {
    let holder = call;
    while (holder.parent && (holder.parent.type === 'await' || holder.parent.type === 'parenthesized_expression')) holder = holder.parent;
    const assignment =
      holder.parent?.type === 'assignment' && holder.parent.childForFieldName('right')?.id === holder.id ? holder.parent : undefined;
    const target = assignment?.childForFieldName('left');
    const reads =
      target?.type === 'identifier'
        ? (this.scopes.scopeOf(assignment!).descendantsOfType('identifier') as SyntaxNode[]).filter(
            (id) => id.text === target.text && id.startIndex > assignment!.endIndex,
          )
        : [holder];
    return reads.length > 0 && reads.every((r) => callsOn(r).some((m) => ONE_ROW.has(m)));
  }

  private classify(chain: Chain): Classified | undefined {
    // `rows = q.all()` then `for r in rows`: a list already loaded (and reported where it was).
    if (chain.links.some((l) => MATERIALISED.has(l.name) && l.call)) return undefined;
    if (chain.sliced) return undefined;
    const q = chain.links.findIndex((l) => l.name === 'query');
    if (q >= 0) {
      if (boundedLinks({ ...chain, links: chain.links.slice(q) })) return undefined;
      const link = chain.links[q]!;
      const receiver = q === 0 ? chain.root.text : chain.links[q - 1]!.name;
      const sessionQuery = link.call && /session|^db$|Session\(\)/i.test(receiver);
      const flaskModelQuery = !link.call && q === 0 && chain.root.type === 'identifier' && /^[A-Z]/.test(chain.root.text);
      if (!sessionQuery && !flaskModelQuery) return undefined;
      if (link.call && AGGREGATE.test(link.call.childForFieldName('arguments')?.text ?? '')) return undefined;
      const node = queryNodeAt(chain, q);
      return { origin: describe(node.text), node, isLegacyQuery: true, streamed: false };
    }
    const exec = chain.links.find((l) => EXECUTING.has(l.name) && (l.call?.childForFieldName('arguments')?.namedChildCount ?? 0) > 0);
    const statement = exec?.call?.childForFieldName('arguments')?.namedChildren[0];
    if (!statement) return undefined;
    for (const stmtChain of unrollChains(statement, this.scopes)) {
      const fn = stmtChain.root.type === 'call' ? stmtChain.root.childForFieldName('function')?.text : undefined;
      // `select(User)`, or a relationship's own `user.posts.select()` (write-only relationships).
      const relationshipSelect = stmtChain.links.findIndex((l) => l.name === 'select' && l.call);
      const isSelect = fn !== undefined && /^(sa\.|sqlalchemy\.)?select$/.test(fn);
      if (!isSelect && relationshipSelect < 0) continue;
      // `db.session.get(User, id).posts.select()`: what comes before select() finds the owner, it bounds nothing.
      if (boundedLinks(isSelect ? stmtChain : { ...stmtChain, links: stmtChain.links.slice(relationshipSelect) })) continue;
      if (AGGREGATE.test(stmtChain.root.childForFieldName('arguments')?.text ?? '')) continue;
      const node = queryNodeAt(stmtChain, isSelect ? -1 : relationshipSelect);
      return { origin: describe(node.text), node, isLegacyQuery: false, streamed: exec!.name.startsWith('stream') };
    }
    return undefined;
  }

  private evaluate(expr: SyntaxNode, how: Evaluation['how']): void {
    if (this.seen.has(expr.id)) return;
    this.seen.add(expr.id);
    for (const chain of unrollChains(expr, this.scopes)) {
      const c = this.classify(chain);
      if (!c) continue;
      let evaluation: Evaluation = { expr, how };
      if (c.streamed && how === 'iterated' && expr.parent?.type === 'for_statement') {
        // A loop over streamed rows holds one at a time, unless it yields them to a caller that keeps them all.
        const generator = yieldingFunction(expr.parent);
        if (!generator) continue;
        evaluation = { expr, how: 'yielded', generator };
      }
      const q = this.queries.get(c.node.id) ?? { c, evaluations: [] };
      if (!q.evaluations.some((e) => e.expr.id === expr.id)) q.evaluations.push(evaluation);
      this.queries.set(c.node.id, q);
    }
  }

  private report(c: Classified, all: readonly Evaluation[]): void {
    const loads = all.filter((e) => e.how !== 'yielded');
    if (loads.length === 0) {
      for (const e of all) this.yielded.push({ finding: this.streamedFinding(c, e), generator: e.generator! });
      return;
    }
    const evaluations = loads;
    const limit = `.limit(${DEFAULT_BOUND})`;
    // A legacy Query refuses filter() after limit(): bound it where it is loaded, not where it is built.
    const at = c.isLegacyQuery ? evaluations.map((e) => e.expr.endIndex) : [c.node.endIndex];
    const fixes: Fix[] = [{ title: `Add a bound: \`${limit}\``, edits: [...new Set(at)].map((o) => insertAt(o, limit)) }];
    if (c.isLegacyQuery && evaluations.every((e) => e.how === 'iterated')) {
      fixes.push({
        title: `Stream rows with \`.yield_per(${DEFAULT_BOUND})\``,
        edits: evaluations.map((e) => insertAt(e.expr.endIndex, `.yield_per(${DEFAULT_BOUND})`)),
      });
    }
    const how = evaluations.map((e) =>
      e.how === 'all' ? '.all()' : e.how === 'list' ? 'list()' : e.how === 'executed' ? 'executed' : 'iterated',
    );
    const message = `${c.origin} loads every row into memory (${[...new Set(how)].join(', ')} with no .limit()). Add .limit() or stream with yield_per().`;
    const related = evaluations.map((e): RelatedLocation => ({
      range: rangeOf(e.expr.parent ?? e.expr),
      message: `loaded whole here (${e.how === 'all' ? '.all()' : e.how})`,
    }));
    this.findings.push(queryFinding('sqlalchemy-unbounded-query', 'sqlalchemy', c.node, message, fixes, related));
  }

  private streamedFinding(c: Classified, e: Evaluation): QueryFinding {
    const limit = `.limit(${DEFAULT_BOUND})`;
    const message = `${c.origin} streams every row out of ${e.generator}(), and a caller collects them all into memory (no .limit()). Add .limit() or stream them on to the response.`;
    const fixes: Fix[] = [{ title: `Add a bound: \`${limit}\``, edits: [insertAt(c.node.endIndex, limit)] }];
    const related: RelatedLocation[] = [
      { range: rangeOf(e.expr.parent ?? e.expr), message: `yielded one by one from ${e.generator}() here` },
    ];
    return queryFinding('sqlalchemy-unbounded-query', 'sqlalchemy', c.node, message, fixes, related);
  }
}
