import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { relativePath } from './paths';

/**
 * Resolves module references to the project's own files, without touching the disk beyond the
 * tsconfig files: relative JS/TS specifiers (with the usual extensions and index files, and
 * `./x.js` naming `x.ts`), tsconfig/jsconfig `paths` and `baseUrl`, and Python modules (absolute
 * against the source roots, relative by their dots), with the package `__init__.py` files that
 * importing a submodule runs.
 */

const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

interface PathAlias {
  readonly prefix: string;
  readonly suffix: string;
  readonly wildcard: boolean;
  readonly targets: readonly string[];
}

interface JsConfig {
  readonly dir: string;
  readonly baseUrl?: string;
  readonly aliases: readonly PathAlias[];
}

/** tsconfig.json is JSON with comments and trailing commas. */
export function parseJsonc(text: string): unknown {
  const noComments = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, str: string | undefined) => str ?? '');
  return JSON.parse(noComments.replace(/,(\s*[}\]])/g, '$1'));
}

function readJsConfig(file: string): JsConfig | undefined {
  try {
    const json = parseJsonc(readFileSync(file, 'utf8')) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
    const dir = dirname(file);
    const options = json.compilerOptions ?? {};
    const base = options.baseUrl !== undefined ? resolve(dir, options.baseUrl) : undefined;
    const aliases = Object.entries(options.paths ?? {}).map(([pattern, targets]): PathAlias => {
      const star = pattern.indexOf('*');
      return {
        prefix: star < 0 ? pattern : pattern.slice(0, star),
        suffix: star < 0 ? '' : pattern.slice(star + 1),
        wildcard: star >= 0,
        targets: targets.map((t) => resolve(base ?? dir, t)),
      };
    });
    return { dir, baseUrl: base, aliases };
  } catch {
    return undefined;
  }
}

export class ModuleResolver {
  private readonly jsConfigs: JsConfig[];
  /** Every folder that holds a source file, at any depth. */
  private readonly dirs = new Set<string>();

  constructor(
    private readonly files: ReadonlySet<string>,
    configFiles: readonly string[],
    /** Folders Python's absolute imports are looked up in, best first. */
    private readonly pythonRoots: readonly string[],
  ) {
    this.jsConfigs = configFiles
      .map(readJsConfig)
      .filter((c): c is JsConfig => c !== undefined)
      .sort((a, b) => b.dir.length - a.dir.length);
    for (const f of files) {
      for (let d = dirname(f); !this.dirs.has(d) && dirname(d) !== d; d = dirname(d)) this.dirs.add(d);
    }
  }

  private fileFor(base: string): string | undefined {
    if (this.files.has(base)) return base;
    const jsToTs = /\.(m|c)?js$/.exec(base);
    if (jsToTs) {
      const stem = base.slice(0, -jsToTs[0].length);
      for (const ext of ['.ts', '.tsx', '.mts', '.cts']) if (this.files.has(stem + ext)) return stem + ext;
    }
    for (const ext of JS_EXTENSIONS) if (this.files.has(base + ext)) return base + ext;
    for (const ext of JS_EXTENSIONS) if (this.files.has(join(base, `index${ext}`))) return join(base, `index${ext}`);
    return undefined;
  }

  /** `./commands/*`: every JS/TS module directly in that folder (a folder loader's `require` of each). */
  resolveJsFolder(fromFile: string, specifier: string): string[] {
    const dir = resolve(dirname(fromFile), specifier.slice(0, -2));
    const out: string[] = [];
    for (const f of this.files) if (dirname(f) === dir && f !== fromFile && /\.(c|m)?[jt]sx?$/.test(f) && !f.endsWith('.d.ts')) out.push(f);
    return out.sort();
  }

