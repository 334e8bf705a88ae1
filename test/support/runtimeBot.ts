import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runtimeBinary } from '../../scripts/toolchain.mjs';
import { findUp, killAndWait } from './leakyBot';

export type JsRuntime = 'bun' | 'deno';

/** examples/runtime-bot, found by walking up from wherever this helper was loaded (vitest, a bundle). */
const BOT_DIR = findUp(typeof __dirname === 'string' ? __dirname : process.cwd(), path.join('examples', 'runtime-bot', 'app.ts'));

/**
 * The pinned Bun or Deno from the toolchain cache (`npm run prereqs`). In CI a missing runtime fails
 * the run; elsewhere the suites that need it say why they were skipped.
 */
export function runtimeOrSkip(name: JsRuntime): string | undefined {
  const binary = runtimeBinary(name);
  if (binary) return binary;
  const message = `${name} is not installed in the toolchain cache: run \`npm run prereqs\` (or set MEMORY_BUDGET_TOOLCHAIN_DIR)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.warn(`skipping the ${name} tests: ${message}`);
  return undefined;
}

export interface RuntimeBotOptions {
  /**
   * `path`: `--inspect=127.0.0.1:0/runtime-bot` for Bun (Deno: `--inspect=127.0.0.1:0`);
   * `random`: Bun's own random path (`--inspect=127.0.0.1:0`); `none`: no inspector.
   */
  inspect?: 'path' | 'random' | 'none';
  /** Send the runtime's stderr to this file instead of a pipe (a service writing its log). */
  stderrFile?: string;
}

export interface RuntimeBot {
  readonly runtime: JsRuntime;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The bot's HTTP base URL. */
  readonly url: string;
  /** The inspector's WebSocket URL, as the runtime printed it. */
  readonly webSocketUrl?: string;
  readonly inspectorPort?: number;
  /** Keeps `count` more ChatSessions in the never-pruned Map. */
  leak(count: number, user?: string): Promise<number>;
  /** Holds `count` QueuedMessages (about 1 KB each) until `drop()`. */
  hold(count: number): Promise<void>;
  drop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts examples/runtime-bot under Bun or Deno as a real process and waits until it serves. */
export async function startRuntimeBot(runtime: JsRuntime, binary: string, options: RuntimeBotOptions = {}): Promise<RuntimeBot> {
  const inspect = options.inspect ?? 'path';
  const args =
    runtime === 'bun'
      ? [
          ...(inspect === 'none' ? [] : [inspect === 'path' ? '--inspect=127.0.0.1:0/runtime-bot' : '--inspect=127.0.0.1:0']),
          path.join(BOT_DIR, 'bun.ts'),
          '--port',
          '0',
        ]
      : [
          'run',
          ...(inspect === 'none' ? [] : ['--inspect=127.0.0.1:0']),
          '--allow-net=127.0.0.1',
          path.join(BOT_DIR, 'deno.ts'),
          '--port',
          '0',
        ];
  const stderrFd = options.stderrFile ? openSync(options.stderrFile, 'w') : undefined;
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  if (stderrFd !== undefined) closeSync(stderrFd);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (options.stderrFile && existsSync(options.stderrFile)) err = readFileSync(options.stderrFile, 'utf8');
    const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    const ws = /(ws:\/\/127\.0\.0\.1:\d+\/[^\s\x1b]+)/.exec(err);
    if (listening && (inspect === 'none' || ws)) {
      const url = listening[1]!;
      const get = async (route: string) => {
        const res = await fetch(url + route);
        if (!res.ok) throw new Error(`${route} failed: ${res.status}`);
        return (await res.json()) as Record<string, number>;
      };
      return {
        runtime,
        child,
        pid: child.pid!,
        url,
        webSocketUrl: ws?.[1],
        inspectorPort: ws ? Number(new URL(ws[1]!).port) : undefined,
        leak: async (count, user = 'alice') => (await get(`/leak?count=${count}&user=${user}`)).sessions!,
        hold: async (count) => void (await get(`/hold?count=${count}`)),
        drop: async () => void (await get('/drop')),
        kill: () => killAndWait(child, 'SIGKILL'),
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`runtime-bot on ${runtime} did not start:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Alive as /proc says: the process exists and is not a zombie. */
export function aliveInProc(pid: number): boolean {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function vmRssBytes(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}
