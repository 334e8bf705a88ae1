// examples/leaky-bot as a real target: started under an inspector on a free port, optionally with
// its load driver, so tests and the demo attach to a process that really leaks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/toolchain.mjs';
import { killProcessTree } from './processTree';

export interface LeakyBot {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly pid: number;
  /** The inspector's ws:// URL, as `Debugger listening on …` prints it. */
  readonly inspectorUrl: string;
  /** host:port of the inspector. */
  readonly inspectorAddress: string;
  stop(): Promise<void>;
}

export interface LoadOptions {
  rps?: number;
  kb?: number;
  durationSeconds?: number;
}

const botDir = join(repoRoot, 'examples', 'leaky-bot');

/** Resolves with the first match of `pattern` on `stream`, or rejects when the process ends first. */
function waitForLine(child: ChildProcess, stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(match);
      }
    };
    stream.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before printing ${pattern}:\n${seen}`));
    });
  });
}

export async function startLeakyBot(): Promise<LeakyBot> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', join(botDir, 'server.js'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) await killProcessTree(child.pid);
  };
  try {
    const [listening, inspector] = await Promise.all([
      waitForLine(child, child.stdout!, /listening on (http:\/\/\S+) pid (\d+)/, 15_000),
      waitForLine(child, child.stderr!, /Debugger listening on (ws:\/\/(\S+?)\/\S+)/, 15_000),
    ]);
    // Keep draining the pipes so the bot never blocks on a full one.
    child.stdout!.resume();
    child.stderr!.resume();
    return { url: listening[1]!, pid: Number(listening[2]), inspectorUrl: inspector[1]!, inspectorAddress: inspector[2]!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts examples/leaky-bot/load.js against `bot`; stop it with the returned function. */
export function startLoad(bot: LeakyBot, options: LoadOptions = {}): () => Promise<void> {
  const args = ['--url', bot.url, '--rps', String(options.rps ?? 5), '--kb', String(options.kb ?? 64)];
  if (options.durationSeconds !== undefined) args.push('--duration', String(options.durationSeconds));
  const child = spawn(process.execPath, [join(botDir, 'load.js'), ...args], { stdio: 'ignore' });
  return async () => {
    if (child.pid !== undefined && child.exitCode === null) await killProcessTree(child.pid);
  };
}
