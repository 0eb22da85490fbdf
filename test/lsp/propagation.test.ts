// Propagation in the editor, through the real language server over JSON-RPC: code lenses, code
// actions, the commands behind them (work-done progress, workspace/applyEdit, cancellation by an
// edit of the source) and the ncp/trace request. The returned edits are applied and the result parsed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { ApplyWorkspaceEditParams, CodeAction, CodeLens, Command } from 'vscode-languageserver-protocol';
import { startClient, applyEdits, editsFor, positionOf, root, type LspClient } from './harness';
import { main } from '../../server/src/cli/ncp';
import { findDataDir } from '../../server/src/core/benchmark';
import { cost } from '../../server/src/core/cost';
import { analyzeText } from '../../server/src/language/analyze';

const dataDir = findDataDir();
const skip = dataDir ? false : 'benchmark data not found (set NCP_DATA_DIR or put nasbench-mr.json in ../shared/data)';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const URI = 'file:///work/propagate-to-seg.ncp';
const TEXT = readFileSync(join(root, 'examples/propagate-to-seg.ncp'), 'utf8').replace('restarts 10', 'restarts 2').replace('steps 70', 'steps 25');

let client: LspClient;
const applied: ApplyWorkspaceEditParams[] = [];
/** $/progress notifications (the connection routes them apart from other notifications). */
const progress: { kind?: string; message?: string }[] = [];

before(async () => {
  if (skip) return;
  // Small predictors trained for this test (the paths, not their quality).
  const models = join(mkdtempSync(join(tmpdir(), 'ncp-lsp-prop-')), 'models');
  const err = new Sink();
  const status = await main(
    ['train', '--data', join(dataDir!, 'nasbench-mr.json'), '--out', models, '--settings', 'seg,cls-50-1000,video', '--epochs', '3', '--members', '1', '--seed', '4', '--teacher', '0'],
    { stdin: Readable.from(['']), stdout: new Sink(), stderr: err, cwd: root, stderrIsTTY: false },
  );
  assert.equal(status, 0, err.text);
  client = await startClient({
    env: { NCP_MODELS_DIR: models },
    settings: { ncp: { propagation: { steps: 20 } } },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: false } },
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } } } },
    },
  });
  client.conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
    applied.push(p);
    return { applied: true };
  });
  client.conn.onUnhandledProgress((p) => progress.push(p.value as { kind?: string }));
  await client.open(URI, TEXT);
});

after(async () => {
  await client?.stop();
});

/** Applies the server's last edit to our copy and tells the server, as an editor does. */
async function acceptLastEdit(): Promise<string> {
  const edit = applied[applied.length - 1].edit;
  const text = applyEdits(client.text(URI), editsFor(edit, URI));
  await client.change(URI, text);
  return text;
}

test('code lens runs a propagate block; the result is written under its source and parses', { skip }, async () => {
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  const run = lenses.find((l) => l.command?.title === '▶ Run propagation');
  assert.ok(run?.command, 'a run lens on the propagate block');
  assert.ok(!lenses.some((l) => l.command?.title === 'Show trace'), 'no trace before a run');
  const progressBefore = progress.length;
  const out = await client.request<{ applied: boolean; name: string }>('workspace/executeCommand', { command: run.command.command, arguments: run.command.arguments });
  assert.equal(out.applied, true, JSON.stringify(out));
  assert.equal(out.name, 'cls_net_segmentation');
  assert.ok((client.serverRequests.get('window/workDoneProgress/create') ?? 0) > 0, 'a progress token was created');
  const kinds = progress.slice(progressBefore).map((p) => p.kind);
  assert.equal(kinds[0], 'begin');
  assert.equal(kinds[kinds.length - 1], 'end');
  assert.ok(kinds.includes('report'), 'work-done progress was reported');
  const text = await acceptLastEdit();
  const a = analyzeText(text);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const net = a.networks.get('cls_net_segmentation');
  assert.ok(net?.code);
  assert.ok(cost(net.code).flops <= 2.5, 'the budget of the block holds');
  // Written right under the source network, with the predicted change in a comment.
  const src = a.networks.get('cls_net')!;
  const between = text.slice(src.range.endOffset, net.range.startOffset);
  assert.match(between, /^\n\n\/\/ propagated from cls_net \(winner-takes-all, \d+ steps, best of 2 runs\)\n\/\/ note: the start is over budget \(2\.72\d* G MACs, .*\): it is first shrunk into the budget\n\/\/ seg\.mIoU .* predicted\n\/\/ FLOPs .* exact\n$/);

  // The trace is kept and served; the lens now offers it.
  const lenses2 = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: URI } });
  const show = lenses2.find((l) => l.command?.title === 'Show trace');
  assert.ok(show?.command);
  const trace = await client.request<{ result: number[]; trace: { rounded: number[]; flops: number }[] } | null>('ncp/trace', { uri: URI, name: 'to_segmentation' });
  assert.ok(trace);
  assert.deepEqual(trace.result, net.code);
  assert.deepEqual(trace.trace[trace.trace.length - 1].rounded, net.code);
  assert.equal(await client.request('ncp/trace', { uri: URI, name: 'nope' }), null);
});

