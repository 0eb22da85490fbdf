// Issue 17 item 4 (in the editor): search blocks over JSON-RPC with the real server — the
// "Suggest next networks" lens and command (versioned edit after the block, predicted value ±
// spread and expected gain per network, random networks without data, errors naming file:line,
// budgets kept, cancellation by an edit), and hover on a measured network. Measurement files are
// generated here (synthetic objectives), never copied from a benchmark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApplyWorkspaceEditParams, CodeLens, Hover, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { startClient, applyEdits, waitForPredictors, type LspClient } from './harness';
import { analyzeText } from '../../server/src/language/analyze';
import { cellToString } from '../../server/src/core/space/nb201';
import { cost } from '../../server/src/core/cost';
import { randomCode } from '../../server/src/core/space/multires';
import { makeRng } from '../../server/src/core/random';
import { ncp } from '../search/helpers';

let client: LspClient;
let dir: string;
const applied: ApplyWorkspaceEditParams[] = [];
const progress: { kind?: string; title?: string; message?: string }[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ncp-searchui-'));
  client = await startClient({
    settings: { ncp: { run: { maxSeconds: 60 } } },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true } },
    },
  });
  // An editor that applies an edit only to the version it names.
  client.conn.onRequest('workspace/applyEdit', async (p: ApplyWorkspaceEditParams) => {
    applied.push(p);
    const dc = p.edit.documentChanges?.[0] as TextDocumentEdit;
    if (dc.textDocument.version !== client.version(dc.textDocument.uri)) return { applied: false, failureReason: 'the document changed' };
    void client.change(dc.textDocument.uri, applyEdits(client.text(dc.textDocument.uri), dc.edits as never));
    return { applied: true };
  });
  client.conn.onUnhandledProgress((p) => progress.push(p.value as never));
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const exec = <R>(arg: unknown) => client.request<R>('workspace/executeCommand', { command: 'ncp.suggestNetworks', arguments: [arg] });
type Outcome = { applied: boolean; names?: string[]; reason?: string; random?: boolean };

/** A synthetic accuracy of a cell: convolutions help, `none` hurts (a smooth, learnable objective). */
const WEIGHT = [-2, 0.5, 1, 2, 0.2];
const cellAcc = (c: number[]) => 40 + c.reduce((s, op, e) => s + WEIGHT[op] * (1 + e / 6), 0);

function nb201Rows(n: number, seed: number): { cells: number[][]; text: string } {
  const rand = makeRng(seed);
  const cells: number[][] = [];
  const seen = new Set<string>();
  while (cells.length < n) {
    const c = Array.from({ length: 6 }, () => Math.floor(rand() * 5));
    if (seen.has(c.join())) continue;
    seen.add(c.join());
    cells.push(c);
  }
  const text = cells.map((c) => JSON.stringify({ space: 'nb201', cell: cellToString(c), metrics: { nb201: { acc: cellAcc(c) } }, ok: true, seconds: 1 })).join('\n') + '\n';
  return { cells, text };
}

async function openDoc(name: string, text: string): Promise<string> {
  const uri = pathToFileURL(join(dir, name)).href;
  await client.open(uri, text);
  return uri;
}

const SEARCH_NB201 = (file: string, batch = 3) => `search s201 {\n  maximize nb201.acc\n  measurements "${file}"\n  batch ${batch}\n}\n`;

test('a network named search keeps working; a search block gets the Suggest lens', async () => {
  const text = `network search = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\npropagate p from search {\n  maximize seg.mIoU\n}\n\n${SEARCH_NB201('none.jsonl')}`;
  const uri = await openDoc('lens.ncp', text);
  const diags = await client.change(uri, text);
  assert.deepEqual(diags.diagnostics.map((d) => d.message), []);
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}`);
  assert.ok(titles.includes('5:✦ Suggest next networks'), titles.join(' | '));
  assert.equal(titles.filter((t) => t.includes('Suggest')).length, 1);
  assert.ok(titles.some((t) => t.startsWith('1:') && t.includes('Run propagation')), titles.join(' | '));
});

test('Suggest writes batch cells after the block: predicted ± spread, expected gain, none measured', async () => {
  const { cells, text: rows } = nb201Rows(30, 1);
  writeFileSync(join(dir, 'runs.jsonl'), rows);
  const doc = `// header\n${SEARCH_NB201('runs.jsonl', 4)}\ncell after = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"\n`;
  const uri = await openDoc('suggest.ncp', doc);
  const before = applied.length;
  const seen = progress.length;
  const out = await exec<Outcome>({ uri, name: 's201' });
  assert.equal(out.applied, true, out.reason);
  assert.equal(out.random, false);
  const mine = progress.slice(seen);
  assert.equal(mine[0]?.kind, 'begin');
  assert.equal(mine[0]?.title, 'Suggesting networks (s201)');
  assert.ok(mine.some((p) => p.kind === 'report' && /fitting on 30 measurement\(s\), proposing 4/.test(p.message ?? '')), JSON.stringify(mine));
  assert.equal(mine.at(-1)?.kind, 'end');
  assert.deepEqual(out.names, ['s201_next', 's201_next_2', 's201_next_3', 's201_next_4']);
  const edit = applied[before].edit.documentChanges![0] as TextDocumentEdit;
  assert.equal(edit.textDocument.version, 1, 'computed for the version the command saw');
  await client.waitFor(() => client.text(uri).includes('s201_next_4'));
  const now = client.text(uri);
  // after the search block, before the next declaration
  assert.ok(now.indexOf('s201_next') > now.indexOf('batch 4') && now.indexOf('s201_next_4') < now.indexOf('cell after'), now);
  const comments = now.split('\n').filter((l) => l.startsWith('// suggested by search s201'));
  assert.equal(comments.length, 4, now);
  for (const c of comments) assert.match(c, /predicted \d+(\.\d+)? ± \d+(\.\d+)?(e-\d+)?, expected gain \d/);
  const a = analyzeText(now);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const measured = new Set(cells.map((c) => c.join()));
  const proposed = [...a.cells.values()].filter((c) => c.name.startsWith('s201_next')).map((c) => c.cell!);
  assert.equal(proposed.length, 4);
  assert.equal(new Set(proposed.map((c) => c.join())).size, 4, 'four different cells');
  for (const c of proposed) assert.ok(!measured.has(c.join()), `already measured: ${c}`);
  // the surrogate learnt the objective: suggestions beat the median measured cell
  const median = cells.map(cellAcc).sort((x, y) => x - y)[15];
  assert.ok(Math.max(...proposed.map(cellAcc)) > median, `best suggestion ${Math.max(...proposed.map(cellAcc))} vs median ${median}`);
});

