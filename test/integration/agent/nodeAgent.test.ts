import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAndWait, waitFor } from '../../support/leakyBot';
import { WATCH_JSON_FIELDS } from '../../support/cli';
import { REPO, makeAppDir, readRecords, readText, removeAppDirs, runNode, type AgentRun } from '../../support/agentApp';

const SAMPLE_FIELDS = [...WATCH_JSON_FIELDS, 'source'];

const runs: AgentRun[] = [];
afterEach(async () => {
  for (const run of runs.splice(0)) await killAndWait(run.child);
});
afterAll(removeAppDirs);

function start(
  dir: string,
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  nodeArgs = ['--require', 'memory-budget/agent'],
) {
  const run = runNode(dir, nodeArgs, script, args, { MEMORY_BUDGET_INTERVAL_MS: '100', MEMORY_BUDGET_JSONL_INTERVAL_MS: '0', ...env });
  runs.push(run);
  return run;
}

describe('the Node agent in a real leaking app', () => {
  it('logs the crossing, a critical block with the last operations and counters, and a summary on SIGTERM', async () => {
    const dir = makeAppDir();
    const logDir = path.join(dir, '.memory-budget');
    // About 25 MB/s from ~45 MB: critical after some 7 s, long enough for a growth figure.
    const run = start(dir, 'leaking-app.js', ['--kb', '1024', '--every', '40'], {
      MEMORY_BUDGET_MB: '240',
      MEMORY_BUDGET_SERVICE: 'leaking-bot',
    });
    const jsonl = path.join(logDir, 'memory_debug.jsonl');
    await waitFor(() => readRecords(jsonl).some((r) => r.type === 'level' && (r.to === 'critical' || r.to === 'over')), 20_000, 'critical');
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    // The app has no SIGTERM handler of its own: it must still die of the signal, as without the agent.
    expect(exit.signal).toBe('SIGTERM');

    const log = readText(path.join(logDir, 'memory_debug.log'));
    expect(log).toContain('MEMORY DEBUG LOG - leaking-bot');
    expect(log).toMatch(/⚠️ HIGH MEMORY: [\d.]+ MB \/ 240 MB/);
    const critical =
      /🚨 (CRITICAL MEMORY - CRASH IMMINENT|OVER BUDGET - OOM KILL LIKELY): [\d.]+ MB \/ 240 MB\nTarget: leaking-bot\n(Latest counters: .*)\nLast (\d) operations before this:\n((?: {2}\d\. .*\n)+)/.exec(
        log,
      );
    expect(critical, log).not.toBeNull();
    expect(critical![3]).toBe('5');
    const operations = critical![4].trimEnd().split('\n');
    expect(operations).toHaveLength(5);
    const marks = operations.filter((line) => /Session Created - [\d.]+ MB - sessions: \d+ \| user: user-\d+/.test(line));
    expect(marks.length).toBeGreaterThanOrEqual(3);
    const sessionsInBlock = marks.map((line) => Number(/sessions: (\d+)/.exec(line)![1]));
    expect(sessionsInBlock).toEqual([...sessionsInBlock].sort((a, b) => a - b));
    // The counters line holds the latest value: that of the last operation listed.
    expect(critical![2]).toBe(`Latest counters: sessions: ${sessionsInBlock.at(-1)} | user: user-${sessionsInBlock.at(-1)}`);

    expect(log).toMatch(
      /🏁 SHUTDOWN SUMMARY \(SIGTERM\) - ran \d+ s\n {3}Peak: [\d.]+ MB \/ 240 MB \(\d+%\) at .*\n {3}Growth: \+[\d.,]+ MB\/h over the run\n {3}Time over warn: \d+ s\n {3}Restarts seen: 0\n/,
    );

    const records = readRecords(path.join(logDir, 'memory_debug.jsonl'));
    const samples = records.filter((r) => r.source === 'agent');
    expect(samples.length).toBeGreaterThan(5);
    for (const s of samples) expect(Object.keys(s)).toEqual(SAMPLE_FIELDS);
    expect(samples[0]).toMatchObject({ target: 'leaking-bot', pid: run.child.pid, budgetBytes: 240 * 1024 * 1024 });
    expect(typeof samples[0].heapLimitBytes).toBe('number');
    const markRecords = records.filter((r) => r.type === 'mark');
    expect(markRecords.length).toBeGreaterThan(5);
    expect(markRecords.at(-1)).toMatchObject({ kind: 'event', target: 'leaking-bot', name: 'Session Created' });
    const shutdown = records.at(-1)!;
    expect(shutdown).toMatchObject({ type: 'shutdown', reason: 'SIGTERM', restarts: 0, budgetBytes: 240 * 1024 * 1024 });
    expect(shutdown.peakRssBytes as number).toBeGreaterThan(0.8 * 240 * 1024 * 1024);
    expect(shutdown.overWarnMs as number).toBeGreaterThan(0);
  });

  it('writes the summary on a normal exit and keeps the exit code', async () => {
    const dir = makeAppDir();
    const run = start(dir, 'leaking-app.js', ['--kb', '64', '--sessions', '8', '--exit-code', '3']);
    expect(await run.exited).toEqual({ code: 3, signal: null });
    const log = readText(path.join(dir, '.memory-budget', 'memory_debug.log'));
    expect(log).toMatch(/🏁 SHUTDOWN SUMMARY \(exit code 3\)/);
    // Without MEMORY_BUDGET_MB or a container limit, auto is 512 MB.
    expect(log).toContain('budget Default — 512 MB');
  });

  it('never keeps a process alive, even serving /metrics', async () => {
    const dir = makeAppDir();
    const started = Date.now();
    const run = start(dir, 'idle.js', [], { MEMORY_BUDGET_METRICS_PORT: '0', MEMORY_BUDGET_INTERVAL_MS: '1000' });
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readText(path.join(dir, '.memory-budget', 'memory_debug.log'))).toContain('SHUTDOWN SUMMARY (exit)');
  });

  it('counts a restart after a crash (no shutdown summary) and says so', async () => {
    const dir = makeAppDir();
    const env = { MEMORY_BUDGET_MB: '512' };
    const first = start(dir, 'leaking-app.js', ['--kb', '64'], env);
    const jsonl = path.join(dir, '.memory-budget', 'memory_debug.jsonl');
    await waitFor(() => readRecords(jsonl).some((r) => r.type === 'mark'), 10_000, 'a mark');
    first.child.kill('SIGKILL'); // an OOM kill leaves no summary
    await first.exited;
    const second = start(dir, 'leaking-app.js', ['--kb', '64', '--sessions', '3'], env);
    expect((await second.exited).code).toBe(0);
    const log = readText(path.join(dir, '.memory-budget', 'memory_debug.log'));
    expect(log).toContain(
      `🔄 TARGET RESTARTED: pid ${first.child.pid} → ${second.child.pid} (leaking-app.js)\nPrevious run ended without a shutdown summary: crash or OOM kill likely`,
    );
    expect(log).toContain('Restarts seen: 1');
    const third = start(dir, 'leaking-app.js', ['--kb', '64', '--sessions', '3'], env);
    await third.exited;
    const restart = readRecords(jsonl).filter((r) => r.type === 'restart');
    expect(restart.map((r) => [r.restarts, r.cleanExit])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('works as an ES import and as node -r ./dist/agent.js from the repository', async () => {
    const dir = makeAppDir();
    const esm = start(dir, 'esm-app.mjs', [], {}, []);
    expect((await esm.exited).code).toBe(0);
    const marks = readRecords(path.join(dir, '.memory-budget', 'memory_debug.jsonl')).filter((r) => r.type === 'mark');
    expect(marks).toMatchObject([{ name: 'Imported', counters: { esm: true } }]);

    const fromRepo = start(REPO, path.join(dir, 'idle.js'), [], { MEMORY_BUDGET_DIR: path.join(dir, 'from-repo') }, [
      '-r',
      './dist/agent.js',
    ]);
    expect((await fromRepo.exited).code).toBe(0);
    expect(readText(path.join(dir, 'from-repo', 'memory_debug.log'))).toContain('MEMORY DEBUG LOG - idle.js');
  });

  it('gives each cluster worker its own file, named by pid, and says in the main log which is which', async () => {
    const dir = makeAppDir();
    const run = start(dir, 'cluster-app.js');
    expect((await run.exited).code).toBe(0);
    const logDir = path.join(dir, '.memory-budget');
    const workerLogs = fs.readdirSync(logDir).filter((f) => /^memory_debug-\d+\.log$/.test(f));
    expect(workerLogs).toHaveLength(2);
    const main = readText(path.join(logDir, 'memory_debug.log'));
    for (const file of workerLogs) {
      const pid = /(\d+)/.exec(file)![1];
      expect(main).toMatch(
        new RegExp(`👷 WORKER STARTED: cluster worker \\d, pid ${pid}, primary pid ${run.child.pid} → ${file.replace('.', '\\.')}`),
      );
      expect(readText(path.join(logDir, file))).toMatch(new RegExp(`MEMORY DEBUG LOG - cluster-app.js \\(cluster worker \\d, pid ${pid}`));
      const marks = readRecords(path.join(logDir, file.replace('.log', '.jsonl'))).filter((r) => r.type === 'mark');
      expect(marks).toHaveLength(1);
    }
  });

  it('turns bad settings into a warning and keeps the app running', async () => {
    const dir = makeAppDir();
    const unwritable = path.join(dir, 'idle.js', 'logs'); // under a file: cannot be created
    const run = start(dir, 'idle.js', [], { MEMORY_BUDGET_MB: 'lots', MEMORY_BUDGET_PRESET: 'render-huge', MEMORY_BUDGET_DIR: unwritable });
    expect((await run.exited).code).toBe(0);
    expect(run.stdout()).toContain('idle pid');
    expect(run.stderr()).toContain('[memory-budget agent] MEMORY_BUDGET_MB=lots is not a number');
    expect(run.stderr()).toContain('MEMORY_BUDGET_PRESET=render-huge is not one of');
    expect(run.stderr()).toContain(`cannot write the memory log in ${unwritable}`);
  });
});
