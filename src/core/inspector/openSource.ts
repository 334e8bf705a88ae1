import { bunInspectorUrl, bunWantsInspector, findBunInspectorPort } from './bunInspector';
import { START_WITH_INSPECT, inspectPortsFromArgv } from './discovery';
import { enableInspector } from './enableInspector';
import { fetchInspectorList } from './inspectorHttp';
import type { Endpoint } from './inspectorSession';
import { InspectorSource } from './inspectorSource';
import { MetricsSource } from './metricsSource';
import type { MemorySource, SourceOptions } from './memorySource';
import { PidSource } from './pidSource';
import { listeningPorts, readProcess, type ProcessInfo } from './procfs';
import { runtimeOfProcess } from './runtimes';
import type { TargetSpec } from './targetSpec';

export interface OpenOptions extends SourceOptions {
  /** For `pid:` targets: never signal the process, watch RSS only. */
  rssOnly?: boolean;
}

/**
 * Connects to what the user named. A Node pid gets its inspector opened (SIGUSR1) and closed
 * again when we are done; a Bun or Deno pid is attached to only through the inspector it was
 * started with (never signalled); any other pid is watched RSS-only.
 */
export async function openSource(spec: TargetSpec, options: OpenOptions): Promise<MemorySource> {
  if (spec.kind === 'metrics') return MetricsSource.open(spec.url);
  if (spec.kind !== 'pid') {
    return InspectorSource.open(endpointOf(spec), { ...options, viaJsDebug: spec.kind === 'websocket' && spec.viaJsDebug });
  }
  const info = await readProcess(spec.pid);
  if (!info) throw new Error(`no process with pid ${spec.pid}`);
  const runtime = runtimeOfProcess(info);
  if (options.rssOnly || runtime === undefined) return PidSource.open(spec.pid, options);
  if (runtime === 'node') {
    const { host, port, opened } = await enableInspector(spec.pid);
    return InspectorSource.open({ host, port }, { ...options, closeInspectorOnExit: opened });
  }
  const endpoint = runtime === 'bun' ? await bunEndpoint(info) : await denoEndpoint(info);
  if (typeof endpoint === 'string') return PidSource.open(spec.pid, options, endpoint);
  return InspectorSource.open(endpoint, options);
}

export function endpointOf(spec: Exclude<TargetSpec, { kind: 'pid' } | { kind: 'metrics' }>): Endpoint {
  return spec.kind === 'websocket' ? { webSocketUrl: spec.url } : { host: spec.host, port: spec.port };
}

/** Bun's inspector URL, or why the process can only be watched RSS-only. */
async function bunEndpoint(p: ProcessInfo): Promise<Endpoint | string> {
  if (!(await bunWantsInspector(p))) return START_WITH_INSPECT.bun;
  const host = '127.0.0.1';
  const port = await findBunInspectorPort(host, await listeningPorts(p.pid));
  if (port === undefined) return `${START_WITH_INSPECT.bun} (its --inspect flag is set, but no Bun inspector answers on its ports)`;
  const url = await bunInspectorUrl(p, host, port);
  return url
    ? { webSocketUrl: url }
    : `Bun's inspector on ${host}:${port} has a random path: attach with the ws:// URL Bun printed, or start it with --inspect=${host}:${port}/<name>`;
}

/** Deno's inspector (CDP, with /json/list) when it was started with one. */
async function denoEndpoint(p: ProcessInfo): Promise<Endpoint | string> {
  if (inspectPortsFromArgv(p.argv).length === 0) return START_WITH_INSPECT.deno;
  const host = '127.0.0.1';
  for (const port of await listeningPorts(p.pid)) {
    if (((await fetchInspectorList(host, port, 300)) ?? []).length > 0) return { host, port };
  }
  return `${START_WITH_INSPECT.deno} (its --inspect flag is set, but no inspector answers on its ports)`;
}
