// What the views ask the extension to do, after their messages were checked: write an export to a
// file the user picks, insert a network into the document (the server's ncp.insertNetwork, against
// the document's current version), reveal a declaration.
import * as vscode from 'vscode';
import type { ActionMessage } from '../../../webview/src/messages';

export interface ServerClient {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export async function saveExport(m: Extract<ActionMessage, { type: 'save' }>, log: (message: string) => void): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, m.fileName) : undefined,
    filters: { [m.format.toUpperCase()]: [m.format] },
    saveLabel: 'Export',
  });
  if (!target) return;
  const bytes = m.format === 'png' ? Buffer.from(m.data.slice(m.data.indexOf(',') + 1), 'base64') : Buffer.from(m.data, 'utf8');
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`NCP: saved ${target.fsPath || target.toString()}`);
  } catch (e) {
    log(`export failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`NCP: could not save ${target.toString()}: ${(e as Error).message}`);
  }
}

export async function insertNetwork(client: ServerClient | undefined, uri: string | undefined, m: Extract<ActionMessage, { type: 'insert' }>, log: (message: string) => void, afterName?: string): Promise<void> {
  if (!client) return void vscode.window.showWarningMessage('NCP: the language server is not running.');
  const doc = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  if (!uri || !doc) return void vscode.window.showWarningMessage('NCP: open the .ncp file to insert the network into.');
  try {
    const args = { uri, version: doc.version, name: m.name, code: m.code, ...(afterName ? { afterName } : {}) };
    const res = (await client.sendRequest('workspace/executeCommand', { command: 'ncp.insertNetwork', arguments: [args] })) as { applied?: boolean; name?: string; reason?: string } | null;
    if (res?.applied) void vscode.window.showInformationMessage(`NCP: inserted ${res.name ?? m.name}`);
    else void vscode.window.showWarningMessage(`NCP: nothing inserted: ${res?.reason ?? 'no answer'}`);
  } catch (e) {
    log(`ncp.insertNetwork failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`NCP: could not insert the network: ${(e as Error).message}`);
  }
}

export async function revealLine(uri: string, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  const pos = new vscode.Position(Math.min(line, doc.lineCount - 1), 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
}
