import { relative, sep } from 'node:path';
import type { ScanResult } from './scanner';

/** The CLI's output formats. Lines and columns are 1-based here, as editors and SARIF count. */

export interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  kind: 'heavy-import' | 'unbounded-query';
  rule: string;
  message: string;
  module?: string;
  orm?: string;
  costMB?: number;
  costSource?: 'measured' | 'table';
}

export function toReported(root: string, scan: ScanResult): ReportedFinding[] {
  return scan.findings.map(({ file, finding }) => {
    const base: ReportedFinding = {
      file: relative(root, file).split(sep).join('/'),
      line: finding.statementStart.line + 1,
      column: finding.statementStart.column + 1,
      kind: finding.kind,
      rule: finding.rule,
      message: finding.message,
    };
    if (finding.kind === 'heavy-import') {
      return {
        ...base,
        module: finding.startupImport.module,
        costMB: Math.round(finding.cost.heapMB * 100) / 100,
        costSource: finding.cost.source,
      };
    }
    return { ...base, orm: finding.orm };
  });
}

export function formatJson(findings: readonly ReportedFinding[]): string {
  return JSON.stringify({ findings }, null, 2);
}

export function formatText(findings: readonly ReportedFinding[], scan: ScanResult): string {
  const lines = findings.map((f) => {
    const cost = f.kind === 'heavy-import' ? ` [${f.costSource}]` : '';
    return `${f.file}:${f.line}:${f.column}  ${f.kind === 'heavy-import' ? 'heavy import ' : 'unbounded query'}  ${f.message}${cost}`;
  });
  const imports = findings.filter((f) => f.kind === 'heavy-import').length;
  lines.push('', `${scan.files} files scanned: ${imports} heavy startup import(s), ${findings.length - imports} unbounded query(ies).`);
  const typical = [...new Set(findings.filter((f) => f.costSource === 'table').map((f) => f.module!))];
  if (typical.length > 0) {
    lines.push(
      `Typical (table) figures, not measured: ${typical.map((m) => `${m}${scan.costNotes.get(m) ? ` (${scan.costNotes.get(m)})` : ''}`).join(', ')}.`,
    );
  }
  for (const e of scan.errors) lines.push(`could not analyse ${e.file}: ${e.error}`);
  return lines.join('\n');
}

const RULE_TEXT: Record<string, string> = {
  'heavy-import': 'Heavy package imported at module load; load it lazily where it is used.',
  'django-unbounded-queryset': 'Django queryset loaded whole without slicing, Paginator or .iterator().',
  'sqlalchemy-unbounded-query': 'SQLAlchemy query loaded whole without .limit() or yield_per().',
  'prisma-findmany-without-take': 'Prisma findMany without take.',
  'mongoose-find-without-limit': 'Mongoose find without .limit() or a cursor.',
  'sequelize-findall-without-limit': 'Sequelize findAll without limit.',
  'typeorm-find-without-take': 'TypeORM find/findBy/getMany without take/limit.',
  'knex-query-without-limit': 'Knex query awaited without .limit().',
};

/** SARIF 2.1.0, as GitHub code scanning reads it. */
export function formatSarif(findings: readonly ReportedFinding[], version: string, rootUri: string): string {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'memory-budget',
            version,
            informationUri: 'https://example.invalid/memory-budget',
            rules: rules.map((id) => ({ id, shortDescription: { text: RULE_TEXT[id] ?? id }, defaultConfiguration: { level: 'warning' } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: 'warning',
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          ...(f.kind === 'heavy-import'
            ? { properties: { module: f.module, costMB: f.costMB, costSource: f.costSource } }
            : { properties: { orm: f.orm } }),
        })),
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