  /** A JS/TS specifier from `fromFile` → the project file it loads, if it is one. */
  resolveJs(fromFile: string, specifier: string): string | undefined {
    if (specifier.startsWith('.')) return this.fileFor(resolve(dirname(fromFile), specifier));
    if (specifier.startsWith('/')) return this.fileFor(specifier);
    const config = this.jsConfigs.find((c) => fromFile.startsWith(c.dir + sep));
    if (!config) return undefined;
    for (const a of config.aliases) {
      if (!specifier.startsWith(a.prefix) || !specifier.endsWith(a.suffix)) continue;
      if (!a.wildcard && specifier !== a.prefix) continue;
      const middle = a.wildcard ? specifier.slice(a.prefix.length, specifier.length - a.suffix.length) : '';
      for (const t of a.targets) {
        const hit = this.fileFor(a.wildcard ? t.replace('*', middle) : t);
        if (hit) return hit;
      }
    }
    return config.baseUrl ? this.fileFor(join(config.baseUrl, specifier)) : undefined;
  }

  /** Files a Python import runs: the packages' `__init__.py` on the way and the module itself; [] when it is not the project's. */
  private pythonFiles(baseDir: string, parts: readonly string[]): string[] {
    const out: string[] = [];
    let dir = baseDir;
    for (const [i, part] of parts.entries()) {
      const next = join(dir, part);
      const init = join(next, '__init__.py');
      if (this.files.has(init)) out.push(init);
      if (i === parts.length - 1) {
        if (this.files.has(init)) return out;
        if (this.files.has(`${next}.py`)) return [...out, `${next}.py`];
        // A namespace package (a folder without __init__.py) is the project's too.
        return this.dirs.has(next) && out.length > 0 ? out : this.dirs.has(next) ? [init].filter((f) => this.files.has(f)) : [];
      }
      if (!this.dirs.has(next)) return [];
      dir = next;
    }
    return out;
  }

  /**
   * A Python import from `fromFile` → the project files it runs. `names` are those of
   * `from X import a, b`: when `X/a.py` exists, `a` is a submodule and runs too.
   */
  resolvePython(fromFile: string, specifier: string, names: readonly string[] = []): string[] {
    const dots = /^\.*/.exec(specifier)![0].length;
    const rest = specifier.slice(dots);
    const parts = rest ? rest.split('.') : [];
    let bases: string[];
    if (dots > 0) {
      let base = dirname(fromFile);
      for (let i = 1; i < dots; i++) base = dirname(base);
      bases = [base];
    } else {
      bases = [...this.pythonRoots];
    }
    for (const base of bases) {
      const found = parts.length > 0 ? this.pythonFiles(base, parts) : [];
      const dir = join(base, ...parts);
      const subs = names.flatMap((n) => {
        const file = join(dir, `${n}.py`);
        const pkg = join(dir, n, '__init__.py');
        return this.files.has(file) ? [file] : this.files.has(pkg) ? [pkg] : [];
      });
      if (found.length > 0 || subs.length > 0) return [...found, ...subs];
    }
    return [];
  }

  /** `conduit.apps.core.exceptions.handler` → the longest prefix that is a module of the project. */
  resolveDotted(dotted: string): string[] {
    const parts = dotted.split('.');
    for (let n = parts.length; n > 0; n--) {
      for (const base of this.pythonRoots) {
        const found = this.pythonFiles(base, parts.slice(0, n));
        if (found.length > 0) return found;
      }
    }
    return [];
  }
}

/** Where absolute Python imports start: the root, `src/`, folders holding manage.py or an entry file. */
export function pythonRoots(root: string, files: Iterable<string>, entryFiles: readonly string[]): string[] {
  const roots = new Set<string>([root]);
  for (const e of entryFiles) if (e.endsWith('.py')) roots.add(dirname(e));
  for (const f of files) {
    if (f.endsWith(`${sep}manage.py`)) roots.add(dirname(f));
    const rel = relativePath(root, f).split('/');
    if (rel[0] === 'src' && rel.length > 1) roots.add(join(root, 'src'));
  }
  return [...roots];
}
