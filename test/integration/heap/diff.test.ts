import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureHeapSnapshot } from '../../../src/core/heap/capture';
import { compareSnapshots, compareSnapshotsInParallel } from '../../../src/core/heap/compare';
import type { HeapDiff } from '../../../src/core/heap/model';
import { CdpSession } from '../../../src/core/inspector/cdpSession';
import { repoRoot, tempDir } from './helpers';
import { startLeakyBot, type RunningBot as LeakyBot } from '../../support/leakyBot';

const FIRST_LEAK = 2000;
const SECOND_LEAK = 700;

describe('comparing snapshots of the leaky bot across a leak the test drives', () => {
  const tmp = tempDir();
  const files = ['baseline', 'target', 'final'].map((n) => join(tmp.dir, `${n}.heapsnapshot`));
  let bot: LeakyBot;
  let session: CdpSession;
  let pair: HeapDiff;
  let triple: HeapDiff;

  beforeAll(async () => {
    bot = await startLeakyBot();
    // Object ids are only stable within one inspector session, so all three come through one.
    session = await CdpSession.connect({ webSocketUrl: bot.webSocketUrl! });
    await fetch(bot.url + '/session?count=20&kb=0');
    await captureHeapSnapshot({ session, file: files[0]! });
    await fetch(bot.url + `/session?count=${FIRST_LEAK}&kb=0&user=alice`);
    await captureHeapSnapshot({ session, file: files[1]! });
    await fetch(bot.url + `/session?count=${SECOND_LEAK}&kb=0&user=bob`);
    await captureHeapSnapshot({ session, file: files[2]! });
    pair = compareSnapshots(files.slice(0, 2), { top: 30 });
    triple = compareSnapshots(files, { top: 30 });
  });
  afterAll(async () => {
    await session?.close();
    await bot?.kill();
    tmp.dispose();
  });

  it('names the leaking class first, with the exact count delta', () => {
    const first = pair.rows[0]!;
    expect(first.name).toBe('UserSession');
    expect(first.countDelta).toBe(FIRST_LEAK);
    expect(first.newCount).toBe(FIRST_LEAK);
    expect(first.deletedCount).toBe(0);
    expect(first.sizeDelta).toBe(first.allocSize - first.freedSize);
    // Rows come sorted by size delta, as DevTools' Comparison view.
    const deltas = pair.rows.map((r) => r.sizeDelta);
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
  });

  it('finds the objects allocated between baseline and target that are still alive, with the Map that holds them', () => {
    const sessions = triple.leaks[0]!;
    expect(sessions.name).toBe('UserSession');
    expect(sessions.count).toBe(FIRST_LEAK);
    expect(sessions.retainerPaths[0]!.path).toMatch(/^UserSession ← Map ← sessions ← BroadcasterService ← broadcaster\b/);
    expect(sessions.retainerPaths[0]!.count).toBe(FIRST_LEAK);
    // The class's source location, with the script's URL, so the editor can open it.
    const location = sessions.objects![0]!.location!;
    expect(location.url).toMatch(/examples\/leaky-bot\/server\.js$/);
    // V8 records the constructor's position: the line after `class UserSession {`.
    const lines = readFileSync(location.url!, 'utf8').split('\n');
    expect(lines[location.line]).toMatch(/^\s*constructor\(/);
    expect(lines[location.line - 1]).toContain('class UserSession');
    // The sessions leaked after the target snapshot are not leak candidates of this window.
    expect(triple.rows.find((r) => r.name === 'UserSession')!.countDelta).toBe(FIRST_LEAK + SECOND_LEAK);
  });

  it('names the growing Map and the variable that holds it', () => {
    const map = triple.growingCollections[0]!;
    expect(map.kind).toBe('Map');
    expect(map.counts).toEqual([20, 20 + FIRST_LEAK, 20 + FIRST_LEAK + SECOND_LEAK]);
    expect(map.retainerPath).toMatch(/^Map ← sessions ← BroadcasterService ← broadcaster\b/);
    const twoSnapshots = pair.growingCollections[0]!;
    expect(twoSnapshots.counts).toEqual([20, 20 + FIRST_LEAK]);
  });

  it('gives the same result when a worker thread reads the older snapshots', async () => {
    // Built by `npm test` before vitest runs.
    const parallel = await compareSnapshotsInParallel(files, join(repoRoot, 'dist/workers/digestWorker.js'), { top: 30 });
    expect(parallel).toEqual(triple);
  });
});
