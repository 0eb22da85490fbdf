// The trace view follows runs and editors across files (issue 26 item 6), with the client's real
// TracePanel and Traces on a stand-in `vscode` (fakeVscode.ts) and a stand-in language client:
// a run that finishes in another .ncp file appears in the open view; the view follows the active
// editor to that file's latest run (or says none ran there); the code strip's cursor row is
// cleared when the view moves to another file, and only then.
import { fake, FakeUri, vscode as fakeModule, type FakeWebviewPanel } from './fakeVscode'; // first: it answers require('vscode')
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { TracePanel } from '../../client/src/propagation/tracePanel';
import { Traces, type RunInfo, type TraceClient } from '../../client/src/propagation/traces';
import { registerViews } from '../../client/src/views';
import type { PropagationResult } from '../../server/src/core/propagate';
import type { CursorNetwork } from '../../webview/src/messages';
import { analyticTrace } from '../webview/traces';

const A = 'file:///ws/a.ncp';
const B = 'file:///ws/sub/b.ncp';
const C = 'file:///ws/c.ncp';
const extensionUri = FakeUri.parse('file:///ext') as unknown as vscode.Uri;
const logged: string[] = [];
const log = (m: string): void => void logged.push(m);

let traces: Promise<PropagationResult[]> | undefined;
/** Two distinct real traces (JSON, as the server sends them). */
async function twoTraces(): Promise<[PropagationResult, PropagationResult]> {
  traces ??= Promise.all([analyticTrace({ steps: 4, restarts: 1 }), analyticTrace({ steps: 6, restarts: 1, strategy: 'continuous' })]).then((rs) =>
    rs.map((r) => JSON.parse(JSON.stringify(r)) as PropagationResult),
  );
  const [x, y] = await traces;
  assert.notEqual(x.strategy, y.strategy, 'two traces told apart by their strategy');
  return [x, y];
}

/** A language client that knows the runs of each file and the trace of each run. */
function serverWith(runs: Record<string, (RunInfo & { trace: PropagationResult })[]>): { client: TraceClient; requests: [string, unknown][] } {
  const requests: [string, unknown][] = [];
  const byKey = new Map(Object.values(runs).flat().map((r) => [r.key, r.trace]));
  const client: TraceClient = {
    async sendRequest(method, params) {
      requests.push([method, params]);
      const p = params as { uri?: string; key?: string };
      if (method === 'ncp/traces') return { runs: (runs[p.uri ?? ''] ?? []).map(({ trace: _t, ...info }) => info) };
      if (method === 'ncp/trace') return byKey.get(p.key ?? '') ?? null;
      throw new Error(`unexpected request ${method}`);
    },
  };
  return { client, requests };
}

function run(key: string, name: string, trace: PropagationResult): RunInfo & { trace: PropagationResult } {
  return { key, name, source: 'cls_net', finishedAt: '2026-12-06T06:00:00Z', strategy: 'winner-takes-all', trace };
}

const ncpDoc = (uri: string, languageId = 'ncp'): vscode.TextDocument => ({ uri: FakeUri.parse(uri), languageId }) as unknown as vscode.TextDocument;

/** The open panel with its webview ready, showing `trace` of `uri`. */
function openPanel(trace: PropagationResult, uri: string, name: string): FakeWebviewPanel {
  TracePanel.show(extensionUri, { result: trace, name }, log, uri);
  const panel = fake.panels.at(-1)!;
  panel.receive({ type: 'ready' });
  return panel;
}

type Posted = { type: string; file?: string; name?: string; result?: PropagationResult | null; network?: CursorNetwork | null };
const posted = (p: FakeWebviewPanel): Posted[] => p.posted as Posted[];
const lastTrace = (p: FakeWebviewPanel): Posted | undefined => posted(p).filter((m) => m.type === 'trace').at(-1);
const cursorClears = (p: FakeWebviewPanel): number => posted(p).filter((m) => m.type === 'cursor' && m.network === null).length;

const CURSOR: CursorNetwork = { name: 'cls_net', space: 'multires', code: [16, 48, 1, 3, 24, 3, 2, 3, 32, 48, 2, 3, 3, 3, 40, 48, 56, 3, 2, 2, 2, 2, 32, 48, 64, 80, 96] };

