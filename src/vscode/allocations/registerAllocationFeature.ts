import * as vscode from 'vscode';
import type { WatchSet } from '../../core/watch/watchSet';
import type { ChartPanel } from '../chart/chartPanel';
import { Commands, registerCommand, type AllocationSiteArg } from '../commands';
import { readSettings } from '../settings';
import { AllocationGutter } from './allocationGutter';
import { AllocationLensProvider } from './allocationLensProvider';
import { AllocationSampling } from './allocationSampling';
import { AllocationTree } from './allocationTree';

export interface AllocationFeatureDeps {
  readonly watches: WatchSet;
  readonly chart: ChartPanel;
  readonly log: vscode.LogOutputChannel;
}

const ALLOCATION_SETTINGS = ['allocationSamplingIntervalBytes', 'remoteRoot'];

/**
 * Live allocation sampling on source lines: Start/Stop (palette, the tree's title and the chart),
 * code lenses on the allocating lines, a gutter bar by share of live bytes, and "Allocations by
 * Line". Stopping takes the lenses away; a target that goes leaves its last reading, faded.
 */
export function registerAllocationFeature(context: vscode.ExtensionContext, deps: AllocationFeatureDeps): void {
  const sampling = new AllocationSampling(deps.watches, readSettings().allocations, deps.log);
  const lenses = new AllocationLensProvider(sampling);
  context.subscriptions.push(
    sampling,
    lenses,
    new AllocationGutter(sampling),
    new AllocationTree(sampling),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses),
    deps.chart.followAllocationSampling(sampling),
    registerCommand(Commands.StartAllocationSampling, (targetId) => sampling.start(targetId)),
    registerCommand(Commands.StopAllocationSampling, () => sampling.stop()),
    registerCommand(Commands.OpenAllocationSite, (site) => openSite(site)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (ALLOCATION_SETTINGS.some((key) => e.affectsConfiguration(`memoryBudget.${key}`)))
        sampling.applySettings(readSettings().allocations);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => sampling.relocate()),
  );
}

async function openSite(site: AllocationSiteArg): Promise<void> {
  if (!site.file) {
    void vscode.window.showInformationMessage(
      `Memory Budget: ${site.url || 'native code'} is not on this machine. For a target behind a forwarded port, set memoryBudget.remoteRoot to the folder it runs from (such as /app).`,
    );
    return;
  }
  const position = new vscode.Position(Math.max(0, site.line - 1), Math.max(0, site.column - 1));
  await vscode.window.showTextDocument(vscode.Uri.file(site.file), { selection: new vscode.Range(position, position) });
}