test('code actions on a network: propagate to each task, fit a budget, copy as PyTorch', { skip }, async () => {
  const text = client.text(URI);
  const pos = positionOf(text, 'network cls_net', 9);
  const actions = await client.request<(CodeAction | Command)[]>('textDocument/codeAction', {
    textDocument: { uri: URI },
    range: { start: pos, end: pos },
    context: { diagnostics: [] },
  });
  const titles = actions.map((a) => a.title);
  for (const t of ["Propagate 'cls_net' to segmentation", "Propagate 'cls_net' to classification", "Propagate 'cls_net' to video", "Fit 'cls_net' into a FLOPs budget…", "Copy 'cls_net' as PyTorch network_setting"]) {
    assert.ok(titles.includes(t), `${t} in ${titles.join(' | ')}`);
  }
  const copy = actions.find((a) => a.title.startsWith('Copy')) as CodeAction;
  assert.match(String(copy.command?.arguments?.[0]), /^network_setting = \[\n {4}\[1, \[1\], \[128\]\],\n {4}\[2, \[1, 4\], \[120, 32\]\],/);
  assert.match(String(copy.command?.arguments?.[0]), /model = MultiResolutionNet\(input_channel=\[88, 128\], network_setting=network_setting, last_channel=128\)$/);

  const cls = actions.find((a) => a.title === "Propagate 'cls_net' to classification") as CodeAction;
  const r1 = await client.request<{ applied: boolean; name: string }>('workspace/executeCommand', { command: cls.command!.command, arguments: cls.command!.arguments });
  assert.equal(r1.applied, true);
  assert.equal(r1.name, 'cls_net_classification');
  await acceptLastEdit();
  const r2 = await client.request<{ applied: boolean; name: string }>('workspace/executeCommand', { command: cls.command!.command, arguments: cls.command!.arguments });
  assert.equal(r2.name, 'cls_net_classification_2', 'numbered when the name is taken');
  const after2 = analyzeText(await acceptLastEdit());
  assert.ok(after2.networks.get('cls_net_classification_2')?.code);
  assert.deepEqual(after2.diagnostics.filter((d) => d.severity === 'error'), []);

  const fit = actions.find((a) => a.title.startsWith('Fit')) as CodeAction;
  const none = await client.request<{ applied: boolean; reason: string }>('workspace/executeCommand', { command: fit.command!.command, arguments: fit.command!.arguments });
  assert.equal(none.applied, false);
  assert.match(none.reason, /ncp\.propagation\.defaultBudget/);
  const args = { ...(fit.command!.arguments![0] as object), budget: 1 };
  const fitted = await client.request<{ applied: boolean; name: string }>('workspace/executeCommand', { command: fit.command!.command, arguments: [args] });
  assert.equal(fitted.applied, true);
  const net = analyzeText(await acceptLastEdit()).networks.get(fitted.name);
  assert.ok(net?.code && cost(net.code).flops <= 1, 'fits 1 G MACs');
});

test('an edit of the source cancels a running propagation and no stale edit is applied', { skip }, async () => {
  const long = client.text(URI).replace('restarts 2', 'restarts 400').replace('steps 25', 'steps 70');
  await client.change(URI, long);
  const before = applied.length;
  const pending = client.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', {
    command: 'ncp.runPropagation',
    arguments: [{ uri: URI, name: 'to_segmentation' }],
  });
  await new Promise((r) => setTimeout(r, 300));
  // An edit elsewhere does not stop it (the result is placed on the current text); one of its source does.
  await client.change(URI, long.replace('network cls_net = [88,', 'network cls_net = [80,'));
  const out = await pending;
  assert.equal(out.applied, false);
  assert.match(out.reason ?? '', /cancelled: 'cls_net' changed while it ran/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(applied.length, before, 'no edit was sent for the old text');
  assert.ok(client.alive());
});
