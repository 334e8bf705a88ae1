import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captureHeapSnapshot,
  captureRiskWarning,
  CaptureError,
  snapshotFileName,
  uniqueSnapshotPath,
} from '../../../src/core/heap/capture';
import { HeapGraph } from '../../../src/core/heap/heapGraph';
import { CdpSession } from '../../../src/core/inspector/cdpSession';
import { tempDir } from './helpers';
import { startLeakyBot, type RunningBot as LeakyBot } from '../../support/leakyBot';

describe('capturing a heap snapshot from a live Node process', () => {
  let tmp: ReturnType<typeof tempDir>;
  let bot: LeakyBot;
  let session: CdpSession;

  beforeEach(async () => {
    tmp = tempDir();
    bot = await startLeakyBot();
    // A heap big enough that the snapshot arrives in many chunks.
    for (let i = 0; i < 3; i++) await fetch(bot.url + '/session?count=10000&kb=0');
    session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
  });
  afterEach(async () => {
    await session.close().catch(() => {});
    await bot.kill();
    tmp.dispose();
  });

  it('writes a complete snapshot under its final name only', async () => {
    const file = join(tmp.dir, 'snapshots', snapshotFileName('leaky bot'));
    const seen: string[][] = [];
    const result = await captureHeapSnapshot({
      session,
      file,
      onBytes: () => seen.length < 3 && seen.push(readdirSync(join(tmp.dir, 'snapshots'))),
    });
    // While chunks arrive only a hidden temporary file exists.
    expect(seen[0]!.every((name) => name.startsWith('.') && name.endsWith('.partial'))).toBe(true);
    expect(readdirSync(join(tmp.dir, 'snapshots'))).toEqual([file.split('/').pop()]);
    expect(result.bytes).toBeGreaterThan(1_000_000);
    const sessions = HeapGraph.load(file);
    expect(sessions.info().fileBytes).toBe(result.bytes);
  });

  it('two snapshots taken in the same second both survive under distinct names', async () => {
    const dir = join(tmp.dir, 'same-second');
    const at = new Date();
    const first = uniqueSnapshotPath(dir, 'leaky bot', at);
    await captureHeapSnapshot({ session, file: first });
    const second = uniqueSnapshotPath(dir, 'leaky bot', at);
    expect(second).not.toBe(first);
    await captureHeapSnapshot({ session, file: second });
    expect(readdirSync(dir).sort()).toEqual([first, second].map((f) => f.split('/').pop()).sort());
  });

  it('a capture cancelled midway leaves no file behind', async () => {
    const abort = new AbortController();
    let chunks = 0;
    const capture = captureHeapSnapshot({
      session,
      file: join(tmp.dir, 'cancelled.heapsnapshot'),
      signal: abort.signal,
      onBytes: () => ++chunks === 2 && abort.abort(),
    });
    await expect(capture).rejects.toMatchObject({ reason: 'cancelled', message: expect.stringMatching(/cancelled; no file was written/) });
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('a capture from a target killed midway says so and leaves no file', async () => {
    let killed = false;
    const capture = captureHeapSnapshot({
      session,
      file: join(tmp.dir, 'killed.heapsnapshot'),
      onBytes: () => {
        if (!killed) {
          killed = true;
          bot.child.kill('SIGKILL');
        }
      },
    });
    const err = await capture.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaptureError);
    expect(err).toMatchObject({
      reason: 'target-gone',
      message: expect.stringMatching(/the target went away during the snapshot \(\d+(\.\d)? MB received\)/),
    });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});

describe('the warning before a capture', () => {
  const mb = 2 ** 20;
  it('warns when the target is above 60 % of its budget, and only then', () => {
    expect(captureRiskWarning(330 * mb, 512 * mb)).toMatch(/uses 330 MB of its 512 MB budget \(64 %\).*push it over the budget/);
    expect(captureRiskWarning(300 * mb, 512 * mb)).toBeUndefined();
    expect(captureRiskWarning(undefined, 512 * mb)).toBeUndefined();
  });
});
