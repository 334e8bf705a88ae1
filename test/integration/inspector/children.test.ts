import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openSource } from '../../../src/core/inspector/openSource';
import { killAndWait, waitFor } from '../../support/leakyBot';

const MB = 1024 * 1024;
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => killAndWait(c)));
});

function vmRss(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

describe('RSS of child processes (a PaaS budget counts the whole container)', () => {
  it('adds the RSS of a worker the service spawned, and leaves it out with includeChildren off', async () => {
    // A "service" whose worker child holds 80 MB of touched memory, as a Python or ffmpeg helper would.
    const parent = spawn(
      process.execPath,
      [
        '--inspect=127.0.0.1:0',
        '-e',
        `
        const { spawn } = require('node:child_process');
        const worker = spawn(process.execPath, ['-e', 'globalThis.b = Buffer.alloc(80 * 1024 * 1024, 1); console.log("ready"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'inherit'] });
        worker.stdout.on('data', () => console.log('worker ' + worker.pid));
        setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(parent);
    let out = '';
    let err = '';
    parent.stdout!.on('data', (d) => (out += d));
    parent.stderr!.on('data', (d) => (err += d));
    const workerPid = Number((await waitFor(() => /worker (\d+)/.exec(out), 15_000, 'the worker'))[1]);
    const ws = (await waitFor(() => /(ws:\/\/\S+)/.exec(err), 15_000, 'the inspector'))[1];

    const withChildren = await openSource({ kind: 'websocket', url: ws }, { includeChildren: true });
    const withSample = await withChildren.read();
    await withChildren.close();
    const without = await openSource({ kind: 'websocket', url: ws }, { includeChildren: false });
    const withoutSample = await without.read();
    await without.close();

    const workerRss = vmRss(workerPid);
    expect(workerRss).toBeGreaterThan(70 * MB);
    expect(withSample.childrenRssBytes! / workerRss).toBeGreaterThan(0.95);
    expect(withSample.childrenRssBytes! / workerRss).toBeLessThan(1.05);
    expect(withSample.rssBytes - withoutSample.rssBytes).toBeGreaterThan(70 * MB);
    expect(withoutSample.childrenRssBytes).toBe(0);
  });
});
