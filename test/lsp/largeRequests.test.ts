// Every request kind on a generated large document (size from NCP_LARGE_TEST_NETWORKS, small by
// default so CI stays quick): whole-document semantic tokens equal the reference token list,
// tokens by delta applied to the previous answer equal the new whole-document tokens through
// random edits (in-process and over LSP), and every advertised request kind answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit } from 'vscode-languageserver';
import { analyzeText, semanticTokens, SEMANTIC_TOKEN_TYPES, type DocumentAnalysis } from '../../server/src/language/analyze';
import { IncrementalAnalyzer } from '../../server/src/features/documents/incrementalAnalysis';
import { SemanticTokensService, tokenData } from '../../server/src/features/lsp/semanticTokens';
import { tokenDataEncoder } from '../../server/src/transport/tokenDataEncoder';
import { codeToNetwork, codeToString, randomCode } from '../../server/src/core/space/multires';
import { makeRng as rng } from '../../server/src/core/random';
import { root, startClient, positionOf, applyEdits } from './harness';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatAnalysis } from '../../server/src/language/format';
import { formatDocument } from '../../server/src/features/lsp/formatting';
import type { FeatureContext } from '../../server/src/features/documents/context';

const NETWORKS = Number(process.env.NCP_LARGE_TEST_NETWORKS ?? 400);

/** Networks in the three forms, propagations, cells, comments, a search block. */
function documentText(n: number): string {
  const rand = rng(5);
  const parts: string[] = ['// generated', '/* a block\n   comment */'];
  for (let i = 0; i < n; i++) {
    const code = randomCode(rand);
    if (i % 5 === 0) {
      const net = codeToNetwork(code);
      parts.push(
        [
          `network n${i} {`,
          `  stem ${net.stem.join(' ')}  // stem`,
          ...net.stages.map((s, k) => `  stage ${k + 1} blocks ${s.blocks} units [${s.units.join(', ')}] channels [${s.channels.join(', ')}]`),
          `  head ${net.head}`,
          '}',
        ].join('\n'),
      );
    } else if (i % 2 === 1) parts.push(`network n${i} = "${codeToString(code)}"`);
    else parts.push(`network n${i} = [${code.join(', ')}]`);
    if (i % 40 === 39) parts.push(`propagate p${i} from n${i - 1} {\n  maximize seg.mIoU\n  flops <= 2.5 G\n}`);
    if (i % 97 === 0) parts.push(`cell c${i} = "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"`);
    if (i === 50) parts.push('search s {\n  maximize seg.mIoU\n  batch 100\n}');
  }
  return parts.join('\n\n') + '\n' + readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8');
}

/** The reference: the token list of the whole document, delta-encoded as before (sorted, no overlap). */
function reference(a: DocumentAnalysis): number[] {
  const out: number[] = [];
  let line = 0;
  let char = 0;
  let lastLine = -1;
  let lastEnd = -1;
  for (const t of semanticTokens(a)) {
    if (t.line < lastLine || (t.line === lastLine && t.character < lastEnd) || t.length <= 0) continue;
    out.push(t.line - line, t.line === line ? t.character - char : t.character, t.length, SEMANTIC_TOKEN_TYPES.indexOf(t.type), t.modifiers);
    line = t.line;
    char = t.character;
    lastLine = t.line;
    lastEnd = t.character + t.length;
  }
  return out;
}

/** A delta applied as VS Code applies it: edits sorted by start, each start an index into the previous data. */
function applyDelta(prev: readonly number[], edits: readonly SemanticTokensEdit[]): number[] {
  const out: number[] = [];
  let at = 0;
  const copy = (from: readonly number[], a: number, b: number) => {
    for (let i = a; i < b; i++) out.push(from[i]);
  };
  for (const e of [...edits].sort((x, y) => x.start - y.start)) {
    assert.ok(e.start >= at && e.start + e.deleteCount <= prev.length, `edit ${e.start}+${e.deleteCount} outside the data (${prev.length})`);
    copy(prev, at, e.start);
    copy(e.data ?? [], 0, e.data?.length ?? 0);
    at = e.start + e.deleteCount;
  }
  copy(prev, at, prev.length);
  return out;
}

const plain = (t: SemanticTokens): number[] => Array.from(t.data);

/** A random small edit: characters typed or deleted, lines joined or split, now and then a construct opened. */
function randomEdit(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const r = rand();
  const inserts = ['x', '7', ' ', '\n', '"', '/*', '*/', '//', 'network q = [1, 2]\n', 'propagate z from n3 {\n', '}', '\nnetwork ', 'cell'];
  if (r < 0.45) return text.slice(0, at) + inserts[Math.floor(rand() * inserts.length)] + text.slice(at);
  if (r < 0.9) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 3));
  // Rename a network a propagation starts from (the one token typed by other declarations).
  const k = 39 + 40 * Math.floor(rand() * (NETWORKS / 40));
  return text.replace(new RegExp(`network n${k - 1}\\b`), rand() < 0.5 ? `network m${k - 1}` : `network n${k - 1}`);
}

