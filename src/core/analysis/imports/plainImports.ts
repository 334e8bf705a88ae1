import type { SyntaxNode } from '../parsers';

/**
 * Imports and requires written plainly, read from the statement's text. Most import lines look
 * like `import { a, type B } from 'x'` or `const { a } = require('x')`; asking the tree for each
 * clause, specifier and binding costs a call into WebAssembly per property, more than the rest of
 * a small file's analysis. Anything unusual (comments, string names, `import x = require()`,
 * defaults in a pattern) is left to the tree: these return undefined.
 */

const IDENT = '[A-Za-z_$][\\w$]*';
const QUOTED = `(['"])([^'"\\\\\\n]*)`;

const ESM = new RegExp(
  `^import\\s+(type\\s+)?(?:(${IDENT})\\s*(,)?\\s*)?(?:\\*\\s*as\\s+(${IDENT})|\\{([^{}]*)\\})?\\s*from\\s*${QUOTED}\\6\\s*;?$`,
);
const ESM_SIDE_EFFECT = new RegExp(`^import\\s*${QUOTED}\\1\\s*;?$`);
const NAMED = new RegExp(`^(type\\s+)?(${IDENT})(?:\\s+as\\s+(${IDENT}))?$`);

export interface PlainNamedImport {
  readonly name: string;
  readonly local: string;
  readonly isType: boolean;
}

export interface PlainEsmImport {
  /** `import type … from`: nothing loads at run time. */
  readonly typeOnly: boolean;
  readonly specifier: string;
  /** The specifier as written, quotes included. */
  readonly quoted: string;
  readonly defaultName?: string;
  readonly namespace?: string;
  readonly named: readonly PlainNamedImport[];
}

/** `a, b as c, type D,` → entries; an empty entry is allowed only after the last comma (or alone: `{}`). */
function commaList<T>(list: string, entry: (part: string) => T | undefined): T[] | undefined {
  const out: T[] = [];
  const parts = list.split(',');
  for (const [i, part] of parts.entries()) {
    const p = part.trim();
    if (!p) {
      if (i === parts.length - 1) continue;
      return undefined;
    }
    const e = entry(p);
    if (e === undefined) return undefined;
    out.push(e);
  }
  return out;
}

function parseNamed(list: string): PlainNamedImport[] | undefined {
  return commaList(list, (p) => {
    const m = NAMED.exec(p);
    return m ? { name: m[2]!, local: m[3] ?? m[2]!, isType: m[1] !== undefined } : undefined;
  });
}

function parseEsm(text: string): PlainEsmImport | undefined {
  const side = ESM_SIDE_EFFECT.exec(text);
  if (side) return { typeOnly: false, specifier: side[2]!, quoted: `${side[1]}${side[2]}${side[1]}`, named: [] };
  // `import type from 'x'` imports a default named `type`: left to the tree.
  if (/^import\s+type\s+from\b/.test(text)) return undefined;
  const m = ESM.exec(text);
  if (!m) return undefined;
  const [, type, defaultName, comma, namespace, braces, quote, specifier] = m;
  const more = namespace !== undefined || braces !== undefined;
  if (defaultName === undefined && !more) return undefined;
  if (defaultName !== undefined && more !== (comma !== undefined)) return undefined;
  const named = braces === undefined ? [] : parseNamed(braces);
  if (!named) return undefined;
  return { typeOnly: type !== undefined, specifier: specifier!, quoted: `${quote}${specifier}${quote}`, defaultName, namespace, named };
}

const esmCache = new WeakMap<SyntaxNode, PlainEsmImport | null>();

/** An `import_statement` written plainly, read once per node. */
export function plainEsmImport(stmt: SyntaxNode): PlainEsmImport | undefined {
  let plain = esmCache.get(stmt);
  if (plain === undefined) {
    plain = parseEsm(stmt.text) ?? null;
    esmCache.set(stmt, plain);
  }
  return plain ?? undefined;
}

const REQUIRE = new RegExp(
  `^(?:const|let|var)\\s+(${IDENT}|\\{[^{}]*\\})\\s*=\\s*require\\s*\\(\\s*${QUOTED}\\2\\s*\\)(?:\\s*\\.\\s*(${IDENT}))?\\s*;?$`,
);
const PATTERN_ENTRY = new RegExp(`^(${IDENT})(?:\\s*:\\s*(${IDENT}))?$`);

export interface PlainRequire {
  readonly specifier: string;
  readonly quoted: string;
  /** Where `require` starts in the statement's text. */
  readonly requireOffset: number;
  /** `const x = require(…)`. */
  readonly name?: string;
  /** `const { a, b: c } = require(…)`: key and local name. */
  readonly pattern?: ReadonlyArray<{ readonly key: string; readonly local: string }>;
  /** `require(…).X`. */
  readonly member?: string;
}

/** `const x = require('y')`, `const { a, b: c } = require('y').z`: one declarator, nothing else. */
export function plainRequireStatement(text: string): PlainRequire | undefined {
  const m = REQUIRE.exec(text);
  if (!m) return undefined;
  const [, target, quote, specifier, member] = m;
  const requireOffset = text.search(/\brequire\s*\(/);
  const base = { specifier: specifier!, quoted: `${quote}${specifier}${quote}`, requireOffset, member };
  if (!target!.startsWith('{')) return { ...base, name: target };
  const pattern = commaList(target!.slice(1, -1), (p) => {
    const e = PATTERN_ENTRY.exec(p);
    return e ? { key: e[1]!, local: e[2] ?? e[1]! } : undefined;
  });
  return pattern ? { ...base, pattern } : undefined;
}
