// Hosts the propagation trace webview: one panel, reused, showing the server's last result of
// one propagation. Strict CSP (nonce'd script, resources only from dist/) and every message from
// the webview checked before it is acted on.
import * as vscode from 'vscode';
import { checkPayload, checkWebviewMessage, type HostMessage, type TracePayload } from '../../../webview/src/protocol';
import { makeNonce, webviewHtml } from '../../../webview/src/html';
import { codeText } from '../../../webview/src/trace/model';
import { allSteps } from '../../../webview/src/trace/exportTrace';
import type { ActionMessage, CursorNetwork } from '../../../webview/src/messages';

export class TracePanel {
  static readonly viewType = 'ncp.trace';
  private static current: TracePanel | undefined;

  private payload: TracePayload = { result: null };
  /** The document the trace belongs to: the panel follows its new runs (traces.ts), "Insert this network" writes there. */
  private uri: string | undefined;
  private ready = false;
  /** Insert/save requests from the view, handled by client/src/views (registerViews sets it). */
  static onAction: ((m: ActionMessage, uri: string | undefined) => void) | undefined;

  /** The trace shown now (the explorer overlays its path), with its document. */
  static latest(): { payload: TracePayload; uri?: string } | undefined {
    const c = TracePanel.current;
    return c?.payload.result ? { payload: c.payload, uri: c.uri } : undefined;
  }

  /** The network under the editor cursor, for the view's code strip. */
  static postCursor(network: CursorNetwork | null): void {
    const c = TracePanel.current;
    if (c?.ready) void c.panel.webview.postMessage({ type: 'cursor', network });
  }
  private readonly disposables: vscode.Disposable[] = [];
  private log: ((message: string) => void) | undefined;

  /** The open panel, if any. */
  static get isOpen(): boolean {
    return TracePanel.current !== undefined;
  }

  /**
   * Updates an open panel without bringing it forward (the view follows the active file); does
   * nothing when no panel is open.
   */
  static follow(payload: unknown, log: (message: string) => void, uri: string): void {
    const c = TracePanel.current;
    if (!c) return;
    const checked = checkPayload(payload);
    if (!checked.ok) log(`ncp/trace: ignored a malformed answer: ${checked.error}`);
    // The strip's cursor row came from the file shown before.
    if (c.uri !== uri) TracePanel.postCursor(null);
    c.uri = uri;
    c.update(checked.ok ? checked.value : { result: null });
  }

  /** Shows (or updates) the trace panel. `payload` is checked here: the server is a separate process. */
  static show(extensionUri: vscode.Uri, payload: unknown, log?: (message: string) => void, uri?: string): TracePanel {
    const checked = checkPayload(payload);
    if (!checked.ok) log?.(`ncp/trace: ignored a malformed answer: ${checked.error}`);
    const value = checked.ok ? checked.value : { result: null };
    if (TracePanel.current) {
      TracePanel.current.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(TracePanel.viewType, 'Propagation trace', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
      });
      TracePanel.current = new TracePanel(panel, extensionUri);
    }
    if (TracePanel.current.uri !== uri) TracePanel.postCursor(null);
    TracePanel.current.uri = uri;
    TracePanel.current.log = log;
    TracePanel.current.update(value);
    return TracePanel.current;
  }

  /** The document of the open panel's run, if a panel is open. */
  static get shownUri(): string | undefined {
    return TracePanel.current?.uri;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const webview = panel.webview;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private update(payload: TracePayload): void {
    // The view names the file it shows (issue 26): the workspace-relative path of the run's document.
    const file = this.uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(this.uri)) : undefined;
    this.payload = { ...payload, ...(file ? { file } : {}) };
    this.panel.title = payload.name ? `Trace: ${payload.name}` : 'Propagation trace';
    if (this.ready) void this.send();
  }

  private send(): Thenable<boolean> {
    const message: HostMessage = { type: 'trace', ...this.payload };
    return this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const m = checkWebviewMessage(raw);
    if (!m.ok) {
      // A webview is untrusted input: drop what is not ours, never throw; say so in the log.
      this.log?.(`trace view: ignored a message: ${m.error}`);
      return;
    }
    if (m.value.type !== 'ready' && m.value.type !== 'reveal') {
      TracePanel.onAction?.(m.value, this.uri);
      return;
    }
    if (m.value.type === 'ready') {
      // Also after the webview reloads (it is not retained when hidden).
      this.ready = true;
      void this.send();
      return;
    }
    // A chosen step: the view shows it (its row, the strip, "Insert this network"); no
    // notification covering the table each click (issue 26). The log keeps its code.
    const r = this.payload.result;
    const step = r ? allSteps(r)[m.value.step] : undefined;
    if (r && step) this.log?.(`trace view: step ${step.step} of run ${step.restart} selected: ${codeText(r.space, step.rounded)}`);
  }

  private dispose(): void {
    if (TracePanel.current === this) TracePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
