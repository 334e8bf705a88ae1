import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli';
import { startInspectedScript, type InspectedScript } from '../../support/inspectedScript';

interface Row {
  url: string;
  file: string | null;
  line: number;
  column: number;
  functionName: string;
  liveBytes: number;
  growthBytesPerHour: number | null;
}

/** The 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

async function allocations(target: InspectedScript, ...args: string[]): Promise<Row[]> {
  const result = await runCli(['allocations', target.webSocketUrl, '--duration', '6', '--json', ...args], 60_000);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const out = JSON.parse(result.stdout) as { rows: Row[] };
  expect(Object.keys(out)).toEqual(['rows']);
  for (const row of out.rows)
    expect(Object.keys(row)).toEqual(['url', 'file', 'line', 'column', 'functionName', 'liveBytes', 'growthBytesPerHour']);
  const live = out.rows.map((r) => r.liveBytes);
  expect(live).toEqual([...live].sort((a, b) => b - a));
  return out.rows;
}

/** Within a describe block: a fresh folder, the program `build` writes into it (returning the script to run) running for the block. */
function runningTarget(prefix: string, build: (dir: string) => string): { dir: string; target: InspectedScript } {
  const running = {} as { dir: string; target: InspectedScript };
  beforeAll(async () => {
    running.dir = mkdtempSync(join(tmpdir(), prefix));
    running.target = await startInspectedScript(build(running.dir));
  });
  afterAll(async () => {
    await running.target?.kill();
    rmSync(running.dir, { recursive: true, force: true });
  });
  return running;
}

// The program keeps orders in a module-level array (the leak) and throws parsed JSON away (churn).
const JS_TARGET = `'use strict';
const kept = [];
function keepOrders(n) {
  for (let i = 0; i < n; i++) kept.push({ id: i, note: 'order-' + i + '-' + Date.now(), lines: [i, i + 1, i + 2] });
}
function churn() {
  return JSON.parse(JSON.stringify({ values: new Array(2000).fill(7) })).values.length;
}
setInterval(() => {
  keepOrders(1500);
  churn();
}, 50);
process.stdout.write('ready\\n');
`;

