// Issue 14 items 2 and 3, issue 15 item 2 (server side): propagation runs in the editor, through the
// real server over JSON-RPC with the shipped predictors.
// - Edits carry the version they were computed for (documentChanges + versioned identifier); an
//   edit racing a run's result never lands inside another declaration: the client below behaves
//   as VS Code does (rejects an edit for an older version) and the user types at the worst moment.
// - Runs are bounded by ncp.run.maxSeconds and report progress at least once a second.
// - Every run keeps its trace (ncp/traces, ncp/trace {key}, ncp/traceAdded), freed on close.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplyWorkspaceEditParams, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { startClient, applyEdits, waitForPredictors, type LspClient } from './harness';
import { analyzeText } from '../../server/src/language/analyze';
import { cost } from '../../server/src/core/cost';
import { makeRng } from '../../server/src/core/random';

const net = (name: string) => `network ${name} {
  stem 64 64
  stage 1 blocks 1 units [4] channels [64]
  stage 2 blocks 1 units [4, 4] channels [32, 64]
  stage 3 blocks 2 units [4, 4, 4] channels [32, 64, 128]
  stage 4 blocks 2 units [4, 4, 4, 4] channels [32, 64, 128, 128]
  head 128
}`;
const DOC = `${net('a')}\n\n${net('b')}\n\n${net('c')}\n`;

let client: LspClient;
/** What the user does when the next edit arrives, before the editor checks its version (the race). */
let beforeApply: ((uri: string) => Promise<void>) | undefined;
const progress: { at: number; kind?: string; message?: string }[] = [];
const added: { uri: string; key: string; name: string }[] = [];

before(async () => {
  client = await startClient({
    settings: { ncp: { propagation: { steps: 6 }, run: { maxSeconds: 3 } } },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true } },
    },
  });
  // An editor: applies an edit only to the version it names, then tells the server of the change.
  client.conn.onRequest('workspace/applyEdit', async (p: ApplyWorkspaceEditParams) => {
    const dc = p.edit.documentChanges?.[0] as TextDocumentEdit | undefined;
    const uri = dc?.textDocument.uri ?? Object.keys(p.edit.changes ?? {})[0];
    const user = beforeApply;
    beforeApply = undefined; // once: the user types just before the first edit arrives
    if (user) await user(uri);
    // Plain `changes` carry no version: an editor applies them to whatever its text is now.
    if (!dc) {
      void client.change(uri, applyEdits(client.text(uri), p.edit.changes![uri]));
      return { applied: true };
    }
    if (typeof dc.textDocument.version === 'number' && dc.textDocument.version !== client.version(uri)) {
      return { applied: false, failureReason: 'the document changed' };
    }
    void client.change(uri, applyEdits(client.text(uri), dc.edits as never));
    return { applied: true };
  });
  client.conn.onUnhandledProgress((p) => progress.push({ at: performance.now(), ...(p.value as object) }));
  client.conn.onNotification('ncp/traceAdded', (p: { uri: string; key: string; name: string }) => {
    added.push(p);
  });
  await client.open('file:///warm.ncp', DOC); // predictors load once a document is open
  const st = await waitForPredictors(client);
  assert.equal(st.kind, 'ready', JSON.stringify(st));
});
after(async () => {
  await client?.stop();
});

const exec = <R>(command: string, arg: unknown) => client.request<R>('workspace/executeCommand', { command, arguments: [arg] });
type Outcome = { applied: boolean; name?: string; reason?: string; traceKey?: string };

test('an edit racing a fit-a-budget result never lands inside another declaration (40 tries)', async () => {
  const rand = makeRng(14);
  let applied = 0;
  const reasons: string[] = [];
  for (let i = 0; i < 40; i++) {
    const uri = `file:///race${i}.ncp`;
    await client.open(uri, DOC);
    // The user inserts lines at the top: while the run goes, and (every other try) just before
    // the edit reaches the editor, so the edit the server computed is for an older version.
    const typeAtTop = async (u: string) => {
      await client.edit(u, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, `// typed ${i}\n`);
    };
    beforeApply = rand() < 0.5 ? typeAtTop : undefined;
    const pending = exec<Outcome>('ncp.fitBudget', { uri, network: 'b', budget: 1.5 });
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 30)));
    await typeAtTop(uri);
    const out = await pending;
    beforeApply = undefined;
    await client.waitFor(() => analyzeText(client.text(uri)).ast.declarations.length >= 3);
    const text = client.text(uri);
    const a = analyzeText(text);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], `try ${i}: the document still parses:\n${text}`);
    if (!out.applied) {
      assert.match(out.reason ?? '', /./, `try ${i}: a reason`);
      reasons.push(out.reason!);
      continue;
    }
    applied++;
    const names = a.ast.declarations.map((d) => d.name);
    assert.deepEqual(names, ['a', 'b', out.name, 'c'], `try ${i}: the result sits right after its source`);
    const result = a.networks.get(out.name!);
    assert.ok(result?.code && cost(result.code).flops <= 1.5, `try ${i}: the result fits the budget`);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  assert.ok(applied >= 30, `${applied}/40 results were written; not written: ${reasons.join('; ')}`);
});

