import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { existsSync } from 'node:fs';

// This helper runs from vitest, from an ESM bundle (the demo) and from a CommonJS bundle in
// the extension host, so it finds the example by walking up from wherever it was loaded.
const BOT_DIR = findUp(typeof __dirname === 'string' ? __dirname : process.cwd(), path.join('examples', 'leaky-bot', 'server.js'));
export const LEAKY_BOT = path.join(BOT_DIR, 'server.js');

export interface RunningBot {
  child: ChildProcess;
  pid: number;
  /** The bot's HTTP base URL. */
  url: string;
  /** Inspector port, when started with one. */
  inspectorPort?: number;
  webSocketUrl?: string;
  /** Leaks `count` sessions of `kb` KB each. */
  leak(count: number, kb?: number): Promise<void>;
  stats(): Promise<{ sessions: number; memory: { rss: number; heapUsed: number } }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts examples/leaky-bot as a real child process and waits until it listens (and, with an
 * inspector, until Node has printed its WebSocket URL).
 */
export async function startLeakyBot(options: { inspect?: 'none' | 'random' | number; args?: string[] } = {}): Promise<RunningBot> {
  const inspect = options.inspect ?? 'random';
  const execArgv = inspect === 'none' ? [] : [`--inspect=127.0.0.1:${inspect === 'random' ? 0 : inspect}`];
  const child = spawn(process.execPath, [...execArgv, LEAKY_BOT, '--port', '0', ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    const ws = /Debugger listening on (ws:\/\/[^\s]+)/.exec(err);
    if (listening && (inspect === 'none' || ws)) {
      const wsUrl = ws?.[1];
      const url = listening[1];
      const bot: RunningBot = {
        child,
        pid: child.pid!,
        url,
        webSocketUrl: wsUrl,
        inspectorPort: wsUrl ? Number(new URL(wsUrl).port) : undefined,
        async leak(count, kb = 256) {
          const res = await fetch(`${url}/session?count=${count}&kb=${kb}`);
          if (!res.ok) throw new Error(`leak request failed: ${res.status}`);
        },
        async stats() {
          return (await (await fetch(`${url}/stats`)).json()) as Awaited<ReturnType<RunningBot['stats']>>;
        },
        kill: (signal = 'SIGKILL') => killAndWait(child, signal),
      };
      return bot;
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`leaky-bot did not start: ${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts examples/leaky-bot/load.js against `bot`; the returned function stops it. */
export function startLoad(bot: RunningBot, options: { rps?: number; kb?: number; durationSeconds?: number } = {}): () => Promise<void> {
  const args = ['--url', bot.url, '--rps', String(options.rps ?? 5), '--kb', String(options.kb ?? 64)];
  if (options.durationSeconds !== undefined) args.push('--duration', String(options.durationSeconds));
  const child = spawn(process.execPath, [path.join(BOT_DIR, 'load.js'), ...args], { stdio: 'ignore' });
  return () => killAndWait(child, 'SIGTERM');
}

export function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A port that was free a moment ago (for a target that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitFor<T>(
  probe: () => T | null | undefined | Promise<T | null | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The folder above `start` that holds `relative`'s folder (examples are found from wherever a helper runs). */
export function findUp(start: string, relative: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, relative))) return path.join(dir, path.dirname(relative));
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${start}`);
  }
}
