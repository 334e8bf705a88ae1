import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_LOG_OPTIONS, MemoryLog } from '../../../src/core/budget/memoryLog';
import { AGENT_FIXTURES, REPO } from '../../support/agentApp';
import { runCli } from '../../support/cli';
import { startLeakyBot } from '../../support/leakyBot';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mb-log-writers-'));
const writer = path.join(scratch, 'memoryLogWriter.js');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await build({
    entryPoints: [path.resolve(__dirname, '../../support/memoryLogWriter.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
});

/** Runs one writer process (Node's MemoryLog, or the Python agent's); resolves with the log file it wrote. */
function runWriter(
  dir: string,
  name: string,
  events: number,
  maxBytes: number,
  startAt: number,
  runtime: 'node' | 'python' = 'node',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = [dir, name, String(events), String(maxBytes), String(startAt)];
    const child =
      runtime === 'node'
        ? spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('python3', [path.join(AGENT_FIXTURES, 'log_writer.py'), ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, PYTHONPATH: path.join(REPO, 'python') },
          });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`writer ${name} exited ${code}: ${err}`))));
  });
}

/** Every file of the memory log in `dir`, current and rotated, human-readable and JSONL. */
function logFiles(dir: string): { log: string[]; jsonl: string[] } {
  const names = readdirSync(dir);
  return {
    log: names.filter((n) => /^memory_debug(-\d+)?\.log(\.\d+)?$/.test(n)).map((n) => path.join(dir, n)),
    jsonl: names.filter((n) => /^memory_debug(-\d+)?\.jsonl(\.\d+)?$/.test(n)).map((n) => path.join(dir, n)),
  };
}

/** How often each spike target ("<name>-<i>") appears in the logs and in the JSONL records. */
function countTargets(dir: string): { log: Map<string, number>; jsonl: Map<string, number> } {
  const files = logFiles(dir);
  const log = new Map<string, number>();
  for (const file of files.log)
    for (const m of readFileSync(file, 'utf8').matchAll(/MEMORY SPIKE: .*\n {3}(\S+)\n/g)) log.set(m[1]!, (log.get(m[1]!) ?? 0) + 1);
  const jsonl = new Map<string, number>();
  for (const file of files.jsonl)
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const { target } = JSON.parse(line) as { target: string };
      jsonl.set(target, (jsonl.get(target) ?? 0) + 1);
    }
  return { log, jsonl };
}

function expectEachOnce(counts: Map<string, number>, names: string[], events: number): void {
  const missing: string[] = [];
  const doubled: string[] = [];
  for (const name of names)
    for (let i = 0; i < events; i++) {
      const n = counts.get(`${name}-${i}`) ?? 0;
      if (n === 0) missing.push(`${name}-${i}`);
      if (n > 1) doubled.push(`${name}-${i}`);
    }
  expect({ missing: missing.length, doubled: doubled.length, firstMissing: missing.slice(0, 5) }).toEqual({
    missing: 0,
    doubled: 0,
    firstMissing: [],
  });
}

// Each writer writes between one and two times the rotation size: every file it writes rotates once,
// and a rotation that keeps one generation must then lose nothing.
const MAX_BYTES = 32 * 1024;
const EVENTS = 350;

