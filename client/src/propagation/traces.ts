// "NCP: Show Propagation Trace": every propagation of a file keeps its trace on the server
// (`ncp/traces {uri}` → its runs, latest first; `ncp/trace {key}` or `{uri, name}` → one trace).
// From a code lens the run is given; from the palette or the title bar a quick pick offers the
// file's runs. An open panel follows its file: `ncp/traceAdded` shows the run that just finished.
import * as vscode from 'vscode';
import { traceTarget } from '../../../webview/src/protocol';
import { TracePanel } from './tracePanel';

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
      const active = vscode.window.activeTextEditor?.document;
      const doc = active?.languageId === 'ncp' ? active : vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'ncp')?.document;
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
                { title: 'NCP: propagation traces of this file (latest first)', placeHolder: 'Pick a run' },
              )
            )?.run;
      if (pick) await this.open(c, uri, { key: pick.key }, pick.name);
    } catch (e) {
      this.log(`show trace failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`NCP: could not get the propagation traces: ${(e as Error).message}`);
    }
  }

  /** `ncp/traceAdded {uri, key, name}`: an open panel showing that file switches to the new run. */
  async added(p: unknown): Promise<void> {
    const n = p as { uri?: unknown; key?: unknown; name?: unknown } | null;
    if (!n || typeof n.uri !== 'string' || typeof n.key !== 'string' || TracePanel.shownUri !== n.uri) return;
    const c = this.client();
    if (!c) return;
    try {
      await this.open(c, n.uri, { key: n.key }, typeof n.name === 'string' ? n.name : n.key);
    } catch (e) {
      this.log(`updating the trace panel failed: ${(e as Error).message}`);
    }
  }
}
