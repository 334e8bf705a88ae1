import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../support/cli';
import { killAndWait, LEAKY_BOT, startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';
import { writeSnapshotOf } from '../heap/helpers';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mb-output-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a terminal acts on: ESC, BEL, CR, C1's CSI. None may reach it from a target or a file. */
const TERMINAL_CONTROLS = /[\x1b\x07\r\x9b]/;
const TITLE_ESCAPE = '\x1b]0;pwned\x07\x1b[2J\x9b31m';
const ESCAPED = '\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m';

describe('piped output', () => {
  let big: string;
  beforeAll(() => {
    // Thousands of classes: `summary --json` prints some 400 KB, far more than a pipe holds.
    big = path.join(scratch, 'many-classes.heapsnapshot');
    writeSnapshotOf(
      "globalThis.kept = Array.from({ length: 6000 }, (_, i) => new (new Function('return class Klass' + i + ' {}')())());",
      big,
    );
  });

  it('summary --json | cat delivers every byte: valid JSON, all the classes', () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" summary "${big}" --json | cat`], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
      timeout: 120_000,
    });
    expect(piped.status).toBe(0);
    expect(piped.stdout.length).toBeGreaterThan(256 * 1024);
    const { rows } = JSON.parse(piped.stdout) as { rows: { name: string }[] };
    expect(rows.filter((r) => /^Klass\d+$/.test(r.name))).toHaveLength(6000);
  });

  it('watch … | head -2 ends quietly when head has its lines', async () => {
    const bot = await startLeakyBot();
    try {
      const piped = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" "${CLI}" watch ${bot.webSocketUrl} --interval 100 | head -2; echo "watch exit \${PIPESTATUS[0]}" >&2`,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(piped.stdout.trim().split('\n')).toHaveLength(2);
      expect(piped.stderr).not.toMatch(/EPIPE|^\s+at /m);
      expect(piped.stderr.trim()).toBe('watch exit 0');
    } finally {
      await bot.kill();
    }
  });
});

describe('text from a target or a file never reaches the terminal raw', () => {
  let bot: RunningBot;
  let child: ReturnType<typeof spawn>;
  beforeAll(async () => {
    // A script whose file name and argument carry a title-setting OSC, a screen clear and C1's CSI.
    const script = path.join(scratch, `bot${TITLE_ESCAPE}.js`);
    copyFileSync(LEAKY_BOT, script);
    child = spawn(process.execPath, ['--inspect=127.0.0.1:0', script, '--port', '0', TITLE_ESCAPE], {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: path.dirname(LEAKY_BOT),
    });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const url = await waitFor(() => /Debugger listening on (ws:\/\/\S+)/.exec(err)?.[1], 15_000, 'the inspector');
    bot = { pid: child.pid!, webSocketUrl: url, inspectorPort: Number(new URL(url).port) } as RunningBot;
  });
  afterAll(() => killAndWait(child));

  it('targets prints the command line with its controls escaped', async () => {
    const { code, stdout } = await runCli(['targets', '--ports', String(bot.inspectorPort)]);
    expect(code).toBe(0);
    const line = stdout.split('\n').find((l) => l.includes(`pid ${bot.pid}`));
    expect(line).toContain(ESCAPED);
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
  });

  it('watch and check print the script name escaped', async () => {
    const watch = await runCli(['watch', `127.0.0.1:${bot.inspectorPort}`, '--once']);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain(`bot${ESCAPED}.js`);
    expect(watch.stdout).not.toMatch(TERMINAL_CONTROLS);
    const check = await runCli(['check', `127.0.0.1:${bot.inspectorPort}`, '--budget', '4096']);
    expect(check.stdout).toContain(`bot${ESCAPED}.js`);
    expect(check.stdout).not.toMatch(TERMINAL_CONTROLS);
  });

  it('--json stays valid and equal: the escapes are JSON escapes of the same characters', async () => {
    const { stdout } = await runCli(['targets', '--ports', String(bot.inspectorPort), '--json']);
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
    const { targets } = JSON.parse(stdout) as { targets: { pid?: number; command?: string }[] };
    expect(targets.find((t) => t.pid === bot.pid)?.command).toContain(TITLE_ESCAPE);
  });

  it('summary prints class names from a snapshot escaped', async () => {
    const file = path.join(scratch, 'escapes.heapsnapshot');
    writeSnapshotOf(
      `globalThis.kept = Array.from({ length: 500 }, (_, i) => ({ [${JSON.stringify(TITLE_ESCAPE)}]: new Array(100).fill(i) }));`,
      file,
    );
    const { code, stdout } = await runCli(['summary', file, '--top', '15']);
    expect(code).toBe(0);
    expect(stdout).toContain(`{${ESCAPED}}`);
    expect(stdout).not.toMatch(TERMINAL_CONTROLS);
  });
});

describe('long times', () => {
  it('--duration past 24.8 days keeps watching (setTimeout would fire at once)', async () => {
    const bot = await startLeakyBot();
    const watch = spawn(process.execPath, [CLI, 'watch', bot.webSocketUrl!, '--interval', '200', '--duration', String(30 * 86_400)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      watch.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      let err = '';
      watch.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      await waitFor(() => out.split('\n').length > 5, 20_000, 'several samples');
      expect(watch.exitCode).toBeNull();
      const exited = new Promise<number | null>((resolve) => watch.once('exit', resolve));
      watch.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(err).not.toMatch(/TimeoutOverflowWarning/);
    } finally {
      await killAndWait(watch);
      await bot.kill();
    }
  });

  it('an --interval no timer can wait is refused, not sampled in a busy loop', async () => {
    const { code, stderr } = await runCli(['watch', '127.0.0.1:9', '--interval', String(30 * 86_400_000)]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--interval must be at most 2147483647/);
  });
});
