import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
