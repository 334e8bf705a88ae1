import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashedAndRestartedLog, removeAppDirs } from '../../support/agentApp';
import { runCli } from '../../support/cli';
import { startLeakyBot } from '../../support/leakyBot';

afterAll(removeAppDirs);

let dir: string;
let jsonl: string;
let pids: number[];
beforeAll(async () => {
  ({ dir, jsonl, pids } = await crashedAndRestartedLog());
  // Three lines a copy from a server mangled.
  const lines = fs.readFileSync(jsonl, 'utf8').split('\n');
  lines.splice(5, 0, '{"kind":"sample","time":"yesterday"');
  lines.splice(
    9,
    0,
    'Traceback (most recent call last):',
    '{"kind":"event","type":"level","time":1,"from":"ok","to":"bogus","rssBytes":1,"budgetBytes":2}',
  );
  fs.writeFileSync(jsonl, lines.join('\n'));
}, 60_000);

describe('memory-budget report', () => {
  it('summarises each process, its crossings with the operations before them, the restart, and the skipped lines', async () => {
    const result = await runCli(['report', jsonl]);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/— 2 processes, 1 restart, 3 lines skipped \(not a memory log record: line \d+, \d+, \d+\)/);
    const [first, second] = text.split(/\n(?=pid \d+ · )/).slice(1);
    expect(first).toMatch(new RegExp(`^pid ${pids[0]} · bot \\(agent\\) · `));
    expect(first).toMatch(/peak {8}(1[6-9]\d|2\d\d)\.\d MB \(\d+ %\)/);
    expect(first).toContain('ended       no shutdown summary: crashed, killed or still running');
    expect(first).toMatch(
      / {4}\d\d:\d\d:\d\d {2}high [\d.]+ MB \/ 200 MB — before it: Session Created ×\d+ \(sessions: \d+ \| user: user-\d+\)/,
    );
    expect(first).toMatch(/ {4}\d\d:\d\d:\d\d {2}critical [\d.]+ MB \/ 200 MB — before it: Session Created ×\d+/);
    expect(second).toMatch(new RegExp(`^pid ${pids[1]} · bot \\(agent\\)`));
    expect(second).toContain(
      `restart     after pid ${pids[0]}, which ended without a shutdown summary (crash or OOM kill); 1 seen in this log`,
    );
    expect(second).toContain('ended       shutdown (exit)');
  });

  it('reads what `watch --log` writes as well', async () => {
    const bot = await startLeakyBot({ inspect: 'random' });
    try {
      const logDir = path.join(dir, 'from-cli');
      const watch = await runCli([
        'watch',
        `127.0.0.1:${bot.inspectorPort}`,
        '--log',
        logDir,
        '--duration',
        '3',
        '--interval',
        '200',
        '--budget',
        '300',
      ]);
      expect(watch.code).toBe(0);
      const result = await runCli(['report', path.join(logDir, 'memory_debug.jsonl'), '--json']);
      const report = JSON.parse(result.stdout) as {
        processes: Array<{ pid: number; source: string; samples: number; budgetBytes: number }>;
      };
      expect(report.processes).toMatchObject([{ pid: bot.pid, source: 'cli', budgetBytes: 300 * 1024 * 1024 }]);
      expect(report.processes[0].samples).toBeGreaterThan(0);
    } finally {
      await bot.kill();
    }
  });

  it('says plainly when a file holds no records, and exits 1', async () => {
    const junk = path.join(dir, 'junk.jsonl');
    fs.writeFileSync(junk, 'not json\nstill not\n');
    const result = await runCli(['report', junk]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('0 processes, 0 restarts, 2 lines skipped');
    expect((await runCli(['report', path.join(dir, 'missing.jsonl')])).stderr).toContain('no such file');
  });
});
