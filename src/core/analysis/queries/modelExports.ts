import type { ModelExport } from '../model';
import type { SyntaxNode } from '../parsers';
import { occurrencesOf, stringValue, topStatements } from '../syntax';
import { declaredValue } from './jsScope';

const IDENTIFIER = new Set(['identifier']);
/** What stands before a declarator's name: `const`, `let`, `var`, a comma between declarators, or a comment. */
const DECLARED_NAME = /(?:\b(?:const|let|var)|,|\*\/)\s*$/;

/**
 * The Mongoose models a module exports, so that `Item.find()` in another module can be judged
 * once `Item` is known to be one: `module.exports = mongoose.model(…)`, `module.exports = { User }`,
 * `exports.User = model(…)`, `export default model(…)`, `export const User = …`, and re-exports
 * (`module.exports = { User: require('./user') }`, `export { default as User } from './user'`).
 */

/** `mongoose.model('User', s)`, `model('User', s)`, `conn.model(…)`, `models.User || model(…)`. */
function isModelValue(node: SyntaxNode | null | undefined, source: string, depth = 0): boolean {
  if (!node || depth > 4) return false;
  switch (node.type) {
    case 'parenthesized_expression':
    case 'await_expression':
    case 'as_expression':
    case 'satisfies_expression':
      return isModelValue(node.namedChildren[0], source, depth + 1);
    case 'binary_expression':
      return (
        isModelValue(node.childForFieldName('left'), source, depth + 1) || isModelValue(node.childForFieldName('right'), source, depth + 1)
      );
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      const name = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn?.text;
      const first = node.childForFieldName('arguments')?.namedChildren[0];
      return name === 'model' && (first === undefined || stringValue(first) !== undefined || first.type === 'identifier');
    }
    case 'member_expression':
      // `mongoose.models.User` (the Next.js hot-reload pattern)
      return node.childForFieldName('object')?.text.endsWith('models') === true && /mongoose|^models$/.test(node.text);
    case 'identifier': {
      const value = declaredValue(node, source);
      return value ? isModelValue(value, source, depth + 1) : false;
    }
    default:
      return false;
  }
}

function requiredSpecifier(node: SyntaxNode | null | undefined): string | undefined {
  if (node?.type !== 'call_expression' || node.childForFieldName('function')?.text !== 'require') return undefined;
  return stringValue(node.childForFieldName('arguments')?.namedChildren[0]);
}

/** What a value exported under `name` is: a model here, a re-export of another module's, or neither. */
function exportOf(name: string, value: SyntaxNode | null | undefined, source: string, root: SyntaxNode): ModelExport | undefined {
  if (!value) return undefined;
  if (isModelValue(value, source)) return { name, orm: 'mongoose' };
  const spec = requiredSpecifier(value);
  if (spec) return { name, orm: 'mongoose', reexport: { from: spec, imported: 'default' } };
  if (value.type === 'member_expression') {
    const inner = requiredSpecifier(value.childForFieldName('object'));
    const property = value.childForFieldName('property')?.text;
    if (inner && property) return { name, orm: 'mongoose', reexport: { from: inner, imported: property } };
  }
  if (value.type === 'identifier') {
    const declared = declaredValue(value, source);
    if (declared && declared.id !== value.id) return exportOf(name, declared, source, root);
    const imported = importedBinding(root, value.text);
    if (imported) return { name, orm: 'mongoose', reexport: imported };
  }
  return undefined;
}

/** `import User from './user'` → `{ from: './user', imported: 'default' }`. */
function importedBinding(root: SyntaxNode, local: string): { from: string; imported: string } | undefined {
  for (const { node: stmt, type } of topStatements(root)) {
    if (type !== 'import_statement') continue;
    const from = stringValue(stmt.childForFieldName('source'));
    const clause = stmt.namedChildren.find((c) => c.type === 'import_clause');
    if (!from || !clause) continue;
    for (const part of clause.namedChildren) {
      if (part.type === 'identifier' && part.text === local) return { from, imported: 'default' };
      for (const spec of part.type === 'named_imports' ? part.namedChildren : []) {
        const name = spec.childForFieldName('name')?.text ?? '';
        if ((spec.childForFieldName('alias')?.text ?? name) === local) return { from, imported: name };
      }
    }
  }
  return undefined;
}

