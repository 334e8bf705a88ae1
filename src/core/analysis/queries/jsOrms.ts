import type { Fix, PendingQuery, QueryFinding } from '../model';
import type { SyntaxNode } from '../parsers';
import { DEFAULT_BOUND, describe, insertAt, queryFinding } from './findings';
import { nodesWhereTextMatches } from '../syntax';
import {
  type LocalBinding,
  type MethodCall,
  asMethodCall,
  chainedAfter,
  chainedBefore,
  declaredValue,
  filtersByIdList,
  isExecuted,
  optionKey,
  scopeText,
  whereOf,
} from './jsScope';

/**
 * Prisma `findMany` without `take`, Sequelize `findAll` without `limit`, TypeORM
 * `find`/`findBy`/`getMany` without `take`, Mongoose `find` without `.limit()`/cursor, Knex
 * queries awaited without `.limit()`. Where a bound cannot be ruled out (options built
 * elsewhere, spread in), nothing is reported: a false alarm costs as much as a miss.
 */

const MONGOOSE_BOUNDING = new Set(['limit', 'cursor', 'eachAsync', 'countDocuments', 'count', 'stream', 'distinct', 'explain']);
const KNEX_BOUNDING = new Set([
  'limit',
  'first',
  'count',
  'countDistinct',
  'min',
  'max',
  'sum',
  'avg',
  'insert',
  'update',
  'del',
  'delete',
  'truncate',
  'increment',
  'decrement',
  'stream',
  'pipe',
  'paginate',
  'upsert',
  'onConflict',
  'toSQL',
  'toString',
  'columnInfo',
]);
const KNEX_ROOT_METHODS = new Set(['select', 'from', 'table', 'queryBuilder', 'distinct', 'column', 'columns', 'withSchema']);

