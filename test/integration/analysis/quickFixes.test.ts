import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSource } from '../../../src/core/analysis/analyzer';
import { applyEdits } from '../../../src/core/analysis/edits';
import { type Fix, type SourceLanguage, languageForPath } from '../../../src/core/analysis/model';
import { CORPUS, corpusApps, expectedFor, parser } from './helpers';

/**
 * Every quick fix offered on the corpus, applied to the real file: the result must still parse
 * (tree-sitter, and the language's own parser: CPython's ast, the TypeScript compiler) and the
 * finding it fixes must be gone.
 */

function pythonSyntaxError(source: string): string | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], {
      input: source,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    return undefined;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err);
  }
}

function typescriptSyntaxErrors(source: string, file: string): string[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind) as ts.SourceFile & { parseDiagnostics: ts.Diagnostic[] };
  return sf.parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const MATERIALISED = /^\s*\w+\s*=\s*(?:list\(|sorted\(|\[.*\bfor\b|.*(?:session|query|scalars|execute).*\.(?:all|fetchall)\(\)\)?\s*$)/;

/**
 * A bound or a stream put on a variable that already holds a loaded list (`rows = q.all()` then
 * `rows.limit(100)`) is broken code: for each such edit, the variable's last assignment before it
 * must not be a loaded list.
 */
function boundsOnLists(source: string, fix: Fix): string[] {
  const out: string[] = [];
  for (const e of fix.edits) {
    if (!/^(\.limit\(|\[:|\.iterator\(|\.take\(|\.yield_per\()/.test(e.newText)) continue;
    const name = /(\w+)$/.exec(source.slice(0, e.startOffset))?.[1];
    if (!name) continue;
    const assignments = [...source.slice(0, e.startOffset).matchAll(new RegExp(`^\\s*${name}\\s*=.*$`, 'gm'))];
    const last = assignments[assignments.length - 1]?.[0];
    if (last && MATERIALISED.test(last)) out.push(`${name}${e.newText}`);
  }
  return out;
}

interface Case {
  readonly file: string;
  readonly language: SourceLanguage;
  readonly source: string;
  readonly fix: Fix;
  readonly line: number;
  readonly kind: 'heavy-import' | 'unbounded-query';
  readonly module?: string;
}

async function collectCases(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const app of corpusApps()) {
    const files = new Set(expectedFor(app).findings.map((f) => f.file));
    for (const rel of files) {
      const file = join(CORPUS, app, rel);
      const source = readFileSync(file, 'utf8');
      const language = languageForPath(file)!;
      const a = await analyzeSource(parser, source, language, { isLocalPythonModule: () => false });
      for (const q of a.queries)
        for (const fix of q.fixes) cases.push({ file, language, source, fix, line: q.statementStart.line, kind: 'unbounded-query' });
      for (const i of a.startupImports)
        for (const fix of [i.lazyFix, i.removeFix])
          if (fix) cases.push({ file, language, source, fix, line: i.range.start.line, kind: 'heavy-import', module: i.module });
    }
  }
  return cases;
}

describe('quick fixes on the corpus', async () => {
  const cases = await collectCases();

  it('offers fixes of every kind', () => {
    const titles = cases.map((c) => c.fix.title).join('\n');
    for (const expected of [
      '[:100]',
      '.iterator()',
      '.count()',
      '.limit(100)',
      'take: 100',
      'limit: 100',
      'find({ where, take: 100 })',
      '.take(100)',
      'await import()',
      'Move `import',
      'Move `require(',
      'Remove the unused',
      'paginate_by = 100',
    ]) {
      expect(titles).toContain(expected);
    }
  });

  for (const c of cases) {
    const name = `${c.file.slice(CORPUS.length + 1)}:${c.line + 1} ${c.fix.title}`;
    it(`${name} gives code that still parses and clears the finding`, async () => {
      const fixed = applyEdits(c.source, c.fix.edits);
      expect(fixed).not.toBe(c.source);
      expect(await parser.hasSyntaxErrors(fixed, c.language)).toBe(false);
      if (c.language === 'python') expect(pythonSyntaxError(fixed)).toBeUndefined();
      else expect(typescriptSyntaxErrors(fixed, c.file)).toEqual([]);
      const after = await analyzeSource(parser, fixed, c.language, { isLocalPythonModule: () => false });
      if (c.kind === 'unbounded-query') {
        // One fix where the queryset is loaded clears every query that reaches it (both arms of an if/else).
        expect(after.queries.some((q) => q.statementStart.line === c.line)).toBe(false);
        expect(after.queries.length).toBeLessThan((await analyzeSource(parser, c.source, c.language)).queries.length);
        // Never a bound on a value that is already a list (`rows = q.all()` then `rows.limit(100)`).
        expect(boundsOnLists(c.source, c.fix)).toEqual([]);
      } else {
        expect(after.startupImports.some((i) => i.module === c.module && i.range.start.line === c.line)).toBe(false);
        if (!c.fix.title.startsWith('Remove')) expect(fixed).toContain(c.module!.split('/')[0]!.split('.')[0]!);
      }
    });
  }
});
