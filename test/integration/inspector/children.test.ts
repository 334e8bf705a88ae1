import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openSource } from '../../../src/core/inspector/openSource';
import { waitFor } from '../../support/leakyBot';
import { processInfo, waitUntilEnded, type ProcessInfo } from '../../support/processTree';

const MB = 1024 * 1024;
// Each "service" leads its own process group: ending the group ends its worker too, which
// would otherwise be adopted by init and outlive the test.
const serviceGroups: number[] = [];
const started: ProcessInfo[] = [];
afterEach(async () => {
  for (const group of serviceGroups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // The group is already empty.
    }
  }
  const running = await waitUntilEnded(started.splice(0), 10_000);
  expect(running.map((p) => p.commandLine)).toEqual([]);
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
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    serviceGroups.push(parent.pid!);
    started.push(processInfo(parent.pid!)!);
    let out = '';
    let err = '';
    parent.stdout!.on('data', (d) => (out += d));
    parent.stderr!.on('data', (d) => (err += d));
    const workerPid = Number((await waitFor(() => /worker (\d+)/.exec(out), 15_000, 'the worker'))[1]);
    started.push(processInfo(workerPid)!);
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
