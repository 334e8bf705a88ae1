import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
export const AGENT_FIXTURES = path.join(REPO, 'test/fixtures/agent');

/**
 * A throwaway app folder whose node_modules/memory-budget is this repository, as after
 * `npm install memory-budget`: `--require memory-budget/agent` and `require('memory-budget/agent')`
 * go through the real package.json `exports`. Needs `npm run build` (dist/agent.js).
 */
const made: string[] = [];

export function makeAppDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-agent-'));
  made.push(dir);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'memory-budget'), 'dir');
  for (const file of fs.readdirSync(AGENT_FIXTURES)) fs.copyFileSync(path.join(AGENT_FIXTURES, file), path.join(dir, file));
  return dir;
}

/** Removes the folders `makeAppDir` made (call after the processes using them have ended). */
export function removeAppDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface AgentRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node [nodeArgs] script [args]` in `dir` with the agent's variables (and a clean MEMORY_BUDGET_* slate). */
export function runNode(dir: string, nodeArgs: string[], script: string, args: string[] = [], env: Record<string, string> = {}): AgentRun {
  return runProcess(process.execPath, [...nodeArgs, script, ...args], dir, env);
}

/** Any command in `dir`, without the outer MEMORY_BUDGET_*, NODE_OPTIONS and PYTHONPATH, plus `env`. */
export function runProcess(command: string, args: string[], dir: string, env: Record<string, string> = {}): AgentRun {
  const inherited = Object.entries(process.env).filter(
    ([k]) => !k.startsWith('MEMORY_BUDGET_') && k !== 'NODE_OPTIONS' && k !== 'PYTHONPATH',
  );
  const child = spawn(command, args, { cwd: dir, env: { ...Object.fromEntries(inherited), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export function readText(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** The file's records; while a writer is appending, its last line may be half there and is left out. */
export function readRecords(file: string): Array<Record<string, unknown>> {
  const lines = readText(file).split('\n');
  const complete = lines.slice(0, -1).filter((line) => line.trim() !== '');
  return complete.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The metrics URL the agent announced in its log (it listens on port 0 in tests). */
export function announcedMetricsUrl(jsonlFile: string): string | undefined {
  const note = readRecords(jsonlFile).find((r) => r.type === 'note' && typeof r.text === 'string' && r.text.startsWith('metrics on '));
  return note ? (note.text as string).slice('metrics on '.length) : undefined;
}

export interface CrashedAndRestartedLog {
  /** The app folder (its .memory-budget holds the log). */
  dir: string;
  jsonl: string;
  /** The crashed process's pid, then its successor's. */
  pids: [number, number];
}

/**
 * A real agent log as it comes off a server: a leaking app (service `bot`, 200 MB budget) killed
 * like an OOM kill once past critical, so without a shutdown summary, then its restart, which
 * marks 20 sessions and exits normally.
 */
export async function crashedAndRestartedLog(): Promise<CrashedAndRestartedLog> {
  const dir = makeAppDir();
  const jsonl = path.join(dir, '.memory-budget', 'memory_debug.jsonl');
  const env = {
    MEMORY_BUDGET_MB: '200',
    MEMORY_BUDGET_INTERVAL_MS: '100',
    MEMORY_BUDGET_JSONL_INTERVAL_MS: '200',
    MEMORY_BUDGET_SERVICE: 'bot',
  };
  const agent = ['--require', 'memory-budget/agent'];
  const first = runNode(dir, agent, 'leaking-app.js', ['--kb', '1024', '--every', '40'], env);
  try {
    const deadline = Date.now() + 30_000;
    while (!readRecords(jsonl).some((r) => r.type === 'level' && r.to === 'critical')) {
      if (Date.now() > deadline || first.child.exitCode !== null)
        throw new Error(`the leaking app never reached critical: ${first.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    first.child.kill('SIGKILL');
    await first.exited;
  }
  const second = runNode(dir, agent, 'leaking-app.js', ['--kb', '256', '--sessions', '20', '--every', '50'], env);
  await second.exited;
  return { dir, jsonl, pids: [first.child.pid!, second.child.pid!] };
}
