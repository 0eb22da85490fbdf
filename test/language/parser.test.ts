import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../server/src/language/parser';
import { lex, Identifier, NumberTok, Dot, StringLit, UnterminatedString } from '../../server/src/language/lexer';
import type { NetworkDecl, PropagateDecl, CellDecl, Range } from '../../server/src/language/ast';
import { SKETCH_EXAMPLES } from './fixtures';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';

const root = join(__dirname, '..', '..');

/** The text a range covers. */
const at = (text: string, r: Range): string => text.slice(r.startOffset, r.endOffset);

/** Line/character of a range agree with its offsets. */
function assertRangeConsistent(text: string, r: Range): void {
  const lines = text.split(/\r\n|\r|\n/);
  let off = 0;
  for (let i = 0; i < r.start.line; i++) off += lines[i].length + 1;
  assert.equal(off + r.start.character, r.startOffset, `start of ${JSON.stringify(r)}`);
  off = 0;
  for (let i = 0; i < r.end.line; i++) off += lines[i].length + 1;
  assert.equal(off + r.end.character, r.endOffset, `end of ${JSON.stringify(r)}`);
}

test('lexer: setting names with hyphens and digits are one name; numbers keep their dots', () => {
  const kinds = (s: string) => lex(s).tokens.map((t) => [t.tokenType.name, t.image]);
  assert.deepEqual(kinds('seg-4x.mIoU'), [['Identifier', 'seg-4x'], ['Dot', '.'], ['Identifier', 'mIoU']]);
  assert.deepEqual(kinds('cls-50-1000.top1'), [['Identifier', 'cls-50-1000'], ['Dot', '.'], ['Identifier', 'top1']]);
  assert.deepEqual(kinds('0.5 * video-p.top5'), [['Number', '0.5'], ['Star', '*'], ['Identifier', 'video-p'], ['Dot', '.'], ['Identifier', 'top5']]);
  assert.deepEqual(kinds('flops <= 2.5 G'), [['kw_flops', 'flops'], ['LessEq', '<='], ['Number', '2.5'], ['Identifier', 'G']]);
  assert.deepEqual(kinds('winner-takes-all'), [['Identifier', 'winner-takes-all']]);
  // A keyword followed by more name characters is a name.
  assert.deepEqual(kinds('network_a stages'), [['Identifier', 'network_a'], ['Identifier', 'stages']]);
  assert.equal(lex('1e-3').tokens[0].tokenType, NumberTok);
  assert.equal(lex('x.y').tokens[1].tokenType, Dot);
  assert.equal(lex('"abc"').tokens[0].tokenType, StringLit);
  assert.equal(lex('"abc').tokens[0].tokenType, UnterminatedString);
  assert.equal(lex('abc').tokens[0].tokenType, Identifier);
});

test('the example file and every sketch example parse without errors', () => {
  const example = readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8');
  const r = parse(example);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.document.declarations.map((d) => `${d.kind} ${d.name}`),
    ['network hrnet_small', 'network from_bench', 'network raw', 'cell best201', 'propagate seg_small'],
  );
  const s = parse(SKETCH_EXAMPLES);
  assert.deepEqual(s.errors, []);
  assert.equal(s.document.declarations.length, 5);
});

