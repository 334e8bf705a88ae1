/**
 * From a script URL and position the target reports to a file and line on this machine:
 * `file://` URLs and absolute paths, a remote root for port-forwarded targets (`/app` in the
 * container is the workspace here), and source maps for TypeScript and bundled code, read with
 * @jridgewell/trace-mapping.
 */
import { AnyMap, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isFile, recordedPath } from '../inspector/scriptUrl';
import type { AllocationRow } from './model';

export interface PathMapping {
  /** Where the target's files live on its machine (`/app`); undefined when it runs here. */
  readonly remoteRoot?: string;
  /** The folder on this machine that holds the same files (the workspace). */
  readonly localRoot?: string;
}

export interface LocalPosition {
  readonly file: string;
  /** 1-based, as an editor counts. */
  readonly line: number;
  readonly column: number;
}

/** A source map bigger than this is not read (a generated file's map is rarely over a few MB). */
const MAX_MAP_BYTES = 64 * 1024 * 1024;
/** Where the sourceMappingURL comment is looked for: the end of the generated file. */
const TAIL_BYTES = 64 * 1024;

type LoadedMap = { map: TraceMap } | { map: undefined };

/**
 * Resolves positions, caching each generated file's source map by the file's size and mtime, so a
 * rebuilt bundle is read again and an unchanged one once.
 */
export class SourceLocator {
  private readonly maps = new Map<string, { stamp: string; loaded: LoadedMap }>();

  constructor(private readonly mapping: PathMapping = {}) {}

  /** The file and position on this machine for a position in `url`; undefined when none is there. */
  locate(url: string, line: number, column: number): LocalPosition | undefined {
    const generated = this.localPath(url);
    if (!generated) return undefined;
    const { map } = this.sourceMapOf(generated);
    if (map) {
      const original = originalPositionFor(map, { line, column: Math.max(0, column - 1) });
      const source = original.source !== null ? this.localPath(original.source) : undefined;
      if (source && original.line !== null) return { file: source, line: original.line, column: original.column + 1 };
    }
    return { file: generated, line, column };
  }

  /** An existing file on this machine for a URL or path the target reports, through the remote root. */
  localPath(url: string): string | undefined {
    const recorded = recordedPath(url);
    if (!recorded) return undefined;
    const { remoteRoot, localRoot } = this.mapping;
    if (remoteRoot && localRoot) {
      const relative = path.posix.relative(toPosix(remoteRoot), toPosix(recorded));
      if (relative !== '' && !relative.startsWith('..') && !path.posix.isAbsolute(relative)) {
        const local = path.resolve(localRoot, ...relative.split('/'));
        if (isFile(local)) return local;
      }
    }
    return isFile(recorded) ? recorded : undefined;
  }

  private sourceMapOf(file: string): LoadedMap {
    let stamp: string;
    try {
      const s = statSync(file);
      stamp = `${s.size}:${s.mtimeMs}`;
    } catch {
      return { map: undefined };
    }
    const cached = this.maps.get(file);
    if (cached?.stamp === stamp) return cached.loaded;
    const loaded = loadSourceMap(file);
    this.maps.set(file, { stamp, loaded });
    return loaded;
  }
}

/** The map a generated file names in its last `//# sourceMappingURL=`, inline or beside it. */
function loadSourceMap(file: string): LoadedMap {
  const reference = sourceMappingUrl(readTail(file));
  if (!reference) return { map: undefined };
  try {
    if (reference.startsWith('data:')) {
      const comma = reference.indexOf(',');
      const meta = reference.slice(5, comma);
      const data = reference.slice(comma + 1);
      const text = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
      return { map: new AnyMap(JSON.parse(text), pathToFileURL(file).href) };
    }
    const mapFile = reference.startsWith('file:') ? fileURLToPath(reference) : path.resolve(path.dirname(file), reference);
    if (statSync(mapFile).size > MAX_MAP_BYTES) return { map: undefined };
    return { map: new AnyMap(JSON.parse(readFileSync(mapFile, 'utf8')), pathToFileURL(mapFile).href) };
  } catch {
    // A missing or broken map leaves the generated position, which is still a real place.
    return { map: undefined };
  }
}

/** The end of the file, where the comment is; all of it (up to the cap) when an inline map is longer. */
function readTail(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = statSync(file).size;
    const read = (length: number) => {
      const buffer = Buffer.alloc(length);
      readSync(fd!, buffer, 0, length, size - length);
      return buffer.toString('utf8');
    };
    const tail = read(Math.min(size, TAIL_BYTES));
    return tail.includes('sourceMappingURL=') || size <= TAIL_BYTES ? tail : read(Math.min(size, MAX_MAP_BYTES));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function sourceMappingUrl(text: string): string | undefined {
  const matches = [...text.matchAll(/(?:\/\/|\/\*)[#@]\s*sourceMappingURL=([^\s*'"]+)/g)];
  return matches.at(-1)?.[1];
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

/** A row with the file it maps to on this machine, line and column then counting in that file. */
export interface LocatedRow extends AllocationRow {
  /** The file on this machine (the original source when a source map leads to one); null when there is none. */
  readonly file: string | null;
}

/** Each row placed on this machine; line and column stay the target's where no file is found. */
export function locateRows(rows: readonly AllocationRow[], locator: SourceLocator): LocatedRow[] {
  return rows.map((row) => {
    const local = locator.locate(row.url, row.line, row.column);
    return local ? { ...row, file: local.file, line: local.line, column: local.column } : { ...row, file: null };
  });
}
