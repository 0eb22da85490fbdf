// The editor as a person sees it (issue #26), through the real language server and its shipped
// predictors: the headline numbers first in inlay hints (within VS Code's default 43-character
// hint length, the tooltip the full line) and hovers; one message per failure; result names that
// say what was optimised and comments that say a start was clamped; `steps 0` diagnosed; quick
// fixes that say "Clamp" when they clamp; completion without duplicates and with the grammar's
// values; hovers on a propagate block's keywords; the smallest budget the server knows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyWorkspaceEditParams, CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, InlayHint, MarkupContent } from 'vscode-languageserver-protocol';
import { HR_NETWORK } from '../language/fixtures';
import { applyEdits, editsFor, positionOf, root, startClient, waitForPredictors, type LspClient } from './harness';
import { resultTask } from '../../server/src/features/propagation/propagationRequest';
import { HINT_MAX_LENGTH, hintLabel } from '../../server/src/features/lsp/headline';

const EXAMPLE = readFileSync(join(root, 'examples/propagate-to-seg.ncp'), 'utf8');

let client: LspClient;
let n = 0;
const fresh = () => `file:///seen${++n}.ncp`;
const td = (uri: string) => ({ textDocument: { uri } });
const whole = { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } };
const applied: ApplyWorkspaceEditParams[] = [];
const messages: { type: number; message: string }[] = [];

before(async () => {
  client = await startClient({
    settings: { ncp: { propagation: { steps: 4 }, hints: { settings: ['seg', 'cls-50-1000'] } } },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: false } },
      textDocument: {
        hover: { contentFormat: ['markdown'] },
        completion: { completionItem: { snippetSupport: true } },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
    },
  });
  client.conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
    applied.push(p);
    return { applied: true };
  });
  // showErrorMessage is a window/showMessageRequest (it may carry actions); plain messages are notifications
  client.conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
    messages.push(p);
  });
  client.conn.onRequest('window/showMessageRequest', (p: { type: number; message: string }) => {
    messages.push(p);
    return null;
  });
  // the predictors load when a document first needs them
  await client.open('file:///seen-warmup.ncp', EXAMPLE);
  await client.request('textDocument/inlayHint', { textDocument: { uri: 'file:///seen-warmup.ncp' }, range: whole });
  const st = await waitForPredictors(client);
  assert.equal(st.kind, 'ready', JSON.stringify(st));
});

after(async () => {
  await client?.stop();
});

const tooltip = (h: InlayHint) => (typeof h.tooltip === 'string' ? h.tooltip : (h.tooltip as MarkupContent | undefined)?.value ?? '');

// ---- item 3: the headline first --------------------------------------------------------------

test('inlay hint: the main prediction first, then the exact FLOPs, within 43 characters; the tooltip has the full line', async () => {
  const uri = fresh();
  await client.open(uri, EXAMPLE);
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { ...td(uri), range: whole });
  assert.equal(hints.length, 1);
  const label = String(hints[0].label);
  assert.ok(label.length <= HINT_MAX_LENGTH, `${label.length} characters: ${label}`);
  // the file maximises seg.mIoU: seg leads, then the exact cost
  assert.match(label, /^seg mIoU \d+\.\d±\d+\.\d · 2\.72 G/);
  const tip = tooltip(hints[0]);
  assert.match(tip, /\*\*seg\*\* mIoU \d+\.\d ± \d+\.\d · \*\*cls-50-1000\*\* top1 \d+\.\d ± \d+\.\d · \*\*2\.72\d G\*\* MACs/);
  assert.equal(typeof hints[0].tooltip, 'object', 'the tooltip is markdown');
});

test("inlay hint: a file that maximises another setting leads with that setting's prediction", async () => {
  const uri = fresh();
  await client.open(uri, EXAMPLE.replace('maximize seg.mIoU', 'maximize video.top1'));
  const [h] = await client.request<InlayHint[]>('textDocument/inlayHint', { ...td(uri), range: whole });
  assert.match(String(h.label), /^video top1 \d+\.\d±\d+\.\d · 2\.72 G/);
  assert.ok(String(h.label).length <= HINT_MAX_LENGTH);
});

test('hint label: long setting names are shortened, never cut by the editor', () => {
  const est = { mean: 77.123, std: 0.31 };
  const long = hintLabel([{ setting: 'my-own-very-long-setting-name-from-data', metric: 'accuracy', estimate: est }], 2.7234);
  assert.ok(long.length <= HINT_MAX_LENGTH, long);
  assert.match(long, /77\.1±0\.3 · 2\.72 G$/);
  // a second prediction follows the cost when it fits, else it stays in the tooltip
  const fits = hintLabel([{ setting: 'seg', metric: 'mIoU', estimate: est }, { setting: 'v', metric: 'x', estimate: est }], 2.7234);
  assert.equal(fits, 'seg mIoU 77.1±0.3 · 2.72 G · v x 77.1±0.3');
  const over = hintLabel([{ setting: 'seg', metric: 'mIoU', estimate: est }, { setting: 'video', metric: 'top1', estimate: est }], 2.7234);
  assert.equal(over, 'seg mIoU 77.1±0.3 · 2.72 G');
  assert.equal(hintLabel([], 1.5), '1.50 G');
});