test('whole-document tokens, segment by segment, equal the reference token list', () => {
  const text = documentText(NETWORKS);
  for (const a of [analyzeText(text), new IncrementalAnalyzer(2000).analyze('file:///a.ncp', text)]) {
    const full = plain(new SemanticTokensService().full('file:///a.ncp', a));
    assert.ok(full.length >= 5 * NETWORKS, 'a token for each network name at least');
    assert.deepEqual(full, reference(a));
  }
  // Odd documents: garbage before, between and after declarations, an open string, no declaration at all.
  for (const t of ['', 'x', '"open', '/* c */ foo 1 2\nnetwork a = [1]\n  ] ] bar\ncell\n', 'network\nnetwork b { stem 1 2 3\n// c\n', text.slice(0, 3000) + '\n@@ "x\n']) {
    const a = analyzeText(t);
    assert.deepEqual(plain(new SemanticTokensService().full('u', a)), reference(a), JSON.stringify(t.slice(0, 60)));
  }
});

test('tokens by delta applied to the previous answer equal the new whole-document tokens (random edits)', () => {
  const uri = 'file:///d.ncp';
  const size = (d: SemanticTokensDelta) => d.edits.reduce((n, e) => n + (e.data?.length ?? 0) + e.deleteCount, 0);
  // Mixed edits (comments and strings opened and closed, declarations typed, names changed), then
  // keystrokes in names and numbers only: those must give small deltas.
  for (const [edits, simple] of [
    [40, false],
    [30, true],
  ] as const) {
    const rand = rng(simple ? 23 : 17);
    const analyzer = new IncrementalAnalyzer(2000);
    const service = new SemanticTokensService();
    let text = documentText(Math.min(NETWORKS, 200));
    let prev = service.full(uri, analyzer.analyze(uri, text));
    let data = plain(prev);
    for (let i = 0; i < edits; i++) {
      if (simple) {
        const at = text.indexOf(`network n${Math.floor(rand() * Math.min(NETWORKS, 200))} `) + 9 + Math.floor(rand() * 8);
        text = text.slice(0, at) + (rand() < 0.5 ? '7' : '') + text.slice(at + (rand() < 0.5 ? 1 : 0));
      } else text = randomEdit(text, rand);
      const a = analyzer.analyze(uri, text);
      const d = service.delta(uri, a, prev.resultId!) as SemanticTokensDelta;
      assert.ok('edits' in d, 'answered by delta');
      data = applyDelta(data, d.edits);
      assert.deepEqual(data, plain(new SemanticTokensService().full(uri, a)), `after edit ${i}`);
      // A keystroke re-encodes the declaration it touched and the next one: a few tokens, not the document's.
      if (simple) assert.ok(size(d) <= 100 && size(d) < data.length / 5, `delta of ${size(d)} numbers for a keystroke (edit ${i}) of ${data.length}`);
      prev = { resultId: d.resultId, data: [] };
    }
  }
  // An unknown previous result is answered in full.
  const service = new SemanticTokensService();
  const a = analyzeText('network a = [1]\n');
  service.full(uri, a);
  assert.ok('data' in service.delta(uri, a, 'stale'));
});

test('the stdio encoder prints token data as the JSON of its numbers', async () => {
  for (const numbers of [[], [0], [10, 123456789, 4294967295, 7, 0, 99]]) {
    const msg = { jsonrpc: '2.0', id: 3, result: { resultId: '1', data: tokenData(new Uint32Array([5, ...numbers]).subarray(1)) } };
    const bytes = await tokenDataEncoder.encode(msg as never, { charset: 'utf-8' });
    assert.equal(Buffer.from(bytes).toString('utf-8'), JSON.stringify({ jsonrpc: '2.0', id: 3, result: { resultId: '1', data: numbers } }));
    // Any other transport: toJSON gives the plain array.
    assert.equal(JSON.stringify(msg), JSON.stringify({ jsonrpc: '2.0', id: 3, result: { resultId: '1', data: numbers } }));
  }
  const other = { jsonrpc: '2.0', id: 4, result: { data: [1, 2], é: 'ü' } };
  assert.equal(Buffer.from(await tokenDataEncoder.encode(other as never, { charset: 'utf-8' })).toString('utf-8'), JSON.stringify(other));
});

