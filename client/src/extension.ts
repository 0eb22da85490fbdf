// VS Code side: starts the ncp language server over node IPC, shows the predictors' state in the
// status bar and wires editor commands. Everything language-related lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { showTraceCommand } from './tracePanel';
import { registerViews } from './views';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;

/** The server's `ncp/predictorState` notification (see server/src/features/predictions.ts). */
type PredictorState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; version: string; settings: string[]; backend: string }
  | { kind: 'failed'; message: string };

function showState(state: PredictorState): void {
  if (!statusItem) return;
  switch (state.kind) {
    case 'idle':
      statusItem.text = '$(circuit-board) NCP';
      statusItem.tooltip = 'NCP: predictors load when a .ncp file is open';
      break;
    case 'loading':
      statusItem.text = '$(sync~spin) NCP predictors';
      statusItem.tooltip = 'NCP: loading the accuracy predictors (exact cost is already available)';
      break;
    case 'ready':
      statusItem.text = `$(circuit-board) NCP ${state.backend}`;
      statusItem.tooltip = `NCP predictors ${state.version} on the ${state.backend} backend\nSettings: ${state.settings.join(', ')}`;
      break;
    case 'failed':
      statusItem.text = '$(warning) NCP: no predictors';
      statusItem.tooltip = `NCP predictors unavailable (exact cost still works): ${state.message}\nClick for the server log.`;
      break;
  }
  statusItem.show();
}

function createClient(context: ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'ncp' }, { scheme: 'untitled', language: 'ncp' }],
    synchronize: { configurationSection: 'ncp' },
  };
  return new LanguageClient('ncp', 'NCP Language Server', serverOptions, clientOptions);
}

async function startClient(context: ExtensionContext): Promise<void> {
  client = createClient(context);
  client.onNotification('ncp/predictorState', (s: PredictorState) => showState(s));
  await client.start();
}

export async function activate(context: ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.command = 'ncp.showServerLog';
  showState({ kind: 'idle' });
  context.subscriptions.push(
    statusItem,
    vscode.commands.registerCommand('ncp.showServerLog', () => client?.outputChannel.show(true)),
    vscode.commands.registerCommand('ncp.showTrace', showTraceCommand(context.extensionUri, () => client, (m) => client?.outputChannel.appendLine(m))),
    // The server's "Copy as PyTorch network_setting" action asks the client to do the copying.
    vscode.commands.registerCommand('ncp.copyToClipboard', async (text: unknown, message: unknown) => {
      if (typeof text !== 'string') return;
      await vscode.env.clipboard.writeText(text);
      if (typeof message === 'string') void vscode.window.showInformationMessage(message);
    }),
    vscode.commands.registerCommand('ncp.restartServer', async () => {
      showState({ kind: 'idle' });
      if (client) await client.restart();
    }),
  );
  registerViews(context, () => client, (m) => client?.outputChannel.appendLine(m));
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
