import { heavyImportMessage } from '../display';
import { loadedBy } from '../costs/dependencies';
import type { HeavyImportFinding, HeavyImportThresholds, ImportCost, ImportVerdict, StartupImport } from '../model';

/**
 * One verdict per third-party package per process. The package's cost is charged once, at its
 * first import on the startup path; every other import of it adds nothing. It is a lazy-load
 * candidate only when no import of it on the startup path is needed when its module loads (and
 * each can be moved or, being unused, removed): then moving them all saves its whole cost.
 */

export interface Site {
  /** Absolute path of the importing file. */
  readonly file: string;
  readonly imp: StartupImport;
  readonly cost?: ImportCost;
}

export type PackageState = 'candidate' | 'unused' | 'needed' | 'unknown-cost';

export interface PackageRow {
  readonly packageName: string;
  readonly ecosystem: StartupImport['ecosystem'];
  readonly cost?: ImportCost;
  /** The cost crossed a threshold. */
  readonly heavy: boolean;
  readonly threshold?: string;
  readonly deferrable: boolean;
  readonly state: PackageState;
  /** Where it is first loaded. */
  readonly first: { readonly file: string; readonly line: number };
  /** Import lines of it on the startup path. */
  readonly sites: number;
  /** Why it cannot wait, when it cannot: the use that runs at load. */
  readonly neededBy?: { readonly file: string; readonly line: number; readonly what: string };
}

/**
 * Packages whose weight makes an unknown cost worth saying out loud: AI SDKs, ML and data
 * libraries, browsers, cloud SDKs. Other packages of unknown cost are listed in the ledger only.
 */
const HEAVY_FAMILIES =
  /^(langchain.*|@langchain\/.*|llama[-_]?index.*|transformers|torch.*|tensorflow.*|@tensorflow\/.*|sentence[-_]transformers|openai|anthropic|@anthropic-ai\/.*|google[-_]generativeai|google[-_]genai|@google\/gen.*|cohere.*|groq.*|mistralai|@mistralai\/.*|replicate|huggingface.*|@huggingface\/.*|@xenova\/.*|spacy|nltk|pandas|numpy|scipy|scikit-learn|matplotlib|opencv.*|tiktoken|chromadb|pinecone.*|@pinecone-database\/.*|faiss.*|onnxruntime.*|playwright.*|puppeteer.*|selenium|boto3|botocore|aws-sdk|@aws-sdk\/.*|googleapis|firebase-admin|litellm|crewai|autogen.*|ollama|llama[-_]cpp.*|gradio|streamlit|polars|pyarrow|keras|xgboost|lightgbm)$/i;

export function isHeavyFamily(packageName: string): boolean {
  return HEAVY_FAMILIES.test(packageName);
}

/** `over the 5 MB heap threshold`, or undefined when the cost crosses none. */
export function thresholdCrossed(cost: ImportCost | undefined, t: HeavyImportThresholds): string | undefined {
  if (!cost) return undefined;
  if (cost.heapMB >= t.heapMB) return `over the ${t.heapMB} MB heap threshold`;
  if (cost.loadMs >= t.loadMs) return `over the ${t.loadMs} ms load-time threshold`;
  return undefined;
}

/** The heavier of two figures for one package (importing `sqlalchemy.orm` loads `sqlalchemy` too). */
function heavier(a: ImportCost | undefined, b: ImportCost | undefined): ImportCost | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.heapMB > a.heapMB || (b.heapMB === a.heapMB && b.loadMs > a.loadMs) ? b : a;
}

const canWait = (imp: StartupImport) => imp.lazyFix !== undefined || (imp.unused && imp.removeFix !== undefined);

export interface Judgement {
  readonly rows: PackageRow[];
  readonly findings: Array<{ file: string; finding: HeavyImportFinding }>;
}

/**
 * Judges the third-party imports of one process, given in load order (or of one file, when no
 * entry point is known: `startup` null). Findings go to every import line of a package whose cost
 * crosses a threshold, and of an AI/ML-sized package whose cost is unknown.
 */
