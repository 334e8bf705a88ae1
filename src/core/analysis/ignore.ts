import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { languageForPath } from './model';

/** Walks a source tree the way the user sees it: .gitignore, editor excludes, no dependencies. */

interface Rule {
  readonly regex: RegExp;
  readonly negated: boolean;
  readonly dirOnly: boolean;
  /** Directory (relative, `/`-separated, '' for the root) the pattern came from. */
  readonly base: string;
}

/** Never descended into: dependencies, VCS data, virtualenvs, caches, build output. */
const ALWAYS_SKIPPED = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'site-packages',
  '.next',
  '.nuxt',
  'bower_components',
]);

/** A gitignore/glob pattern as a regular expression over `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const slash = p[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = p.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += `(?:${p
          .slice(i + 1, close)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}(?:/.*)?$`);
}

export class IgnoreRules {
  private readonly rules: Rule[] = [];

  /** Globs such as VS Code's `files.exclude` keys, relative to the root. */
  addGlobs(globs: readonly string[]): void {
    for (const g of globs) this.rules.push({ regex: globToRegExp(g), negated: false, dirOnly: false, base: '' });
  }

  addGitignore(text: string, base: string): void {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const negated = line.startsWith('!');
      const body = negated ? line.slice(1) : line;
      this.rules.push({ regex: globToRegExp(body), negated, dirOnly: body.endsWith('/'), base });
    }
  }

  isIgnored(relPath: string, isDir: boolean): boolean {
    let ignored = false;
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.base && !relPath.startsWith(`${r.base}/`)) continue;
      const local = r.base ? relPath.slice(r.base.length + 1) : relPath;
      if (r.regex.test(local)) ignored = !r.negated;
    }
    return ignored;
  }
}

export interface SourceTree {
  /** Absolute paths of JS/TS/Python files. */
  readonly files: string[];
  /** Top-level names a Python file could import from the project itself. */
  readonly pythonModules: Set<string>;
  /** Django template name (path under a `templates/` folder) → absolute path. */
  readonly templates: Map<string, string>;
  /** Files that say how the project runs and what it pins: package.json, Procfile, tsconfig.json, lockfiles… */
  readonly projectFiles: string[];
}

const PROJECT_FILES =
  /^(package\.json|package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Procfile|Dockerfile(\..+)?|tsconfig\.json|jsconfig\.json|requirements[\w.-]*\.txt|pyproject\.toml|poetry\.lock|uv\.lock|Pipfile\.lock)$/;

export function listSourceTree(root: string, excludeGlobs: readonly string[] = [], isCancelled: () => boolean = () => false): SourceTree {
  const rules = new IgnoreRules();
  rules.addGlobs(excludeGlobs);
  const tree: SourceTree = { files: [], pythonModules: new Set(), templates: new Map(), projectFiles: [] };
  const walk = (dir: string, templatesRoot: string | undefined): void => {
    if (isCancelled()) return;
    const rel = relative(root, dir).split(sep).join('/');
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        rules.addGitignore(readFileSync(join(dir, '.gitignore'), 'utf8'), rel);
      } catch {
        // unreadable .gitignore: scan as if it were absent
      }
    }
    if (entries.some((e) => e.name === 'pyvenv.cfg')) return;
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (ALWAYS_SKIPPED.has(e.name) || rules.isIgnored(childRel, true)) continue;
        walk(abs, e.name === 'templates' ? abs : templatesRoot);
      } else if (e.isFile() && !rules.isIgnored(childRel, false)) {
        if (templatesRoot && /\.(html|txt|xml)$/.test(e.name)) {
          tree.templates.set(relative(templatesRoot, abs).split(sep).join('/'), abs);
        }
        if (PROJECT_FILES.test(e.name)) tree.projectFiles.push(abs);
        if (!languageForPath(e.name)) continue;
        tree.files.push(abs);
        if (e.name.endsWith('.py')) {
          // The folder too: a namespace package (no __init__.py) is importable by its name.
          if (dir !== root) tree.pythonModules.add(dir.split(sep).pop() ?? '');
          if (e.name !== '__init__.py') tree.pythonModules.add(e.name.slice(0, -3));
        }
      }
    }
  };
  walk(root, undefined);
  return tree;
}
