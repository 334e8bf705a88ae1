import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentRecorder, agentSampleRecord } from '../../../src/agent/recorder';
import { describeTrend, formatDuration, formatMB, formatMB1, formatRate } from '../../../src/core/budget/display';
import { DEFAULT_MEMORY_LOG_OPTIONS, MemoryLog } from '../../../src/core/budget/memoryLog';
import type { BudgetSettings } from '../../../src/core/budget/presets';
import type { TargetFacts } from '../../../src/core/inspector/memorySample';
import { AGENT_FIXTURES, REPO } from '../../support/agentApp';

const MB = 1024 * 1024;
const PYTHON_AGENT = path.join(REPO, 'python');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

type Step =
  | { kind: 'sample'; time: number; pid: number; rssBytes: number }
  | { kind: 'mark'; time: number; name: string; rssBytes: number; counters?: Record<string, number | string | boolean> }
  | { kind: 'note'; time: number; text: string }
  | { kind: 'restart'; time: number; previousPid: number; pid: number; previousRestarts: number; cleanExit: boolean }
  | { kind: 'limit'; bytes: number | undefined }
  | { kind: 'shutdown'; time: number; reason: string };

interface Scenario {
  title: string;
  service: string;
  budget: BudgetSettings;
  containerLimitBytes: number | null;
  periodicMs: number;
  jsonlSampleMs: number;
  steps: Step[];
}

/** A deterministic pseudo-random series: growth, a spike, every crossing up and down, marks, a leak. */
function scenario(start: number, budget: BudgetSettings, containerLimitBytes: number | null): Scenario {
  let state = start;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pages = (bytes: number) => Math.round(bytes / 4096) * 4096;
  const steps: Step[] = [{ kind: 'restart', time: 1_700_000_000_000, previousPid: 41, pid: 42, previousRestarts: 2, cleanExit: false }];
  let time = 1_700_000_000_123;
  let rss: number;
  for (let i = 0; i < 1800; i++) {
    time += 900 + Math.floor(random() * 200);
    const phase = i / 1800;
    // climb to over budget, fall back below warn, climb again slowly (a leak the trend names)
    const peak = 60 * MB + 0.3 * 800 * MB;
    const target =
      phase < 0.3
        ? 60 * MB + phase * 800 * MB
        : phase < 0.36
          ? peak - ((phase - 0.3) / 0.06) * (peak - 120 * MB) // down through every level, one at a time
          : phase < 0.4
            ? 120 * MB
            : 120 * MB + (phase - 0.4) * 150 * MB;
    rss = pages(target + (random() - 0.5) * 6 * MB);
    if (i === 200) rss += 40 * MB; // a spike
    if (i === 777) rss = 145.25 * MB; // a tie for toFixed(1)
    steps.push({ kind: 'sample', time, pid: 42, rssBytes: rss });
    if (i % 7 === 3) {
      const n = Math.floor(i / 7);
      steps.push({
        kind: 'mark',
        time: time + 5,
        name: n % 2 ? 'Session Created' : 'Download Started — “big”',
        rssBytes: rss + 4096,
        counters: n % 5 === 0 ? undefined : { sessions: n, ratio: n / 8, busy: n % 3 === 0, user: `u-${n}` },
      });
    }
    if (i === 900) steps.push({ kind: 'note', time: time + 1, text: 'metrics on http://127.0.0.1:9464/metrics' });
    if (i === 1000) steps.push({ kind: 'limit', bytes: containerLimitBytes === null ? undefined : containerLimitBytes - 16 * MB });
  }
  steps.push({ kind: 'shutdown', time: time + 300, reason: 'SIGTERM' });
  return { title: 'bot (pid 42) — parity', service: 'bot', budget, containerLimitBytes, periodicMs: 60_000, jsonlSampleMs: 0, steps };
}

function runNode(s: Scenario, dir: string): void {
  const facts: TargetFacts = {
    name: s.service,
    local: true,
    hasInspector: false,
    runtime: 'test',
    constrainedMemoryBytes: s.containerLimitBytes ?? undefined,
  };
  const log = new MemoryLog(dir, s.title, {
    ...DEFAULT_MEMORY_LOG_OPTIONS,
    periodicMs: s.periodicMs,
    jsonlSampleMs: s.jsonlSampleMs,
    sampleRecord: (target, status) => agentSampleRecord(target, status, facts),
  });
  const recorder = new AgentRecorder(s.service, log, s.budget, s.containerLimitBytes ?? undefined);
  for (const step of s.steps) {
    if (step.kind === 'sample') recorder.observe({ time: step.time, pid: step.pid, rssBytes: step.rssBytes });
    else if (step.kind === 'mark') recorder.mark(step.time, step.name, step.rssBytes, step.counters);
    else if (step.kind === 'note') recorder.note(step.time, step.text);
    else if (step.kind === 'restart') recorder.restarted(step.time, step.previousPid, step.pid, step.previousRestarts, step.cleanExit);
    else if (step.kind === 'limit') {
      facts.constrainedMemoryBytes = step.bytes;
      recorder.containerLimitChanged(step.bytes);
    } else recorder.shutdown(step.time, step.reason);
  }
}

