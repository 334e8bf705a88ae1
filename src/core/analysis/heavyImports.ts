import { heavyImportMessage } from './display';
import type { HeavyImportFinding, HeavyImportThresholds, ImportCost, StartupImport } from './model';
import { isHeavy } from './model';

/** A startup import becomes a finding when its cost passes either threshold. */
export function heavyImportFinding(
  imp: StartupImport,
  cost: ImportCost | undefined,
  t: HeavyImportThresholds,
): HeavyImportFinding | undefined {
  if (!cost || !isHeavy(cost, t)) return undefined;
  return {
    kind: 'heavy-import',
    rule: 'heavy-import',
    message: heavyImportMessage(imp, cost),
    range: imp.range,
    statementStart: imp.range.start,
    startupImport: imp,
    cost,
    fixes: imp.lazyFix ? [imp.lazyFix] : [],
  };
}
