import * as vscode from 'vscode';
import { discoverTargets, specOf, type DiscoveredTarget } from '../../core/inspector/discovery';
import { runtimeTitle } from '../../core/inspector/runtimes';
import { formatTargetSpec, hostOf, isLoopbackHost, parseTargetSpec, type TargetSpec } from '../../core/inspector/targetSpec';
import { cdpProxyFor, type JsDebugSessions } from './jsDebugSessions';

/** What the user chose: a target spec now, or a debug session whose proxy is asked for later. */
export type AttachChoice = { spec: TargetSpec; name: string } | { session: vscode.DebugSession; name: string };

interface ChoiceItem extends vscode.QuickPickItem {
  choice?: AttachChoice;
  manual?: boolean;
  /** A Bun inspector whose ws:// path is random: the user pastes the URL Bun printed. */
  bunUrlFor?: { host: string; port: number; pid: number; name: string };
}

const MANUAL_LABEL = "$(plug) Enter host:port, a ws:// URL or an agent's http:// metrics…";

/**
 * The attach quick pick: inspectors, Node processes without one, debug sessions, RSS-only
 * services, and manual entry — best first. Discovery runs while the pick is already open.
 */
export async function pickTargets(options: { many: boolean; ports: number[]; jsDebug: JsDebugSessions }): Promise<AttachChoice[]> {
  const pick = vscode.window.createQuickPick<ChoiceItem>();
  pick.title = options.many ? 'Attach Memory Budget to several targets' : 'Attach Memory Budget Monitor';
  pick.placeholder = 'Pick a Node.js, Deno or Bun process or inspector to watch against the budget';
  pick.canSelectMany = options.many;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  const manual: ChoiceItem = {
    label: MANUAL_LABEL,
    description: "a port-forwarded process (fly proxy, ssh -L, kubectl port-forward), or an agent's read-only /metrics",
    manual: true,
    alwaysShow: true,
  };
  pick.items = [manual];
  pick.show();

  void discoverTargets({ ports: options.ports }).then(
    (found) => {
      pick.items = [...debugSessionItems(options.jsDebug), ...found.flatMap(itemsFor), ...(options.many ? [] : [manual])];
      if (found.length === 0 && options.jsDebug.running.length === 0)
        pick.placeholder = 'Nothing found on this machine — enter host:port, or start your app with node --inspect';
      pick.busy = false;
    },
    (err: Error) => {
      pick.placeholder = `Discovery failed: ${err.message}`;
      pick.busy = false;
    },
  );

  const chosen = await new Promise<readonly ChoiceItem[] | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const items = options.many ? pick.selectedItems : pick.activeItems;
      // An address typed straight into the filter (matching no item) is taken as manual entry.
      resolve(items.length === 0 && looksLikeTarget(pick.value) ? [{ label: pick.value, manual: true }] : items);
    });
    pick.onDidHide(() => resolve(undefined));
  });
  const typed = pick.value;
  pick.dispose();
  if (!chosen || chosen.length === 0) return [];
  // An address typed into the filter is taken as it is, even with manual entry still highlighted.
  if (chosen.length === 1 && chosen[0].manual && (chosen[0].label === typed || looksLikeTarget(typed))) {
    const spec = parseTargetSpec(typed);
    return (await confirmRemote(spec)) ? [{ spec, name: formatTargetSpec(spec) }] : [];
  }
  if (chosen.some((c) => c.manual)) {
    const entered = await promptForTarget();
    return entered ? [entered] : [];
  }
  const bun = chosen.find((c) => c.bunUrlFor)?.bunUrlFor;
  if (bun) {
    const entered = await promptForBunUrl(bun);
    return entered ? [entered] : [];
  }
  return chosen.map((c) => c.choice).filter((c): c is AttachChoice => c !== undefined);
}

/** Manual entry with validation; a remote host needs an explicit yes. */
export async function promptForTarget(): Promise<AttachChoice | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Attach Memory Budget Monitor',
    prompt:
      "An inspector address: host:port (e.g. 127.0.0.1:9229 after `fly proxy 9229`), a ws:// URL, pid:<N> — or an agent's read-only metrics: http://127.0.0.1:9464",
    placeHolder: '127.0.0.1:9229',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      try {
        parseTargetSpec(value);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  });
  if (!text?.trim()) return undefined;
  const spec = parseTargetSpec(text);
  if (!(await confirmRemote(spec))) return undefined;
  return { spec, name: formatTargetSpec(spec) };
}

