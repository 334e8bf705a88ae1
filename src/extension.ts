import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('memoryBudget.attach', () => {
      void vscode.window.showInformationMessage('Memory Budget: attach is being built.');
    }),
  );
}

export function deactivate(): void {}