describe('the memory log with several writers in one directory', () => {
  it('three processes writing at once lose no line, in the log or the JSONL, across rotations', async () => {
    const dir = path.join(scratch, 'three-processes');
    const names = ['alpha', 'bravo', 'charlie'];
    const startAt = Date.now() + 1500;
    const written = await Promise.all(names.map((name) => runWriter(dir, name, EVENTS, MAX_BYTES, startAt)));
    const counts = countTargets(dir);
    expectEachOnce(counts.log, names, EVENTS);
    expectEachOnce(counts.jsonl, names, EVENTS);
    // One writer owns memory_debug.log; the others have files of their own, named by pid.
    expect(written.map((f) => path.basename(f)).sort()).toEqual(
      ['memory_debug.log', expect.stringMatching(/^memory_debug-\d+\.log$/), expect.stringMatching(/^memory_debug-\d+\.log$/)].sort(),
    );
    // Every file rotated (so the test says something about rotation), the JSONL too.
    for (const file of written) {
      expect(existsSync(`${file}.1`), `${file}.1`).toBe(true);
      expect(existsSync(`${file.replace(/\.log$/, '.jsonl')}.1`), `${file} JSONL .1`).toBe(true);
    }
    // The others are named in the main log, so whoever opens it finds them.
    const main = readFileSync(path.join(dir, 'memory_debug.log.1'), 'utf8') + readFileSync(path.join(dir, 'memory_debug.log'), 'utf8');
    for (const file of written.filter((f) => path.basename(f) !== 'memory_debug.log')) expect(main).toContain(path.basename(file));
    expect(existsSync(path.join(dir, 'memory_debug.lock'))).toBe(false);
  });

  it('the Python agent keeps the same rules: a Node writer, a Python writer and another Node writer at once', async () => {
    const dir = path.join(scratch, 'node-and-python');
    const writers = [
      { name: 'node1', runtime: 'node' as const },
      { name: 'python', runtime: 'python' as const },
      { name: 'node2', runtime: 'node' as const },
    ];
    const startAt = Date.now() + 2500;
    const written = await Promise.all(writers.map((w) => runWriter(dir, w.name, EVENTS, MAX_BYTES, startAt, w.runtime)));
    const counts = countTargets(dir);
    expectEachOnce(
      counts.log,
      writers.map((w) => w.name),
      EVENTS,
    );
    expectEachOnce(
      counts.jsonl,
      writers.map((w) => w.name),
      EVENTS,
    );
    expect(written.filter((f) => path.basename(f) === 'memory_debug.log')).toHaveLength(1);
    for (const file of written) expect(existsSync(`${file}.1`), `${file}.1`).toBe(true);
    expect(existsSync(path.join(dir, 'memory_debug.lock'))).toBe(false);
  });

  it('two targets watched by one process share the files and lose no line at rotation', () => {
    const dir = path.join(scratch, 'one-process');
    const options = { ...DEFAULT_MEMORY_LOG_OPTIONS, maxBytes: MAX_BYTES };
    const logs = [new MemoryLog(dir, 'first target', options), new MemoryLog(dir, 'second target', options)];
    // Together as much as one writer above: the shared file rotates once.
    const perTarget = EVENTS / 2;
    for (let i = 0; i < perTarget; i++)
      logs.forEach((log, k) =>
        log.event(`${k === 0 ? 'first' : 'second'}-${i}`, {
          type: 'spike',
          time: Date.now(),
          deltaBytes: 1024 * 1024,
          rssBytes: 100 * 1024 * 1024,
        }),
      );
    logs.forEach((log) => log.close());
    const counts = countTargets(dir);
    expectEachOnce(counts.log, ['first', 'second'], perTarget);
    expectEachOnce(counts.jsonl, ['first', 'second'], perTarget);
    expect(
      logFiles(dir)
        .log.map((f) => path.basename(f))
        .sort(),
    ).toEqual(['memory_debug.log', 'memory_debug.log.1']);
  });

  it('a lock left by a process that is gone, or by a pid given to another process since, is taken over', () => {
    for (const [name, holder] of [
      ['dead', `${spawnSync(process.execPath, ['-e', '']).pid}\n`],
      // This very process's pid, with a start time it never had: the pid was reused.
      ['reused', `${process.pid} 1\n`],
    ] as const) {
      const dir = path.join(scratch, `stale-${name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'memory_debug.lock'), holder);
      const log = new MemoryLog(dir, name, DEFAULT_MEMORY_LOG_OPTIONS);
      expect(path.basename(log.file), name).toBe('memory_debug.log');
      expect(readFileSync(path.join(dir, 'memory_debug.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
      log.close();
      expect(existsSync(path.join(dir, 'memory_debug.lock'))).toBe(false);
    }
  });

  it('two `watch --log DIR` at once: one writes memory_debug.log, the other its own file, named there', async () => {
    const bot = await startLeakyBot();
    const dir = path.join(scratch, 'two-watches');
    try {
      const watches = await Promise.all(
        [0, 1].map(() => runCli(['watch', bot.webSocketUrl!, '--interval', '200', '--duration', '2', '--log', dir], 30_000)),
      );
      expect(watches.map((w) => w.code)).toEqual([0, 0]);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([
        expect.stringMatching(/^memory_debug-\d+\.jsonl$/),
        expect.stringMatching(/^memory_debug-\d+\.log$/),
        'memory_debug.jsonl',
        'memory_debug.log',
      ]);
      const own = files.find((f) => /^memory_debug-\d+\.log$/.test(f))!;
      expect(readFileSync(path.join(dir, 'memory_debug.log'), 'utf8')).toContain(`ALSO LOGGING: server.js (${bot.webSocketUrl}) — budget`);
      expect(readFileSync(path.join(dir, 'memory_debug.log'), 'utf8')).toContain(`→ ${own}`);
      expect(readFileSync(path.join(dir, own), 'utf8')).toContain('MEMORY DEBUG LOG - server.js');
    } finally {
      await bot.kill();
    }
  });
});
