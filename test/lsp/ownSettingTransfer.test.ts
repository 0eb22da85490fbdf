// A setting of one's own from a search block's measurements file (generated rows, written here):
// known in that document at once (its objectives are not flagged, completion offers it), predicted
// by a transfer model fitted in the server's worker (hover, inlay hints), refitted when a row is
// appended, its spread said to be uncalibrated below 10 rows; a broken or absent file gives a
// clear diagnostic and no crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, Hover, InlayHint, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startClient, positionOf, waitForPredictors, type LspClient } from './harness';
import { ownRows } from './ownSettingTransfer.fixtures';
import { makeRng } from '../../server/src/core/random';
import { cellToString } from '../../server/src/core/space/nb201';

const dir = mkdtempSync(join(tmpdir(), 'ncp-own-setting-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const START = ownRows(1, 5).codes[0];

function doc(file: string, code: readonly number[]): string {
  return `network n = [${code.join(', ')}]

search mine {
  maximize mytask.top1
  flops <= 3 G
  measurements "${file}"
}

propagate up from n {
  maximize mytask.top1
  flops <= 3 G
  steps 5
}
`;
}

const errorsOf = (d: PublishDiagnosticsParams) => d.diagnostics.filter((x) => x.severity === 1);

async function hoverText(c: LspClient, uri: string, text: string): Promise<string> {
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'n =') });
  return h ? (h.contents as { value: string }).value : '';
}

/** Polls the hover until `pred` holds (or the time is up); returns the last text and the time taken. */
async function hoverUntil(c: LspClient, uri: string, text: string, pred: (md: string) => boolean, timeoutMs: number): Promise<{ md: string; ms: number }> {
  const t0 = performance.now();
  let md = await hoverText(c, uri, text);
  while (!pred(md) && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 25));
    md = await hoverText(c, uri, text);
  }
  return { md, ms: performance.now() - t0 };
}

const PRED = /mytask top1 \*\*(-?[\d.]+) ± ([\d.]+)\*\*/;

test('a setting of one\'s own: known in the document, predicted by a transfer model, refitted when a row is added', async () => {
  const { codes, text: rows } = ownRows(8, 11);
  const file = join(dir, 'runs.jsonl');
  writeFileSync(file, rows);
  const uri = pathToFileURL(join(dir, 'mine.ncp')).href;
  const text = doc('runs.jsonl', codes[0]);
  const c = await startClient();
  try {
    // known at once, before any predictor has loaded: not flagged in the search nor the propagate block
    const d = await c.open(uri, text);
    assert.deepEqual(errorsOf(d), [], JSON.stringify(d.diagnostics));
    // the same objective in a document that names no such file is flagged
    const other = await c.open(pathToFileURL(join(dir, 'other.ncp')).href, `network n = [${codes[0].join(', ')}]\npropagate p from n {\n  maximize mytask.top1\n}\n`);
    assert.ok(errorsOf(other).some((x) => x.code === 'unknown-setting'), JSON.stringify(other.diagnostics));
    // completion offers it after `maximize`, and its metrics after the dot
    const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: '  maximize '.length } });
    assert.ok(items.some((i) => i.label === 'mytask'), JSON.stringify(items.map((i) => i.label)));
    const metrics = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: '  maximize mytask.'.length } });
    assert.deepEqual(metrics.map((i) => i.label), ['top1', 'top5']);

    await waitForPredictors(c);
    // 8 rows: a prediction, and the spread said to be uncalibrated
    const first = await hoverUntil(c, uri, text, (md) => PRED.test(md) && /mytask: transfer model on 8 rows/.test(md), 60_000);
    assert.match(first.md, PRED, first.md);
    assert.match(first.md, /mytask: transfer model on 8 rows of `runs\.jsonl` from [\w-]+(, [\w-]+)*; the spread is \*\*uncalibrated\*\*/, first.md);
    assert.match(first.md, /\| mytask \| top1 \| -?[\d.]+ ± [\d.]+ \|/, first.md);
    const before = Number(PRED.exec(first.md)![1]);
    // the inlay hint of the network leads with it too
    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } });
    assert.match(String(hints[0]?.label), /^mytask top1 -?[\d.]+±[\d.]+/, JSON.stringify(hints));
    // its tooltip says which model that is and that its spread is not calibrated yet
    const tip = hints[0]?.tooltip;
    assert.match(typeof tip === 'string' ? tip : String(tip?.value), /mytask: transfer model on 8 rows of `runs\.jsonl`.*the spread is \*\*uncalibrated\*\*/, JSON.stringify(tip));
    // the status the client's status bar shows
    const st = await c.request<{ models: { setting: string; rows: number; state: string; path: string }[] }>('ncp/documentPredictors', { uri });
    assert.deepEqual(st.models.map((m) => [m.setting, m.rows, m.state, m.path]), [['mytask', 8, 'ready', file]]);

    // append rows, among them the network itself measured far above its prediction
    const more = ownRows(4, 12).text;
    const t0 = performance.now();
    appendFileSync(file, more + JSON.stringify({ space: 'multires', code: codes[0], metrics: { mytask: { top1: before + 20, top5: before + 35 } }, ok: true, seconds: 60 }) + '\n');
    const after = await hoverUntil(c, uri, text, (md) => /mytask: transfer model on 13 rows/.test(md), 30_000);
    const ms = performance.now() - t0;
    assert.match(after.md, /mytask: transfer model on 13 rows of `runs\.jsonl`.*spread calibrated on the rows \(leave-one-out: ±1 covers \d+%, ±2 \d+%\)/, after.md);
    const now = Number(PRED.exec(after.md)![1]);
    assert.ok(now > before + 1, `the prediction follows the new row: ${before} → ${now}`);
    console.log(`[own setting] new prediction ${ms.toFixed(0)} ms after appending 5 rows to 8 (hover polled every 25 ms)`);

    // the propagate block of the same file climbs the transfer model's prediction
    let edit = '';
    c.conn.onRequest('workspace/applyEdit', (p: unknown) => {
      edit = JSON.stringify(p);
      return { applied: true };
    });
    const run = await c.request<{ applied: boolean; name?: string; reason?: string }>('workspace/executeCommand', { command: 'ncp.runPropagation', arguments: [{ uri, name: 'up' }] });
    assert.equal(run.applied, true, run.reason);
    assert.match(edit, new RegExp(`network ${run.name} \\{`), edit);

    // Suggest next networks on the search block: the loaded predictors as the prior (a transfer
    // prior for the setting of one's own, as `ncprop suggest`), predictions in the comments
    const sug = await c.request<{ applied: boolean; names?: string[]; random?: boolean; reason?: string }>('workspace/executeCommand', { command: 'ncp.suggestNetworks', arguments: [{ uri, name: 'mine' }] });
    assert.equal(sug.applied, true, sug.reason);
    assert.equal(sug.random, false);
    assert.match(edit, /suggested by search mine: predicted -?[\d.]+ ± [\d.]+, expected gain/, edit);
    assert.ok(c.alive());
  } finally {
    await c.stop();
  }
});