test('hover: the predictions of the file\'s settings lead, the exact cost follows', async () => {
  const uri = fresh();
  await client.open(uri, EXAMPLE);
  const h = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(EXAMPLE, 'network cls_net', 9) });
  const lines = (h.contents as MarkupContent).value.split('\n').filter((l) => l.trim() !== '');
  assert.match(lines[0], /\*\*network cls_net\*\*/);
  assert.match(lines[1], /^seg mIoU \*\*\d+\.\d ± \d+\.\d\*\* · cls-50-1000 top1 \*\*\d+\.\d ± \d+\.\d\*\* \(predicted\)$/);
  assert.match(lines[2], /^FLOPs \*\*2\.72\d G\*\* · params \*\*\d+\.\d{3} M\*\*/);
  // the full table and the breakdown are still there, after the headline
  assert.ok(lines.some((l) => /^\| video \| top1 \|/.test(l)));
  assert.ok(lines.some((l) => /^\| stage 4 \| \d/.test(l)));
});

// ---- item 7: one message per failure; the smallest budget --------------------------------------

test('a failed run is one message, and its outcome says it was shown', async () => {
  const uri = fresh();
  await client.open(uri, EXAMPLE.replace('flops <= 2.5 G', 'flops <= 2.5 G\n  maximize nosuch.top1'));
  const before = messages.length;
  const out = await client.request<{ applied: boolean; reason?: string; notified?: boolean }>('workspace/executeCommand', {
    command: 'ncp.runPropagation',
    arguments: [{ uri, name: 'to_segmentation' }],
  });
  assert.equal(out.applied, false);
  assert.equal(out.notified, true, JSON.stringify(out));
  await client.waitFor(() => messages.length > before, 5000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(messages.length - before, 1, JSON.stringify(messages.slice(before)));
  assert.equal(messages[before].type, 1, 'an error');
});

test('ncp/budgetLimits: the smallest network of the benchmark range needs 0.0108 G', async () => {
  const l = await client.request<{ minFlopsG: number; minParamsM: number }>('ncp/budgetLimits', null);
  assert.ok(Math.abs(l.minFlopsG - 0.0108) < 0.0001, String(l.minFlopsG));
  assert.ok(l.minParamsM > 0);
});

// ---- item 8: names and wording ------------------------------------------------------------------

test('result names say what was optimised: a blend is not named after its first term', () => {
  assert.equal(resultTask([{ weight: 1, setting: 'seg', metric: 'mIoU' }]), 'segmentation');
  assert.equal(resultTask([{ weight: 0.5, setting: 'seg', metric: 'mIoU' }, { weight: 0.5, setting: 'cls-50-1000', metric: 'top1' }]), 'segmentation_classification');
  assert.equal(resultTask([{ weight: 0.5, setting: 'seg', metric: 'mIoU' }, { weight: 0.5, setting: 'seg-4x', metric: 'mIoU' }]), 'segmentation');
});

test('fit a budget names its blend result; a clamped start is noted in the comment', async () => {
  const uri = fresh();
  // stage 1 has 9 blocks: outside the benchmark's range (1–4), clamped to 4 before the run
  const text = HR_NETWORK.replace('stage 1  blocks 1', 'stage 1  blocks 9').replace('network hr', 'network cls_net');
  await client.open(uri, text);
  const out = await client.request<{ applied: boolean; name?: string; edit?: unknown }>('workspace/executeCommand', {
    command: 'ncp.fitBudget',
    arguments: [{ uri, network: 'cls_net', budget: 1.5 }],
  });
  assert.equal(out.applied, true, JSON.stringify(out));
  assert.equal(out.name, 'cls_net_segmentation_classification');
  const written = applyEdits(text, editsFor(applied[applied.length - 1].edit, uri));
  assert.match(written, /\/\/ note: start moved into the benchmark's range: stage1\.blocks 9→4/);
  assert.match(written, /\(winner-takes-all, \d+ steps?\)/);
});

test('`steps 0` is an error; steps past the limit too', async () => {
  const uri = fresh();
  const zero = (await client.open(uri, EXAMPLE.replace('steps 70', 'steps 0'))).diagnostics;
  const d = zero.find((x) => String(x.message).startsWith('steps'));
  assert.ok(d && d.severity === 1, JSON.stringify(zero));
  assert.match(String(d.message), /steps must be a whole number from 1 to 10000, got 0/);
  assert.deepEqual((await client.change(uri, EXAMPLE.replace('steps 70', 'steps 1'))).diagnostics, []);
  assert.ok((await client.change(uri, EXAMPLE.replace('steps 70', 'steps 10001'))).diagnostics.some((x) => x.code === 'too-large'));
});

test('quick fixes: "Clamp" a value past the range to its end, "Round" one inside it', async () => {
  const uri = fresh();
  const text = HR_NETWORK.replace('stage 1  blocks 1', 'stage 1  blocks 9').replace('channels [32, 64]', 'channels [32, 60]');
  const ds: Diagnostic[] = (await client.open(uri, text)).diagnostics;
  const titles: string[] = [];
  for (const d of ds) {
    const acts = await client.request<CodeAction[]>('textDocument/codeAction', { ...td(uri), range: d.range, context: { diagnostics: [d] } });
    titles.push(...acts.map((a) => a.title));
  }
  assert.ok(titles.includes("Clamp blocks to 4, the benchmark's largest (stage1.blocks)"), titles.join(' | '));
  assert.ok(titles.includes('Round channels to 64 (stage2.channels[1])'), titles.join(' | '));
  assert.ok(!titles.some((t) => /^Round blocks to 4/.test(t)), titles.join(' | '));
});

test("the example's comment names the CLI `ncprop`", () => {
  assert.match(EXAMPLE, /`ncprop (propagate|run) examples\/propagate-to-seg\.ncp`/);
  assert.doesNotMatch(EXAMPLE, /`ncp propagate/);
});

// ---- item 10: completion and keyword hovers ---------------------------------------------------

async function completion(uri: string, text: string, needle: string, offset = needle.length): Promise<CompletionItem[]> {
  await client.change(uri, text);
  const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { ...td(uri), position: positionOf(text, needle, offset) });
  return Array.isArray(r) ? r : r.items;
}

test('completion on an empty file: each declaration keyword once, none repeated by a static snippet', async () => {
  const uri = fresh();
  await client.open(uri, '');
  const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { ...td(uri), position: { line: 0, character: 0 } });
  const labels = (Array.isArray(r) ? r : r.items).map((i) => i.label);
  assert.deepEqual([...labels].sort(), ['cell', 'network', 'propagate', 'search']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const snippets = JSON.parse(readFileSync(join(root, pkg.contributes.snippets[0].path), 'utf8')) as Record<string, { prefix: string }>;
  for (const s of Object.values(snippets)) assert.ok(!labels.includes(s.prefix), `the snippet '${s.prefix}' repeats a keyword`);
});

test('completion: channel values on the grid after `stem` and `head`, block and unit counts where they go', async () => {
  const uri = fresh();
  await client.open(uri, HR_NETWORK);
  const values = (items: CompletionItem[]) => items.map((i) => i.label);
  const channels = Array.from({ length: 16 }, (_, i) => String(8 * (i + 1)));
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('stem     64 64', 'stem '), 'stem ')), channels);
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('stem     64 64', 'stem 64 '), 'stem 64 ')), channels);
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('head     128', 'head '), 'head ')), channels);
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('blocks 4  units [4, 4, 4]', 'blocks '), 'blocks ', 7)), ['1', '2', '3', '4']);
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('channels [32, 64, 128]', 'channels [32, '), 'channels [32, ')), channels);
  assert.deepEqual(values(await completion(uri, HR_NETWORK.replace('units [4, 4]  ', 'units [4, '), 'units [4, ')), ['1', '2', '3', '4']);
});

test('hover: restarts, strategy, continuous and propagate say what they mean', async () => {
  const uri = fresh();
  const text = EXAMPLE.replace('strategy winner-takes-all', 'strategy continuous');
  await client.open(uri, text);
  const md = async (needle: string, offset = 1) => {
    const h = await client.request<Hover | null>('textDocument/hover', { ...td(uri), position: positionOf(text, needle, offset) });
    assert.ok(h, `a hover on ${needle}`);
    return (h.contents as MarkupContent).value;
  };
  assert.match(await md('restarts 10'), /\*\*restarts\*\* N — independent runs/);
  assert.match(await md('strategy continuous'), /\*\*strategy\*\* `winner-takes-all` \| `continuous`/);
  assert.match(await md('continuous', 2), /\*\*continuous\*\* — each step moves every code position/);
  assert.match(await md('propagate to_segmentation'), /\*\*propagate\*\* NAME \*\*from\*\* NETWORK/);
  assert.match(await md('steps 70'), /\*\*steps\*\* N/);
});
