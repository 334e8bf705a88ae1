import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureHeapSnapshot, uniqueSnapshotPath } from '../../../src/core/heap/capture';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { CdpSession } from '../../../src/core/inspector/cdpSession';
import { CLI, runCli } from '../../support/cli';
import { startLeakyBot, waitFor, type RunningBot } from '../../support/leakyBot';
import { tempDir } from './helpers';

const partials = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.partial'));

describe('snapshot files are written safely', () => {
  let tmp: ReturnType<typeof tempDir>;
  let bot: RunningBot;

  beforeEach(async () => {
    tmp = tempDir();
    bot = await startLeakyBot();
    // A heap big enough that the snapshot arrives in many chunks.
    for (let i = 0; i < 3; i++) await bot.leak(10_000, 0);
  });
  afterEach(async () => {
    await bot.kill();
    tmp.dispose();
  });

  it('a symlink planted where the temporary file used to go is not followed', async () => {
    const victim = join(tmp.dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const file = join(tmp.dir, 'snap.heapsnapshot');
    // The name a capture from this process would once have written through.
    symlinkSync(victim, join(tmp.dir, `.snap.heapsnapshot.${process.pid}.partial`));
    const session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
    try {
      const result = await captureHeapSnapshot({ session, file });
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(HeapGraph.load(result.file).info().fileBytes).toBe(result.bytes);
    } finally {
      await session.close();
    }
  });

  it('a symlink planted at the destination is neither followed nor replaced', async () => {
    const victim = join(tmp.dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    const file = join(tmp.dir, 'snap.heapsnapshot');
    symlinkSync(victim, file);
    const session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
    try {
      const result = await captureHeapSnapshot({ session, file });
      expect(result.file).toBe(join(tmp.dir, 'snap-2.heapsnapshot'));
      expect(readFileSync(victim, 'utf8')).toBe('precious');
    } finally {
      await session.close();
    }
  });

  it('two captures at once under one name end up at two paths, both complete', async () => {
    const file = uniqueSnapshotPath(tmp.dir, 'leaky bot');
    const sessions = await Promise.all([1, 2].map(() => CdpSession.connect({ webSocketUrl: bot.webSocketUrl! })));
    try {
      const results = await Promise.all(sessions.map((session) => captureHeapSnapshot({ session, file })));
      expect(results[0]!.file).not.toBe(results[1]!.file);
      expect(readdirSync(tmp.dir).sort()).toEqual(results.map((r) => basename(r.file)).sort());
      for (const r of results) expect(HeapGraph.load(r.file).info().fileBytes).toBe(r.bytes);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  });

  it('a target that goes silent mid-capture is given up on after the stall timeout, leaving no file', async () => {
    const session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
    bot.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      await expect(
        captureHeapSnapshot({ session, file: join(tmp.dir, 'silent.heapsnapshot'), stallTimeoutMs: 1000 }),
      ).rejects.toMatchObject({
        reason: 'stalled',
        message: expect.stringMatching(/the target sent nothing for 1 s \(0\.0 MB received\); no file was written/),
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(readdirSync(tmp.dir)).toEqual([]);
    } finally {
      bot.child.kill('SIGCONT');
      await session.close().catch(() => {});
    }
  });

  it('the temporary file of a capture killed mid-way is removed by the next capture into that directory', async () => {
    const dir = join(tmp.dir, 'out');
    mkdirSync(dir);
    const target = `127.0.0.1:${bot.inspectorPort}`;
    const child = spawn(process.execPath, [CLI, 'snapshot', target, '-o', join(dir, 'a.heapsnapshot')], { stdio: 'ignore' });
    // A crash the process cannot clean up after: SIGKILL while chunks arrive.
    await waitFor(() => partials(dir).length > 0, 20_000, 'the capture to start writing');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(partials(dir)).toHaveLength(1);
    expect(existsSync(join(dir, 'a.heapsnapshot'))).toBe(false);
    const next = await runCli(['snapshot', target, '-o', join(dir, 'b.heapsnapshot')], 60_000);
    expect(next.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['b.heapsnapshot']);
  });

  it('Ctrl+C during a CLI capture exits 130 and leaves nothing behind', async () => {
    const dir = join(tmp.dir, 'cancelled');
    mkdirSync(dir);
    const child = spawn(process.execPath, [CLI, 'snapshot', `127.0.0.1:${bot.inspectorPort}`, '-o', join(dir, 'a.heapsnapshot')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await waitFor(() => partials(dir).length > 0, 20_000, 'the capture to start writing');
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/the heap snapshot was cancelled; no file was written/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('-o refuses to overwrite a file without --force, and replaces it with --force', async () => {
    const file = join(tmp.dir, 'existing.heapsnapshot');
    writeFileSync(file, 'keep me');
    const target = `127.0.0.1:${bot.inspectorPort}`;
    const refused = await runCli(['snapshot', target, '-o', file]);
    expect(refused).toMatchObject({ code: 2, stderr: `memory-budget snapshot: ${file} already exists; give --force to replace it\n` });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await runCli(['snapshot', target, '-o', file, '--force'], 60_000);
    expect(forced.code).toBe(0);
    expect(HeapGraph.load(file).nodeCount).toBeGreaterThan(100_000);
  });
});

describe('snapshot output paths are checked before anything is captured', () => {
  const tmp = tempDir();

  it('-o DIR fails at once, before connecting (nothing listens at the target)', async () => {
    const result = await runCli(['snapshot', '127.0.0.1:1', '-o', tmp.dir], 10_000);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining(`${tmp.dir} is a directory; give a file name`) });
    tmp.dispose();
  });
});
