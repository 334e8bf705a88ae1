import { formatMB } from '../display';
import type { ProcessModel, ProjectModel } from './project';
import type { PackageRow } from './verdicts';

/**
 * The startup ledger: per process, every third-party package it loads when it starts, with its
 * measured or table cost (or "cost unknown"), the total against the budget, and what making the
 * lazy-load candidates lazy would save.
 */

export interface LedgerRow {
  readonly packageName: string;
  readonly ecosystem: 'python' | 'node';
  /** Undefined when the cost is unknown (not measured, not in the table). */
  readonly heapMB?: number;
  readonly rssMB?: number;
  readonly loadMs?: number;
  readonly label?: string;
  readonly state: PackageRow['state'];
  readonly heavy: boolean;
  /** Where it is first loaded: project-relative, 1-based line. */
  readonly file: string;
  readonly line: number;
  readonly sites: number;
  readonly neededBy?: string;
}

export interface ProcessLedger {
  readonly name: string;
  readonly source: string;
  readonly files: number;
  readonly rows: readonly LedgerRow[];
  readonly totalHeapMB: number;
  /** Upper bound: RSS deltas measured alone overlap. */
  readonly totalRssMB: number;
  readonly candidates: readonly string[];
  readonly savingMB: number;
  readonly unknown: readonly string[];
  /** `lazy-load openai, pandas, gspread: −96 MB of 512` */
  readonly summary: string;
}

export interface StartupLedger {
  /** `graph`: entry points found; `per-file`: none, so no process could be followed. */
  readonly mode: 'graph' | 'per-file';
  readonly budgetMB: number;
  readonly processes: readonly ProcessLedger[];
  /** Source files no entry point loads at startup (migrations, scripts, tests, lazy modules). */
  readonly notStartupFiles: number;
}

export function ledgerOf(
  project: ProjectModel,
  judged: ReadonlyArray<{ process: ProcessModel; rows: readonly PackageRow[] }>,
  fileCount: number,
  budgetMB: number,
): StartupLedger {
  const reached = new Set(judged.flatMap((j) => j.process.order));
  const processes = judged.map(({ process, rows }): ProcessLedger => {
    const ledgerRows = rows
      .map((r): LedgerRow => ({
        packageName: r.packageName,
        ecosystem: r.ecosystem,
        heapMB: r.cost?.heapMB,
        rssMB: r.cost?.rssMB,
        loadMs: r.cost?.loadMs,
        label: r.cost?.label,
        state: r.state,
        heavy: r.heavy,
        file: project.rel(r.first.file),
        line: r.first.line + 1,
        sites: r.sites,
        neededBy: r.neededBy ? `${r.neededBy.what} (${project.rel(r.neededBy.file)}:${r.neededBy.line + 1})` : undefined,
      }))
      .sort((a, b) => (b.heapMB ?? -1) - (a.heapMB ?? -1) || a.packageName.localeCompare(b.packageName));
    const candidates = ledgerRows.filter((r) => r.heavy && (r.state === 'candidate' || r.state === 'unused'));
    const savingMB = candidates.reduce((s, r) => s + (r.heapMB ?? 0), 0);
    const totalHeapMB = ledgerRows.reduce((s, r) => s + (r.heapMB ?? 0), 0);
    const summary =
      candidates.length > 0
        ? `lazy-load ${candidates.map((c) => c.packageName).join(', ')}: −${formatMB(savingMB)} MB of ${budgetMB}`
        : `nothing to defer: every heavy package is needed at load`;
    return {
      name: process.entry.name,
      source: process.entry.source,
      files: process.order.length,
      rows: ledgerRows,
      totalHeapMB,
      totalRssMB: ledgerRows.reduce((s, r) => s + (r.rssMB ?? 0), 0),
      candidates: candidates.map((c) => c.packageName),
      savingMB,
      unknown: ledgerRows.filter((r) => r.heapMB === undefined).map((r) => r.packageName),
      summary,
    };
  });
  return {
    mode: project.perFile ? 'per-file' : 'graph',
    budgetMB,
    processes,
    notStartupFiles: project.perFile ? 0 : fileCount - reached.size,
  };
}

/** The ledger as text, for `memory-budget scan --startup`. */
export function formatLedger(ledger: StartupLedger): string {
  if (ledger.mode === 'per-file') {
    return 'No entry point found (package.json start/main, Procfile, Dockerfile, manage.py, main.py…): no startup ledger; imports are judged per file.';
  }
  const out: string[] = [];
  for (const p of ledger.processes) {
    out.push(`${p.name} — ${p.source}`, `  ${p.files} project file(s) loaded at startup`);
    const width = Math.max(8, ...p.rows.map((r) => r.packageName.length));
    for (const r of p.rows) {
      const cost = r.heapMB === undefined ? 'cost unknown (not measured)' : `${formatMB(r.heapMB).padStart(5)} MB heap  ${r.label}`;
      const verdict =
        r.state === 'candidate'
          ? 'lazy-load candidate'
          : r.state === 'unused'
            ? 'unused: remove it'
            : r.state === 'needed'
              ? 'needed at load'
              : '';
      out.push(
        `  ${r.packageName.padEnd(width)}  ${cost}${verdict ? `  — ${verdict}` : ''}  (${r.file}:${r.line}${r.sites > 1 ? `, ${r.sites} imports` : ''})`,
      );
    }
    out.push(
      `  total ≈ ${formatMB(p.totalHeapMB)} MB heap (RSS up to ${formatMB(p.totalRssMB)} MB) of ${ledger.budgetMB} MB budget${p.unknown.length > 0 ? `, plus ${p.unknown.length} package(s) of unknown cost` : ''}`,
      `  ${p.summary}`,
      '',
    );
  }
  if (ledger.processes.length === 0) out.push('Entry points found, but none loads a project file.');
  out.push(
    `${ledger.notStartupFiles} source file(s) are loaded by no entry point at startup (migrations, scripts, tests, lazily loaded modules).`,
  );
  return out.join('\n');
}