const lastSegment = (n: SyntaxNode): string => n.text.split('.').pop() ?? '';
const ORM_METHOD_CALL =
  /\.\s*(findMany|findAll|findAndCountAll|find|findBy|findAndCount|findAndCountBy|getMany|getRawMany|getManyAndCount)\s*(?:<[^>()]*>)?\s*\(/;
const PROPERTY = new Set(['property_identifier']);
const IDENTIFIER = new Set(['identifier']);

export class JsOrmQueryRules {
  readonly findings: QueryFinding[] = [];
  /** Mongoose finds whose receiver comes from another module: findings once it is known to export a model. */
  readonly pending: PendingQuery[] = [];
  private readonly knexNames: ReadonlySet<string>;

  constructor(
    private readonly root: SyntaxNode,
    private readonly packages: ReadonlySet<string>,
    private readonly source: string,
    /** Names imported from the project's model modules (`../models/User`). */
    private readonly modelBindings: ReadonlySet<string>,
    /** Every name imported from the project's own modules. */
    private readonly locals: ReadonlyMap<string, LocalBinding> = new Map(),
  ) {
    this.knexNames = new Set(packages.has('knex') ? ['knex', 'db', 'trx', 'database', 'pg', 'conn', 'connection'] : ['knex']);
  }

  run(): QueryFinding[] {
    for (const property of nodesWhereTextMatches(this.root, this.source, ORM_METHOD_CALL, PROPERTY)) {
      const call = property.parent?.parent;
      const m = call?.type === 'call_expression' ? asMethodCall(call) : undefined;
      if (m && m.member.id === property.parent?.id) this.checkMethod(m);
    }
    const names = [...this.knexNames].join('|');
    for (const id of nodesWhereTextMatches(this.root, this.source, new RegExp(`(?<![\\w$.])(${names})\\s*[(.]`), IDENTIFIER)) {
      const parent = id.parent;
      const call = parent?.type === 'call_expression' ? parent : parent?.type === 'member_expression' ? parent.parent : undefined;
      if (call?.type === 'call_expression') this.checkKnexRoot(call);
    }
    return this.findings;
  }

  private checkMethod(m: MethodCall): void {
    switch (m.method) {
      case 'findMany':
        if (m.receiver.type === 'member_expression' && !this.packages.has('drizzle-orm')) this.checkOptions(m, 'prisma', 0, 'take');
        return;
      case 'findAll':
      case 'findAndCountAll':
        if (this.isSequelizeModel(m.receiver)) this.checkOptions(m, 'sequelize', 0, 'limit');
        return;
      case 'find':
      case 'findAndCount':
      case 'findBy':
      case 'findAndCountBy':
        if (this.isTypeOrmRepository(m.receiver)) this.checkTypeOrmFind(m);
        else if (m.method === 'find') {
          const model = this.mongooseModel(m.receiver, m.args[0]);
          if (model) this.checkMongooseFind(m, model === true ? undefined : model);
        }
        return;
      case 'getMany':
      case 'getRawMany':
      case 'getManyAndCount':
        this.checkQueryBuilder(m);
        return;
      default:
    }
  }

  private isTypeOrmRepository(receiver: SyntaxNode): boolean {
    const name = lastSegment(receiver);
    if (/(repo|repository)$/i.test(name) || /^(manager|entityManager|em)$/.test(name)) return true;
    const inner = receiver.type === 'call_expression' ? asMethodCall(receiver) : undefined;
    if (inner && /^(getRepository|getMongoRepository|getCustomRepository|withRepository|getTreeRepository)$/.test(inner.method))
      return true;
    if (receiver.type === 'member_expression' && receiver.childForFieldName('object')?.type === 'this') {
      return new RegExp(`\\b${name}\\s*[?!]?:\\s*(Repository|MongoRepository|TreeRepository)<`).test(this.source);
    }
    return this.packages.has('typeorm') && receiver.type === 'identifier' && /^[A-Z]/.test(name);
  }

  /** `Order.findAll`, `db.Order.findAll`, or any receiver in a file that imports Sequelize — not `adapter.findAll(selector)`. */
  private isSequelizeModel(receiver: SyntaxNode): boolean {
    return /^[A-Z]/.test(lastSegment(receiver)) || this.packages.has('sequelize') || this.packages.has('sequelize-typescript');
  }

  /**
   * true when the receiver is a Mongoose model by what this file shows; the import it comes from
   * when only the exporting module can tell; false otherwise.
   */
  private mongooseModel(receiver: SyntaxNode, firstArg: SyntaxNode | undefined): boolean | LocalBinding {
    if (firstArg && /function|arrow_function/.test(firstArg.type)) return false;
    const name = lastSegment(receiver);
    const evidence =
      this.packages.has('mongoose') || this.packages.has('@nestjs/mongoose') || /Model$/.test(name) || this.modelBindings.has(name);
    const modelLike =
      (receiver.type === 'identifier' && /^[A-Z]/.test(name)) ||
      /Model$/.test(name) ||
      (receiver.type === 'call_expression' && asMethodCall(receiver)?.method === 'model');
    if (evidence && modelLike) return true;
    // `Item.find()` with `Item` from `require('../db/models').User`, or `db.User.find()` with `db` a module.
    if (receiver.type === 'identifier') return this.locals.get(name) ?? false;
    const object = receiver.type === 'member_expression' ? receiver.childForFieldName('object') : undefined;
    const holder = object?.type === 'identifier' ? this.locals.get(object.text) : undefined;
    if (holder && (holder.imported === '*' || holder.imported === 'default')) return { from: holder.from, imported: name };
    return false;
  }

  private checkOptions(m: MethodCall, orm: 'prisma' | 'sequelize', index: number, key: string): void {
    if (optionKey(m.args[index], [key], this.source) !== 'absent') return;
    if (filtersByIdList(whereOf(m.args[index], this.source), this.source)) return;
    const rule = orm === 'prisma' ? 'prisma-findmany-without-take' : 'sequelize-findall-without-limit';
    const message = `${describe(m.call.text)} returns every matching row: no \`${key}\`. Add \`${key}\` (and page with ${orm === 'prisma' ? '`cursor`/`skip`' : '`offset`'}).`;
    this.findings.push(queryFinding(rule, orm, m.call, message, [this.addOption(m, index, key)]));
  }

  private checkTypeOrmFind(m: MethodCall): void {
    const byWhere = m.method.endsWith('By');
    const isManager = /^(manager|entityManager|em)$/.test(lastSegment(m.receiver));
    const index = isManager ? 1 : 0;
    if (!byWhere && optionKey(m.args[index], ['take'], this.source) !== 'absent') return;
    let fix: Fix;
    const where = m.args[index];
    if (byWhere && where && m.args.length === index + 1) {
      const property = m.member.childForFieldName('property')!;
      fix = {
        title: `Add a bound: \`${m.method.replace(/By$/, '')}({ where, take: ${DEFAULT_BOUND} })\``,
        edits: [
          { startOffset: property.startIndex, endOffset: property.endIndex, newText: m.method.replace(/By$/, '') },
          { startOffset: where.startIndex, endOffset: where.endIndex, newText: `{ where: ${where.text}, take: ${DEFAULT_BOUND} }` },
        ],
      };
    } else {
      fix = this.addOption(m, index, 'take');
    }
    const message = `${describe(m.call.text)} loads every matching entity: no \`take\`. Add \`take\` (and \`skip\`) to page through them.`;
    this.findings.push(queryFinding('typeorm-find-without-take', 'typeorm', m.call, message, [fix]));
  }

  private checkQueryBuilder(m: MethodCall): void {
    const before = chainedBefore(m.receiver);
    let methods = before.methods.map((x) => x.method);
    let bounded = false;
    if (before.root.type === 'identifier') {
      const init = declaredValue(before.root, this.source);
      if (init)
        methods = [
          ...methods,
          ...chainedBefore(init.type === 'await_expression' ? init.namedChildren[0]! : init).methods.map((x) => x.method),
        ];
      bounded = new RegExp(`\\b${before.root.text}\\s*\\.\\s*(take|limit)\\s*\\(`).test(scopeText(m.call));
    } else if (before.root.type === 'call_expression') {
      const rootCall = asMethodCall(before.root);
      if (rootCall) methods.push(rootCall.method);
    }
    if (!methods.includes('createQueryBuilder') || bounded || methods.some((x) => x === 'take' || x === 'limit')) return;
    const message = `${describe(m.call.text)} loads every matching row: the query builder has no \`.take()\`/\`.limit()\`.`;
    const fix = { title: `Add a bound: \`.take(${DEFAULT_BOUND})\``, edits: [insertAt(m.receiver.endIndex, `.take(${DEFAULT_BOUND})`)] };
    this.findings.push(queryFinding('typeorm-find-without-take', 'typeorm', m.call, message, [fix]));
  }

  private checkMongooseFind(m: MethodCall, pendingOn?: LocalBinding): void {
    const after = chainedAfter(m.call);
    if (after.methods.some((x) => MONGOOSE_BOUNDING.has(x.method))) return;
    if (optionKey(m.args[2], ['limit'], this.source) !== 'absent') return;
    if (filtersByIdList(m.args[0], this.source)) return;
    // `for await (const doc of Model.find())` iterates a cursor: one document at a time.
    const loop = after.outer.parent;
    if (loop?.type === 'for_in_statement' && loop.childForFieldName('right')?.id === after.outer.id && loop.text.startsWith('for await'))
      return;
    const holder = after.outer.parent;
    if (holder?.type === 'variable_declarator') {
      const name = holder.childForFieldName('name')?.text ?? '';
      if (new RegExp(`\\b${name}\\s*\\.\\s*(limit|cursor|eachAsync)\\s*\\(`).test(scopeText(m.call))) return;
    }
    const message = `${describe(m.call.text)} loads every matching document: no \`.limit()\`. A filter is not a bound: add \`.limit()\` or iterate with \`.cursor()\`.`;
    // A callback as last argument runs the query at once: a chained .limit() would come too late.
    const callback = m.args.some((a) => a.type === 'arrow_function' || a.type === 'function_expression' || a.type === 'function');
    const fixes = callback
      ? []
      : [{ title: `Add a bound: \`.limit(${DEFAULT_BOUND})\``, edits: [insertAt(m.call.endIndex, `.limit(${DEFAULT_BOUND})`)] }];
    const finding = queryFinding('mongoose-find-without-limit', 'mongoose', m.call, message, fixes);
    if (pendingOn) this.pending.push({ finding, from: pendingOn.from, imported: pendingOn.imported });
    else this.findings.push(finding);
  }

  private checkKnexRoot(call: SyntaxNode): void {
    const fn = call.childForFieldName('function');
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    const direct = fn?.type === 'identifier' && this.knexNames.has(fn.text) && args[0]?.type === 'string';
    const m = direct ? undefined : asMethodCall(call);
    const viaMethod = m?.receiver.type === 'identifier' && this.knexNames.has(m.receiver.text) && KNEX_ROOT_METHODS.has(m.method);
    if (!direct && !viaMethod) return;
    const after = chainedAfter(call);
    const names = after.methods.map((x) => x.method);
    const thenAt = names.findIndex((x) => x === 'then' || x === 'catch' || x === 'finally' || x === 'asCallback');
    const executed = thenAt >= 0 || isExecuted(after.outer);
    if (!executed || names.some((x) => KNEX_BOUNDING.has(x))) return;
    const end = thenAt >= 0 ? after.methods[thenAt]!.receiver.endIndex : after.outer.endIndex;
    const query = this.source.slice(call.startIndex, end);
    const message = `${describe(query)} returns every matching row: no \`.limit()\`. Add \`.limit()\` (and \`.offset()\`) or stream it.`;
    const fix = { title: `Add a bound: \`.limit(${DEFAULT_BOUND})\``, edits: [insertAt(end, `.limit(${DEFAULT_BOUND})`)] };
    const reported = thenAt >= 0 ? after.methods[thenAt]!.receiver : after.outer;
    this.findings.push(queryFinding('knex-query-without-limit', 'knex', reported, message, [fix]));
  }

  /** `take: 100` / `limit: 100` into the options object, creating it if needed. */
  private addOption(m: MethodCall, index: number, key: string): Fix {
    const title = `Add a bound: \`${key}: ${DEFAULT_BOUND}\``;
    const arg = m.args[index];
    const argList = m.call.childForFieldName('arguments')!;
    if (!arg) {
      const close = argList.endIndex - 1;
      const sep = m.args.length > 0 ? ', ' : '';
      return { title, edits: [insertAt(close, `${sep}{ ${key}: ${DEFAULT_BOUND} }`)] };
    }
    if (arg.type === 'object') {
      const empty = arg.namedChildCount === 0;
      return empty
        ? { title, edits: [{ startOffset: arg.startIndex, endOffset: arg.endIndex, newText: `{ ${key}: ${DEFAULT_BOUND} }` }] }
        : { title, edits: [insertAt(arg.startIndex + 1, ` ${key}: ${DEFAULT_BOUND},`)] };
    }
    return {
      title,
      edits: [{ startOffset: arg.startIndex, endOffset: arg.endIndex, newText: `{ ...${arg.text}, ${key}: ${DEFAULT_BOUND} }` }],
    };
  }
}
