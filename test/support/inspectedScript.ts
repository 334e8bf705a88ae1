import { spawn, type ChildProcess } from 'node:child_process';
import { killAndWait } from './leakyBot';

export interface InspectedScript {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly webSocketUrl: string;
  /** Lines the script printed so far. */
  output(): string;
  kill(): Promise<void>;
}

/**
 * Runs `node --inspect=127.0.0.1:0 <file> ...args` and resolves once the inspector listens and
 * the script has printed `ready` (scripts print it when their setup is done).
 */
export async function startInspectedScript(file: string, args: string[] = [], nodeArgs: string[] = []): Promise<InspectedScript> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...nodeArgs, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ws = /Debugger listening on (ws:\/\/\S+)/.exec(err)?.[1];
    if (ws && /^ready$/m.test(out)) {
      return { child, pid: child.pid!, webSocketUrl: ws, output: () => out, kill: () => killAndWait(child) };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${file} did not start:\n${out}\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
