import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = resolve(__dirname, '../../..');

export function tempDir(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mb-heap-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `body` in a fresh Node process and writes a heap snapshot of it to `file` with
 * v8.writeHeapSnapshot; `body` keeps what it builds reachable in `globalThis.kept`.
 */
export function writeSnapshotOf(body: string, file: string): void {
  const script = `${body}\nrequire('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`;
  execFileSync(process.execPath, ['-e', script], { stdio: 'pipe', timeout: 30_000 });
}

/**
 * One Node process writes three snapshots (so object ids are shared): 10 `Order`s in the Map
 * `pending`, then 300 more, then 100 more. `class Order` is on line 3 of the script it runs.
 */
export function writeOrderLeakSnapshots(dir: string): { files: string[]; script: string } {
  const files = [1, 2, 3].map((i) => join(dir, `s${i}.heapsnapshot`));
  const script = join(dir, 'leak.js');
  writeFileSync(
    script,
    `
      const v8 = require('node:v8');
      class Order { constructor(i) { this.id = i; this.lines = [i, i + 1]; } }
      const pending = new Map();
      const leak = (n) => { for (let i = 0; i < n; i++) pending.set(pending.size, new Order(pending.size)); };
      leak(10); v8.writeHeapSnapshot(${JSON.stringify(files[0])});
      leak(300); v8.writeHeapSnapshot(${JSON.stringify(files[1])});
      leak(100); v8.writeHeapSnapshot(${JSON.stringify(files[2])});`,
  );
  execFileSync(process.execPath, [script], { stdio: 'pipe', timeout: 30_000 });
  return { files, script };
}

export interface LeakyBot {
  readonly process: ChildProcess;
  readonly webSocketUrl: string;
  get(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts examples/leaky-bot with an inspector on a free loopback port. */
export async function startLeakyBot(): Promise<LeakyBot> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(repoRoot, 'examples/leaky-bot/server.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lineMatching = (stream: NodeJS.ReadableStream, re: RegExp) =>
    new Promise<RegExpExecArray>((resolveLine, reject) => {
      const rl = createInterface({ input: stream });
      rl.on('line', (line) => {
        const m = re.exec(line);
        if (m) resolveLine(m);
      });
      child.once('exit', (code) => reject(new Error(`leaky-bot exited early (${code})`)));
    });
  const [http, ws] = await Promise.all([lineMatching(child.stdout!, /listening on (http:\/\/\S+)/), lineMatching(child.stderr!, /(ws:\/\/\S+)/)]);
  const base = http[1]!;
  return {
    process: child,
    webSocketUrl: ws[1]!,
    get: async (path) => (await fetch(base + path)).json(),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