test('formatting edits only the declarations that change, and applied they give the canonical text', () => {
  const base = documentText(Math.min(NETWORKS, 300));
  const variants = [
    base,
    base.replace(/\n/g, '\r\n'),
    base.replace(/ = \[/g, ' =  [').replace(/, /g, ',').replace(/\n\n/g, '\n\n\n'),
    'network a = [1]   network b = [2]\n\n\n// tail\n/* x */',
    '// only a comment   \n',
    '',
  ];
  for (const text of variants) {
    for (const a of [analyzeText(text), new IncrementalAnalyzer(2000).analyze('file:///f.ncp', text)]) {
      const doc = TextDocument.create('file:///f.ncp', 'ncp', 1, text);
      const edits = formatDocument({ doc, analysis: a } as FeatureContext);
      // The reference: the parser's tree throughout (no compact networks).
      const want = formatAnalysis(analyzeText(text, { fastPath: false }));
      assert.equal(applyEdits(text, edits), want ?? text, JSON.stringify(text.slice(0, 40)));
      // Canonical text: nothing to do.
      if (want !== undefined) assert.deepEqual(formatDocument({ doc: TextDocument.create('file:///f.ncp', 'ncp', 1, want), analysis: analyzeText(want) } as FeatureContext), []);
    }
  }
  // Only the changed declaration is edited.
  const canonical = formatAnalysis(analyzeText(base))!;
  const one = canonical.replace('network n8 = [', 'network n8 =   [');
  const edits = formatDocument({ doc: TextDocument.create('file:///f.ncp', 'ncp', 1, one), analysis: analyzeText(one) } as FeatureContext);
  assert.equal(edits.length, 1);
  assert.equal(edits[0].newText.length < 10, true, JSON.stringify(edits[0]));
});

test('every advertised request kind answers on a large document; deltas over LSP equal full tokens', async () => {
  const text = documentText(NETWORKS);
  const client = await startClient({ initializationOptions: { incrementalMinChars: 2000 } });
  const uri = 'file:///large.ncp';
  const td = { textDocument: { uri } };
  try {
    const caps = client.init.capabilities;
    assert.deepEqual(caps.semanticTokensProvider && 'full' in caps.semanticTokensProvider ? caps.semanticTokensProvider.full : undefined, { delta: true });
    await client.open(uri, text);
    const mid = positionOf(text, `network n${Math.floor(NETWORKS / 2)} `);
    const name = { line: mid.line, character: mid.character + 9 };
    const range = { start: { line: mid.line, character: 0 }, end: { line: mid.line + 60, character: 0 } };
    let full = await client.request<SemanticTokens>('textDocument/semanticTokens/full', td);
    assert.ok(full.resultId && full.data.length > 0);
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', td);
    assert.ok(symbols.length > NETWORKS);
    assert.ok((await client.request<unknown[]>('textDocument/inlayHint', { ...td, range })).length > 0);
    assert.ok((await client.request<unknown[]>('textDocument/foldingRange', td)).length > NETWORKS / 5);
    assert.ok((await client.request<{ data: number[] }>('textDocument/semanticTokens/range', { ...td, range })).data.length > 0);
    assert.ok(Array.isArray(await client.request('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } })));
    assert.ok(await client.request('textDocument/hover', { ...td, position: name }));
    assert.ok(Array.isArray(await client.request('textDocument/completion', { ...td, position: { line: mid.line + 1, character: 0 } })));
    assert.ok(await client.request('textDocument/definition', { ...td, position: name }));
    assert.ok((await client.request<unknown[]>('textDocument/references', { ...td, position: name, context: { includeDeclaration: true } })).length > 0);
    assert.ok(await client.request('textDocument/prepareRename', { ...td, position: name }));
    assert.ok(await client.request('textDocument/rename', { ...td, position: name, newName: 'renamed' }));
    assert.ok(Array.isArray(await client.request('textDocument/codeAction', { ...td, range, context: { diagnostics: [] } })));
    assert.ok((await client.request<unknown[]>('textDocument/codeLens', td)).length > 0);

    const rand = rng(3);
    let data = full.data;
    for (let i = 0; i < 12; i++) {
      const at = positionOf(client.text(uri), `network n${Math.floor(rand() * NETWORKS)} `, 9);
      if (i % 3 === 2) await client.edit(uri, { start: at, end: at }, '\n"');
      else await client.edit(uri, { start: at, end: at }, 'x');
      const d = await client.request<SemanticTokensDelta>('textDocument/semanticTokens/full/delta', { ...td, previousResultId: full.resultId });
      data = applyDelta(data, d.edits);
      full = await client.request<SemanticTokens>('textDocument/semanticTokens/full', td);
      assert.deepEqual(data, full.data, `after edit ${i}`);
      // The full request above made a new result id: the next delta starts from it.
      data = full.data;
    }
  } finally {
    await client.stop();
  }
});