describe('memory-budget allocations on a real JavaScript target', () => {
  const running = runningTarget('mb-alloc-js-', (dir) => {
    writeFileSync(join(dir, 'orders.js'), JS_TARGET);
    return join(dir, 'orders.js');
  });
  const scriptOf = () => join(running.dir, 'orders.js');

  it('puts the function that keeps objects alive first, at its file and line, with its growth', async () => {
    const rows = await allocations(running.target);
    const top = rows[0]!;
    expect(top.functionName).toBe('keepOrders');
    expect(top.file).toBe(scriptOf());
    expect(top.line).toBe(lineOf(scriptOf(), 'function keepOrders'));
    // 1-based: V8 reports the function's start (its parameter list) at 0-based column 19.
    expect(top.column).toBe('function keepOrders'.length + 1);
    expect([scriptOf(), `file://${scriptOf()}`]).toContain(top.url);
    // The kept objects pile up: several MB in six seconds, growing.
    expect(top.liveBytes).toBeGreaterThan(2 * 2 ** 20);
    expect(top.growthBytesPerHour).toBeGreaterThan(0);
    // Parsed JSON thrown away at once is not live: churn never outweighs the leak.
    const churn = rows.find((r) => r.functionName === 'churn');
    expect(churn?.liveBytes ?? 0).toBeLessThan(top.liveBytes / 10);
  });

  it('maps a remote root to a local copy of the files', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mb-alloc-copy-'));
    try {
      cpSync(scriptOf(), join(copy, 'orders.js'));
      const rows = await allocations(running.target, '--remote-root', running.dir, '--local-root', copy);
      expect(rows[0]!.file).toBe(join(copy, 'orders.js'));
      expect(rows[0]!.line).toBe(lineOf(scriptOf(), 'function keepOrders'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("says file null, and keeps the URL and the target's line, when the script is not on this machine", async () => {
    const line = lineOf(scriptOf(), 'function keepOrders');
    // As with a target in a container: the path it reports names no file here.
    rmSync(scriptOf());
    const rows = await allocations(running.target);
    expect(rows[0]).toMatchObject({ functionName: 'keepOrders', file: null, line });
    expect(rows[0]!.url).toMatch(/orders\.js$/);
  });
});

const TS_TARGET = `interface Order {
  id: number;
  note: string;
  lines: number[];
}

const kept: Order[] = [];

export class OrderBook {
  private readonly size: number = 0;

  record(count: number): number {
    for (let i = 0; i < count; i++) kept.push({ id: i, note: \`order-\${i}-\${Date.now()}\`, lines: [i, i + 1] });
    return kept.length + this.size;
  }
}

const book = new OrderBook();
setInterval(() => book.record(1500), 50);
process.stdout.write('ready\\n');
`;

describe('memory-budget allocations on a TypeScript target compiled with source maps', () => {
  const running = runningTarget('mb-alloc-ts-', (dir) => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'orderBook.ts'), TS_TARGET);
    // The project's own TypeScript compiles it: tsc's output puts a blank line and a "use strict"
    // prologue above the code, so generated lines and source lines differ.
    execFileSync(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '--outDir',
      join(dir, 'out'),
      '--sourceMap',
      '--target',
      'es2019',
      '--module',
      'commonjs',
      '--strict',
      join(dir, 'src', 'orderBook.ts'),
    ]);
    return join(dir, 'out', 'orderBook.js');
  });
  const sourceOf = () => join(running.dir, 'src', 'orderBook.ts');

  it('names the TypeScript file and line of the allocating method, not the compiled JavaScript', async () => {
    const generated = join(running.dir, 'out', 'orderBook.js');
    expect(lineOf(generated, 'record(count)')).not.toBe(lineOf(sourceOf(), 'record(count: number)'));
    const rows = await allocations(running.target);
    const top = rows[0]!;
    expect(top.functionName).toBe('record');
    expect(top.url).toMatch(/out\/orderBook\.js$/);
    expect(top.file).toBe(sourceOf());
    expect(top.line).toBe(lineOf(sourceOf(), 'record(count: number)'));
  });

  it('follows the source map to the local copy when the target runs elsewhere', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mb-alloc-ts-copy-'));
    try {
      cpSync(running.dir, copy, { recursive: true });
      const rows = await allocations(running.target, '--remote-root', running.dir, '--local-root', copy);
      expect(rows[0]!.file).toBe(join(copy, 'src', 'orderBook.ts'));
      expect(rows[0]!.line).toBe(lineOf(sourceOf(), 'record(count: number)'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('memory-budget allocations on bundled code with an inline source map', () => {
  const running = runningTarget('mb-alloc-bundle-', (dir) => {
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src', 'cache.ts'),
      `export const entries = new Map<string, { body: string; at: number }>();\n\n` +
        `export function remember(from: number, count: number): void {\n` +
        `  for (let n = from; n < from + count; n++) entries.set(String(n), { body: 'payload-' + String(n).repeat(3), at: Date.now() });\n}\n`,
    );
    writeFileSync(
      join(dir, 'src', 'main.ts'),
      `import { remember } from './cache';\n\nlet n = 0;\nsetInterval(() => {\n  remember(n, 1500);\n  n += 1500;\n}, 50);\nprocess.stdout.write('ready\\n');\n`,
    );
    // esbuild puts both modules in one file and the map inline, as a base64 data: URL.
    buildSync({
      entryPoints: [join(dir, 'src', 'main.ts')],
      bundle: true,
      platform: 'node',
      sourcemap: 'inline',
      outfile: join(dir, 'dist', 'bundle.js'),
      logLevel: 'warning',
    });
    return join(dir, 'dist', 'bundle.js');
  });

  it('names the module inside the bundle and its line', async () => {
    const rows = await allocations(running.target);
    const top = rows[0]!;
    expect(top.functionName).toBe('remember');
    expect(top.url).toMatch(/dist\/bundle\.js$/);
    expect(top.file).toBe(join(running.dir, 'src', 'cache.ts'));
    expect(top.line).toBe(lineOf(join(running.dir, 'src', 'cache.ts'), 'export function remember'));
  });
});