function objectExports(obj: SyntaxNode, source: string, root: SyntaxNode): ModelExport[] {
  const out: ModelExport[] = [];
  for (const p of obj.namedChildren) {
    if (p.type === 'shorthand_property_identifier') {
      const e = identifierExport(p.text, p, source, root);
      if (e) out.push(e);
    } else if (p.type === 'pair') {
      const key = p.childForFieldName('key');
      const e = exportOf(stringValue(key) ?? key?.text ?? '', p.childForFieldName('value'), source, root);
      if (e) out.push(e);
    }
  }
  return out;
}

/** `{ User }` shorthand: the node is not an identifier, so look the name up by hand. */
function identifierExport(name: string, at: SyntaxNode, source: string, root: SyntaxNode): ModelExport | undefined {
  // The first declaration of the name, found where the name is written rather than by walking every declarator.
  for (const id of occurrencesOf(root, source, name, IDENTIFIER, (offset) =>
    DECLARED_NAME.test(source.slice(Math.max(0, offset - 12), offset)),
  )) {
    if (id.startIndex >= at.startIndex) break;
    const d = id.parent;
    if (d?.type === 'variable_declarator' && d.childForFieldName('name')?.id === id.id)
      return exportOf(name, d.childForFieldName('value'), source, root);
  }
  const imported = importedBinding(root, name);
  return imported ? { name, orm: 'mongoose', reexport: imported } : undefined;
}

export function modelExportsOf(root: SyntaxNode, source: string): ModelExport[] {
  // Only a module that builds models, or hands on another module's, can export one.
  if (!/\bmodel\s*\(|\bmodels\b|mongoose|require\s*\(|export\s*(\*|\{)[^;\n]*\bfrom\b|export\s+default\s+\w+\s*;?\s*$/m.test(source))
    return [];
  const out: ModelExport[] = [];
  for (const { node: stmt, type } of topStatements(root)) {
    if (type === 'expression_statement') {
      const a = stmt.namedChildren[0];
      if (a?.type !== 'assignment_expression') continue;
      const left = a.childForFieldName('left')?.text ?? '';
      const right = a.childForFieldName('right');
      if (left === 'module.exports') {
        if (right?.type === 'object') out.push(...objectExports(right, source, root));
        else {
          const e = exportOf('default', right, source, root);
          if (e) out.push(e);
        }
      } else {
        const m = /^(?:module\.)?exports\.(\w+)$/.exec(left);
        const e = m ? exportOf(m[1]!, right, source, root) : undefined;
        if (e) out.push(e);
      }
    } else if (type === 'export_statement') {
      out.push(...esmExports(stmt, source, root));
    }
  }
  return out;
}

function esmExports(stmt: SyntaxNode, source: string, root: SyntaxNode): ModelExport[] {
  const from = stringValue(stmt.childForFieldName('source'));
  const clause = stmt.namedChildren.find((c) => c.type === 'export_clause');
  if (from !== undefined) {
    // `export * from './user'`: every name of that module, under the same name.
    if (!clause) return [{ name: '*', orm: 'mongoose', reexport: { from, imported: '*' } }];
    return clause.namedChildren
      .filter((c) => c.type === 'export_specifier')
      .map((c) => {
        const name = c.childForFieldName('name')?.text ?? '';
        return { name: c.childForFieldName('alias')?.text ?? name, orm: 'mongoose' as const, reexport: { from, imported: name } };
      });
  }
  if (clause) {
    return clause.namedChildren.flatMap((c) => {
      const local = c.childForFieldName('name')?.text ?? '';
      const e = identifierExport(c.childForFieldName('alias')?.text ?? local, c, source, root);
      return e ? [e] : [];
    });
  }
  const value = stmt.childForFieldName('value');
  if (value) {
    const e = exportOf('default', value, source, root);
    return e ? [e] : [];
  }
  const decl = stmt.childForFieldName('declaration');
  // Classes, functions and types are never `model(…)` values: only variables are looked into.
  if (decl?.type !== 'lexical_declaration' && decl?.type !== 'variable_declaration') return [];
  return decl.namedChildren.flatMap((d) => {
    const e = exportOf(d.childForFieldName('name')?.text ?? '', d.childForFieldName('value'), source, root);
    return e ? [e] : [];
  });
}