test('structured network: clauses, fields and exact ranges', () => {
  const text = 'network n {\n  stem 64 32\n  stage 2 blocks 3 units [1, 2] channels [8 16]\n  head 128\n}\n';
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  const n = r.document.declarations[0] as NetworkDecl;
  assert.equal(n.kind, 'network');
  assert.equal(n.form, 'structured');
  assert.equal(at(text, n.nameRange), 'n');
  assert.equal(at(text, n.range), text.trimEnd());
  assert.equal(n.clauses?.length, 3);
  const [stem, stage, head] = n.clauses!;
  assert.equal(stem.kind, 'stem');
  assert.equal(at(text, stem.range), 'stem 64 32');
  assert.ok(stage.kind === 'stage');
  assert.equal(stage.index?.value, 2);
  assert.deepEqual(stage.fields.map((f) => f.field), ['blocks', 'units', 'channels']);
  assert.equal(at(text, stage.fields[1].list!.range), '[1, 2]');
  const c16 = stage.fields[2].list!.items[1];
  assert.equal(c16.value, 16);
  assert.deepEqual(c16.range.start, { line: 2, character: 44 });
  assert.equal(at(text, c16.range), '16');
  assert.ok(head.kind === 'head');
  assert.equal(head.values[0].value, 128);
  for (const c of n.clauses!) assertRangeConsistent(text, c.range);
  assertRangeConsistent(text, c16.range);
});

test('string and list networks, cells and propagations', () => {
  const text = [
    'network s = "8_8-1_1_1_8-1_2_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-8"',
    'network l = [1 2, 3]',
    'cell c = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"',
    'propagate p from s { maximize 0.5 * cls-50-1000.top1; maximize segmentation',
    '  flops <= 2.5 G; params <= 3 M; lambda 0.5; strategy continuous; steps 10; lr 0.01; restarts 2; seed 7 }',
  ].join('\r\n');
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  const [s, l, c, p] = r.document.declarations as [NetworkDecl, NetworkDecl, CellDecl, PropagateDecl];
  assert.equal(s.form, 'string');
  assert.equal(s.string?.value, '8_8-1_1_1_8-1_2_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-8');
  assert.equal(l.form, 'list');
  assert.deepEqual(l.list?.items.map((n) => n.value), [1, 2, 3]);
  assert.equal(c.kind, 'cell');
  assert.equal(at(text, c.string!.range), '"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"');
  assert.equal(p.from?.text, 's');
  assert.deepEqual(
    p.statements.map((st) => st.kind),
    ['maximize', 'maximize', 'flops', 'params', 'lambda', 'strategy', 'steps', 'lr', 'restarts', 'seed'],
  );
  const [o1, o2] = p.statements;
  assert.ok(o1.kind === 'maximize' && o2.kind === 'maximize');
  assert.equal(o1.weight, 0.5);
  assert.equal(o1.setting?.text, 'cls-50-1000');
  assert.equal(o1.metric?.text, 'top1');
  assert.equal(o2.weight, 1);
  assert.equal(o2.metric, undefined);
  // CRLF: the fourth line starts after three \r\n.
  assert.deepEqual(p.keywordRange.start, { line: 3, character: 0 });
  assertRangeConsistentCrlf(text, p.range);
});

function assertRangeConsistentCrlf(text: string, r: Range): void {
  const before = text.slice(0, r.startOffset);
  const line = before.split('\r\n').length - 1;
  assert.equal(r.start.line, line);
  assert.equal(r.start.character, before.length - (before.lastIndexOf('\r\n') + 2));
}

test('comments are kept and never parsed', () => {
  const text = '// a\nnetwork /* inline */ x = [1] // b\n/* multi\nline */';
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.document.comments.map((c) => c.text), ['// a', '/* inline */', '// b', '/* multi\nline */']);
  assert.equal(r.document.declarations[0].name, 'x');
});

test('unterminated string and comment: clear messages, the rest still parsed', () => {
  const text = 'network a = "8_8-1\nnetwork b = [1]\n/* never closed\nnetwork c = [2]';
  const r = parse(text);
  const kinds = r.errors.map((e) => e.kind);
  assert.deepEqual(kinds, ['unterminated-string', 'unterminated-comment']);
  assert.match(r.errors[0].message, /unterminated string/);
  assert.deepEqual(r.errors[0].range.start, { line: 0, character: 12 });
  assert.match(r.errors[1].message, /unterminated comment.*'\*\/'/);
  assert.deepEqual(r.errors[1].range.start, { line: 2, character: 0 });
  assert.deepEqual(r.document.declarations.map((d) => d.name), ['a', 'b']);
});