test('Suggest is warm as ncprop suggest is: the same cells for the same file, the cold loop other ones', async () => {
  const { text: rows } = nb201Rows(20, 7);
  writeFileSync(join(dir, 'parity.jsonl'), rows);
  const uri = await openDoc('parity.ncp', SEARCH_NB201('parity.jsonl', 3));
  const out = await exec<Outcome>({ uri, name: 's201' });
  assert.equal(out.applied, true, out.reason);
  await client.waitFor(() => client.text(uri).includes('s201_next_3'));
  const editor = [...analyzeText(client.text(uri)).cells.values()].filter((c) => c.name.startsWith('s201_next')).map((c) => cellToString(c.cell!));
  const cli = async (...more: string[]) => {
    const r = await ncp(['suggest', '--data', join(dir, 'parity.jsonl'), '--to', 'nb201.acc', '--count', '3', '--json', ...more], dir);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { cell: string }).cell);
  };
  assert.deepEqual(editor, await cli());
  assert.notDeepEqual(editor, await cli('--prior', 'none'));
});

test('a missing measurements file: random networks within the budget, and the comment says so', async () => {
  const doc = `search mr {\n  maximize seg.mIoU\n  flops <= 1.5 G\n  measurements "not-yet.jsonl"\n  batch 3\n}\n`;
  const uri = await openDoc('random.ncp', doc);
  const out = await exec<Outcome>({ uri, name: 'mr' });
  assert.equal(out.applied, true, out.reason);
  assert.equal(out.random, true);
  await client.waitFor(() => client.text(uri).includes('mr_next_3'));
  const now = client.text(uri);
  assert.equal((now.match(/random network \(0 successful measurements of seg\.mIoU in not-yet\.jsonl: too few to fit\)/g) ?? []).length, 3, now);
  const a = analyzeText(now);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const nets = [...a.networks.values()].filter((n) => n.name.startsWith('mr_next'));
  assert.equal(nets.length, 3);
  for (const n of nets) assert.ok(cost(n.code!).flops <= 1.5, `${n.name}: ${cost(n.code!).flops} G over the 1.5 G budget`);
});

test('multi-resolution measurements: suggestions fit the flops budget', async () => {
  const rand = makeRng(7);
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) {
    const code = randomCode(rand);
    const c = cost(code);
    rows.push(JSON.stringify({ space: 'multires', code, metrics: { seg: { mIoU: 60 + 5 * Math.log(1 + c.flops) } }, ok: true, seconds: 3600 }));
  }
  rows.push(JSON.stringify({ space: 'multires', code: randomCode(rand), ok: false, error: 'timed out after 3600 s', seconds: 3600 }));
  writeFileSync(join(dir, 'mr.jsonl'), rows.join('\n') + '\n');
  const doc = `search mr2 {\n  maximize seg.mIoU\n  flops <= 2 G\n  lambda 0\n  measurements "mr.jsonl"\n  batch 2\n}\n`;
  const uri = await openDoc('mr.ncp', doc);
  const out = await exec<Outcome>({ uri, name: 'mr2' });
  assert.equal(out.applied, true, out.reason);
  assert.equal(out.random, false);
  await client.waitFor(() => client.text(uri).includes('mr2_next_2'));
  const a = analyzeText(client.text(uri));
  const nets = [...a.networks.values()].filter((n) => n.name.startsWith('mr2_next'));
  assert.equal(nets.length, 2);
  for (const n of nets) assert.ok(cost(n.code!).flops <= 2, `${n.name}: ${cost(n.code!).flops} G over budget`);
});

