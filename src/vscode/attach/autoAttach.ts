import * as vscode from 'vscode';
import { autoAttachPorts, matchesAutoAttach } from '../../core/inspector/autoAttachRules';
import { discoverTargets, specOf } from '../../core/inspector/discovery';
import type { WatchSet } from '../../core/watch/watchSet';
import type { MonitorSettings } from '../settings';
import type { AttachService } from './attachService';

const POLL_MS = 5000;

/** Attaches by itself to inspectors matching `memoryBudget.autoAttach`; off when it is empty. */
export class AutoAttach implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private rules: string[] = [];
  private ports: number[] = [];
  private polling = false;
  /** Endpoints that failed once are not retried every poll. */
  private readonly failed = new Set<string>();

  constructor(
    private readonly watches: WatchSet,
    private readonly attach: AttachService,
  ) {}

  configure(settings: MonitorSettings): void {
    this.rules = settings.autoAttach.filter((r) => r.trim() !== '');
    this.ports = [...new Set([...settings.discoveryPorts, ...autoAttachPorts(this.rules)])];
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.rules.length === 0) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const t of await discoverTargets({ ports: this.ports })) {
        if (t.kind !== 'inspector' || !matchesAutoAttach(t, this.rules)) continue;
        const spec = specOf(t);
        const key = `${t.host}:${t.port}:${t.pid ?? ''}`;
        if (this.watches.findBySpec(spec) || this.failed.has(key)) continue;
        if (!(await this.attach.attach(spec, { quiet: true }))) this.failed.add(key);
      }
    } finally {
      this.polling = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
