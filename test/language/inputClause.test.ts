// `input 512x1024 seg classes 19` in propagate and search blocks (#23 item 2): parsed, checked
// (limits as the CLI's --input/--classes), kept by the formatter, and the impossible-budget check
// counts at that size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/language/analyze';
import { formatText } from '../../server/src/language/format';
import type { PropagateDecl, SearchDecl } from '../../server/src/language/ast';

const NET = 'network n = [88, 128, 1, 1, 128, 1, 1, 4, 120, 32, 2, 1, 2, 4, 128, 128, 128, 1, 1, 1, 1, 1, 32, 128, 8, 8, 128]\n';
const block = (body: string): string => `${NET}propagate p from n {\n  maximize seg.mIoU\n${body}\n}\n`;
const decl = (text: string): PropagateDecl => analyzeText(text).ast.declarations.find((d): d is PropagateDecl => d.kind === 'propagate')!;
const errors = (text: string): { code?: string; message: string }[] =>
  analyzeText(text).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, message: d.message }));

test('input HxW [cls|seg] [classes N]: every spelling of the size; square; defaults left unset', () => {
  for (const s of ['512x1024', '512 x 1024', '512×1024', '512 * 1024']) {
    const t = block(`  input ${s} seg`);
    assert.deepEqual(errors(t), [], s);
    assert.deepEqual(decl(t).options.costAt, { input: [512, 1024], head: 'seg' }, s);
  }
  assert.deepEqual(decl(block('  input 256')).options.costAt, { input: [256, 256] });
  assert.deepEqual(decl(block('  input 512x1024 seg classes 21')).options.costAt, { input: [512, 1024], head: 'seg', classes: 21 });
  assert.deepEqual(decl(block('  input 224x224 classes 1000')).options.costAt, { input: [224, 224], classes: 1000 });
  assert.equal(decl(block('  flops <= 40 G')).options.costAt, undefined);
  // one line with the other statements, `;`-separated
  assert.deepEqual(decl(block('  input 512x1024 seg; steps 3')).options.costAt, { input: [512, 1024], head: 'seg' });
  assert.equal(decl(block('  input 512x1024 seg; steps 3')).options.steps, 3);
});

test('diagnostics: bad and too large sizes and classes, stray words, a duplicate', () => {
  const codes = (body: string): (string | undefined)[] => errors(block(body)).map((e) => e.code);
  assert.deepEqual(codes('  input 0x1024'), ['bad-value']);
  assert.deepEqual(codes('  input 512.5x1024'), ['bad-value']);
  assert.deepEqual(codes('  input 512x99999'), ['too-large']);
  assert.deepEqual(codes('  input 512x1024 seg classes 0'), ['bad-value']);
  assert.deepEqual(codes('  input 512x1024 seg classes 999999'), ['too-large']);
  assert.deepEqual(codes('  input 512x1024 classes'), ['bad-value']);
  assert.deepEqual(codes('  input 512x1024 seg cls'), ['bad-value']);
  assert.deepEqual(codes('  input 512x1024 seg\n  input 64'), ['duplicate-option']);
  assert.ok(codes('  input seg').includes('parse-error'), 'a size first');
  assert.equal(decl(block('  input 0x1024')).options.costAt, undefined);
});

test('impossible-budget counts at the stated size; the formatter keeps the clause', () => {
  // 0.2 G fits the smallest network at 128×128 (~0.01 G) but not at 512×1024 with a segmentation head (~0.36 G)
  assert.deepEqual(errors(block('  flops <= 0.2 G')), []);
  const e = errors(block('  flops <= 0.2 G\n  input 512x1024 seg'));
  assert.deepEqual(e.map((x) => x.code), ['impossible-budget']);
  assert.match(e[0].message, /counted at 512×1024 input, seg head, 19 classes/);
  const t = block('  input   512x1024   seg  classes 19\n  input 512 × 1024');
  const f = formatText(t) ?? '';
  assert.match(f, /^ {2}input 512x1024 seg classes 19$/m);
  assert.match(f, /^ {2}input 512 × 1024$/m);
  assert.equal(formatText(f), f);
});

test('a search block takes the clause too (the suggestions\' budget counts there)', () => {
  const a = analyzeText('search s {\n  maximize seg.mIoU\n  flops <= 40 G\n  input 512x1024 seg\n  batch 2\n}\n');
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  const s = a.ast.declarations.find((d): d is SearchDecl => d.kind === 'search')!;
  assert.deepEqual(s.options.costAt, { input: [512, 1024], head: 'seg' });
  assert.equal(s.options.batch, 2, 'the clause stops before the next statement');
});
