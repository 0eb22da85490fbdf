import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatText } from '../../server/src/language/format';
import { analyzeText } from '../../server/src/language/analyze';
import { printNetwork, printCell, resizeBranchList, snapNumberEdit } from '../../server/src/language/print';
import { parse } from '../../server/src/language/parser';
import type { NetworkDecl } from '../../server/src/language/ast';
import { SKETCH_EXAMPLES } from './fixtures';

const root = join(__dirname, '..', '..');
const HR_CODE = [64, 64, 1, 4, 64, 1, 4, 4, 32, 64, 4, 4, 4, 4, 32, 64, 128, 3, 4, 4, 4, 4, 32, 64, 128, 128, 128];

/** Comments and non-blank tokens, in order: formatting may move them, never lose or change them. */
function content(text: string): string[] {
  const r = parse(text);
  return [...r.tokens.filter((t) => t.image !== ';' && t.image !== ',').map((t) => t.image), ...r.comments.map((c) => c.image.trimEnd())].sort();
}

const MESSY = `// header

/* block
   two */ network x = [1,2,3]   // trailing
propagate   p from x{maximize 0.5*seg-4x.mIoU;flops<=2 G // budget
  /* inside */ lambda 0.5 steps 70


  // before end
}
network y { stem 8 8 stage 1 blocks 1 units [1] channels [8] stage 2 blocks 1 units [1, 1] channels [8, 8] /* c */ stage 3 blocks 10 units [1,1,1] channels [8,8,8]
   stage 4 channels [8,8,8,8] units [1,1,1,1] blocks 1 head 8 } // end y
cell c="|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
// last`;

test('canonical layout: aligned columns, one statement per line, comments kept in place', () => {
  const f = formatText(MESSY);
  assert.equal(
    f,
    `// header

/* block
   two */
network x = [1, 2, 3]  // trailing

propagate p from x {
  maximize 0.5 * seg-4x.mIoU
  flops <= 2 G  // budget
  /* inside */
  lambda 0.5
  steps 70

  // before end
}

network y {
  stem     8 8
  stage 1  blocks 1   units [1]           channels [8]
  stage 2  blocks 1   units [1, 1]        channels [8, 8]  /* c */
  stage 3  blocks 10  units [1, 1, 1]     channels [8, 8, 8]
  stage 4  blocks 1   units [1, 1, 1, 1]  channels [8, 8, 8, 8]
  head     8
}  // end y

cell c = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
// last
`,
  );
});

test('formatting is idempotent and loses nothing, on the examples and on messy input', () => {
  const inputs: [string, string][] = [
    ['messy', MESSY],
    ['sketch', SKETCH_EXAMPLES],
    ['crlf', MESSY.replace(/\n/g, '\r\n')],
    ['empty', ''],
    ['only comments', '// a\n\n\n/* b */'],
  ];
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ncp'))) {
    inputs.push([f, readFileSync(join(root, 'examples', f), 'utf8')]);
  }
  for (const [name, text] of inputs) {
    const once = formatText(text);
    assert.ok(once !== undefined, name);
    assert.equal(formatText(once), once, `idempotent: ${name}`);
    assert.deepEqual(content(once), content(text), `same tokens and comments: ${name}`);
    assert.deepEqual(
      analyzeText(once).diagnostics.map((d) => d.code),
      analyzeText(text).diagnostics.map((d) => d.code),
      `same diagnostics: ${name}`,
    );
  }
  // The shipped example is already canonical.
  const example = readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8');
  assert.equal(formatText(example), example);
  // CRLF documents stay CRLF.
  assert.ok(!/[^\r]\n/.test(formatText(MESSY.replace(/\n/g, '\r\n'))!));
});

test('a document with syntax errors is not formatted', () => {
  assert.equal(formatText('network a { stem 8 8 stage 1 blcks 1 }'), undefined);
  assert.equal(formatText('network a = "8_8'), undefined);
  assert.equal(formatText('/* open'), undefined);
});

test('printNetwork: three forms that analyse back to the same code', () => {
  for (const form of ['structured', 'string', 'list'] as const) {
    const text = printNetwork('n', HR_CODE, form);
    const a = analyzeText(text);
    assert.deepEqual(a.diagnostics, [], form);
    assert.deepEqual(a.networks.get('n')?.code, HR_CODE, form);
    assert.equal(formatText(text + '\n'), text + '\n', `${form} is canonical`);
  }
  assert.equal(
    printNetwork('n', HR_CODE, 'structured'),
    readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8').split('\n').slice(1, 9).join('\n').replace('hrnet_small', 'n'),
  );
  const cell = printCell('c', [3, 4, 4, 2, 4, 4]);
  assert.equal(cell, 'cell c = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"');
  assert.deepEqual(analyzeText(cell).cells.get('c')?.cell, [3, 4, 4, 2, 4, 4]);
});

test('quick-fix helpers: resize a branch list, snap a number into range', () => {
  const text = 'network n { stage 3 units [2, 3] channels [8, 16, 24, 32] }';
  const n = parse(text).document.declarations[0] as NetworkDecl;
  const stage = n.clauses![0];
  assert.ok(stage.kind === 'stage');
  const grow = resizeBranchList(stage.fields[0].list!, 3, 'units');
  assert.equal(grow.newText, '[2, 3, 3]');
  assert.equal(text.slice(grow.range.startOffset, grow.range.endOffset), '[2, 3]');
  assert.equal(resizeBranchList(stage.fields[1].list!, 3, 'channels').newText, '[8, 16, 24]');
  const empty = parse('network n { stage 1 channels [] }').document.declarations[0] as NetworkDecl;
  const f = empty.clauses![0];
  assert.ok(f.kind === 'stage');
  assert.equal(resizeBranchList(f.fields[0].list!, 1, 'channels').newText, '[8]');
  const r = n.clauses![0].range;
  assert.equal(snapNumberEdit(r, 0, 0).newText, '8'); // stem.c1: channels
  assert.equal(snapNumberEdit(r, 0, 37).newText, '40');
  assert.equal(snapNumberEdit(r, 2, 9).newText, '4'); // stage1.blocks
});
