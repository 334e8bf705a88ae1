import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImportCostResolver } from '../../../src/core/analysis/costs/importCostResolver';
import { DEFAULT_THRESHOLDS } from '../../../src/core/analysis/model';
import { SourceParser } from '../../../src/core/analysis/parsers';
import { type ReportedFinding, toReported } from '../../../src/core/analysis/report';
import { scanTree } from '../../../src/core/analysis/scanner';

export const REPO = join(__dirname, '..', '..', '..');
export const CORPUS = join(REPO, 'test', 'fixtures', 'analysis');
export const CLI = join(REPO, 'dist', 'cli.js');

export interface Expected {
  findings: Array<{ file: string; line: number; kind: string; module?: string; rule?: string; severity?: string }>;
  negatives: Array<{ file: string; line: number; why: string }>;
}

export function corpusApps(): string[] {
  return readdirSync(CORPUS)
    .filter((d) => existsSync(join(CORPUS, d, 'expected.json')))
    .sort();
}

export function expectedFor(app: string): Expected {
  return JSON.parse(readFileSync(join(CORPUS, app, 'expected.json'), 'utf8')) as Expected;
}

export const parser = new SourceParser();

/** Scans with the built-in cost table only: the corpus result must not depend on what is installed. */
export async function scanWithTable(dir: string): Promise<ReportedFinding[]> {
  const scan = await scanTree(dir, { parser, resolver: new ImportCostResolver({ measure: false }), thresholds: DEFAULT_THRESHOLDS });
  return toReported(dir, scan);
}

export function findingKey(f: { file: string; line: number; kind: string }): string {
  return `${f.file}:${f.line}:${f.kind}`;
}

/** The CLI is tested as shipped: build it when a bare `vitest run` comes before `npm run build`. */
export function ensureCliBuilt(): void {
  if (!existsSync(CLI) || !existsSync(WORKER)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'ignore' });
}

export const WORKER = join(REPO, 'dist', 'workers', 'analysisWorker.js');
