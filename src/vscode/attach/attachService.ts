import * as vscode from 'vscode';
import { formatTargetSpec, parseTargetSpec, type TargetSpec } from '../../core/inspector/targetSpec';
import type { WatchEntry, WatchSet } from '../../core/watch/watchSet';
import { confirmOfferedHost } from './targetPicker';

/**
 * Attaches with a progress notification and turns failures into a clear message (never a
 * thrown error in the extension host). Returns undefined when the attach failed.
 */
export class AttachService {
  constructor(
    private readonly watches: WatchSet,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  private readonly followed = new Set<string>();

  async attach(spec: TargetSpec, options: { quiet?: boolean } = {}): Promise<WatchEntry | undefined> {
    const label = formatTargetSpec(spec);
    try {
      const entry = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Memory Budget: attaching to ${label}…` },
        // Automatic attaches never ask: a target that points elsewhere is simply not attached.
        () => this.watches.attach(spec, options.quiet ? {} : { confirmOfferedHost: (named, url) => this.confirmOfferedHost(named, url) }),
      );
      this.output.info(`attached to ${label}: ${entry.watch.name}, pid ${entry.watch.target.facts?.pid ?? '?'}`);
      return entry;
    } catch (err) {
      const message = `Memory Budget: cannot attach to ${label}: ${(err as Error).message}`;
      this.output.error(message);
      if (!options.quiet) void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  /** A yes is remembered for this window, so a reconnect to the same place does not ask again. */
  private async confirmOfferedHost(named: string, offeredUrl: string): Promise<boolean> {
    const key = `${named} ${new URL(offeredUrl).host}`;
    if (this.followed.has(key)) return true;
    const yes = await confirmOfferedHost(named, offeredUrl);
    if (yes) this.followed.add(key);
    return yes;
  }

  /** For the command's argument form (`memoryBudget.attach "127.0.0.1:9229"`), used by keybindings and tests. */
  async attachText(text: string): Promise<WatchEntry | undefined> {
    let spec: TargetSpec;
    try {
      spec = parseTargetSpec(text);
    } catch (err) {
      void vscode.window.showErrorMessage(`Memory Budget: ${(err as Error).message}`);
      return undefined;
    }
    return this.attach(spec);
  }
}
