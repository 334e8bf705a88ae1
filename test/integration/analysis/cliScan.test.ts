import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, CORPUS, ensureCliBuilt, findingKey, scanWithTable } from './helpers';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('memory-budget scan', () => {
  beforeAll(ensureCliBuilt);
  const app = join(CORPUS, 'django-channels-app');

  it('prints the same findings as JSON as the analysis finds, with 1-based statement lines', async () => {
    const r = await cli(['scan', app, '--format', 'json', '--no-measure']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> };
    const direct = await scanWithTable(app);
    expect(json.findings.map((f) => findingKey(f as never)).sort()).toEqual(direct.map(findingKey).sort());
    const profanity = json.findings.find((f) => f.file === 'storybook/admin_profanity.py' && f.kind === 'unbounded-query');
    expect(profanity).toMatchObject({ line: 20, column: 5, rule: 'django-unbounded-queryset', orm: 'django' });
    const pandas = json.findings.find((f) => f.module === 'pandas');
    expect(pandas).toMatchObject({ kind: 'heavy-import', costSource: 'table', line: 4 });
    expect(pandas?.costMB).toBeGreaterThan(5);
  });

  it('writes SARIF 2.1.0 with one result per finding and the rules they cite', async () => {
    const r = await cli(['scan', app, '--format', 'sarif', '--no-measure']);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{
          ruleId: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const direct = await scanWithTable(app);
    const results = sarif.runs[0]!.results;
    expect(results).toHaveLength(direct.length);
    const ruleIds = sarif.runs[0]!.tool.driver.rules.map((x) => x.id);
    for (const res of results) expect(ruleIds).toContain(res.ruleId);
    expect(
      results.map((x) => `${x.locations[0]!.physicalLocation.artifactLocation.uri}:${x.locations[0]!.physicalLocation.region.startLine}`),
    ).toContain('storybook/admin_profanity.py:20');
  });

  it('exits 0 with findings, 1 with --fail-on, 2 on bad input', async () => {
    expect((await cli(['scan', app, '--no-measure'])).code).toBe(0);
    expect((await cli(['scan', app, '--no-measure', '--fail-on', 'unbounded-query'])).code).toBe(1);
    const bad = await cli(['scan', join(app, 'does-not-exist'), '--no-measure']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a directory');
  });

  it('text output names each finding with file:line:column', async () => {
    const r = await cli(['scan', join(CORPUS, 'express-mongoose-api'), '--no-measure']);
    expect(r.stdout).toMatch(/^routes\/users\.js:7:3 +unbounded query/m);
    expect(r.stdout).toMatch(/\d+ files scanned: \d+ heavy startup import\(s\), \d+ unbounded query/);
  });
});
