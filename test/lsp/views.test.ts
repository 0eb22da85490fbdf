// The views' server requests against the real language server: ncp/benchmarkExplorer (a benchmark
// file generated here), ncp/compare, ncp/networkAt and the ncp.insertNetwork command (versioned).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplyWorkspaceEditParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type LspClient } from './harness';
import { documentText, generateBenchmark, type GeneratedBenchmark } from '../webview/viewFixtures';
import type { CompareData, CursorNetwork, ExplorerData } from '../../server/src/features/views/viewData';
import { checkCompareData, checkExplorerData } from '../../webview/src/messages';

const URI = 'file:///tmp/views.ncp';
let client: LspClient;
let bench: GeneratedBenchmark;
const edits: ApplyWorkspaceEditParams[] = [];

before(async () => {
  bench = generateBenchmark(60);
  client = await startClient({
    settings: { ncp: { benchmark: { path: bench.path } } },
    capabilities: { workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true } } },
  });
  client.conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
    edits.push(p);
    return { applied: true };
  });
  await client.open(URI, documentText(bench));
});

after(async () => {
  await client?.stop();
});

test('ncp/benchmarkExplorer: every benchmark network, the file\'s networks predicted, a trace path', async () => {
  const hr = [64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128];
  const data = await client.request<ExplorerData>('ncp/benchmarkExplorer', { uri: URI, path: { label: 'p', codes: [hr, bench.archs[1].code, [1, 2, 3]], steps: [0, 1, 2] } });
  assert.ok(!('error' in data), JSON.stringify(data).slice(0, 300));
  const checked = checkExplorerData(JSON.parse(JSON.stringify(data)));
  assert.equal(checked.points.length, 60);
  assert.deepEqual(checked.settings.map((s) => s.name), ['seg', 'cls-50-1000', 'video']);
  assert.equal(checked.points.filter((p) => p.values[2] !== null).length, bench.withVideo);
  assert.deepEqual(checked.networks.map((n) => n.name).sort(), ['bench_first', 'hrnet_small']);
  assert.equal(checked.path?.steps.length, 2, 'the malformed code of the path is dropped');
  assert.equal(checked.version, 1);
  if (checked.notes.some((n) => n.includes('predictors could not be loaded'))) {
    console.log(`# no predictors: ${checked.notes.join('; ')}`);
  } else {
    const seg = checked.networks[0].predicted[0];
    assert.ok(seg && seg.length === 3 && seg[0].std >= 0, 'seg predicted for each of its metrics');
    assert.ok(checked.path!.steps[0].predicted[1], 'the path is predicted too');
  }
  const missing = await client.request<{ error: string }>('ncp/benchmarkExplorer', { uri: URI, benchmarkPath: '/nonexistent/bench.json' });
  assert.match(missing.error, /cannot read the benchmark \/nonexistent\/bench\.json/);
  assert.match((await client.request<{ error: string }>('ncp/benchmarkExplorer', { uri: 'file:///nope.ncp' })).error, /no open document/);
});

test('ncp/compare: exact cost, predictions, measured values where the benchmark has the network', async () => {
  const data = await client.request<CompareData>('ncp/compare', { uri: URI });
  const c = checkCompareData(JSON.parse(JSON.stringify(data)));
  assert.deepEqual(c.rows.map((r) => r.name), ['bench_first', 'hrnet_small', 'best201']);
  const first = c.rows[0];
  const seg = c.settings.findIndex((s) => s.name === 'seg');
  assert.ok(Math.abs(first.flops! - bench.archs[0].flops) < 1e-9, 'exact FLOPs');
  assert.deepEqual(first.measured[seg], bench.archs[0].seg);
  assert.equal(c.rows[1].measured[seg], null, 'not in the benchmark');
  assert.equal(c.rows[2].kind, 'cell');
  assert.equal(c.rows[2].line, 12);
  assert.ok(c.settings.some((s) => s.name === 'nb201'), 'the cell brings the nb201 column');
  assert.equal(c.benchmark, bench.path);
});

test('ncp/networkAt: the network or cell around the cursor, else null', async () => {
  assert.equal((await client.request<CursorNetwork>('ncp/networkAt', { uri: URI, position: { line: 5, character: 4 } }))?.name, 'hrnet_small');
  const cell = await client.request<CursorNetwork>('ncp/networkAt', { uri: URI, position: { line: 12, character: 8 } });
  assert.equal(cell?.space, 'nb201');
  assert.equal(cell?.code.length, 6);
  assert.equal(await client.request('ncp/networkAt', { uri: URI, position: { line: 0, character: 2 } }), null);
  assert.equal(await client.request('ncp/networkAt', { uri: URI, position: 'x' }), null);
});

test('ncp.insertNetwork: only for the current version; the edit carries it; bad names and codes refused', async () => {
  const code = bench.archs[3].code;
  const run = (args: unknown) => client.request<{ applied: boolean; name?: string; reason?: string }>('workspace/executeCommand', { command: 'ncp.insertNetwork', arguments: [args] });
  const stale = await run({ uri: URI, version: 99, name: 'picked', code });
  assert.equal(stale.applied, false);
  assert.match(stale.reason ?? '', /document changed/);
  assert.match((await run({ uri: URI, version: 1, name: '<img src=x onerror=alert(1)>', code })).reason ?? '', /is not a name/);
  assert.match((await run({ uri: URI, version: 1, name: 'x', code: [1, 2, 3] })).reason ?? '', /a network has 27/);
  assert.match((await run({ uri: URI, version: 1, name: 'x', code: code.map(() => 0) })).reason ?? '', /code: stem\.c1: channel count must be positive/);
  assert.equal(edits.length, 0, 'nothing was sent for refused inserts');
  const ok = await run({ uri: URI, version: 1, name: 'bench_first', code, afterName: 'hrnet_small' });
  assert.equal(ok.applied, true);
  assert.equal(ok.name, 'bench_first_2', 'a taken name gets a fresh one');
  const change = edits[0].edit.documentChanges![0] as TextDocumentEdit;
  assert.deepEqual(change.textDocument, { uri: URI, version: 1 });
  const doc = TextDocument.create(URI, 'ncp', 1, client.text(URI));
  const text = TextDocument.applyEdits(doc, change.edits as TextEdit[]);
  assert.match(text, /\}\n\nnetwork bench_first_2 \{\n {2}stem/);
  // The result parses back to the same code.
  const after = await client.change(URI, text);
  assert.deepEqual(after.diagnostics.filter((d) => d.severity === 1), []);
  const at = await client.request<CursorNetwork>('ncp/networkAt', { uri: URI, position: { line: text.split('\n').findIndex((l) => l.startsWith('network bench_first_2')) + 1, character: 3 } });
  assert.deepEqual(at?.code, code);
  // A cell goes in as a cell declaration.
  const cell = await run({ uri: URI, version: 2, name: 'c2', code: [0, 1, 2, 3, 4, 0] });
  assert.equal(cell.applied, true);
  assert.match(((edits[1].edit.documentChanges![0] as TextDocumentEdit).edits[0] as TextEdit).newText, /cell c2 = "\|avg_pool_3x3~0\|/);
});