afterEach(() => {
  for (const p of fake.panels) p.dispose();
  fake.panels.length = 0;
  fake.messages.length = 0;
  assert.equal(TracePanel.isOpen, false);
});

test('a run that finishes in another .ncp file appears in the open trace view, named by its file', async () => {
  const [ta, tb] = await twoTraces();
  const { client } = serverWith({ [A]: [run('a#1', 'a_net', ta)], [B]: [run('b#1', 'b_net', tb)] });
  const t = new Traces(extensionUri, () => client, log);
  const panel = openPanel(ta, A, 'a_net');
  assert.equal(lastTrace(panel)?.file, 'a.ncp');

  await t.added({ uri: B, key: 'b#1', name: 'b_net' });
  const shown = lastTrace(panel);
  assert.equal(shown?.file, 'sub/b.ncp', 'the view shows the run of the other file');
  assert.equal(shown?.name, 'b_net');
  assert.equal(shown?.result?.strategy, tb.strategy);
  assert.equal(TracePanel.shownUri, B, '"Insert this network" now writes to b.ncp');
  assert.equal(panel.title, 'Trace: b_net');
  assert.equal(panel.revealed, 0, 'without taking the focus');
  assert.equal(fake.panels.length, 1, 'in the same panel');
  assert.deepEqual(fake.messages, []);
});

test('a finished run opens no view when none is open', async () => {
  const [ta] = await twoTraces();
  const { client, requests } = serverWith({ [A]: [run('a#1', 'a_net', ta)] });
  await new Traces(extensionUri, () => client, log).added({ uri: A, key: 'a#1', name: 'a_net' });
  assert.equal(fake.panels.length, 0);
  assert.deepEqual(requests, []);
});

test("the open view follows the active .ncp editor to that file's latest run, or says none ran there", async () => {
  const [ta, tb] = await twoTraces();
  // ncp/traces answers latest first.
  const { client, requests } = serverWith({ [A]: [run('a#1', 'a_net', ta)], [B]: [run('b#2', 'b_latest', tb), run('b#1', 'b_older', ta)] });
  const t = new Traces(extensionUri, () => client, log);
  const panel = openPanel(ta, A, 'a_net');

  await t.follow(ncpDoc(B));
  assert.deepEqual(requests, [['ncp/traces', { uri: B }], ['ncp/trace', { key: 'b#2' }]]);
  assert.equal(lastTrace(panel)?.file, 'sub/b.ncp');
  assert.equal(lastTrace(panel)?.name, 'b_latest');
  assert.equal(lastTrace(panel)?.result?.strategy, tb.strategy);
  assert.equal(TracePanel.shownUri, B);
  assert.equal(panel.revealed, 0);

  // The file it shows already, or an editor that is not .ncp: nothing asked, nothing changed.
  const before = panel.posted.length;
  await t.follow(ncpDoc(B));
  await t.follow(ncpDoc('file:///ws/notes.md', 'markdown'));
  await t.follow(undefined);
  assert.equal(requests.length, 2);
  assert.equal(panel.posted.length, before);

  // A file where nothing ran: the view says so for that file, not the old trace.
  await t.follow(ncpDoc(C));
  assert.equal(lastTrace(panel)?.file, 'c.ncp');
  assert.equal(lastTrace(panel)?.result ?? null, null);
  assert.equal(TracePanel.shownUri, C);

  // Back to the first file: its run again.
  await t.follow(ncpDoc(A));
  assert.equal(lastTrace(panel)?.file, 'a.ncp');
  assert.equal(lastTrace(panel)?.name, 'a_net');
});