/** An inspector port is remote code execution: attaching to a non-loopback host is a decision. */
export async function confirmRemote(spec: TargetSpec): Promise<boolean> {
  const host = hostOf(spec);
  // An agent's /metrics runs nothing: reading it is not the risk an inspector port is.
  if (host === undefined || isLoopbackHost(host) || spec.kind === 'metrics') return true;
  const proceed = 'Attach Anyway';
  const answer = await vscode.window.showWarningMessage(
    `${host} is not this machine. An open inspector port lets anyone who reaches it run code in that process. ` +
      'Prefer a tunnel to 127.0.0.1 (fly proxy, ssh -L, kubectl port-forward).',
    { modal: true },
    proceed,
  );
  return answer === proceed;
}

/** Bun prints its inspector's URL once, with a random path nothing else tells: ask for it, port filled in. */
async function promptForBunUrl(bun: { host: string; port: number; pid: number; name: string }): Promise<AttachChoice | undefined> {
  const prefix = `ws://${bun.host}:${bun.port}/`;
  const text = await vscode.window.showInputBox({
    title: `Attach to Bun (pid ${bun.pid})`,
    prompt: `Paste the URL Bun printed under "Listening:" — or start it with --inspect=${bun.host}:${bun.port}/<name> so it can be found`,
    value: prefix,
    valueSelection: [prefix.length, prefix.length],
    ignoreFocusOut: true,
    validateInput: (value) =>
      /^wss?:\/\/[^/]+\/\S+$/.test(value.trim()) ? undefined : `a ws:// URL with the path Bun printed, like ${prefix}1a2b…`,
  });
  if (!text?.trim()) return undefined;
  return { spec: parseTargetSpec(text), name: bun.name };
}

export async function resolveChoice(choice: AttachChoice): Promise<TargetSpec> {
  return 'spec' in choice ? choice.spec : cdpProxyFor(choice.session);
}

function looksLikeTarget(text: string): boolean {
  try {
    parseTargetSpec(text);
    return true;
  } catch {
    return false;
  }
}

function debugSessionItems(jsDebug: JsDebugSessions): ChoiceItem[] {
  return jsDebug.running.map((session) => ({
    label: `$(debug) ${session.name}`,
    description: `debug session (${session.type})`,
    detail: "through the JavaScript debugger's CDP proxy",
    choice: { session, name: session.name },
  }));
}

function itemsFor(t: DiscoveredTarget): ChoiceItem[] {
  switch (t.kind) {
    case 'inspector': {
      const runtime = t.runtime && t.runtime !== 'node' ? `${runtimeTitle(t.runtime)} ` : '';
      return [
        {
          label: `$(pulse) ${t.command ? shortCommand(t.command) : t.title}`,
          description: `${t.pid ? `pid ${t.pid} · ` : ''}${runtime}inspector ${t.host}:${t.port}`,
          detail: t.command,
          choice: { spec: specOf(t), name: t.title },
        },
      ];
    }
    case 'node-no-inspector':
      return [
        {
          label: `$(server-process) ${shortCommand(t.command)}`,
          description: `pid ${t.pid} · no inspector — will enable it`,
          detail: t.command,
          choice: { spec: { kind: 'pid', pid: t.pid }, name: shortCommand(t.command) },
        },
      ];
    case 'rss-only': {
      const rssOnly: ChoiceItem = {
        label: `$(eye) ${shortCommand(t.command)}`,
        description: `pid ${t.pid} · RSS only (${t.hint ?? t.exeName})`,
        detail: t.command,
        choice: { spec: { kind: 'pid', pid: t.pid }, name: shortCommand(t.command) },
      };
      if (t.inspectorPort === undefined) return [rssOnly];
      const host = '127.0.0.1';
      return [
        {
          label: `$(pulse) ${shortCommand(t.command)}`,
          description: `pid ${t.pid} · Bun inspector ${host}:${t.inspectorPort} — enter the ws:// URL it printed…`,
          detail: t.command,
          bunUrlFor: { host, port: t.inspectorPort, pid: t.pid, name: shortCommand(t.command) },
        },
        rssOnly,
      ];
    }
  }
}

function shortCommand(command: string): string {
  const parts = command.split(' ').filter((p) => !p.startsWith('-'));
  const script = parts.slice(1).find((p) => /\.(c|m)?[jt]s$|\.py$/.test(p)) ?? parts[1] ?? parts[0];
  return script?.split('/').slice(-2).join('/') ?? command;
}
