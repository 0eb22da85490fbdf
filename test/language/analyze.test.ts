import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeText,
  declarationAt,
  numberAt,
  referenceAt,
  referencesTo,
  semanticTokens,
  SEMANTIC_TOKEN_TYPES,
  SMALLEST_CODE,
  type NcpDiagnostic,
} from '../../server/src/language/analyze';
import { cost } from '../../server/src/core/cost';
import { HR_NETWORK } from './fixtures';
import { codeToString, CODE_LAYOUT } from '../../server/src/core/space/multires';
import { resolveSetting, SETTINGS } from '../../server/src/core/settings';

const root = join(__dirname, '..', '..');
const HR = '64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128';
const HR_CODE = HR.split(', ').map(Number);
const STRUCTURED = HR_NETWORK;

const at = (text: string, d: { range: { startOffset: number; endOffset: number } }): string => text.slice(d.range.startOffset, d.range.endOffset);
const codes = (ds: NcpDiagnostic[]): string[] => ds.map((d) => d.code);

test('the example file analyses clean, and the three forms give the same code', () => {
  const a = analyzeText(readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8'));
  assert.deepEqual(a.diagnostics, []);
  assert.deepEqual(a.networks.get('hrnet_small')?.code, HR_CODE);
  const text = `${STRUCTURED}network s = "${codeToString(HR_CODE)}"\nnetwork l = [${HR}]\n`;
  const b = analyzeText(text);
  assert.deepEqual(b.diagnostics, []);
  for (const name of ['hr', 's', 'l']) assert.deepEqual(b.networks.get(name)?.code, HR_CODE, name);
});

test('every number of a network maps to its code position, in all three forms', () => {
  const text = `${STRUCTURED}network s = "${codeToString(HR_CODE)}"\nnetwork l = [${HR}]\n`;
  const a = analyzeText(text);
  for (const name of ['hr', 's', 'l']) {
    const n = a.networks.get(name)!;
    const code = n.numbers.filter((x) => x.role === 'code');
    assert.equal(code.length, 27, name);
    assert.deepEqual(
      [...code].sort((x, y) => x.index - y.index).map((x) => x.value),
      HR_CODE,
      name,
    );
    for (const x of n.numbers) assert.equal(text.slice(x.range.startOffset, x.range.endOffset), x.text);
  }
  // The string form's repeated branch counts are 'stage' numbers, not code positions.
  assert.equal(a.networks.get('s')!.numbers.filter((x) => x.role === 'stage').length, 4);
  // Find stage 3's second channel count (32, 64, [128]) by offset.
  const line = text.split('\n')[4];
  const off = text.indexOf(line) + line.indexOf('128');
  const hit = numberAt(a, off + 1);
  assert.equal(hit?.network.name, 'hr');
  assert.equal(CODE_LAYOUT[hit!.number.index], 'stage3.channels[2]');
});

test('structural errors point at the exact number or list', () => {
  const text = `network n {
  stem 64 0
  stage 1 blocks 1 units [4] channels [64]
  stage 2 blocks 1 units [4] channels [32, 64]
  stage 3 blocks 1.5 units [4, 4, 4] channels [32, 64, -8]
  stage 4 blocks 1 units [1, 1, 1, 1] channels [8, 8, 8, 8]
  head 128
}`;
  const a = analyzeText(text);
  const byCode = (c: string) => a.diagnostics.filter((d) => d.code === c);
  assert.deepEqual(byCode('not-positive').map((d) => at(text, d)), ['0', '-8']);
  assert.equal(byCode('not-positive')[0].severity, 'error');
  assert.deepEqual(byCode('not-positive')[0].data, { index: 1, path: 'stem.c2', kind: 'channels', value: 0, suggestion: 8 });
  assert.deepEqual(byCode('not-integer').map((d) => at(text, d)), ['1.5']);
  const branch = byCode('branch-count');
  assert.equal(branch.length, 1);
  assert.equal(at(text, branch[0]), '[4]');
  assert.equal(branch[0].range.start.line, 3);
  assert.deepEqual(branch[0].data, { stage: 2, field: 'units', expected: 2, actual: 1 });
  assert.match(branch[0].message, /stage 2 has 2 branches: units needs 2 entries, got 1/);
  assert.equal(a.networks.get('n')!.code, undefined, 'no code for a broken network');
});

test('missing and duplicate clauses, bad stage numbers, wrong stem/head counts', () => {
  const a = analyzeText('network n { stem 8 stage 1 blocks 1 units [1] stage 1 blocks 1 stage 7 head 8 8 }');
  assert.deepEqual(codes(a.diagnostics).sort(), ['bad-stage', 'duplicate-clause', 'head-count', 'missing-clause', 'missing-field', 'stem-count'].sort());
  const missing = a.diagnostics.find((d) => d.code === 'missing-clause')!;
  assert.match(missing.message, /needs stage 2, stage 3, stage 4/);
  assert.match(a.diagnostics.find((d) => d.code === 'missing-field')!.message, /stage 1 needs 'channels'/);
});

test('range warnings: outside the benchmark, with the nearest valid value for a quick fix', () => {
  const code = [...HR_CODE];
  code[2] = 5; // stage1.blocks
  code[26] = 130; // head
  code[8] = 36; // stage2.channels[0]
  const a = analyzeText(`network w = [${code.join(', ')}]`);
  assert.ok(a.diagnostics.every((d) => d.severity === 'warning' && d.code === 'out-of-range'));
  assert.deepEqual(
    a.diagnostics.map((d) => [d.data?.path, d.data?.suggestion]),
    [['stage1.blocks', 4], ['stage2.channels[0]', 40], ['head.channels', 128]],
  );
  assert.match(a.diagnostics[0].message, /predictions extrapolate/);
  assert.deepEqual(a.networks.get('w')?.code, code, 'out of range is still a network');
});

test('string and list forms: shape errors on the part that is wrong', () => {
  const text = 'network s = "8_8-1_1_1_8-1_3_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-8"\nnetwork l = [1, 2, 3]';
  const a = analyzeText(text);
  const s = a.diagnostics.find((d) => d.code === 'bad-code-string')!;
  assert.equal(at(text, s), '1_3_1_1_8_8');
  assert.match(s.message, /stage 2: the second number is the stage's branch count 2, got 3/);
  const l = a.diagnostics.find((d) => d.code === 'code-length')!;
  assert.equal(at(text, l), '[1, 2, 3]');
  assert.deepEqual(l.data, { expected: 27, actual: 3 });
});

test('cells: valid, and an unknown op with a suggestion on the op itself', () => {
  const text = 'cell ok = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"\n' + 'cell bad = "|nor_conv_1x1~0|+|nor_conv_3x3~0|avg_pool~1|+|skip_connect~0|nor_conv_3x3~1|none~2|"';
  const a = analyzeText(text);
  assert.deepEqual(a.cells.get('ok')?.cell, [3, 4, 4, 2, 4, 4]);
  assert.equal(a.diagnostics.length, 1);
  const d = a.diagnostics[0];
  assert.equal(d.code, 'bad-cell');
  assert.equal(at(text, d), 'avg_pool');
  assert.deepEqual(d.data, { suggestions: ['avg_pool_3x3'] });
  assert.equal(a.cells.get('bad')?.cell, undefined);
});

test('names: duplicates, undefined references with suggestions, references for navigation', () => {
  const text = `network a = [${HR}]\ncell a = "x"\nnetwork abc = [${HR}]\npropagate p from abd { maximize seg }\npropagate q from a { maximize seg }\npropagate q from abc { maximize seg }`;
  const a = analyzeText(text);
  const dup = a.diagnostics.filter((d) => d.code === 'duplicate-name');
  assert.equal(dup.length, 2);
  assert.match(dup[0].message, /'a' is already a network \(line 1\)/);
  assert.match(dup[1].message, /'q' is already a propagation/);
  const undef = a.diagnostics.find((d) => d.code === 'undefined-name')!;
  assert.equal(at(text, undef), 'abd');
  assert.match(undef.message, /did you mean 'abc'/);
  const refs = referencesTo(a, 'abc');
  assert.deepEqual(refs.map((r) => r.kind), ['definition', 'reference']);
  const use = referenceAt(a, text.indexOf('from abc') + 6)!;
  assert.equal(use.kind, 'reference');
  assert.equal(use.target?.name, 'abc');
  assert.equal(declarationAt(a, text.indexOf('cell'))?.kind, 'cell');
});

test('objectives: settings, task aliases, metrics, "did you mean", space mismatch', () => {
  const cell = 'cell c = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"';
  const text = `network n = [${HR}]\n${cell}
propagate p from n {
  maximize 2 * classification
  maximize segmentation.mAcc
  maximize video.top5
  maximize seg-4x.mIoU
  maximize sge.mIoU
  maximize seg.miou
  maximize nb201.acc
}
propagate q from c { maximize nb201 }`;
  const a = analyzeText(text);
  const p = a.propagations[0];
  assert.deepEqual(
    p.objectives.slice(0, 4).map((o) => [o.weight, o.resolvedSetting, o.resolvedMetric]),
    [[2, 'cls-50-1000', 'top1'], [1, 'seg', 'mAcc'], [1, 'video', 'top5'], [1, 'seg-4x', 'mIoU']],
  );
  const unknownSetting = a.diagnostics.find((d) => d.code === 'unknown-setting')!;
  assert.equal(at(text, unknownSetting), 'sge');
  assert.deepEqual(unknownSetting.data, { suggestions: ['seg'] });
  const unknownMetric = a.diagnostics.find((d) => d.code === 'unknown-metric')!;
  assert.equal(at(text, unknownMetric), 'miou');
  assert.match(unknownMetric.message, /did you mean 'mIoU'/);
  const mismatch = a.diagnostics.filter((d) => d.code === 'space-mismatch');
  assert.equal(mismatch.length, 1);
  assert.equal(at(text, mismatch[0]), 'nb201');
  assert.deepEqual(a.propagations[1].objectives[0].resolvedMetric, 'acc');
  assert.equal(codes(a.diagnostics).length, 3);
});

test('options, budgets and units', () => {
  const text = `network n = [${HR}]
propagate p from n {
  maximize seg
  flops <= 2.5 G
  params <= 800 K
  lambda 0.5
  strategy continuous
  steps 70; lr 0.01; restarts 3; seed 1
}
propagate bad from n {
  maximize seg
  flops <= 2
  params <= 3 T
  lambda -1
  strategy winner
  steps 1.5
  restarts 0
  steps 3
}
propagate none from n { }`;
  const a = analyzeText(text);
  const p = a.propagations[0];
  assert.deepEqual(p.options, { lambda: 0.5, strategy: 'continuous', steps: 70, lr: 0.01, restarts: 3, seed: 1 });
  assert.equal(p.flops?.limit, 2.5);
  assert.ok(Math.abs(p.params!.limit! - 0.8) < 1e-12);
  const bad = a.diagnostics.filter((d) => d.range.start.line >= 9);
  assert.deepEqual(codes(bad), ['missing-unit', 'bad-unit', 'bad-value', 'unknown-strategy', 'bad-value', 'bad-value', 'duplicate-option', 'missing-objective']);
  assert.equal(bad[0].severity, 'warning');
  assert.equal(a.propagations[1].flops?.limit, 2, 'a budget without a unit is read in G');
  assert.deepEqual(bad[3].data, { suggestions: ['winner-takes-all'] });
});

test('a budget below the smallest network in range is impossible', () => {
  const small = cost(SMALLEST_CODE);
  const text = `network n = [${HR}]
propagate p from n { maximize seg; flops <= ${(small.flops * 0.9).toFixed(5)} G }
propagate q from n { maximize seg; flops <= ${(small.flops * 1.1).toFixed(5)} G; params <= ${(small.params * 1000 * 0.5).toFixed(3)} K }`;
  const a = analyzeText(text);
  const imp = a.diagnostics.filter((d) => d.code === 'impossible-budget');
  assert.deepEqual(imp.map((d) => d.range.start.line), [1, 2]);
  assert.match(imp[0].message, /no network fits flops/);
  assert.match(imp[1].message, /no network fits params/);
});

test('cells take no cost terms', () => {
  const a = analyzeText('cell c = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"\npropagate p from c { maximize nb201; flops <= 1 G; lambda 0.1; lambda 0 }');
  assert.deepEqual(codes(a.diagnostics), ['budget-not-supported', 'budget-not-supported', 'duplicate-option']);
});

test('a broken block leaves the others analysed', () => {
  const text = `network good = [${HR.replace('64', '0')}]\nnetwork broken { stem 8 8 stage 1 blcks 1 }\npropagate p from good { maximize seg.mIoUx }`;
  const a = analyzeText(text);
  assert.ok(a.hasSyntaxErrors);
  // The broken network gets its parse error only: no 'missing stage' noise from what the parser skipped.
  assert.deepEqual(codes(a.diagnostics).filter((c) => c !== 'parse-error'), ['not-positive', 'start-invalid', 'unknown-metric']);
  assert.equal(a.networks.get('broken')?.syntaxErrors, true);
});

test('settings catalogue: every setting resolves, task aliases map to the main settings', () => {
  for (const s of SETTINGS) assert.equal(resolveSetting(s.name), s);
  assert.equal(resolveSetting('classification')?.name, 'cls-50-1000');
  assert.equal(resolveSetting('segmentation')?.name, 'seg');
  assert.equal(resolveSetting('video')?.name, 'video');
  assert.equal(resolveSetting('detection'), undefined);
});

test('semantic tokens carry what the tree knows, one line each, in order; the grammar colours the rest', () => {
  const text = `// c\nnetwork n = [${HR}]\npropagate p from n {\n  maximize 0.5 * seg-4x.mIoU\n  flops <= 2 G /* a\nb */\n  strategy continuous\n}\npropagate q from nothing { maximize seg }`;
  const a = analyzeText(text);
  const toks = semanticTokens(a);
  const lines = text.split('\n');
  const show = toks.map((t) => `${lines[t.line].slice(t.character, t.character + t.length)}:${t.type}${t.modifiers ? '+decl' : ''}`);
  // Keywords, numbers, strings, operators and comments are the TextMate grammar's
  // (test/language/textmateCoverage.test.ts): none of them here.
  assert.deepEqual(show, [
    'n:class+decl',
    'p:function+decl', 'n:class',
    'seg-4x:enum', 'mIoU:property',
    'G:type',
    'continuous:enumMember',
    'q:function+decl', 'nothing:variable', 'seg:enum',
  ]);
  for (let i = 1; i < toks.length; i++) {
    const p = toks[i - 1];
    const t = toks[i];
    assert.ok(t.line > p.line || (t.line === p.line && t.character >= p.character + p.length));
  }
  for (const t of toks) assert.ok(SEMANTIC_TOKEN_TYPES.includes(t.type));
});

test('syntax diagnostics carry their codes; repeated and zero-weight objectives are warnings', () => {
  const a = analyzeText(`network n = [${HR}] $\npropagate p from n { maximize seg.mIoU; maximize 2 * segmentation; maximize 0 * video }`);
  assert.deepEqual(
    a.diagnostics.map((d) => [d.code, d.severity]),
    [['lex-error', 'error'], ['duplicate-objective', 'warning'], ['zero-weight', 'warning']],
  );
  assert.match(a.diagnostics[0].message, /unexpected character '\$'/);
  assert.match(a.diagnostics[1].message, /seg\.mIoU is already maximized on line 2/);
});

test('code and cell strings carry only their names as semantic tokens (the grammar colours numbers and ops)', () => {
  const text = 'network s = "8_8-1_1_1_8-1_2_1_1_8_8-1_3_1_1_1_8_8_8-1_4_1_1_1_1_8_8_8_8-16"\ncell c = "|none~0|+|none~0|none~1|+|none~0|none~1|avg_pool_3x3~2|"';
  const a = analyzeText(text);
  const lines = text.split('\n');
  const toks = semanticTokens(a).map((t) => [lines[t.line].slice(t.character, t.character + t.length), t.type]);
  assert.deepEqual(toks, [['s', 'class'], ['c', 'struct']]);
});
