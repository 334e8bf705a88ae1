// Bundles the extension (CommonJS, `vscode` external), the CLI, workers and the webview scripts.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

/** Node-side entry points; later features add theirs here. */
const nodeEntries = [
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/core/analysis/analysisWorker.ts', out: 'workers/analysisWorker' },
  { in: 'src/core/heap/worker.ts', out: 'workers/heapWorker' },
  { in: 'src/core/heap/digestWorker.ts', out: 'workers/digestWorker' },
  { in: 'src/core/heap/edgeWorker.ts', out: 'workers/edgeWorker' },
].filter((e) => existsSync(e.in));

/** Browser-side (webview) entry points: dist/media/<out>.js and .css, the bundles src/webview/pages.ts names. */
const webEntries = [
  { in: 'media/chart/main.ts', out: 'chart' },
  { in: 'media/heap/heapView.ts', out: 'heap' },
].filter((e) => existsSync(e.in));

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
function repositoryUrl(repository) {
  const url = (typeof repository === 'string' ? repository : (repository?.url ?? '')).replace(/^git\+/, '').replace(/\.git$/, '');
  return /^https:\/\//.test(url) && !/\.invalid(\/|$)/.test(url) ? url : '';
}

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    define: {
      VERSION: JSON.stringify(manifest.version),
      // SARIF's informationUri: the project's own repository, never a placeholder.
      REPOSITORY_URL: JSON.stringify(repositoryUrl(manifest.repository)),
    },
  },
];
// The agent runs inside production apps: its own small bundle, no dependencies, no source map.
if (existsSync('src/agent/index.ts')) {
  builds.push({
    ...common,
    entryPoints: [{ in: 'src/agent/index.ts', out: 'agent' }],
    outdir: 'dist',
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    sourcemap: false,
    minifySyntax: true,
    minifyWhitespace: true,
  });
}
if (webEntries.length > 0) {
  builds.push({
    ...common,
    entryPoints: webEntries,
    outdir: 'dist/media',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    loader: { '.css': 'css' },
  });
}

/**
 * Tree-sitter's runtime and the grammars ship inside the extension (dist/grammars, kept by
 * .vscodeignore): nothing is downloaded at run time. web-tree-sitter 0.22.x matches the ABI of
 * the tree-sitter-wasms 0.1.x grammars (newer runtimes reject them).
 */
function copyGrammars() {
  mkdirSync('dist/grammars', { recursive: true });
  copyFileSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/grammars/tree-sitter.wasm');
  for (const lang of ['python', 'javascript', 'typescript', 'tsx']) {
    copyFileSync(`node_modules/tree-sitter-wasms/out/tree-sitter-${lang}.wasm`, `dist/grammars/tree-sitter-${lang}.wasm`);
  }
}
copyGrammars();

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
