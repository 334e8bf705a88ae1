import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseDistribution } from '../imports/packageNames';
import type { Ecosystem } from '../model';

/**
 * The versions a project pins: npm lockfiles (package-lock.json, yarn.lock, pnpm-lock.yaml) or
 * package.json ranges, and Python lockfiles or requirements (poetry.lock, uv.lock, Pipfile.lock,
 * requirements*.txt, pyproject.toml). A cost figure for another major version is labelled so.
 */
export class ProjectPins {
  private readonly node = new Map<string, string>();
  private readonly python = new Map<string, string>();

  /** Reads the pin files found directly in `dirs` (the project root, then each package's folder). */
  static read(dirs: readonly string[]): ProjectPins {
    const pins = new ProjectPins();
    for (const dir of dirs) pins.readDir(dir);
    return pins;
  }

  get(ecosystem: Ecosystem, packageName: string): string | undefined {
    return ecosystem === 'node' ? this.node.get(packageName) : this.python.get(normaliseDistribution(packageName));
  }

  private setNode(name: string, version: string | undefined): void {
    const v = version && cleanRange(version);
    if (v && !this.node.has(name)) this.node.set(name, v);
  }

  private setPython(name: string, version: string | undefined): void {
    const key = normaliseDistribution(name);
    const v = version && cleanRange(version);
    if (v && !this.python.has(key)) this.python.set(key, v);
  }

  private readDir(dir: string): void {
    const text = (name: string): string | undefined => {
      const p = join(dir, name);
      try {
        return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    };
    const lock = text('package-lock.json');
    if (lock) {
      try {
        const json = JSON.parse(lock) as {
          packages?: Record<string, { version?: string }>;
          dependencies?: Record<string, { version?: string }>;
        };
        for (const [path, p] of Object.entries(json.packages ?? {})) {
          const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path);
          if (m) this.setNode(m[1]!, p.version);
        }
        for (const [name, p] of Object.entries(json.dependencies ?? {})) this.setNode(name, p.version);
      } catch {
        // a broken lockfile pins nothing
      }
    }
    const yarn = text('yarn.lock');
    if (yarn) {
      for (const m of yarn.matchAll(/^"?(@?[^@\s"]+)@[^\n]*\n\s+version:?\s+"?([^"\s]+)"?/gm)) this.setNode(m[1]!, m[2]);
    }
    const pnpm = text('pnpm-lock.yaml');
    if (pnpm) {
      for (const m of pnpm.matchAll(/^\s{6}'?(@?[^:'\s]+)'?:\s*\n\s+specifier:[^\n]*\n\s+version:\s*'?([\d][^\s(']*)/gm))
        this.setNode(m[1]!, m[2]);
    }
    const pkg = text('package.json');
    if (pkg) {
      try {
        const json = JSON.parse(pkg) as Record<string, Record<string, string> | undefined>;
        for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
          for (const [name, range] of Object.entries(json[field] ?? {})) this.setNode(name, range);
        }
      } catch {
        // not JSON: no pins from it
      }
    }
    for (const name of ['poetry.lock', 'uv.lock']) {
      const lockText = text(name);
      if (!lockText) continue;
      for (const m of lockText.matchAll(/\[\[package\]\]\s*\nname\s*=\s*"([^"]+)"\s*\nversion\s*=\s*"([^"]+)"/g))
        this.setPython(m[1]!, m[2]);
    }
    const pipfile = text('Pipfile.lock');
    if (pipfile) {
      try {
        const json = JSON.parse(pipfile) as Record<string, Record<string, { version?: string }> | undefined>;
        for (const [name, p] of Object.entries(json.default ?? {})) this.setPython(name, p.version);
      } catch {
        // ignore
      }
    }
    for (const name of [
      'requirements.txt',
      'requirements/base.txt',
      'requirements/production.txt',
      'requirements/prod.txt',
      'requirements-prod.txt',
    ]) {
      const req = text(name);
      if (!req) continue;
      for (const m of req.matchAll(/^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?:==|>=|~=|===)\s*([\w.*+-]+)/gm)) this.setPython(m[1]!, m[2]);
    }
    const pyproject = text('pyproject.toml');
    if (pyproject) {
      for (const m of pyproject.matchAll(/"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?:==|>=|~=)\s*([\d][\w.]*)/g)) this.setPython(m[1]!, m[2]);
      for (const m of pyproject.matchAll(/^([A-Za-z0-9_.-]+)\s*=\s*"[\^~>=]*\s*([\d][\w.]*)"/gm)) {
        if (m[1] !== 'python' && m[1] !== 'version') this.setPython(m[1]!, m[2]);
      }
    }
  }
}

/** `^8.0.3` → `8.0.3`, `~=2.0` → `2.0`, `3:3.2.25-0+deb12u7` → `3.2.25`; undefined for `*`, git URLs, tags. */
export function cleanRange(range: string): string | undefined {
  const m = /(\d+(?:\.\d+){0,2})/.exec(upstreamVersion(range.replace(/^[\^~>=<\s]+/, '')));
  return m && /^[\^~>=<\s]*\d/.test(range) ? m[1] : undefined;
}

/** A Debian package version → the upstream one: no epoch (`3:`), no `+dfsg`/`+ds`, no Debian revision. */
export function upstreamVersion(version: string): string {
  return version
    .replace(/^\d+:/, '')
    .replace(/\+(dfsg|ds|repack)[\w.]*/, '')
    .replace(/-[\w.+~]+$/, '');
}

/** `8.0.3` → `8.0`, `0.3.31` → `0.3`: what "typical for X.Y" names. */
export function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Same release line: same major, or for 0.x the same minor (where npm and pip break APIs). */
export function sameLine(a: string, b: string): boolean {
  const [am, an] = a.split('.');
  const [bm, bn] = b.split('.');
  return am === bm && (am !== '0' || an === bn);
}