test('parse errors name what was expected and suggest the keyword meant', () => {
  const msg = (text: string) => parse(text).errors.map((e) => e.message);
  assert.match(msg('network a { stem 8 8 stage 1 blcks 1 }')[0], /found 'blcks' \(did you mean 'blocks'\?\)/);
  assert.match(msg('netwrk a = [1]')[0], /expected a declaration \('network', 'cell' or 'propagate'\), found 'netwrk' \(did you mean 'network'\?\)/);
  assert.match(msg('propagate p fro a { }')[0], /expected 'from NAME'/);
  assert.match(msg('network a = [1, 2')[0], /expected a number or '\]', found the end of the file/);
  // Each declaration is judged on its own text (the server re-analyses one block per keystroke),
  // so an error at a block's end reads "the end of the file" even when another block follows.
  assert.match(msg('network cell = [1]')[0], /expected a name, found the end of the file/);
  assert.match(msg('network a { head 8 } }')[0], /unexpected '\}'/);
  assert.match(msg('network a [1]')[0], /expected '\{' or '='/);
  assert.match(msg('propagate p from a { maximize seg flop <= 1 G }')[0], /found 'flop' \(did you mean 'flops'\?\)/);
  assert.match(msg('network a = [1, $]')[0], /unexpected character '\$'/);
});

test('error recovery: a typo in one block leaves every other block parsed', () => {
  const text = [
    'network good1 = [1]',
    'network bad { stem 8 8 stage 1 blcks 1 units [4] channels [64] head 8 }',
    'cell good2 = "x"',
    'propagate broken from { maximize seg }',
    'network good3 { stem 8 8 head 8 }',
  ].join('\n');
  const r = parse(text);
  assert.ok(r.errors.length >= 2);
  assert.deepEqual(
    r.document.declarations.map((d) => d.name),
    ['good1', 'bad', 'good2', 'broken', 'good3'],
  );
  const good3 = r.document.declarations[4] as NetworkDecl;
  assert.equal(good3.clauses?.length, 2);
  // Every error lies inside the broken blocks (lines 1 and 3).
  for (const e of r.errors) assert.ok(e.range.start.line === 1 || e.range.start.line === 3, e.message);
});

test('an error at the end of the file points just after the last token', () => {
  const text = 'network a {\n  stem 8 8';
  const r = parse(text);
  assert.equal(r.errors.length, 1);
  assert.deepEqual(r.errors[0].range.start, { line: 1, character: 10 });
  assert.equal(r.errors[0].range.startOffset, text.length);
});

test('every example in docs/grammar.md parses and analyses without errors', () => {
  const doc = readFileSync(join(root, 'docs/grammar.md'), 'utf8');
  const blocks = [...doc.matchAll(/```ncp\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2);
  for (const b of blocks) assert.deepEqual(parse(b).errors, [], b);
  // The first example is a whole document: clean through analysis too.
  assert.deepEqual(analyzeText(blocks[0]).diagnostics, []);
});

test('keywords other than network/cell/propagate may be declared names', () => {
  const text = 'network head = [1]\ncell stage = "x"\npropagate steps from head { maximize seg; steps 3 }';
  const r = parse(text);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.document.declarations.map((d) => d.name), ['head', 'stage', 'steps']);
  assert.equal((r.document.declarations[2] as PropagateDecl).from?.text, 'head');
  // Highlighted by role, not as keywords; `steps 3` inside the block stays a keyword (the
  // grammar's: it has no semantic token).
  const a = analyzeText(text);
  const lines = text.split('\n');
  const toks = semanticTokens(a).map((t) => `${lines[t.line].slice(t.character, t.character + t.length)}:${t.type}`);
  assert.ok(toks.includes('head:class') && toks.includes('stage:struct') && toks.includes('steps:function'), toks.join(' '));
  assert.equal(toks.filter((t) => t.startsWith('steps:')).length, 1, toks.join(' '));
});