test('a bad measurements file: nothing written, the error names file:line and the field', async () => {
  const { text } = nb201Rows(3, 2);
  const lines = text.split('\n');
  lines[2] = '{"space":"nb201","cell":"|conv~0|","ok":true}';
  writeFileSync(join(dir, 'bad.jsonl'), lines.join('\n'));
  const uri = await openDoc('bad.ncp', SEARCH_NB201('bad.jsonl'));
  const out = await exec<Outcome>({ uri, name: 's201' });
  assert.equal(out.applied, false);
  assert.match(out.reason ?? '', /bad\.jsonl:3: 'cell'/);
  assert.equal(client.text(uri), SEARCH_NB201('bad.jsonl'));
});

test('a search block with errors is refused with the error; unknown names are refused', async () => {
  const doc = `search s {\n  maximize nb201.acc\n  batch 1000\n}\n`;
  const uri = await openDoc('errors.ncp', doc);
  const out = await exec<Outcome>({ uri, name: 's' });
  assert.equal(out.applied, false);
  assert.match(out.reason ?? '', /line 3: batch is at most 100, got 1000/);
  const none = await exec<Outcome>({ uri, name: 'nope' });
  assert.match(none.reason ?? '', /no search block 'nope'/);
});

test('an edit of the block while it runs cancels it: nothing is written', async () => {
  const { text: rows } = nb201Rows(60, 3);
  writeFileSync(join(dir, 'cancel.jsonl'), rows);
  const doc = SEARCH_NB201('cancel.jsonl', 100);
  const uri = await openDoc('cancel.ncp', doc);
  const pending = exec<Outcome>({ uri, name: 's201' });
  await client.change(uri, doc.replace('batch 100', 'batch 99'));
  const out = await pending;
  assert.equal(out.applied, false, 'written although the block changed');
  assert.match(out.reason ?? '', /cancelled: search 's201' changed while it ran/);
  assert.ok(!client.text(uri).includes('s201_next'));
});

test('hover on a measured cell shows its measured values; an unmeasured one shows none', async () => {
  const { cells, text: rows } = nb201Rows(5, 4);
  writeFileSync(join(dir, 'hover.jsonl'), rows + JSON.stringify({ space: 'nb201', cell: cellToString([0, 0, 0, 0, 0, 0]), ok: false, error: 'exit status 1 [log](http://evil) <img>', seconds: 2 }) + '\n');
  const doc = `${SEARCH_NB201('hover.jsonl')}\ncell m = "${cellToString(cells[2])}"\ncell f = "${cellToString([0, 0, 0, 0, 0, 0])}"\ncell u = "${cellToString([1, 1, 1, 1, 1, 1])}"\n`;
  const uri = await openDoc('hover.ncp', doc);
  await waitForPredictors(client);
  const hover = async (line: number) => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 5 } });
    return (h.contents as { value: string }).value;
  };
  const m = await hover(6);
  assert.match(m, /\*\*Measured\*\* \(search `s201`, `hover\.jsonl`\)/);
  assert.ok(m.includes(`nb201.acc **${cellAcc(cells[2])}**`), m);
  // the training script's error text is shown as text, never as a link or HTML
  const failed = await hover(7);
  assert.ok(failed.includes('failed: exit status 1 \\[log\\]\\(http://evil\\) \\<img\\>'), failed);
  assert.doesNotMatch(await hover(8), /Measured/);
});

test('ncp/searchProgress: the measurements in order with the best so far (failures and other budgets kept in place)', async () => {
  const rows = [
    { space: 'nb201', cell: cellToString([1, 1, 1, 1, 1, 1]), metrics: { nb201: { acc: 41 } }, ok: true, seconds: 1 },
    { space: 'nb201', cell: cellToString([2, 1, 1, 1, 1, 1]), ok: false, error: 'exit status 2', seconds: 1 },
    { space: 'nb201', cell: cellToString([3, 1, 1, 1, 1, 1]), metrics: { nb201: { acc: 44.5 } }, ok: true, seconds: 1 },
    { space: 'nb201', cell: cellToString([3, 2, 1, 1, 1, 1]), metrics: { nb201: { acc: 43 } }, ok: true, seconds: 1 },
  ];
  writeFileSync(join(dir, 'progress.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const uri = await openDoc('progress.ncp', SEARCH_NB201('progress.jsonl'));
  type Answer = { name: string; objective: string; file?: string; points: { query: number; value?: number; best?: number; ok: boolean }[]; error?: string };
  const a = await client.request<Answer>('ncp/searchProgress', { uri, name: 's201' });
  assert.equal(a.objective, 'nb201.acc');
  assert.deepEqual(a.points, [
    { query: 1, ok: true, value: 41, best: 41 },
    { query: 2, ok: false, best: 41 },
    { query: 3, ok: true, value: 44.5, best: 44.5 },
    { query: 4, ok: true, value: 43, best: 44.5 },
  ]);
  const none = await client.request<Answer>('ncp/searchProgress', { uri, name: 'nope' });
  assert.match(none.error ?? '', /no search block 'nope'/);
});
