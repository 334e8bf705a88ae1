import * as vscode from 'vscode';
import type { TargetSpec } from '../../core/inspector/targetSpec';
import { executeCommand, ForeignCommands } from '../commands';

/** Debug types of VS Code's JavaScript debugger (js-debug) that run a Node process. */
const NODE_DEBUG_TYPES = new Set(['pwa-node', 'node', 'node-terminal', 'pwa-extensionHost']);

/** Running js-debug sessions, tracked from their start (VS Code lists only the active one). */
export class JsDebugSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    if (vscode.debug.activeDebugSession) this.track(vscode.debug.activeDebugSession);
    this.disposables = [
      vscode.debug.onDidStartDebugSession((s) => this.track(s)),
      vscode.debug.onDidTerminateDebugSession((s) => this.sessions.delete(s.id)),
    ];
  }

  get running(): vscode.DebugSession[] {
    return [...this.sessions.values()];
  }

  private track(session: vscode.DebugSession): void {
    if (NODE_DEBUG_TYPES.has(session.type)) this.sessions.set(session.id, session);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * A WebSocket speaking CDP to the debuggee, from js-debug's `requestCDPProxy`. The proxy is
 * shared with the debugger: this extension never sends a `*.disable` through it.
 */
export async function cdpProxyFor(session: vscode.DebugSession): Promise<TargetSpec> {
  const address = await executeCommand(ForeignCommands.RequestCdpProxy, session.id);
  if (!address) throw new Error(`the debug session "${session.name}" offers no CDP proxy (is it still starting, or a parent session?)`);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return { kind: 'websocket', url: `ws://${host}:${address.port}${address.path ?? ''}`, viaJsDebug: true };
}
