import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeapAnalysisClient } from '../../../src/core/heap/heapAnalysisClient';
import { CLI } from '../../support/cli';
import { repoRoot, tempDir, writeSnapshotOf } from './helpers';

const WORKER = join(repoRoot, 'dist/workers/heapWorker.js');

/** Resolves once process `pid` has `file` open: its analysis has started reading. */
async function whenOpened(pid: number, file: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) return;
    } catch {
      // the process is starting or gone
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`process ${pid} never opened ${file}`);
}

describe.skipIf(process.platform !== 'linux')('stopping a long analysis', () => {
  const tmp = tempDir();
  const file = join(tmp.dir, 'orders.heapsnapshot');

  beforeAll(() => {
    // About 1.2 M nodes, an analysis that runs for a good second, and 200,000 distinct property
    // names, which the analysis holds as strings on its V8 heap.
    writeSnapshotOf(
      `class Order { constructor(i) { this.id = i; this.items = [i, i + 1]; this.note = 'n' + (i % 1000); } }
       globalThis.kept = Array.from({ length: 300000 }, (_, i) => new Order(i));
       globalThis.index = Object.fromEntries(Array.from({ length: 200000 }, (_, i) => ['order-' + i, i]));`,
      file,
      120_000,
    );
  }, 130_000);
  afterAll(() => tmp.dispose());

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during summary ends the CLI within a second, with exit 130 and no output`, async () => {
      const child = spawn(process.execPath, [CLI, 'summary', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
        child.on('exit', (code) => resolve({ code, at: performance.now() })),
      );
      await whenOpened(child.pid!, file);
      const sent = performance.now();
      child.kill(signal);
      const { code, at } = await exited;
      expect({ code, stdout, stderr }).toEqual({ code: 130, stdout: '', stderr: 'memory-budget summary: cancelled\n' });
      expect(at - sent).toBeLessThan(1000);
    });
  }

  it("the editor's client stops the analysis thread within a second of the token's cancel", async () => {
    const client = new HeapAnalysisClient(WORKER);
    // The shape of vscode.CancellationToken.
    const listeners: (() => void)[] = [];
    const token = {
      isCancellationRequested: false,
      onCancellationRequested: (listener: () => void) => (listeners.push(listener), { dispose: () => {} }),
    };
    let cancelledAt = 0;
    const running = client.summarize(
      { file, options: {} },
      (p) => {
        if (p.phase === 'reading' && !token.isCancellationRequested) {
          token.isCancellationRequested = true;
          cancelledAt = performance.now();
          for (const l of listeners) l();
        }
      },
      token,
    );
    await expect(running.result).rejects.toMatchObject({ reason: 'cancelled', message: 'the snapshot analysis was cancelled' });
    await running.ended;
    expect(performance.now() - cancelledAt).toBeLessThan(1000);
  });

  it('an analysis past its time limit is stopped and says so', async () => {
    const client = new HeapAnalysisClient(WORKER, { timeLimitMs: 300 });
    const running = client.summarize({ file, options: {} });
    await expect(running.result).rejects.toMatchObject({
      reason: 'timeout',
      message: 'the snapshot analysis took longer than 0.3 s and was stopped',
    });
    await running.ended;
  });

  it('an analysis over its memory cap is stopped with a message, and the next one runs', async () => {
    const small = new HeapAnalysisClient(WORKER, { maxOldGenerationSizeMb: 12 });
    await expect(small.summarize({ file, options: {} }).result).rejects.toMatchObject({
      reason: 'out-of-memory',
      message: expect.stringMatching(/ran out of its 12 MB memory cap and was stopped|not enough memory for the snapshot analysis/),
    });
    const summary = await new HeapAnalysisClient(WORKER).summarize({ file, options: { top: 3 } }).result;
    expect(summary.rows).toHaveLength(3);
  });
});
