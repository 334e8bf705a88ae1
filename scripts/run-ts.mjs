#!/usr/bin/env node
// Runs a TypeScript entry point of the test harness or the demo on the machine's Node 20, which
// cannot run TypeScript itself: esbuild bundles the entry (packages stay external, resolved from
// node_modules at run time) to out/harness/ and the bundle is imported.
//   node scripts/run-ts.mjs <entry.ts> [args…]
import { build } from 'esbuild';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './toolchain.mjs';

/** Bundles `entry` (relative to the repo) and runs it with `args` as its process.argv tail. */
export async function runTypeScript(entry, args = []) {
  const outfile = join(repoRoot, 'out', 'harness', `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  await build({
    entryPoints: [resolve(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  process.argv = [process.argv[0], outfile, ...args];
  await import(pathToFileURL(outfile).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write('usage: node scripts/run-ts.mjs <entry.ts> [args…]\n');
    process.exit(2);
  }
  await runTypeScript(entry, args);
}