function runPython(input: object): string {
  const result = spawnSync('python3', [path.join(AGENT_FIXTURES, 'replay.py')], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: PYTHON_AGENT },
  });
  if (result.status !== 0) throw new Error(`replay.py failed: ${result.stderr}`);
  return result.stdout;
}

const withoutStart = (text: string) => text.replace(/^Started: .*$/gm, 'Started: (time)');

describe('the Python agent writes what the Node agent writes', () => {
  it.each([
    ['a custom budget', 1, { preset: 'auto', budgetMB: 200, warnPercent: 80, criticalPercent: 94 }, null],
    ['a container limit that changes', 7, { preset: 'auto', warnPercent: 75, criticalPercent: 90 }, 230 * MB],
    ['a preset', 99, { preset: 'fly-256', warnPercent: 80, criticalPercent: 94 }, null],
  ] as const)('line for line and field for field, with %s', (_name, start, budget, limit) => {
    const s = scenario(start, { ...budget }, limit);
    const nodeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-parity-node-'));
    const pythonDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-parity-python-'));
    dirs.push(nodeDir, pythonDir);
    runNode(s, nodeDir);
    runPython({ ...s, directory: pythonDir });

    const nodeLog = withoutStart(fs.readFileSync(path.join(nodeDir, 'memory_debug.log'), 'utf8'));
    const pythonLog = withoutStart(fs.readFileSync(path.join(pythonDir, 'memory_debug.log'), 'utf8'));
    // The scenario reaches every kind of line the agents write.
    for (const line of [
      '🔄 TARGET RESTARTED',
      'Previous run ended without',
      '⚠️ MEMORY SPIKE',
      '⚠️ HIGH MEMORY',
      '🚨 CRITICAL MEMORY',
      '🚨 OVER BUDGET',
      'Latest counters: sessions:',
      '✅ back to normal',
      '(down from',
      '📈 POSSIBLE LEAK',
      'ℹ️ metrics on',
      '📊 Periodic Snapshot',
      '🏁 SHUTDOWN SUMMARY',
    ]) {
      expect(nodeLog).toContain(line);
    }
    expect(pythonLog.split('\n')).toEqual(nodeLog.split('\n'));

    const nodeRecords = fs.readFileSync(path.join(nodeDir, 'memory_debug.jsonl'), 'utf8').trimEnd().split('\n');
    const pythonRecords = fs.readFileSync(path.join(pythonDir, 'memory_debug.jsonl'), 'utf8').trimEnd().split('\n');
    expect(pythonRecords).toHaveLength(nodeRecords.length);
    nodeRecords.forEach((line, i) => {
      const [n, p] = [JSON.parse(line) as Record<string, unknown>, JSON.parse(pythonRecords[i]) as Record<string, unknown>];
      expect(Object.keys(p), `record ${i}`).toEqual(Object.keys(n));
      expect(p, `record ${i}`).toEqual(n);
      expect(pythonRecords[i], `record ${i} as text`).toBe(line);
    });
  });

  it('formats numbers as JavaScript does, ties and thousands included', () => {
    let state = 3;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [0, 1, 0.05 * MB, 0.25 * MB, 9.95 * MB, 10.5 * MB, 145.25 * MB, 1023.5 * MB, 2.5 * MB * 1024, -0.25 * MB, -12.75 * MB];
    for (let i = 0; i < 3000; i++)
      values.push(Math.round((random() - 0.3) * 4096 * MB * random() ** 3), (random() - 0.5) * 1e9, Math.round(random() * 1e3) * 0.05 * MB);
    const python = JSON.parse(runPython({ formats: values })) as Record<string, string[]>;
    expect(python.mb).toEqual(values.map(formatMB));
    expect(python.mb1).toEqual(values.map(formatMB1));
    expect(python.rate).toEqual(values.map(formatRate));
    expect(python.duration).toEqual(values.map((v) => formatDuration(Math.abs(v))));
    expect(python.trend).toEqual(values.map((v) => describeTrend({ bytesPerHour: v, msToBudget: Math.abs(v) * 7.3 })));
  });
});
