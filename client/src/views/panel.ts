// A webview panel for one of the views: the shared HTML shell with a fresh nonce, scripts only from
// the bundle, localResourceRoots limited to dist/, and every message from the view checked before
// the handler sees it (malformed ones are logged and dropped).
import * as vscode from 'vscode';
import { makeNonce, webviewHtml } from '../../../webview/src/html';
import { checkWebviewMessage, type WebviewMessage } from '../../../webview/src/protocol';

export interface ViewPanel {
  panel: vscode.WebviewPanel;
  /** Sends once the view said it is ready (and again after it reloads). */
  send(message: unknown): void;
}

export function openViewPanel(
  extensionUri: vscode.Uri,
  viewType: string,
  title: string,
  view: 'explorer' | 'compare' | 'search',
  onMessage: (m: WebviewMessage) => void,
  log: (message: string) => void,
): ViewPanel {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const panel = vscode.window.createWebviewPanel(viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    localResourceRoots: [dist],
  });
  const webview = panel.webview;
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    title,
    view,
  });
  let ready = false;
  let last: unknown;
  const sub = webview.onDidReceiveMessage((raw: unknown) => {
    const m = checkWebviewMessage(raw);
    if (!m.ok) {
      log(`${title}: ignored a message from the view: ${m.error}`);
      return;
    }
    if (m.value.type === 'ready') {
      ready = true;
      if (last !== undefined) void webview.postMessage(last);
      return;
    }
    try {
      onMessage(m.value);
    } catch (e) {
      log(`${title}: ${(e as Error).message}`);
    }
  });
  panel.onDidDispose(() => sub.dispose());
  return {
    panel,
    send(message) {
      last = message;
      if (ready) void webview.postMessage(message);
    },
  };
}
