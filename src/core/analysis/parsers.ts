import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Parser from 'web-tree-sitter';
import type { SourceLanguage } from './model';

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

const GRAMMAR_FILES: Record<SourceLanguage, string> = {
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
};

/** Where the runtime WASM and the grammars live: `dist/grammars` when bundled, node_modules in tests. */
export interface GrammarLocation {
  readonly runtimeWasm: string;
  grammar(language: SourceLanguage): string;
}

export function findGrammars(extraDirs: readonly string[] = []): GrammarLocation {
  const bundled = [...extraDirs, join(__dirname, 'grammars'), join(__dirname, '..', 'dist', 'grammars')];
  for (const dir of bundled) {
    if (existsSync(join(dir, 'tree-sitter.wasm')) && existsSync(join(dir, GRAMMAR_FILES.python))) {
      return { runtimeWasm: join(dir, 'tree-sitter.wasm'), grammar: (l) => join(dir, GRAMMAR_FILES[l]) };
    }
  }
  // Running from source (tests, benches): the packages themselves.
  // Names in variables: the bundler must not try to inline these packages' paths.
  const runtimePkg = 'web-tree-sitter/package.json';
  const grammarPkg = 'tree-sitter-wasms/package.json';
  const runtimeDir = dirname(require.resolve(runtimePkg));
  const grammarDir = join(dirname(require.resolve(grammarPkg)), 'out');
  return { runtimeWasm: join(runtimeDir, 'tree-sitter.wasm'), grammar: (l) => join(grammarDir, GRAMMAR_FILES[l]) };
}

/**
 * One tree-sitter parser per language, loaded on first use. Trees live in WASM memory:
 * callers must `delete()` them, which `withTree` does.
 */
export class SourceParser {
  private static runtime: Promise<void> | undefined;
  private readonly parsers = new Map<SourceLanguage, Promise<Parser>>();

  constructor(private readonly location: GrammarLocation = findGrammars()) {}

  async withTree<T>(source: string, language: SourceLanguage, use: (tree: Tree) => T): Promise<T> {
    const parser = await this.parserFor(language);
    const tree = parser.parse(source);
    try {
      return use(tree);
    } finally {
      tree.delete();
    }
  }

  /** Parses `source`, reusing `oldTree` (already `edit()`ed) when given. The caller owns the tree. */
  async parse(source: string, language: SourceLanguage, oldTree?: Tree): Promise<Tree> {
    return (await this.parserFor(language)).parse(source, oldTree);
  }

  /** A synchronous parse function for `language`, once its grammar is loaded. */
  async parserFunction(language: SourceLanguage): Promise<(source: string, oldTree?: Tree) => Tree> {
    const parser = await this.parserFor(language);
    return (source, oldTree) => parser.parse(source, oldTree);
  }

  /** Parses and reports whether the source has syntax errors (used to check quick fixes). */
  async hasSyntaxErrors(source: string, language: SourceLanguage): Promise<boolean> {
    return this.withTree(source, language, (t) => t.rootNode.hasError);
  }

  private parserFor(language: SourceLanguage): Promise<Parser> {
    let p = this.parsers.get(language);
    if (!p) {
      p = this.load(language);
      this.parsers.set(language, p);
      p.catch(() => this.parsers.delete(language));
    }
    return p;
  }

  private async load(language: SourceLanguage): Promise<Parser> {
    const wasm = this.location.runtimeWasm;
    SourceParser.runtime ??= Parser.init({ locateFile: () => wasm });
    await SourceParser.runtime;
    const grammar = await Parser.Language.load(this.location.grammar(language));
    const parser = new Parser();
    parser.setLanguage(grammar);
    return parser;
  }
}
