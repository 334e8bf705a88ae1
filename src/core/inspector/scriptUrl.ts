// Script URLs as inspectors report them (`file:///srv/app.js` from ESM and newer Node, a plain
// `/srv/app.js` from CommonJS), turned into paths on this machine.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** An absolute path from a file:// URL or a plain absolute path; undefined for anything else. */
export function recordedPath(url: string): string | undefined {
  if (url.startsWith('file:')) {
    try {
      return path.resolve(fileURLToPath(url));
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(url) ? path.resolve(url) : undefined;
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