test('a broken measurements file is a warning naming file:line; an absent one is said where a setting is unknown; no crash', async () => {
  const { text: rows } = ownRows(4, 21);
  writeFileSync(join(dir, 'broken.jsonl'), rows + '{"space":"multires","code":[1,2],"ok":true}\n');
  const c = await startClient({ initializationOptions: { predictors: false } });
  try {
    const uri = pathToFileURL(join(dir, 'broken.ncp')).href;
    const d = await c.open(uri, doc('broken.jsonl', START));
    const warn = d.diagnostics.find((x) => x.code === 'measurements-unreadable');
    assert.ok(warn, JSON.stringify(d.diagnostics));
    assert.equal(warn.severity, 2);
    assert.match(String(warn.message), /broken\.jsonl:5: 'code' must be 27 integers/);
    assert.equal(warn.range.start.line, 5, 'on the measurements line');
    // the setting it would have brought stays unknown
    assert.ok(errorsOf(d).some((x) => x.code === 'unknown-setting'));

    const absent = pathToFileURL(join(dir, 'absent.ncp')).href;
    const a = await c.open(absent, doc('not-yet.jsonl', START));
    const info = a.diagnostics.find((x) => x.code === 'measurements-empty');
    assert.ok(info, JSON.stringify(a.diagnostics));
    assert.match(String(info.message), /not-yet\.jsonl does not exist yet or holds no rows/);
    // a setting in the rows that looks like a known one: taken as one's own, with a warning
    writeFileSync(join(dir, 'typo.jsonl'), rows.replace(/"mytask"/g, '"Seg"'));
    const typo = await c.open(pathToFileURL(join(dir, 'typo.ncp')).href, doc('typo.jsonl', START).replace(/mytask/g, 'Seg'));
    assert.deepEqual(errorsOf(typo), []);
    const look = typo.diagnostics.find((x) => x.code === 'measurements-lookalike');
    assert.match(String(look?.message), /typo\.jsonl measures setting 'Seg', taken as a setting of your own \(did you mean 'seg'\?\)/, JSON.stringify(typo.diagnostics));

    // a file that appears makes the setting known without an edit of the document
    const fixed = await new Promise<PublishDiagnosticsParams>((resolve) => {
      c.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
        if (p.uri === absent && !p.diagnostics.some((x) => x.code === 'unknown-setting')) resolve(p);
      });
      writeFileSync(join(dir, 'not-yet.jsonl'), rows);
    });
    assert.deepEqual(errorsOf(fixed), []);
    assert.ok(c.alive());
  } finally {
    await c.stop();
  }
});

test('a setting of one\'s own of NAS-Bench-201 cells: known, and the cell hover predicts it', async () => {
  const rand = makeRng(31);
  const cells = Array.from({ length: 12 }, () => Array.from({ length: 6 }, () => Math.floor(rand() * 5)));
  const acc = (c: number[]) => 40 + 3 * c.filter((op) => op === 3).length - 2 * c.filter((op) => op === 0).length;
  writeFileSync(join(dir, 'cells.jsonl'), cells.map((c) => JSON.stringify({ space: 'nb201', cell: cellToString(c), metrics: { my201: { acc: acc(c) } }, ok: true, seconds: 5 }) + '\n').join(''));
  const text = `cell c = "${cellToString(cells[0])}"\n\nsearch s {\n  maximize my201.acc\n  measurements "cells.jsonl"\n}\n`;
  const uri = pathToFileURL(join(dir, 'cells.ncp')).href;
  const c = await startClient();
  try {
    const d = await c.open(uri, text);
    assert.deepEqual(errorsOf(d), [], JSON.stringify(d.diagnostics));
    await waitForPredictors(c);
    const t0 = performance.now();
    let md = '';
    while (!/my201: transfer model on 12 rows/.test(md) && performance.now() - t0 < 60_000) {
      const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'c =') });
      md = h ? (h.contents as { value: string }).value : '';
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.match(md, /Predicted my201 acc: \*\*-?[\d.]+ ± [\d.]+\*\*/, md);
    assert.match(md, /my201: transfer model on 12 rows of `cells\.jsonl` from nb201; spread calibrated/, md);
  } finally {
    await c.stop();
  }
});
