import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Measurement } from './measure';

/** A measurement, or the reason one failed (so a broken package is not re-run on every open). */
export type CachedCost = (Measurement & { readonly measuredAt: string }) | { readonly failed: string; readonly measuredAt: string };

interface CacheFile {
  readonly version: 1;
  readonly entries: Record<string, CachedCost>;
}

/** Import costs per package and version, kept in one JSON file (VS Code global storage, or ~/.cache). */
export class CostCache {
  private entries: Record<string, CachedCost> | undefined;

  constructor(private readonly file: string) {}

  static key(ecosystem: string, module: string, version: string, runtime = ''): string {
    return `${ecosystem}|${runtime}|${module}@${version}`;
  }

  get(key: string): CachedCost | undefined {
    return this.load()[key];
  }

  set(key: string, value: CachedCost): void {
    const entries = this.load();
    entries[key] = value;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, entries } satisfies CacheFile, null, 1));
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs a re-measurement next time.
    }
  }

  private load(): Record<string, CachedCost> {
    if (!this.entries) {
      try {
        const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<CacheFile>;
        this.entries = parsed.version === 1 && parsed.entries ? { ...parsed.entries } : {};
      } catch {
        this.entries = {};
      }
    }
    return this.entries;
  }
}
