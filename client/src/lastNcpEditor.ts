// The `.ncp` editor commands act on when none is active: the last active one. A command link in
// the walkthrough (or any webview) leaves no active text editor, and the `.ncp` files may sit in
// background tabs of that group, so "the visible .ncp editor" is often none at all.
import * as vscode from 'vscode';
import { WALKTHROUGH_CONTEXT, walkthroughStepDone } from './walkthrough';

let last: { uri: string; selection: vscode.Selection } | undefined;

function isNcp(e: vscode.TextEditor | undefined): e is vscode.TextEditor {
  return e?.document.languageId === 'ncp';
}

/** Follows the active `.ncp` editor and its cursor; forgets a file when it closes. */
export function trackNcpEditors(): vscode.Disposable {
  const remember = (e: vscode.TextEditor | undefined): void => {
    if (!isNcp(e)) return;
    last = { uri: e.document.uri.toString(), selection: e.selection };
    walkthroughStepDone(WALKTHROUGH_CONTEXT.opened);
  };
  remember(vscode.window.activeTextEditor);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(remember),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) remember(e.textEditor);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (last?.uri === d.uri.toString()) last = undefined;
    }),
  );
}

/** `.ncp` files open in tabs, the active group's active tab first. */
function ncpTabs(): vscode.Uri[] {
  const out: vscode.Uri[] = [];
  const groups = [vscode.window.tabGroups.activeTabGroup, ...vscode.window.tabGroups.all.filter((g) => g !== vscode.window.tabGroups.activeTabGroup)];
  for (const g of groups) {
    const tabs = g.activeTab ? [g.activeTab, ...g.tabs.filter((t) => t !== g.activeTab)] : g.tabs;
    for (const t of tabs) if (t.input instanceof vscode.TabInputText && t.input.uri.path.endsWith('.ncp')) out.push(t.input.uri);
  }
  return out;
}

/** The uri of the `.ncp` document a command acts on: the active one, the last active one, a visible one, an open tab. */
function targetUri(): string | undefined {
  const active = vscode.window.activeTextEditor;
  if (isNcp(active)) return active.document.uri.toString();
  if (last && vscode.workspace.textDocuments.some((d) => d.uri.toString() === last!.uri)) return last.uri;
  const visible = vscode.window.visibleTextEditors.find(isNcp);
  if (visible) return visible.document.uri.toString();
  return ncpTabs()[0]?.toString();
}

/** The document of `targetUri()`, without showing it (the trace list needs only its runs). */
export async function ncpDocument(): Promise<vscode.TextDocument | undefined> {
  const uri = targetUri();
  if (!uri) return undefined;
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  const doc = open ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)).then((d) => d, () => undefined));
  return doc?.languageId === 'ncp' ? doc : undefined;
}

/**
 * A live editor of `targetUri()`: the active or a visible one as it is, else the document shown
 * again with the cursor where the user left it (the result of a run is written there anyway).
 */
export async function ncpTextEditor(): Promise<vscode.TextEditor | undefined> {
  const active = vscode.window.activeTextEditor;
  if (isNcp(active)) return active;
  const doc = await ncpDocument();
  if (!doc) return undefined;
  const uri = doc.uri.toString();
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  if (visible) return visible;
  return vscode.window.showTextDocument(doc, { preview: false, ...(last?.uri === uri ? { selection: last.selection } : {}) });
}