export function judgeSites(
  sites: readonly Site[],
  thresholds: HeavyImportThresholds,
  startup: boolean | null,
  process: string | undefined,
  relativePath: (file: string) => string,
): Judgement {
  const byPackage = new Map<string, Site[]>();
  for (const s of sites) {
    const key = `${s.imp.ecosystem}|${s.imp.packageName}`;
    byPackage.set(key, [...(byPackage.get(key) ?? []), s]);
  }
  const rows: PackageRow[] = [];
  const findings: Array<{ file: string; finding: HeavyImportFinding }> = [];
  // Whatever stays loaded at startup (needed, of unknown or small cost) loads its own imports too:
  // deferring one of those saves nothing. Two rounds: a package carried this way stays loaded in turn.
  const costOf = (l: Site[]) => l.reduce<ImportCost | undefined>((c, s) => heavier(c, s.cost), undefined);
  const warned = new Set<string>();
  for (const l of byPackage.values())
    if (l.every((s) => canWait(s.imp)) && thresholdCrossed(costOf(l), thresholds)) warned.add(l[0]!.imp.packageName);
  const carrierOf = (pkg: string, eco: StartupImport['ecosystem']) =>
    loadedBy(
      eco,
      pkg,
      [...byPackage.values()].map((l) => l[0]!.imp.packageName).filter((p) => !warned.has(p)),
    );
  for (let round = 0; round < 2; round++)
    for (const l of byPackage.values()) if (carrierOf(l[0]!.imp.packageName, l[0]!.imp.ecosystem)) warned.delete(l[0]!.imp.packageName);
  for (const list of byPackage.values()) {
    const first = list[0]!;
    const cost = costOf(list);
    const threshold = thresholdCrossed(cost, thresholds);
    const carrier = carrierOf(first.imp.packageName, first.imp.ecosystem);
    const deferrable = !carrier && list.every((s) => canWait(s.imp));
    const allUnused = list.every((s) => s.imp.unused);
    const needing: Site | undefined =
      list.find((s) => s.imp.loadTimeUse) ??
      (carrier
        ? {
            ...first,
            imp: { ...first.imp, loadTimeUse: { line: first.imp.range.start.line, what: `${carrier} imports it when it loads` } },
          }
        : undefined);
    const state: PackageState = !cost ? 'unknown-cost' : deferrable ? (allUnused ? 'unused' : 'candidate') : 'needed';
    rows.push({
      packageName: first.imp.packageName,
      ecosystem: first.imp.ecosystem,
      cost,
      heavy: threshold !== undefined,
      threshold,
      deferrable,
      state,
      first: { file: first.file, line: first.imp.range.start.line },
      sites: list.length,
      neededBy: needing ? { file: needing.file, line: needing.imp.loadTimeUse!.line, what: needing.imp.loadTimeUse!.what } : undefined,
    });
    const shown = threshold !== undefined || (!cost && isHeavyFamily(first.imp.packageName));
    if (!shown) continue;
    list.forEach((s, i) => {
      const isFirst = i === 0;
      const warn = deferrable && threshold !== undefined;
      const verdict: ImportVerdict = {
        severity: warn ? 'warning' : 'info',
        deferrable,
        startup,
        marginalMB: isFirst && cost ? cost.heapMB : 0,
        packageName: s.imp.packageName,
        alreadyLoadedBy: isFirst ? undefined : { file: relativePath(first.file), line: first.imp.range.start.line },
        state: !cost ? 'unknown-cost' : deferrable ? (s.imp.unused ? 'unused' : 'candidate') : isFirst ? 'needed' : 'already-loaded',
        process,
      };
      const fix = s.imp.unused ? s.imp.removeFix : s.imp.lazyFix;
      const finding: HeavyImportFinding = {
        kind: 'heavy-import',
        rule: 'heavy-import',
        message: heavyImportMessage(
          s.imp,
          cost,
          verdict,
          threshold,
          needing?.imp.loadTimeUse && { ...needing.imp.loadTimeUse, file: relativePath(needing.file) },
        ),
        range: s.imp.range,
        statementStart: s.imp.range.start,
        startupImport: s.imp,
        cost,
        verdict,
        threshold,
        fixes: fix && (deferrable || s.imp.unused) ? [fix] : [],
      };
      findings.push({ file: s.file, finding });
    });
  }
  return { rows, findings };
}
