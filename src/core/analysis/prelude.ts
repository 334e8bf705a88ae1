import type { SourceLanguage } from './model';

/**
 * The head of a file where its imports are: everything before the first line of other code at
 * the top level. Parsing only this much gives the import lines of a 2,000-line file in a few
 * milliseconds, so their lenses can show at once while the whole file is analysed elsewhere.
 * Imports further down (after code) are found by the full analysis, a moment later.
 */

const JS_IMPORT_LINE =
  /^(import\b|export\s+(\*|\{[^}]*\}|type\b)[^;]*\bfrom\b|(const|let|var)\s+[\w${},\s:]+=\s*require\s*\(|require\s*\(|['"]use strict['"])/;
const PY_IMPORT_LINE = /^(import\s|from\s+\S+\s+import\b|try:|except\b|else:|finally:|if\s+TYPE_CHECKING|__future__)/;

export function importPrelude(source: string, language: SourceLanguage): string {
  const importLine = language === 'python' ? PY_IMPORT_LINE : JS_IMPORT_LINE;
  let end = 0;
  let offset = 0;
  let open = 0;
  let inDocstring = false;
  for (const line of source.split('\n')) {
    const next = offset + line.length + 1;
    const trimmed = line.trim();
    if (open > 0) {
      open += count(line, '([{') - count(line, ')]}');
      if (open <= 0) end = next;
    } else if (inDocstring) {
      if (/"""|'''/.test(line)) inDocstring = false;
    } else if (language === 'python' && /^("""|''')/.test(trimmed)) {
      inDocstring = !/^("""|''').*("""|''')$/.test(trimmed) || trimmed.length === 3;
    } else if (trimmed === '' || /^(#|\/\/|\/\*|\*)/.test(trimmed) || (language === 'python' && /^\s/.test(line) && end > 0)) {
      // blank, comment, or an indented import inside a top-level try/if
      if (language === 'python' && /^\s+(import|from)\s/.test(line)) end = next;
    } else if (importLine.test(line)) {
      open = count(line, '([{') - count(line, ')]}');
      if (open <= 0) end = next;
    } else {
      break;
    }
    offset = next;
  }
  return source.slice(0, Math.min(end, source.length));
}

function count(line: string, chars: string): number {
  let n = 0;
  for (const c of line) if (chars.includes(c)) n++;
  return n;
}
