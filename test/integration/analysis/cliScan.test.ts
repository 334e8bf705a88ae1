import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    // Reported once, where the queryset is built, with where it is loaded whole as related places.
    const profanity = json.findings.find((f) => f.file === 'storybook/admin_profanity.py' && f.kind === 'unbounded-query');
    expect(profanity).toMatchObject({ line: 16, column: 5, rule: 'django-unbounded-queryset', orm: 'django', severity: 'warning' });
    expect(profanity?.related).toEqual([{ file: 'storybook/admin_profanity.py', line: 22 }]);
    const pandas = json.findings.find((f) => f.module === 'pandas');
    expect(pandas).toMatchObject({
      kind: 'heavy-import',
      costSource: 'table',
      line: 4,
      severity: 'warning',
      deferrable: true,
      startup: true,
      package: 'pandas',
    });
    expect(pandas?.marginalMB).toBeGreaterThan(5);
    // django: one package, charged once at its first import; every other line adds nothing.
    const django = json.findings.filter((f) => f.package === 'django');
    expect(django.length).toBeGreaterThan(3);
    expect(django.every((f) => f.severity === 'info' && f.deferrable === false)).toBe(true);
    expect(django.filter((f) => (f.marginalMB as number) > 0)).toHaveLength(1);
    expect(json.findings.some((f) => String(f.file).includes('/migrations/'))).toBe(false);
  });

  it('prints the startup ledger with --startup: packages, total against the budget, the saving', async () => {
    const r = await cli(['scan', join(CORPUS, 'telegram-ai-bot'), '--no-measure', '--startup', '--budget', '256']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^python main\.py — main\.py$/m);
    expect(r.stdout).toMatch(/^ {2}openai +25 MB heap +estimated for 1\.x +— lazy-load candidate/m);
    expect(r.stdout).toMatch(/total ≈ \d+ MB heap \(RSS up to \d+ MB\) of 256 MB budget/);
    expect(r.stdout).toMatch(/lazy-load .*openai.*: −\d+ MB of 256/);
  });

  it('says which packages it could not cost instead of dropping them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-unknown-'));
    try {
      writeFileSync(join(dir, 'main.py'), 'import langchain_openai\n\n\ndef ask(q):\n    return langchain_openai.ChatOpenAI().invoke(q)\n');
      const r = await cli(['scan', dir, '--no-measure', '--format', 'json']);
      const json = JSON.parse(r.stdout) as { findings: Array<Record<string, unknown>> };
      expect(json.findings[0]).toMatchObject({ package: 'langchain_openai', severity: 'info', startup: true });
      expect(json.findings[0]?.message).toContain('cost unknown (not measured)');
      expect((await cli(['scan', dir, '--no-measure'])).stdout).toContain('Cost unknown (not measured): langchain_openai');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    ).toContain('storybook/admin_profanity.py:16');
    // No placeholder home page: the field is left out until the project has a real one.
    expect(JSON.stringify(sarif)).not.toContain('example.invalid');
  });

  it('percent-encodes SARIF paths: Next.js route segments and spaces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-sarif-'));
    try {
      mkdirSync(join(dir, 'app', '[id]'), { recursive: true });
      mkdirSync(join(dir, 'my lib'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { next: '15.0.0' }, scripts: { start: 'next start' } }));
      const query =
        "import { prisma } from '../../../my lib/db';\nexport async function GET() {\n  return Response.json(await prisma.post.findMany({ where: { published: true } }));\n}\n";
      writeFileSync(join(dir, 'app', '[id]', 'route.ts'), query);
      writeFileSync(
        join(dir, 'my lib', 'db.ts'),
        "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      );
      const r = await cli(['scan', dir, '--no-measure', '--format', 'sarif']);
      const uris = [...r.stdout.matchAll(/"uri": "([^"]+)"/g)].map((m) => m[1]);
      expect(uris).toContain('app/%5Bid%5D/route.ts');
      expect(uris.every((u) => !/[ [\]]/.test(u!))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    expect(r.stdout).toMatch(/^routes\/export\.js:2:1 +heavy import +xlsx is loaded at startup but only used inside functions/m);
    // express is needed at load: named as information, never as a finding line.
    expect(r.stdout).not.toMatch(/^\S+:\d+:\d+ +heavy import +express/m);
    expect(r.stdout).toMatch(/Heavy packages needed at load \(info, not warned\): .*express/);
    expect(r.stdout).toMatch(/\d+ files scanned: \d+ lazy-load candidate import\(s\), \d+ unbounded query/);
  });
});
