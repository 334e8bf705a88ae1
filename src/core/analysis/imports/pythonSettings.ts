import type { PythonSettings } from '../model';
import type { SyntaxNode } from '../parsers';
import { nodesWhereTextMatches, stringValue } from '../syntax';

/**
 * What Django loads by name rather than by import: the apps in INSTALLED_APPS, ROOT_URLCONF,
 * `include('app.urls')`, middleware and backends named in settings, the settings module itself
 * (DJANGO_SETTINGS_MODULE), and ASGI/WSGI apps handed to a server as `module:attribute`. Each
 * of these is an edge of the startup graph that no import statement shows.
 */

const DOTTED = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/;
const SERVER_APP = /^([A-Za-z_][\w.]*):[A-Za-z_]\w*$/;
const STRING = new Set(['string']);
const IDENTIFIER = new Set(['identifier']);

function stringsIn(node: SyntaxNode | null | undefined): string[] {
  if (!node) return [];
  if (node.type === 'string') {
    const v = stringValue(node);
    return v === undefined ? [] : [v];
  }
  return node.descendantsOfType('string').flatMap((s) => {
    const v = stringValue(s);
    return v === undefined ? [] : [v];
  });
}

function assignedValue(root: SyntaxNode, source: string, name: string): SyntaxNode | undefined {
  for (const id of nodesWhereTextMatches(root, source, new RegExp(`^(${name})\\s*[+]?=`, 'm'), IDENTIFIER)) {
    const a = id.parent;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.id === id.id) return a.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

export function pythonSettingsOf(root: SyntaxNode, source: string): PythonSettings | undefined {
  const isSettings = /^(INSTALLED_APPS|REST_FRAMEWORK)\s*[+]?=/m.test(source);
  const hasInclude = /\binclude\s*\(/.test(source);
  const setsModule = source.includes('DJANGO_SETTINGS_MODULE');
  const namesServerApp = /\b(uvicorn|gunicorn|hypercorn)\b/.test(source);
  if (!isSettings && !hasInclude && !setsModule && !namesServerApp) return undefined;
  const modulePaths = new Set<string>();
  const installedApps: string[] = [];
  let drfDefaultPagination = false;
  let settingsModule: string | undefined;
  if (isSettings) {
    installedApps.push(...stringsIn(assignedValue(root, source, 'INSTALLED_APPS')));
    // Every dotted name in a settings module is something Django may import: apps, middleware,
    // URL conf, backends, handlers. Names that are not project modules resolve to nothing.
    for (const s of nodesWhereTextMatches(root, source, /"[A-Za-z_][\w.]*"|'[A-Za-z_][\w.]*'/, STRING)) {
      const v = stringValue(s);
      if (v && DOTTED.test(v)) modulePaths.add(v);
    }
    const rest = assignedValue(root, source, 'REST_FRAMEWORK');
    drfDefaultPagination = /['"]DEFAULT_PAGINATION_CLASS['"]\s*:\s*(?!None\b)/.test(rest?.text ?? '');
  }
  if (hasInclude) {
    for (const id of nodesWhereTextMatches(root, source, /\b(include)\s*\(/, IDENTIFIER)) {
      const call = id.parent;
      if (call?.type !== 'call') continue;
      for (const v of stringsIn(call.childForFieldName('arguments')?.namedChildren[0]))
        if (DOTTED.test(v) || /^\w+$/.test(v)) modulePaths.add(v);
    }
  }
  if (setsModule) {
    const m = /DJANGO_SETTINGS_MODULE['"]\s*,\s*(?:f?)['"]([\w.]+)['"]/.exec(source);
    if (m) {
      settingsModule = m[1]!;
      modulePaths.add(settingsModule);
    }
  }
  if (namesServerApp) {
    for (const s of nodesWhereTextMatches(root, source, /"[A-Za-z_][\w.]*:[A-Za-z_]\w*"|'[A-Za-z_][\w.]*:[A-Za-z_]\w*'/, STRING)) {
      const m = SERVER_APP.exec(stringValue(s) ?? '');
      if (m) modulePaths.add(m[1]!);
    }
  }
  return { modulePaths: [...modulePaths], installedApps, drfDefaultPagination, settingsModule };
}
