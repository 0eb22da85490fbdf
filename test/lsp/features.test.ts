// Every editor feature, driven over JSON-RPC against the real server process as an editor does:
// initialize, didOpen, didChange, then the request; edits the server returns are applied and the
// result re-analysed by the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  SemanticTokens,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { HR_NETWORK } from '../language/fixtures';
import { startClient, applyEdits, editsFor, positionOf, type LspClient } from './harness';

const DOC = `// a test document
${HR_NETWORK}
network s = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128"

/* a block
   comment */
propagate p from hr {
  maximize seg.mIoU
  flops <= 2.5 G
  strategy winner-takes-all
}
`;

let client: LspClient;
let n = 0;
const fresh = () => `file:///doc${++n}.ncp`;
const td = (uri: string) => ({ textDocument: { uri } });

before(async () => {
  client = await startClient({ initializationOptions: { predictors: false } });
});
after(async () => {
  await client?.stop();
});

function codes(ds: Diagnostic[]): string[] {
  return ds.map((d) => String(d.code));
}

async function actionsFor(uri: string, diags: Diagnostic[]): Promise<CodeAction[]> {
  const range = diags[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client.request<CodeAction[]>('textDocument/codeAction', { ...td(uri), range, context: { diagnostics: diags } });
}

/** Applies a workspace edit to the client's copy and sends it as a change; returns the new diagnostics. */
async function apply(uri: string, edit: WorkspaceEdit | undefined): Promise<Diagnostic[]> {
  assert.ok(edit, 'the action carries an edit');
  const next = applyEdits(client.text(uri), editsFor(edit, uri));
  return (await client.change(uri, next)).diagnostics;
}

test('initialize advertises every feature', () => {
  const c = client.init.capabilities;
  for (const k of [
    'hoverProvider', 'completionProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'documentFormattingProvider',
    'semanticTokensProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'inlayHintProvider', 'codeActionProvider',
  ] as const) {
    assert.ok(c[k], `capability ${k}`);
  }
  assert.equal(c.textDocumentSync, 2, 'incremental sync');
});

test('diagnostics: a clean document has none; a bad value and a structural error are reported where they are', async () => {
  const uri = fresh();
  assert.deepEqual((await client.open(uri, DOC)).diagnostics, []);
  const bad = DOC.replace('channels [32, 64]', 'channels [32, 60]').replace('stage 3  blocks 4  units [4, 4, 4]', 'stage 3  blocks 4  units [4, 4]');
  const ds = (await client.change(uri, bad)).diagnostics;
  const range = ds.find((d) => d.code === 'out-of-range');
  assert.ok(range, `out-of-range reported: ${JSON.stringify(codes(ds))}`);
  assert.equal(range.severity, 2);
  assert.deepEqual(range.range.start, positionOf(bad, '60'));
  const branch = ds.find((d) => d.code === 'branch-count');
  assert.ok(branch);
  assert.equal(branch.severity, 1);
  // Incremental edits: fix the value with a range change, as an editor sends keystrokes.
  const p = positionOf(bad, '60');
  const after = await client.edit(uri, { start: p, end: { line: p.line, character: p.character + 2 } }, '64');
  assert.ok(!codes(after.diagnostics).includes('out-of-range'));
  assert.ok(codes(after.diagnostics).includes('branch-count'));
});

test('quick fix: round channels to the nearest valid value', async () => {
  const uri = fresh();
  const ds = (await client.open(uri, DOC.replace('channels [64]', 'channels [61]'))).diagnostics;
  const d = ds.filter((x) => x.code === 'out-of-range');
  assert.equal(d.length, 1);
  const fix = (await actionsFor(uri, d)).find((a) => a.kind === 'quickfix');
  assert.ok(fix, 'a quick fix is offered');
  assert.match(fix.title, /64/);
  const next = await apply(uri, fix.edit);
  assert.deepEqual(next, []);
  assert.match(client.text(uri), /channels \[64\]/);
});

test('quick fix: add or remove branch entries to match the stage', async () => {
  const uri = fresh();
  const text = DOC.replace('units [4, 4]        channels [32, 64]', 'units [4, 4, 4]     channels [32]');
  const ds = (await client.open(uri, text)).diagnostics.filter((x) => x.code === 'branch-count');
  assert.equal(ds.length, 2, 'units has one entry too many, channels one too few');
  for (let i = 0; i < 2; i++) {
    const current = (await client.change(uri, client.text(uri))).diagnostics.filter((x) => x.code === 'branch-count');
    const fix = (await actionsFor(uri, [current[0]])).find((a) => a.kind === 'quickfix');
    assert.ok(fix, 'a quick fix is offered');
    assert.match(fix.title, /^(Add|Remove) 1 (units|channels) entry/);
    await apply(uri, fix.edit);
  }
  const final = (await client.change(uri, client.text(uri))).diagnostics;
  assert.deepEqual(final, [], JSON.stringify(final));
  assert.match(client.text(uri), /stage 2 +blocks 1 +units \[4, 4\] +channels \[32, 32\]/);
});

test('quick fix: a misspelt setting, metric and strategy ("did you mean")', async () => {
  const uri = fresh();
  const text = DOC.replace('maximize seg.mIoU', 'maximize segg.mIoU\n  maximize cls-50-1000.top6').replace('winner-takes-all', 'winner-take-all');
  const ds = (await client.open(uri, text)).diagnostics;
  assert.deepEqual(codes(ds).sort(), ['unknown-metric', 'unknown-setting', 'unknown-strategy']);
  for (const code of ['unknown-setting', 'unknown-metric', 'unknown-strategy']) {
    const d = (await client.change(uri, client.text(uri))).diagnostics.find((x) => x.code === code)!;
    const fixes = (await actionsFor(uri, [d])).filter((a) => a.kind === 'quickfix');
    assert.ok(fixes.length > 0, `a fix for ${code}`);
    const preferred = fixes.find((f) => f.isPreferred) ?? fixes[0];
    await apply(uri, preferred.edit);
  }
  const final = (await client.change(uri, client.text(uri))).diagnostics;
  assert.deepEqual(final, [], JSON.stringify(final));
  assert.match(client.text(uri), /maximize seg\.mIoU/);
  assert.match(client.text(uri), /strategy winner-takes-all/);
});

test('convert a network between its three forms; the code survives the round trip', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const hoverCode = async (line: number) => {
    const h = await client.request<Hover>('textDocument/hover', { ...td(uri), position: { line, character: 9 } });
    return /code `([^`]+)`/.exec((h.contents as { value: string }).value)?.[1];
  };
  const original = await hoverCode(1);
  assert.ok(original);
  for (const target of ['benchmark string', 'list of 27 integers', 'structured block']) {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      ...td(uri),
      range: { start: { line: 1, character: 9 }, end: { line: 1, character: 9 } },
      context: { diagnostics: [] },
    });
    const a = actions.find((x) => x.title.includes(`'hr' to a ${target}`));
    assert.ok(a, `offered: ${actions.map((x) => x.title).join('; ')}`);
    assert.equal(a.kind, 'refactor.rewrite');
    assert.deepEqual(await apply(uri, a.edit), []);
    assert.equal(await hoverCode(1), original, `same code after converting to a ${target}`);
  }
  assert.match(client.text(uri), /network hr \{/);
});

test('hover: exact cost, per-stage breakdown and code string on a network and its numbers', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const onName = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, 'hr {', 1) });
  const md = (onName.contents as { value: string }).value;
  assert.match(md, /FLOPs \*\*\d+\.\d{3} G\*\* · params \*\*\d+\.\d{3} M\*\*/);
  for (const part of ['stem', 'stage 1', 'stage 2', 'stage 3', 'stage 4', 'head']) assert.match(md, new RegExp(`\\| ${part} \\| \\d`));
  assert.match(md, /code `64_64-1_1_4_64-1_2_4_4_32_64-4_3_4_4_4_32_64_128-3_4_4_4_4_4_32_64_128_128-128`/);
  const onNumber = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, '128]', 1, 0) });
  const md2 = (onNumber.contents as { value: string }).value;
  assert.match(md2, /`stage3\.channels\[2\]` = \*\*128\*\*/);
  assert.match(md2, /FLOPs \*\*/);
  const onString = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, '112_48', 1) });
  assert.match((onString.contents as { value: string }).value, /network s\*\* — string form/);
  const onFrom = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, 'from hr', 6) });
  assert.match((onFrom.contents as { value: string }).value, /network hr\*\*/);
});

test('hover: setting and metric names show their descriptions', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const s = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, 'seg.mIoU', 1) });
  assert.match((s.contents as { value: string }).value, /\*\*seg\*\* — segmentation[\s\S]*Cityscapes[\s\S]*`mIoU` \(main\)/);
  const m = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, 'mIoU', 1) });
  assert.match((m.contents as { value: string }).value, /mean intersection over union/);
});

test('hover: a budget line compares the limit with the start network', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const h = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(DOC, 'flops <= 2.5', 3) });
  assert.match((h.contents as { value: string }).value, /\*\*flops ≤ 2\.5 G\*\*[\s\S]*Start network `hr`: 2\.\d{3} G, within the budget/);
});

test('completion: keywords (with their templates), names after from, settings, metrics of the setting, strategies', async () => {
  const uri = fresh();
  const labels = async (text: string, needle: string, offset = needle.length) => {
    await client.change(uri, text);
    const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { ...td(uri), position: positionOf(text, needle, offset) });
    return (Array.isArray(r) ? r : r.items).map((i) => i.label);
  };
  await client.open(uri, DOC);
  const top = await labels(DOC + '\nne', '\nne', 3);
  assert.deepEqual([...top].sort(), ['cell', 'network', 'propagate', 'search']);
  assert.deepEqual((await labels(DOC + '\npropagate q from ', 'q from ')).sort(), ['hr', 's']);
  const settings = await labels(DOC.replace('maximize seg.mIoU', 'maximize '), 'maximize ');
  assert.ok(settings.includes('cls-50-1000') && settings.includes('seg-4x') && settings.includes('segmentation'), settings.join());
  assert.deepEqual(await labels(DOC.replace('maximize seg.mIoU', 'maximize seg-4x.'), 'seg-4x.'), ['mIoU', 'mAcc', 'aAcc']);
  assert.deepEqual(await labels(DOC.replace('maximize seg.mIoU', 'maximize 0.5 * video.'), 'video.'), ['top1', 'top5']);
  assert.deepEqual((await labels(DOC.replace('strategy winner-takes-all', 'strategy '), 'strategy ')).sort(), ['continuous', 'winner-takes-all']);
  const stmt = await labels(DOC.replace('  flops <= 2.5 G', '  l'), '  l\n', 3);
  assert.ok(stmt.includes('lambda') && stmt.includes('steps') && !stmt.includes('network'), stmt.join());
  const inNet = await labels(DOC.replace('  head     128', '  h'), '  h\n', 3);
  assert.deepEqual(inNet.sort(), ['head', 'stage', 'stem']);
  // A snippet inserted into the document parses cleanly.
  await client.change(uri, '');
  const r = await client.request<CompletionItem[]>('textDocument/completion', { ...td(uri), position: { line: 0, character: 0 } });
  const snip = r.find((i) => i.label === 'network')!;
  const plain = String(snip.insertText).replace(/\$\{\d+:([^}]*)\}/g, '$1');
  assert.deepEqual((await client.change(uri, plain)).diagnostics, []);
});

test('document symbols and folding ranges', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', td(uri));
  assert.deepEqual(syms.map((s) => s.name), ['hr', 's', 'p']);
  assert.deepEqual(syms[0].children!.map((c) => c.name), ['stem', 'stage 1', 'stage 2', 'stage 3', 'stage 4', 'head']);
  assert.equal(syms[2].detail, 'propagate from hr');
  const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', td(uri));
  assert.ok(folds.some((f) => f.startLine === 1 && f.endLine === 7), JSON.stringify(folds));
  assert.ok(folds.some((f) => f.kind === 'comment' && f.startLine === 12 && f.endLine === 13));
});

test('semantic tokens carry names, settings and metrics; keywords, numbers and comments are the grammar\'s', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const legend = client.init.capabilities.semanticTokensProvider!.legend;
  const toks = await client.request<SemanticTokens>('textDocument/semanticTokens/full', td(uri));
  assert.equal(toks.data.length % 5, 0);
  const decoded: { line: number; ch: number; len: number; type: string }[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < toks.data.length; i += 5) {
    line += toks.data[i];
    ch = toks.data[i] === 0 ? ch + toks.data[i + 1] : toks.data[i + 1];
    decoded.push({ line, ch, len: toks.data[i + 2], type: legend.tokenTypes[toks.data[i + 3]] });
  }
  const lines = DOC.split('\n');
  const text = (t: (typeof decoded)[number]) => lines[t.line].slice(t.ch, t.ch + t.len);
  const find = (s: string) => decoded.find((t) => text(t) === s);
  assert.equal(find('hr')?.type, 'class');
  assert.equal(find('mIoU')?.type, 'property');
  assert.equal(find('network'), undefined);
  assert.equal(find('64'), undefined);
  assert.equal(find('// a test document'), undefined);
  // A range request (the visible part of a long file) returns exactly the tokens on those lines.
  const first = decoded.findIndex((t) => t.line >= 4);
  const from = decoded[first].line;
  const part = await client.request<SemanticTokens>('textDocument/semanticTokens/range', { ...td(uri), range: { start: { line: from, character: 0 }, end: { line: from + 2, character: 0 } } });
  const inRange = decoded.filter((t) => t.line >= from && t.line <= from + 2);
  assert.ok(inRange.length > 0);
  assert.equal(part.data.length, inRange.length * 5);
  assert.equal(part.data[0], from, 'first token relative to line 0');
});

test('definition, references and rename of a network name', async () => {
  const uri = fresh();
  const text = DOC + '\npropagate q from hr {\n  maximize classification\n}\n';
  await client.open(uri, text);
  const ref = positionOf(text, 'from hr', 6);
  const def = await client.request<Location[]>('textDocument/definition', { ...td(uri), position: ref });
  assert.deepEqual(def.map((l) => l.range.start), [positionOf(text, 'hr {')]);
  const refs = await client.request<Location[]>('textDocument/references', { ...td(uri), position: ref, context: { includeDeclaration: true } });
  assert.equal(refs.length, 3);
  const prep = await client.request<{ placeholder: string }>('textDocument/prepareRename', { ...td(uri), position: ref });
  assert.equal(prep.placeholder, 'hr');
  const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...td(uri), position: ref, newName: 'hrnet_v2' });
  assert.equal(editsFor(edit, uri).length, 3);
  assert.deepEqual(await apply(uri, edit), []);
  const renamed = client.text(uri);
  assert.equal(renamed.match(/\bhrnet_v2\b/g)?.length, 3);
  assert.equal(renamed.match(/\bhr\b/g), null);
  await assert.rejects(client.request('textDocument/rename', { ...td(uri), position: positionOf(renamed, 'hrnet_v2'), newName: 's' }), /already exists/);
  await assert.rejects(client.request('textDocument/rename', { ...td(uri), position: positionOf(renamed, 'hrnet_v2'), newName: '9x' }), /not a valid name/);
  // A propagation's name lives in its own namespace: renaming it touches only its declaration.
  const pEdit = await client.request<WorkspaceEdit>('textDocument/rename', { ...td(uri), position: positionOf(renamed, 'propagate p ', 10), newName: 'seg_run' });
  assert.equal(editsFor(pEdit, uri).length, 1);
  assert.deepEqual(await apply(uri, pEdit), []);
  assert.match(client.text(uri), /propagate seg_run from hrnet_v2 \{/);
  await assert.rejects(client.request('textDocument/rename', { ...td(uri), position: positionOf(client.text(uri), 'seg_run'), newName: 'q' }), /propagation named 'q' already exists/);
});

test('formatting is canonical and idempotent through the server', async () => {
  const uri = fresh();
  const messy = DOC.replace('network hr {', 'network   hr{').replace('  stem     64 64', 'stem 64     64').replace('  flops <= 2.5 G', '      flops<=2.5 G');
  await client.open(uri, messy);
  const opts = { ...td(uri), options: { tabSize: 2, insertSpaces: true } };
  const edits = await client.request<TextEdit[]>('textDocument/formatting', opts);
  assert.ok(edits.length > 0);
  const once = applyEdits(messy, edits);
  assert.deepEqual((await client.change(uri, once)).diagnostics, []);
  assert.deepEqual(await client.request<TextEdit[]>('textDocument/formatting', opts), [], 'formatting formatted text changes nothing');
  // Syntax errors: the formatter refuses rather than guess.
  await client.change(uri, 'network x { stem 8');
  assert.deepEqual(await client.request<TextEdit[]>('textDocument/formatting', opts), []);
});

test('inlay hints: exact FLOPs after each network, only in the requested range', async () => {
  const uri = fresh();
  await client.open(uri, DOC);
  const all = await client.request<InlayHint[]>('textDocument/inlayHint', { ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } } });
  assert.equal(all.length, 2);
  assert.deepEqual(all[0].position, { line: 8, character: 1 });
  assert.match(String(all[0].label), /^\d+\.\d\d G$/);
  const some = await client.request<InlayHint[]>('textDocument/inlayHint', { ...td(uri), range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } } });
  assert.equal(some.length, 1);
});

test('one analysis per document version, shared by every feature', async () => {
  const uri = fresh();
  const before0 = (await client.request<{ analyses: number }>('ncp/status', null)).analyses;
  await client.open(uri, DOC);
  const pos = { ...td(uri), position: { line: 1, character: 9 } };
  const range = { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } };
  await Promise.all([
    client.request('textDocument/hover', pos),
    client.request('textDocument/completion', pos),
    client.request('textDocument/documentSymbol', td(uri)),
    client.request('textDocument/foldingRange', td(uri)),
    client.request('textDocument/semanticTokens/full', td(uri)),
    client.request('textDocument/inlayHint', { ...td(uri), range }),
    client.request('textDocument/codeAction', { ...td(uri), range, context: { diagnostics: [] } }),
    client.request('textDocument/formatting', { ...td(uri), options: { tabSize: 2, insertSpaces: true } }),
  ]);
  assert.equal((await client.request<{ analyses: number }>('ncp/status', null)).analyses - before0, 1);
  await client.change(uri, DOC + '\n');
  await client.request('textDocument/hover', pos);
  assert.equal((await client.request<{ analyses: number }>('ncp/status', null)).analyses - before0, 2);
});

test('quick fix: an undefined start network and a budget without its unit', async () => {
  const uri = fresh();
  const text = DOC.replace('propagate p from hr {', 'propagate p from hrr {').replace('flops <= 2.5 G', 'flops <= 2.5');
  const ds = (await client.open(uri, text)).diagnostics;
  assert.deepEqual(codes(ds).sort(), ['missing-unit', 'undefined-name']);
  for (const code of ['undefined-name', 'missing-unit']) {
    const d = (await client.change(uri, client.text(uri))).diagnostics.find((x) => x.code === code)!;
    const fix = (await actionsFor(uri, [d])).find((a) => a.kind === 'quickfix' && a.isPreferred);
    assert.ok(fix, `a preferred fix for ${code}`);
    await apply(uri, fix.edit);
  }
  assert.deepEqual((await client.change(uri, client.text(uri))).diagnostics, []);
  assert.equal(client.text(uri), DOC);
});

test('hover on a cell shows its edges; on a reference to it, the same', async () => {
  const uri = fresh();
  const text = 'cell c = "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"\npropagate q from c {\n  maximize nb201\n}\n';
  assert.deepEqual((await client.open(uri, text)).diagnostics, []);
  const h = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(text, 'c =') });
  const md = (h.contents as { value: string }).value;
  assert.match(md, /\*\*cell c\*\* — NAS-Bench-201/);
  assert.match(md, /\| 1<-0 \| nor_conv_1x1 \|[\s\S]*\| 3<-2 \| avg_pool_3x3 \|/);
  const r = await client.request<Hover>('textDocument/hover', { ...td(uri), position: positionOf(text, 'from c', 5) });
  assert.match((r.contents as { value: string }).value, /\*\*cell c\*\*/);
});
