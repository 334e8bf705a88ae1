import type { Endpoint } from './cdpSession';
import { isNodeProcess } from './discovery';
import { enableInspector } from './enableInspector';
import { InspectorSource } from './inspectorSource';
import { MetricsSource } from './metricsSource';
import type { MemorySource, SourceOptions } from './memorySource';
import { PidSource } from './pidSource';
import { readProcess } from './procfs';
import type { TargetSpec } from './targetSpec';

export interface OpenOptions extends SourceOptions {
  /** For `pid:` targets: never signal the process, watch RSS only. */
  rssOnly?: boolean;
}

/**
 * Connects to what the user named. A Node pid gets its inspector opened (SIGUSR1); any other
 * pid is watched RSS-only.
 */
export async function openSource(spec: TargetSpec, options: OpenOptions): Promise<MemorySource> {
  if (spec.kind === 'pid') {
    const info = await readProcess(spec.pid);
    if (!info) throw new Error(`no process with pid ${spec.pid}`);
    if (options.rssOnly || !isNodeProcess(info)) return PidSource.open(spec.pid, options);
    const { host, port } = await enableInspector(spec.pid);
    return InspectorSource.open({ host, port }, options);
  }
  if (spec.kind === 'metrics') return MetricsSource.open(spec.url);
  return InspectorSource.open(endpointOf(spec), { ...options, viaJsDebug: spec.kind === 'websocket' && spec.viaJsDebug });
}

export function endpointOf(spec: Exclude<TargetSpec, { kind: 'pid' } | { kind: 'metrics' }>): Endpoint {
  return spec.kind === 'websocket' ? { webSocketUrl: spec.url } : { host: spec.host, port: spec.port };
}
