// Which file a script URL from a heap snapshot may open. A snapshot is a file from anywhere (a
// colleague, a container, a crafted download), so the paths it names are not trusted: only files
// inside the workspace folders open. No `vscode` here, so it is tested on real files.
import path from 'node:path';
import { isFile, recordedPath } from '../../core/inspector/scriptUrl';

export type ScriptFile = { readonly file: string; readonly mapped: boolean } | { readonly refused: string };

/**
 * The workspace file for `url`: the path itself when it lies inside a workspace folder, else
 * the longest trailing part of it that names a file in one (`/app/src/server.js`, recorded in a
 * container, opens `<folder>/src/server.js`). Anything else is refused with the reason.
 */
export function resolveSnapshotScript(url: string, workspaceFolders: readonly string[]): ScriptFile {
  const recorded = recordedPath(url);
  if (!recorded) return { refused: `${url} is not a file (Node's own modules and generated code have none)` };
  if (workspaceFolders.length === 0) return { refused: `open the folder that holds ${path.basename(recorded)} to go to its source` };
  const folders = workspaceFolders.map((f) => path.resolve(f));
  if (folders.some((folder) => isInside(recorded, folder)) && isFile(recorded)) return { file: recorded, mapped: false };
  const segments = recorded.split(/[\\/]+/).filter((s) => s !== '');
  for (let start = 0; start < segments.length; start++) {
    for (const folder of folders) {
      const candidate = path.resolve(folder, ...segments.slice(start));
      if (isInside(candidate, folder) && isFile(candidate)) return { file: candidate, mapped: true };
    }
  }
  return { refused: `${recorded} is not in the workspace: only files inside the workspace folders open from a snapshot` };
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
