import { relative, sep } from 'node:path';
import { formatMB } from './display';
import type { Severity } from './model';
import { formatLedger } from './project/ledger';
import type { ScanResult } from './scanner';

/** The CLI's output formats. Lines and columns are 1-based here, as editors and SARIF count. */

export interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  kind: 'heavy-import' | 'unbounded-query';
  rule: string;
  message: string;
  severity: Severity;
  module?: string;
  orm?: string;
  costMB?: number;
  costSource?: 'measured' | 'table';
  /** Heavy imports: a lazy-load candidate (or unused): moving every import of it saves its cost. */
  deferrable?: boolean;
  /** Heavy imports: loaded by an entry point at startup; null when no entry point was found. */
  startup?: boolean | null;
  /** Heavy imports: what this line adds; 0 where the package is already loaded. */
  marginalMB?: number;
  /** Heavy imports: the distribution (`sqlalchemy` for `sqlalchemy.orm`). */
  package?: string;
  /** Unbounded queries: where the query is loaded whole. */
  related?: Array<{ file: string; line: number }>;
}

const round = (mb: number) => Math.round(mb * 100) / 100;

export function toReported(root: string, scan: ScanResult): ReportedFinding[] {
  const rel = (file: string) => relative(root, file).split(sep).join('/');
  return scan.findings.map(({ file, finding }) => {
    const base = {
      file: rel(file),
      line: finding.statementStart.line + 1,
      column: finding.statementStart.column + 1,
      kind: finding.kind,
      rule: finding.rule,
      message: finding.message,
    };
    if (finding.kind === 'heavy-import') {
      const v = finding.verdict;
      return {
        ...base,
        severity: v.severity,
        module: finding.startupImport.module,
        costMB: finding.cost ? round(finding.cost.heapMB) : undefined,
        costSource: finding.cost?.source,
        deferrable: v.deferrable,
        startup: v.startup,
        marginalMB: round(v.marginalMB),
        package: v.packageName,
      };
    }
    return {
      ...base,
      severity: 'warning' as const,
      orm: finding.orm,
      related: finding.related.map((r) => ({ file: r.file ? rel(r.file) : base.file, line: r.range.start.line + 1 })),
    };
  });
}

export function formatJson(findings: readonly ReportedFinding[], scan?: ScanResult): string {
  return JSON.stringify(scan ? { findings, startup: scan.ledger } : { findings }, null, 2);
}

export function formatText(findings: readonly ReportedFinding[], scan: ScanResult): string {
  const shown = findings.filter((f) => f.severity === 'warning');
  const lines = shown.map((f) => {
    const cost = f.kind === 'heavy-import' ? ` [${f.costSource ?? 'cost unknown'}]` : '';
    return `${f.file}:${f.line}:${f.column}  ${f.kind === 'heavy-import' ? 'heavy import ' : 'unbounded query'}  ${f.message}${cost}`;
  });
  const candidates = shown.filter((f) => f.kind === 'heavy-import').length;
  const queries = shown.length - candidates;
  const needed = [
    ...new Map(
      findings.filter((f) => f.kind === 'heavy-import' && f.severity === 'info' && f.marginalMB! > 0).map((f) => [f.package!, f]),
    ).values(),
  ];
  lines.push('', `${scan.files} files scanned: ${candidates} lazy-load candidate import(s), ${queries} unbounded query(ies).`);
  if (needed.length > 0) {
    lines.push(
      `Heavy packages needed at load (info, not warned): ${needed.map((f) => `${f.package} ${formatMB(f.costMB ?? 0)} MB (${f.file}:${f.line})`).join(', ')}.`,
    );
  }
  const unknown = [...new Set(scan.ledger.processes.flatMap((p) => p.unknown))];
  if (unknown.length > 0) lines.push(`Cost unknown (not measured): ${unknown.join(', ')}.`);
  if (scan.ledger.mode === 'per-file')
    lines.push('No entry point found: each file is judged on its own (per-file view); tests and migrations are skipped.');
  else
    for (const p of scan.ledger.processes)
      lines.push(`${p.name}: ≈ ${formatMB(p.totalHeapMB)} MB heap at startup; ${p.summary}. (--startup for the ledger)`);
  const typical = [...new Set(findings.filter((f) => f.costSource === 'table').map((f) => f.module!))];
  const notes = typical.map((m) => scan.costNotes.get(m)).filter((n): n is string => n !== undefined);
  if (notes.length > 0) lines.push(`Table figures used where not measured (${[...new Set(notes)].join('; ')}).`);
  for (const e of scan.errors) lines.push(`could not analyse ${e.file}: ${e.error}`);
  return lines.join('\n');
}

export function formatStartup(scan: ScanResult): string {
  return formatLedger(scan.ledger);
}

const RULE_TEXT: Record<string, string> = {
  'heavy-import': 'Heavy package loaded at startup: a lazy-load candidate when nothing needs it at load.',
  'django-unbounded-queryset': 'Django queryset loaded whole without slicing, Paginator or .iterator().',
  'sqlalchemy-unbounded-query': 'SQLAlchemy query loaded whole without .limit() or yield_per().',
  'prisma-findmany-without-take': 'Prisma findMany without take.',
  'mongoose-find-without-limit': 'Mongoose find without .limit() or a cursor.',
  'sequelize-findall-without-limit': 'Sequelize findAll without limit.',
  'typeorm-find-without-take': 'TypeORM find/findBy/getMany without take/limit.',
  'knex-query-without-limit': 'Knex query awaited without .limit().',
};

/** A project-relative path as a URI reference: `app/[id]/route.ts` → `app/%5Bid%5D/route.ts`. */
export function uriPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** SARIF 2.1.0, as GitHub code scanning reads it. `informationUri` only when the project has a real one. */
export function formatSarif(findings: readonly ReportedFinding[], version: string, rootUri: string, informationUri?: string): string {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  const level = (s: Severity) => (s === 'warning' ? 'warning' : 'note');
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'memory-budget',
            version,
            ...(informationUri ? { informationUri } : {}),
            rules: rules.map((id) => ({ id, shortDescription: { text: RULE_TEXT[id] ?? id }, defaultConfiguration: { level: 'warning' } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: level(f.severity),
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriPath(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          ...(f.related && f.related.length > 0
            ? {
                relatedLocations: f.related.map((r, i) => ({
                  id: i,
                  physicalLocation: { artifactLocation: { uri: uriPath(r.file), uriBaseId: '%SRCROOT%' }, region: { startLine: r.line } },
                })),
              }
            : {}),
          properties:
            f.kind === 'heavy-import'
              ? {
                  module: f.module,
                  package: f.package,
                  costMB: f.costMB,
                  costSource: f.costSource,
                  deferrable: f.deferrable,
                  startup: f.startup,
                  marginalMB: f.marginalMB,
                }
              : { orm: f.orm },
        })),
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
