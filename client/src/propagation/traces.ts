// "NCP: Show Propagation Trace": every propagation of a file keeps its trace on the server
// (`ncp/traces {uri}` → its runs, latest first; `ncp/trace {key}` or `{uri, name}` → one trace).
// From a code lens the run is given; from the palette or the title bar a quick pick offers the
// file's runs. An open panel follows its file: `ncp/traceAdded` shows the run that just finished.
import * as vscode from 'vscode';
import { traceTarget } from '../../../webview/src/protocol';
import { TracePanel } from './tracePanel';
import { ncpDocument } from '../lastNcpEditor';
import { WALKTHROUGH_CONTEXT, walkthroughStepDone } from '../walkthrough';

export interface RunInfo {
  key: string;
  name: string;
  source: string;
  finishedAt: string;
  strategy: string;
  /** The declaration the run wrote. */
  result?: string;
}

/** The part of the language client this needs. */
export interface TraceClient {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

function runsOf(answer: unknown): RunInfo[] {
  const runs = (answer as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs)) return [];
  return runs.filter(
    (r): r is RunInfo => r !== null && typeof r === 'object' && typeof r.key === 'string' && typeof r.name === 'string',
  );
}

function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleTimeString() : '';
}

export class Traces {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => TraceClient | undefined,
    private readonly log: (message: string) => void,
  ) {}

  private async open(c: TraceClient, uri: string, target: { key: string } | { uri: string; name: string }, name: string): Promise<void> {
    const answer = await c.sendRequest('ncp/trace', target);
    if (answer === null || answer === undefined) {
      void vscode.window.showWarningMessage(`NCP: the trace of '${name}' is gone (the server keeps the last runs of open files only).`);
      return;
    }
    TracePanel.show(this.extensionUri, { result: answer, name }, this.log, uri);
    walkthroughStepDone(WALKTHROUGH_CONTEXT.traceShown);
  }

  /** The command: `(args?)` from a code lens `{uri, name, key?}`, else the active file's runs. */
  async show(a?: unknown, b?: unknown): Promise<void> {
    const c = this.client();
    if (!c) {
      void vscode.window.showWarningMessage('NCP: the language server is not running.');
      return;
    }
    try {
      const target = traceTarget(a, b);
      if (target) {
        await this.open(c, target.uri, target.key ? { key: target.key } : target, target.name);
        return;
      }
      // The active .ncp file, else the last active one (the walkthrough's link leaves none active).
      const doc = await ncpDocument();
      if (!doc) {
        void vscode.window.showWarningMessage('NCP: open a .ncp file to see the traces of its propagations.');
        return;
      }
      const uri = doc.uri.toString();
      const runs = runsOf(await c.sendRequest('ncp/traces', { uri }));
      if (runs.length === 0) {
        void vscode.window.showInformationMessage(
          `NCP: no propagation has run in ${vscode.workspace.asRelativePath(doc.uri)} yet: use ▶ Run propagation or NCP: Propagate Network to…`,
        );
        return;
      }
      const pick =
        runs.length === 1
          ? runs[0]
          : (
              await vscode.window.showQuickPick(
                runs.map((r, i) => ({
                  label: r.name,
                  description: `from ${r.source}${r.result ? ` → ${r.result}` : ''}${i === 0 ? ' · latest' : ''}`,
                  detail: `${r.strategy} · finished ${when(r.finishedAt)}`,
                  run: r,
                })),
                // ignoreFocusOut: from the walkthrough's button the page takes the focus back at once
                { title: 'NCP: propagation traces of this file (latest first)', placeHolder: 'Pick a run', ignoreFocusOut: true },
              )
            )?.run;
      if (pick) await this.open(c, uri, { key: pick.key }, pick.name);
    } catch (e) {
      this.log(`show trace failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`NCP: could not get the propagation traces: ${(e as Error).message}`);
    }
  }

  /**
   * `ncp/traceAdded {uri, key, name}`: an open panel shows the run that just finished, whichever
   * file it ran in (the view names the file), without taking the focus.
   */
  async added(p: unknown): Promise<void> {
    const n = p as { uri?: unknown; key?: unknown; name?: unknown } | null;
    if (!n || typeof n.uri !== 'string' || typeof n.key !== 'string' || !TracePanel.isOpen) return;
    const c = this.client();
    if (!c) return;
    try {
      const answer = await c.sendRequest('ncp/trace', { key: n.key });
      if (answer !== null && answer !== undefined) TracePanel.follow({ result: answer, name: typeof n.name === 'string' ? n.name : n.key }, this.log, n.uri);
    } catch (e) {
      this.log(`updating the trace panel failed: ${(e as Error).message}`);
    }
  }

  private following = 0;

  /**
   * The active editor changed: an open panel follows a .ncp file it does not show — that file's
   * latest run, or a note that none has run there yet.
   */
  async follow(doc: vscode.TextDocument | undefined): Promise<void> {
    if (!doc || doc.languageId !== 'ncp' || !TracePanel.isOpen) return;
    const uri = doc.uri.toString();
    if (TracePanel.shownUri === uri) return;
    const c = this.client();
    if (!c) return;
    const ticket = ++this.following;
    try {
      const runs = runsOf(await c.sendRequest('ncp/traces', { uri }));
      if (ticket !== this.following) return; // another switch came first
      if (runs.length === 0) return TracePanel.follow({ result: null }, this.log, uri);
      const answer = await c.sendRequest('ncp/trace', { key: runs[0].key });
      if (ticket !== this.following) return;
      TracePanel.follow(answer === null || answer === undefined ? { result: null } : { result: answer, name: runs[0].name }, this.log, uri);
    } catch (e) {
      this.log(`following ${uri} in the trace panel failed: ${(e as Error).message}`);
    }
  }
}
