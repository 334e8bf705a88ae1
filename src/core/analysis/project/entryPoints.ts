import { readFileSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { relativePath } from './paths';

/**
 * Where the project's processes start: package.json `main`/`bin`/`scripts.start` (and what the
 * start script runs through `npm run`), Procfile lines, Dockerfile CMD/ENTRYPOINT, Django's
 * manage.py/wsgi.py/asgi.py, the usual Python entry files (main.py, app.py, bot.py…), and the
 * server files of a Next.js app. A frontend dev server (vite, react-scripts) starts no process
 * of ours: what only it loads runs in a browser.
 */

export type ProcessKind = 'node' | 'python' | 'django' | 'next';

export interface ProcessEntry {
  /** What the user would call it: `web (Procfile)`, `npm start`, `Django`. */
  readonly name: string;
  readonly kind: ProcessKind;
  /** Files the process loads first (absolute). */
  readonly files: readonly string[];
  /** Python modules named by dotted path (`conduit.wsgi`, `app.main`), resolved later. */
  readonly modules: readonly string[];
  /** Where it was found, for the ledger: `package.json scripts.start: node backend/server`. */
  readonly source: string;
}

const NODE_RUNNERS = /^(node|nodemon|ts-node|ts-node-dev|tsx|bun|babel-node|node-dev|forever|pm2|esno|esr|swc-node|deno)$/;
const FRONTEND = /^(react-scripts|vite|webpack|webpack-dev-server|parcel|ng|vue-cli-service|astro|expo|react-native|storybook|gatsby)$/;
const PYTHON_ENTRY_NAMES = ['main.py', 'app.py', 'bot.py', 'run.py', 'server.py', '__main__.py', 'wsgi.py', 'asgi.py'];
const NEXT_SERVER_FILE =
  /(^|\/)(src\/)?(app\/.*\/)?(route|page|layout|default|loading|error|not-found|template)\.(t|j)sx?$|(^|\/)(src\/)?pages\/.*\.(t|j)sx?$|(^|\/)(src\/)?middleware\.(t|j)s$/;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Splits a shell command line into its commands and their words (quotes kept together). */
function commandsOf(line: string): string[][] {
  const out: string[][] = [];
  for (const part of line.split(/&&|\|\||;|\|/)) {
    const words = [...part.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    // `concurrently "npm run server" "npm run client"`: each quoted word is a command.
    if (words[0] === 'concurrently' || words[0] === 'npm-run-all' || words[0] === 'run-p') {
      for (const w of words.slice(1)) if (!w.startsWith('-')) out.push(...commandsOf(w));
      continue;
    }
    // `cross-env NODE_ENV=production node x`, `env X=1 node x`, `dotenv -- node x`
    while (words.length > 0 && (/^[A-Z_][A-Z0-9_]*=/.test(words[0]!) || /^(cross-env|env|dotenv|exec|npx|--)$/.test(words[0]!)))
      words.shift();
    if (words.length > 0) out.push(words);
  }
  return out;
}

interface Found {
  files: string[];
  modules: string[];
  kind?: ProcessKind;
  frontend?: boolean;
}

/** What one command runs, for the files of the project at `dir`. */
function interpret(words: readonly string[], dir: string, files: ReadonlySet<string>, scripts: Record<string, string>, depth = 0): Found {
  const found: Found = { files: [], modules: [] };
  const [cmd, ...args] = words;
  if (!cmd) return found;
  const operands = args.filter((a) => !a.startsWith('-'));
  if ((cmd === 'npm' || cmd === 'yarn' || cmd === 'pnpm') && depth < 4) {
    const name = operands[0] === 'run' || operands[0] === 'run-script' ? operands[1] : operands[0];
    const script = name ? scripts[name] : undefined;
    if (script) for (const c of commandsOf(script)) merge(found, interpret(c, dir, files, scripts, depth + 1));
    return found;
  }
  if (FRONTEND.test(cmd)) return { ...found, frontend: true };
  if (cmd === 'next') return operands[0] === 'build' || operands[0] === 'lint' ? found : { ...found, kind: 'next' };
  if (NODE_RUNNERS.test(cmd)) {
    const target = operands.find((o) => !/^(watch|start|run|src|--)$/.test(o) || files.has(join(dir, o)) || /\.\w+$/.test(o));
    const file = target ? sourceFileFor(join(dir, target), files) : undefined;
    if (file) found.files.push(file);
    return found;
  }
  if (/^python[\d.]*$/.test(cmd)) {
    const m = args.indexOf('-m');
    if (m >= 0 && args[m + 1]) found.modules.push(`${args[m + 1]}.__main__`, args[m + 1]!);
    else {
      const file = operands[0] ? sourceFileFor(join(dir, operands[0]), files) : undefined;
      if (file) found.files.push(file);
    }
    if (operands[0] && basename(operands[0]) === 'manage.py') found.kind = 'django';
    return found;
  }
  if (/^(gunicorn|uvicorn|hypercorn|daphne|waitress-serve)$/.test(cmd)) {
    const app = operands.find((o) => /^[\w.]+(:[\w.()]+)?$/.test(o) && o !== 'run');
    if (app) found.modules.push(app.split(':')[0]!);
    return found;
  }
  if (cmd === 'celery') {
    const a = args.findIndex((x) => x === '-A' || x === '--app');
    const app = a >= 0 ? args[a + 1] : args.find((x) => x.startsWith('--app='))?.slice(6);
    if (app) found.modules.push(app.split(':')[0]!);
    return found;
  }
  if (cmd === 'flask' || cmd === 'fastapi') {
    const app = args.find((x) => x.startsWith('--app='))?.slice(6) ?? operands.find((o) => /\.py$/.test(o));
    if (app) found.modules.push(app.replace(/\.py$/, '').replace(/\//g, '.').split(':')[0]!);
  }
  return found;
}

function merge(into: Found, more: Found): void {
  into.files.push(...more.files);
  into.modules.push(...more.modules);
  into.kind ??= more.kind;
  into.frontend ||= more.frontend;
}

/** `dist/index.js` that is not there → `src/index.ts`, the source a build would produce it from. */
function sourceFileFor(path: string, files: ReadonlySet<string>): string | undefined {
  const candidates = [path, `${path}.js`, `${path}.ts`, join(path, 'index.js'), join(path, 'index.ts')];
  const built = /(^|[\\/])(dist|build|lib|out)[\\/]/.exec(path);
  if (built) {
    const src = path.replace(built[0], `${built[1]}src${sep}`);
    candidates.push(src, src.replace(/\.js$/, '.ts'), src.replace(/\.js$/, '.tsx'), `${src}.ts`, join(src, 'index.ts'));
    const flat = path.replace(built[0], built[1] ?? '');
    candidates.push(flat.replace(/\.js$/, '.ts'));
  }
  if (/\.js$/.test(path)) candidates.push(path.replace(/\.js$/, '.ts'));
  return candidates.find((c) => files.has(c));
}

export function findProcesses(root: string, sourceFiles: ReadonlySet<string>, projectFiles: readonly string[]): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  const rel = (f: string) => relativePath(root, f) || '.';
  let anyNodeCommand = false;
  for (const file of projectFiles) {
    const dir = dirname(file);
    const name = basename(file);
    const text = read(file);
    if (text === undefined) continue;
    if (name === 'package.json') {
      let pkg: {
        main?: string;
        bin?: string | Record<string, string>;
        scripts?: Record<string, string>;
        dependencies?: Record<string, string>;
      };
      try {
        pkg = JSON.parse(text) as typeof pkg;
      } catch {
        continue;
      }
      const scripts = pkg.scripts ?? {};
      const found: Found = { files: [], modules: [] };
      let from = '';
      for (const key of ['start', 'serve', 'server', 'dev']) {
        if (!scripts[key]) continue;
        for (const c of commandsOf(scripts[key])) merge(found, interpret(c, dir, sourceFiles, scripts));
        from = `${rel(file)} scripts.${key}: ${scripts[key]}`;
        if (found.files.length > 0 || found.kind || found.frontend) break;
      }
      const isNext = found.kind === 'next' || (pkg.dependencies?.next !== undefined && !found.files.length);
      if (isNext) {
        const server = [...sourceFiles].filter(
          (f) =>
            f.startsWith(dir + sep) &&
            NEXT_SERVER_FILE.test(rel(f).slice(rel(dir) === '.' ? 0 : rel(dir).length + 1)) &&
            !f.includes(`${sep}node_modules${sep}`),
        );
        if (server.length > 0)
          out.push({ name: `Next.js (${rel(dir)})`, kind: 'next', files: server, modules: [], source: `${rel(file)}: next` });
        continue;
      }
      const main = pkg.main ? sourceFileFor(join(dir, pkg.main), sourceFiles) : undefined;
      const bins = typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {});
      const binFiles = bins.map((b) => sourceFileFor(join(dir, b), sourceFiles)).filter((f): f is string => f !== undefined);
      if (found.files.length > 0) {
        anyNodeCommand = true;
        out.push({ name: `npm start (${rel(dir)})`, kind: 'node', files: found.files, modules: found.modules, source: from });
      } else if (!found.frontend && (main || binFiles.length > 0)) {
        anyNodeCommand = true;
        out.push({
          name: `node ${rel(main ?? binFiles[0]!)}`,
          kind: 'node',
          files: [...(main ? [main] : []), ...binFiles],
          modules: [],
          source: `${rel(file)} main/bin`,
        });
      } else if (!found.frontend && !pkg.main && sourceFiles.has(join(dir, 'index.js')) && Object.keys(scripts).length === 0) {
        out.push({
          name: `node ${rel(join(dir, 'index.js'))}`,
          kind: 'node',
          files: [join(dir, 'index.js')],
          modules: [],
          source: `${rel(file)}: index.js`,
        });
      }
    } else if (name === 'Procfile' || name === 'Dockerfile' || name.startsWith('Dockerfile.')) {
      const lines =
        name === 'Procfile'
          ? [...text.matchAll(/^([\w-]+):\s*(.+)$/gm)].map((m) => ({ label: m[1]!, cmd: m[2]! }))
          : [...text.matchAll(/^\s*(CMD|ENTRYPOINT)\s+(.+)$/gim)].map((m) => {
              const raw = m[2]!.trim();
              let cmd = raw;
              if (raw.startsWith('[')) {
                try {
                  cmd = (JSON.parse(raw) as string[]).join(' ');
                } catch {
                  // shell form after all
                }
              }
              return { label: m[1]!.toUpperCase(), cmd };
            });
      for (const { label, cmd } of lines) {
        if (label === 'release') continue;
        const found: Found = { files: [], modules: [] };
        let scripts: Record<string, string> = {};
        try {
          scripts = (JSON.parse(read(join(dir, 'package.json')) ?? '{}') as { scripts?: Record<string, string> }).scripts ?? {};
        } catch {
          // no package.json beside it
        }
        for (const c of commandsOf(cmd)) merge(found, interpret(c, dir, sourceFiles, scripts));
        if (found.files.length === 0 && found.modules.length === 0) continue;
        const kind: ProcessKind =
          found.kind ?? (found.files.some((f) => f.endsWith('.py')) || found.modules.length > 0 ? 'python' : 'node');
        if (kind === 'node') anyNodeCommand = true;
        out.push({
          name: `${label} (${name === 'Procfile' ? 'Procfile' : rel(file)})`,
          kind,
          files: found.files,
          modules: found.modules,
          source: `${rel(file)}: ${cmd}`,
        });
      }
    }
  }
  // Django: manage.py runs the settings, every installed app and the URL conf.
  for (const f of sourceFiles) {
    if (basename(f) !== 'manage.py') continue;
    const wsgi = [...sourceFiles].filter((g) => /[\\/](wsgi|asgi)\.py$/.test(g) && g.startsWith(dirname(f) + sep));
    out.push({ name: `Django (${rel(f)})`, kind: 'django', files: [f, ...wsgi], modules: [], source: rel(f) });
  }
  if (!out.some((p) => p.kind === 'python' || p.kind === 'django')) {
    const entries = [...sourceFiles].filter((f) => {
      if (!PYTHON_ENTRY_NAMES.includes(basename(f))) return false;
      const r = rel(f).split('/');
      return (
        PYTHON_ENTRY_NAMES.includes(r[r.length - 1]!) &&
        r.length <= 2 &&
        !(r.length === 2 && /^(tests?|scripts|docs|examples?)$/.test(r[0]!))
      );
    });
    for (const e of entries) out.push({ name: `python ${rel(e)}`, kind: 'python', files: [e], modules: [], source: rel(e) });
  }
  if (!anyNodeCommand && !out.some((p) => p.kind === 'node' || p.kind === 'next')) {
    for (const n of [
      'index.js',
      'server.js',
      'app.js',
      'bot.js',
      'main.js',
      'src/index.ts',
      'src/index.js',
      'src/server.ts',
      'src/main.ts',
      'src/bot.ts',
      'index.ts',
      'bot.ts',
    ]) {
      const f = join(root, n);
      if (sourceFiles.has(f)) {
        out.push({ name: `node ${n}`, kind: 'node', files: [f], modules: [], source: n });
        break;
      }
    }
  }
  return out;
}