test('the code strip keeps its cursor row while the view stays on its file, and loses it when the view moves to another file', async () => {
  const [ta, tb] = await twoTraces();
  const { client } = serverWith({ [A]: [run('a#1', 'a_net', ta), run('a#0', 'a_old', tb)], [B]: [run('b#1', 'b_net', tb)] });
  const t = new Traces(extensionUri, () => client, log);
  const panel = openPanel(ta, A, 'a_net');
  TracePanel.postCursor(CURSOR);
  assert.deepEqual(posted(panel).at(-1), { type: 'cursor', network: CURSOR });
  const clears = cursorClears(panel);

  // Another run of the same file: the cursor row still belongs to it.
  await t.added({ uri: A, key: 'a#0', name: 'a_old' });
  TracePanel.show(extensionUri, { result: ta, name: 'a_net' }, log, A);
  assert.equal(cursorClears(panel), clears, 'same file: the cursor row stays');

  // A run finishing in another file moves the view: the row (from a.ncp) is cleared before the new trace.
  await t.added({ uri: B, key: 'b#1', name: 'b_net' });
  assert.equal(cursorClears(panel), clears + 1, 'the view moved to b.ncp: the cursor row is cleared');
  const kinds = posted(panel).slice(-2).map((m) => m.type);
  assert.deepEqual(kinds, ['cursor', 'trace']);

  // Following the active editor to another file clears it too.
  TracePanel.postCursor({ ...CURSOR, name: 'b_cursor' });
  await t.follow(ncpDoc(A));
  assert.equal(TracePanel.shownUri, A);
  assert.equal(cursorClears(panel), clears + 2, 'the view followed a.ncp: the cursor row is cleared');

  // So does showing another file's trace from the command.
  TracePanel.postCursor(CURSOR);
  TracePanel.show(extensionUri, { result: tb, name: 'b_net' }, log, B);
  assert.equal(cursorClears(panel), clears + 3, 'the command showed b.ncp: the cursor row is cleared');
});

test("the strip's cursor row is cleared when another .ncp editor becomes active, not when the view or a non-.ncp editor takes the focus", async () => {
  const [ta] = await twoTraces();
  const subscriptions: { dispose(): unknown }[] = [];
  const requests: string[] = [];
  const client = { sendRequest: async (method: string) => (requests.push(method), null) };
  registerViews({ extensionUri, subscriptions } as unknown as vscode.ExtensionContext, () => client, log);
  try {
    const panel = openPanel(ta, A, 'a_net');
    const editor = (uri: string, languageId = 'ncp') => ({ document: ncpDoc(uri, languageId) });
    TracePanel.postCursor(CURSOR);
    const clears = cursorClears(panel);

    fake.activeEditorChanged.fire(undefined); // the trace view itself took the focus
    fake.activeEditorChanged.fire(editor('file:///ws/notes.md', 'markdown'));
    fake.activeEditorChanged.fire(editor(A));
    assert.equal(cursorClears(panel), clears, "the cursor row stays while the trace's own file or no other .ncp file is active");

    fake.activeEditorChanged.fire(editor(B));
    assert.equal(cursorClears(panel), clears + 1, 'b.ncp is active: the row from a.ncp is cleared');

    // The cursor moving in a file the view does not show puts no row there (and asks nothing).
    TracePanel.postCursor(CURSOR);
    fake.selectionChanged.fire({ textEditor: editor(B), selections: [{ active: { line: 0, character: 0 } }] });
    assert.equal(cursorClears(panel), clears + 2);
    assert.deepEqual(requests, []);
  } finally {
    for (const d of subscriptions) d.dispose();
    TracePanel.onAction = undefined;
  }
});

test('compare follows a switch to another .ncp file even when its own tab is clicked within the debounce', async () => {
  const subscriptions: { dispose(): unknown }[] = [];
  const asked: string[] = [];
  const client = {
    sendRequest: async (method: string, params?: unknown) => {
      if (method === 'ncp/compare') asked.push((params as { uri: string }).uri);
      return { networks: [] };
    },
  };
  const win = fakeModule.window as unknown as { activeTextEditor: unknown };
  registerViews({ extensionUri, subscriptions } as unknown as vscode.ExtensionContext, () => client, log);
  try {
    const editor = (uri: string) => ({ document: ncpDoc(uri) });
    win.activeTextEditor = editor(A);
    assert.equal(await fake.commands.get('ncp.compareNetworks')!(), true);
    assert.deepEqual(asked, [A]);
    // b.ncp becomes active, then at once the compare tab takes the focus (no active text editor):
    // in code-server the second event came within 250 ms and cancelled the first's follow.
    fake.activeEditorChanged.fire(editor(B));
    fake.activeEditorChanged.fire(undefined);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(asked, [A, B], 'compare moved to b.ncp');
    // A later switch to a third file wins over the pending one.
    fake.activeEditorChanged.fire(editor(A));
    fake.activeEditorChanged.fire(editor(C));
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(asked, [A, B, C]);
  } finally {
    win.activeTextEditor = undefined;
    for (const d of subscriptions) d.dispose();
    TracePanel.onAction = undefined;
  }
});
