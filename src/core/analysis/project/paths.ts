import { relative, sep } from 'node:path';

/**
 * `file` relative to `root`, `/`-separated. Files come from walking `root`, so most start with
 * it: slicing is enough there, and `path.relative` (which resolves both against the working
 * directory) costs more than the rest of the project model on a large tree.
 */
export function relativePath(root: string, file: string): string {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const rel = file.startsWith(prefix) && !file.includes(`${sep}..`) ? file.slice(prefix.length) : relative(root, file);
  return sep === '/' ? rel : rel.split(sep).join('/');
}