test('an edit of the source cancels its run; the message names it', async () => {
  const uri = 'file:///source-edit.ncp';
  await client.open(uri, DOC);
  const pending = exec<Outcome>('ncp.propagateNetwork', { uri, network: 'b', to: 'segmentation' });
  // Change b's head while it runs (before it could finish).
  const text = client.text(uri);
  const at = text.indexOf('head 128', text.indexOf('network b'));
  await client.change(uri, text.slice(0, at) + 'head 120' + text.slice(at + 8));
  const out = await pending;
  assert.equal(out.applied, false);
  assert.match(out.reason ?? '', /'b' changed while it ran/);
});

test('a long run stops at ncp.run.maxSeconds, with progress at least once a second', async () => {
  const uri = 'file:///long.ncp';
  const text = `${net('a')}\npropagate long from a {\n  maximize seg.mIoU\n  steps 70\n  restarts 1000\n}\n`;
  await client.open(uri, text);
  const from = progress.length;
  const t0 = performance.now();
  const out = await exec<Outcome>('ncp.runPropagation', { uri, name: 'long' });
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(out.applied, false);
  assert.match(out.reason ?? '', /time budget of 3 s/);
  assert.ok(seconds < 8, `stopped after ${seconds.toFixed(1)} s`);
  const mine = progress.slice(from);
  assert.equal(mine[0]?.kind, 'begin');
  assert.equal(mine[mine.length - 1]?.kind, 'end');
  const times = mine.map((p) => p.at);
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(Math.max(...gaps) < 1200, `largest gap between progress reports ${Math.max(...gaps).toFixed(0)} ms`);
});

test('every run keeps its trace: ncp/traces lists them latest first, ncp/trace serves each, closing frees them', async () => {
  const uri = 'file:///traces.ncp';
  await client.open(uri, `${DOC}propagate p from a {\n  maximize seg.mIoU\n  steps 4\n}\n`);
  const addedBefore = added.length;
  const r1 = await exec<Outcome>('ncp.propagateNetwork', { uri, network: 'a', to: 'segmentation' }); // code action
  const r2 = await exec<Outcome>('ncp.fitBudget', { uri, network: 'c', budget: 1.2 }); // code action
  const r3 = await exec<Outcome>('ncp.runPropagation', { uri, name: 'p' }); // code lens
  for (const r of [r1, r2, r3]) assert.ok(r.traceKey, JSON.stringify(r));
  const list = await client.request<{ runs: { key: string; name: string; source: string; finishedAt: string; strategy: string }[] }>('ncp/traces', { uri });
  assert.deepEqual(list.runs.map((r) => r.key), [r3.traceKey, r2.traceKey, r1.traceKey]);
  assert.deepEqual(list.runs.map((r) => r.name), ['p', 'c->budget', 'a->segmentation']);
  assert.deepEqual(list.runs.map((r) => r.source), ['a', 'c', 'a']);
  for (const r of list.runs) {
    assert.ok(!Number.isNaN(Date.parse(r.finishedAt)) && r.finishedAt.endsWith('Z'), r.finishedAt);
    assert.equal(r.strategy, 'winner-takes-all');
  }
  const t2 = await client.request<{ result: number[] } | null>('ncp/trace', { key: r2.traceKey });
  assert.ok(t2 && t2.result.length === 27);
  assert.ok(cost(t2.result).flops <= 1.2);
  // by {uri, name}: the latest run of that name (the lens's argument)
  assert.ok(await client.request('ncp/trace', { uri, name: 'p' }));
  await client.waitFor(() => added.length >= addedBefore + 3);
  assert.deepEqual(added.slice(addedBefore).map((a) => a.key), [r1.traceKey, r2.traceKey, r3.traceKey]);
  assert.ok(added.slice(addedBefore).every((a) => a.uri === uri));
  // at most 20 per document
  for (let i = 0; i < 21; i++) await exec<Outcome>('ncp.fitBudget', { uri, network: 'c', budget: 1.2 });
  const many = await client.request<{ runs: unknown[] }>('ncp/traces', { uri });
  assert.equal(many.runs.length, 20);
  await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await client.request('ncp/status', null); // the close was handled before this answer
  const gone = await client.request<{ runs: unknown[] }>('ncp/traces', { uri });
  assert.equal(gone.runs.length, 0);
  assert.equal(await client.request('ncp/trace', { key: r2.traceKey }), null);
});

test('fit-a-budget takes the budget from its argument and refuses a missing or bad one clearly', async () => {
  const uri = 'file:///fit.ncp';
  await client.open(uri, DOC);
  const none = await exec<Outcome>('ncp.fitBudget', { uri, network: 'a' });
  assert.equal(none.applied, false);
  assert.match(none.reason ?? '', /no FLOPs budget/);
  const bad = await exec<Outcome>('ncp.fitBudget', { uri, network: 'a', budget: 'lots' });
  assert.equal(bad.applied, false);
  assert.match(bad.reason ?? '', /must be a number/);
  const ok = await exec<Outcome>('ncp.fitBudget', { uri, network: 'a', budget: 1 });
  assert.equal(ok.applied, true, JSON.stringify(ok));
});
