// The views' side of the extension: "NCP: Open Benchmark Explorer", "NCP: Compare Networks", the
// trace view's insert/export requests and the network under the cursor for its code strip.
// extension.ts calls registerViews once.
import * as vscode from 'vscode';
import { TracePanel } from '../propagation/tracePanel';
import { allSteps } from '../../../webview/src/trace/exportTrace';
import { checkCursor, type ActionMessage } from '../../../webview/src/messages';
import { insertNetwork, revealLine, saveExport, type ServerClient } from './actions';
import { openViewPanel, type ViewPanel } from './panel';

export const COMMAND_OPEN_EXPLORER = 'ncp.openBenchmarkExplorer';
export const COMMAND_COMPARE = 'ncp.compareNetworks';

function ncpDocument(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'ncp') return active;
  return vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.languageId === 'ncp');
}

export function registerViews(context: vscode.ExtensionContext, getClient: () => ServerClient | undefined, log: (message: string) => void): void {
  const ext = context.extensionUri;
  const act = (uri: string | undefined) => (m: ActionMessage) => {
    if (m.type === 'save') void saveExport(m, log);
    else if (m.type === 'insert') void insertNetwork(getClient(), uri, m, log);
  };
  TracePanel.onAction = (m, uri) => act(uri)(m);

  let explorer: ViewPanel | undefined;
  let explorerUri: string | undefined;
  /** The benchmark file the open explorer shows: it stays when the explorer follows another file. */
  let explorerBenchmark: string | undefined;
  let compare: { view: ViewPanel; uri: string } | undefined;

  /** `arg`: a benchmark file path, or `{ benchmarkPath?, uri? }` (scripts and tests: no dialog). Resolves true when shown. */
  const openExplorer = async (arg?: unknown): Promise<boolean> => {
    const a = typeof arg === 'string' ? { benchmarkPath: arg } : arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
    const client = getClient();
    const doc = typeof a.uri === 'string' ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === a.uri) : ncpDocument();
    if (!client || !doc) {
      void vscode.window.showWarningMessage(!client ? 'NCP: the language server is not running.' : 'NCP: open a .ncp file first (the explorer overlays its networks).');
      return false;
    }
    let benchmarkPath = typeof a.benchmarkPath === 'string' && a.benchmarkPath ? a.benchmarkPath : vscode.workspace.getConfiguration('ncp').get<string>('benchmark.path') ?? '';
    if (!benchmarkPath) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Benchmark (JSON)': ['json'] }, openLabel: 'Open benchmark' });
      if (!picked?.[0]) return false;
      benchmarkPath = picked[0].fsPath;
    }
    // The current trace's path, when it belongs to this document.
    const t = TracePanel.latest();
    const r = t && t.uri === doc.uri.toString() ? t.payload.result : undefined;
    const steps = r && r.space === 'multires' ? allSteps(r).filter((s) => s.restart === r.bestRestart) : [];
    const path = steps.length ? { label: t?.payload.name ?? 'trace', codes: steps.map((s) => s.rounded), steps: steps.map((s) => s.step) } : undefined;
    const uri = doc.uri.toString();
    explorerUri = uri;
    explorerBenchmark = benchmarkPath;
    const data = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'NCP: reading the benchmark…' }, () =>
      client.sendRequest('ncp/benchmarkExplorer', { uri, benchmarkPath, ...(path ? { path } : {}) }),
    ).then(undefined, (e: Error) => ({ error: e.message }));
    if (data && typeof data === 'object' && 'error' in data) {
      void vscode.window.showErrorMessage(`NCP: ${String((data as { error: unknown }).error)}`);
      return false;
    }
    if (!explorer) {
      explorer = openViewPanel(ext, 'ncp.benchmarkExplorer', 'Benchmark explorer', 'explorer', (m) => {
        // The document of the latest open: the explorer is reused across files.
        if (m.type === 'save' || m.type === 'insert') act(explorerUri)(m);
      }, log);
      explorer.panel.onDidDispose(() => (explorer = undefined));
    } else explorer.panel.reveal(undefined, true);
    explorer.send({ type: 'explorer', data });
    return true;
  };

  const refreshCompare = async (): Promise<void> => {
    const c = compare;
    const client = getClient();
    if (!c || !client) return;
    const data = await client.sendRequest('ncp/compare', { uri: c.uri }).then(undefined, (e: Error) => ({ error: e.message }));
    if (data && typeof data === 'object' && 'error' in data) return log(`ncp/compare: ${String((data as { error: unknown }).error)}`);
    c.view.send({ type: 'compare', data });
  };

  const openCompare = async (): Promise<boolean> => {
    const doc = ncpDocument();
    if (!getClient() || !doc) {
      void vscode.window.showWarningMessage(!getClient() ? 'NCP: the language server is not running.' : 'NCP: open a .ncp file first.');
      return false;
    }
    const uri = doc.uri.toString();
    if (!compare) {
      const view = openViewPanel(ext, 'ncp.compare', 'Compare networks', 'compare', (m) => {
        if (m.type === 'save') act(uri)(m);
        else if (m.type === 'openNetwork' && compare) {
          const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === compare!.uri);
          const line = d?.getText().split('\n').findIndex((l) => new RegExp(`^\\s*(network|cell)\\s+${m.name}\\b`).test(l)) ?? -1;
          if (line >= 0) void revealLine(compare.uri, line);
        }
      }, log);
      view.panel.onDidDispose(() => (compare = undefined));
      compare = { view, uri };
    } else {
      compare.uri = uri;
      compare.view.panel.reveal(undefined, true);
    }
    await refreshCompare();
    return true;
  };

  // A search block's best-so-far chart (lens "Show progress"): one panel, redrawn from the file on each open.
  let progress: ViewPanel | undefined;
  const openSearchProgress = async (arg?: unknown): Promise<boolean> => {
    const a = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
    const client = getClient();
    if (!client || typeof a.uri !== 'string' || typeof a.name !== 'string') return false;
    const data = await client.sendRequest('ncp/searchProgress', { uri: a.uri, name: a.name }).then(undefined, (e: Error) => ({ error: e.message }));
    if (!data || typeof data !== 'object' || !('points' in data)) {
      void vscode.window.showErrorMessage(`NCP: ${String((data as { error?: unknown } | null)?.error ?? 'no answer from the server')}`);
      return false;
    }
    if (!progress) {
      progress = openViewPanel(ext, 'ncp.searchProgress', 'Search progress', 'search', (m) => {
        if (m.type === 'save') act(a.uri as string)(m);
      }, log);
      progress.panel.onDidDispose(() => (progress = undefined));
    } else progress.panel.reveal(undefined, true);
    progress.send({ type: 'searchProgress', data });
    return true;
  };

  // The explorer and the compare table follow the active .ncp editor (issue 26): each names the
  // file it shows, and switches to the file the user works on.
  const followActive = async (doc: vscode.TextDocument | undefined): Promise<void> => {
    if (!doc || doc.languageId !== 'ncp') return;
    const uri = doc.uri.toString();
    if (compare && compare.uri !== uri) {
      compare.uri = uri;
      await refreshCompare();
    }
    if (explorer && explorerUri !== uri && explorerBenchmark) {
      const view = explorer;
      explorerUri = uri;
      const client = getClient();
      const data = await client?.sendRequest('ncp/benchmarkExplorer', { uri, benchmarkPath: explorerBenchmark }).then(undefined, (e: Error) => ({ error: e.message }));
      if (!data || (typeof data === 'object' && 'error' in data)) return log(`ncp/benchmarkExplorer: ${String((data as { error?: unknown } | undefined)?.error ?? 'no answer')}`);
      if (explorerUri === uri) view.send({ type: 'explorer', data });
    }
  };
  let followTimer: ReturnType<typeof setTimeout> | undefined;

  // The compare table follows edits of its document (debounced); the trace view's strip follows the cursor.
  let compareTimer: ReturnType<typeof setTimeout> | undefined;
  let cursorTimer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand('ncp.openBenchmarkExplorer', openExplorer),
    vscode.commands.registerCommand('ncp.compareNetworks', openCompare),
    vscode.commands.registerCommand('ncp.showSearchProgress', openSearchProgress),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!compare || e.document.uri.toString() !== compare.uri) return;
      clearTimeout(compareTimer);
      compareTimer = setTimeout(() => void refreshCompare(), 600);
    }),
    vscode.window.onDidChangeActiveTextEditor((e) => {
      // Only another .ncp editor replaces a pending follow: clicking the view's own tab within
      // the debounce (no active editor then) must not cancel the switch that came before it.
      const doc = e?.document;
      if (doc?.languageId === 'ncp') {
        clearTimeout(followTimer);
        followTimer = setTimeout(() => void followActive(doc), 250);
      }
      // The strip's cursor row belongs to the trace's file: gone when another .ncp file is active
      // (focusing the view itself, or a non-.ncp editor, keeps it).
      if (e?.document.languageId === 'ncp' && e.document.uri.toString() !== TracePanel.shownUri) TracePanel.postCursor(null);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId !== 'ncp' || !TracePanel.latest()) return;
      clearTimeout(cursorTimer);
      // Only the file the trace view shows puts a cursor row in its strip.
      if (e.textEditor.document.uri.toString() !== TracePanel.shownUri) return TracePanel.postCursor(null);
      cursorTimer = setTimeout(async () => {
        const client = getClient();
        if (!client) return;
        const pos = e.selections[0]?.active;
        const answer = await client.sendRequest('ncp/networkAt', { uri: e.textEditor.document.uri.toString(), position: { line: pos.line, character: pos.character } }).catch(() => null);
        try {
          TracePanel.postCursor(checkCursor(answer));
        } catch {
          log('ncp/networkAt: ignored a malformed answer');
        }
      }, 150);
    }),
    { dispose: () => (clearTimeout(compareTimer), clearTimeout(cursorTimer), clearTimeout(followTimer)) },
  );
}
