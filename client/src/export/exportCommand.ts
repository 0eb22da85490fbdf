// "NCP: Export Network…" (issue 23): asks for the format, the task (head and input size) and the
// file, has the server write the network (request ncp/exportNetwork, core/export) and saves what
// it answers. Run from the code action on a network (with {uri, network}) or the palette (the
// network under the cursor, else a pick of the file's networks).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { pickDeclaration } from '../propagation/declarations';
import { CLIENT_EXPORT_COMMAND, EXPORT_REQUEST, type ExportAnswer } from '../../../server/src/features/export/exportProtocol';

export const EXPORT_COMMAND = CLIENT_EXPORT_COMMAND;

const FORMATS = [
  { label: 'PyTorch', description: 'one .py file that needs only torch: an nn.Module and build()', format: 'pytorch' },
  { label: 'ONNX', description: 'an .onnx model for ONNX Runtime and Netron (random weights)', format: 'onnx' },
  { label: "Authors' arguments", description: 'MultiResolutionNet(input_channel, network_setting, last_channel) as .json', format: 'authors' },
] as const;

const TASKS = [
  { label: 'Classification, 128×128', description: "the benchmark's input, 50 classes", head: 'cls', input: '128x128' },
  { label: 'Segmentation, 512×1024', description: 'Cityscapes crops, 19 classes', head: 'seg', input: '512x1024' },
  { label: 'Classification, other size…', description: 'you give the input size', head: 'cls', input: undefined },
  { label: 'Segmentation, other size…', description: 'you give the input size', head: 'seg', input: undefined },
] as const;

/** "512x1024", "512×1024" or "224" → [h, w]; undefined when not a size. */
export function parseSize(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*(?:[x×X*,]\s*(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const w = m[2] === undefined ? h : Number(m[2]);
  return h >= 1 && w >= 1 && h <= 16384 && w <= 16384 ? [h, w] : undefined;
}

export function registerExportCommand(getClient: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.commands.registerCommand('ncp.exportNetwork', async (arg?: unknown) => {
    const given = arg !== null && typeof arg === 'object' ? (arg as { uri?: unknown; network?: unknown }) : {};
    let uri = typeof given.uri === 'string' ? given.uri : undefined;
    let network = typeof given.network === 'string' ? given.network : undefined;
    if (uri === undefined || network === undefined) {
      const t = await pickDeclaration('network', 'export');
      if (!t) return;
      uri = t.editor.document.uri.toString();
      network = t.name;
    }
    const format = await vscode.window.showQuickPick(FORMATS, { title: `NCP: export '${network}' as…`, ignoreFocusOut: true });
    if (!format) return;
    const task = await vscode.window.showQuickPick(TASKS, { title: `NCP: export '${network}' for…`, ignoreFocusOut: true });
    if (!task) return;
    let size = task.input === undefined ? undefined : parseSize(task.input);
    if (size === undefined) {
      const text = await vscode.window.showInputBox({
        title: `NCP: input size of '${network}'`,
        prompt: 'Height×width in pixels (one number: square). The exported file states the exact cost there.',
        placeHolder: 'e.g. 224 or 512x1024',
        ignoreFocusOut: true,
        validateInput: (v) => (parseSize(v) ? undefined : 'a size HxW from 1 to 16384, e.g. 512x1024'),
      });
      if (text === undefined) return;
      size = parseSize(text);
      if (!size) return;
    }
    const client = getClient();
    if (!client) {
      void vscode.window.showWarningMessage('NCP: the language server is not running.');
      return;
    }
    const answer = (await client.sendRequest(EXPORT_REQUEST, { uri, network, format: format.format, head: task.head, input: size })) as ExportAnswer;
    if (!answer.ok || answer.data === undefined) {
      void vscode.window.showWarningMessage(`NCP: could not export '${network}': ${answer.error ?? 'no answer'}`);
      return;
    }
    const docUri = vscode.Uri.parse(uri);
    const folder = docUri.scheme === 'file' ? vscode.Uri.joinPath(docUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `NCP: save '${network}' (${format.label})`,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, answer.fileName ?? network) } : {}),
    });
    if (!target) return;
    const bytes = answer.encoding === 'base64' ? Buffer.from(answer.data, 'base64') : Buffer.from(answer.data, 'utf8');
    await vscode.workspace.fs.writeFile(target, bytes);
    const macs = answer.macs === undefined ? '' : `; ${(answer.macs * 1e-9).toFixed(3)} G multiply-accumulates, ${((answer.params ?? 0) * 1e-6).toFixed(3)} M parameters`;
    void vscode.window.showInformationMessage(`NCP: exported '${network}' to ${vscode.workspace.asRelativePath(target)} (${answer.target ?? ''}${macs}).`);
  });
}
