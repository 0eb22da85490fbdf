// The fast paths (language/oneLine.ts, and language/structuredFast.ts for structured networks, at
// the end) must give exactly the parser's analysis: the same
// tree (numbers, ranges, positions, roles), diagnostics, tables and formatting, for texts it
// takes and for near misses it must leave to the parser; and a compact network's numbers (and a
// structured one's clauses, compactStructured.ts), read after its chunk has moved, sit where the
// parser would put them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, semanticTokens, type DocumentAnalysis } from '../../server/src/language/analyze';
import { formatAnalysis } from '../../server/src/language/format';
import { analyzeOneLine } from '../../server/src/language/oneLine';
import { analyzeStructured } from '../../server/src/language/structuredFast';
import { IncrementalAnalyzer } from '../../server/src/features/documents/incrementalAnalysis';
import { codeToString, randomCode } from '../../server/src/core/space/multires';
import { makeRng as rng } from '../../server/src/core/random';

function normal(a: DocumentAnalysis): unknown {
  return JSON.parse(
    JSON.stringify({
      diagnostics: a.diagnostics,
      declarations: a.ast.declarations,
      comments: a.ast.comments,
      references: a.references.map((r) => ({ name: r.name, kind: r.kind, range: r.range })),
      // Sorted: a merged analysis's tables keep another insertion order (see incrementalAnalysis.ts).
      networks: [...a.networks.keys()].sort(),
      cells: [...a.cells.keys()].sort(),
      hasSyntaxErrors: a.hasSyntaxErrors,
      tokens: semanticTokens(a),
      formatted: formatAnalysis(a),
      // Read through the getters too (not only toJSON).
      numbers: a.ast.declarations.map((d) => (d.kind === 'network' ? d.numbers.map((n) => [n.value, n.text, n.index, n.role, n.range.startOffset]) : [])),
      list: a.ast.declarations.map((d) => (d.kind === 'network' ? d.list?.items.length : undefined)),
      string: a.ast.declarations.map((d) => (d.kind === 'network' ? d.string?.value : undefined)),
      code: a.ast.declarations.map((d) => (d.kind === 'network' ? d.code : undefined)),
    }),
  );
}

const VALID = '[16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]';
const STRING = '"32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128"';

const taken = [
  `network a = ${VALID}`,
  `network a = ${VALID}\n`,
  `network a = ${VALID}\n\n\r\n`,
  `  \tnetwork  seg-4x_b\t=\t${VALID}  \n`,
  `network a = ${STRING}\n`,
  `network head = ${STRING}`,
  `network network-2 = ${VALID}`,
  `network stemx = ${VALID.replace(/, /g, ' ')}`,
  `network a = ${VALID.replace(']', ',]')}`,
  `network a = ${VALID.replace('[16', '[ 16 ')}`,
  // Diagnostics (kept eager): out of range, zero, wrong length, extra, bad string shapes.
  `network a = ${VALID.replace('128', '999')}`,
  `network a = ${VALID.replace('[16', '[0')}`,
  'network a = [1, 2, 3]',
  'network a = []',
  `network a = ${VALID.replace(']', ', 5, 0]')}`,
  'network a = "1_2-3"',
  'network a = ""',
  `network a = ${STRING.replace('-3_2', '-3_3')}`,
  `network a = ${STRING.replace('_16-', '_16 -')}`,
  `network a = ${VALID.replace('16', '123456789012345678901234567890')}`,
];

const leftToParser = [
  `network a = ${VALID} // c`,
  `network a = ${VALID.replace('16', '1.5')}`,
  `network a = ${VALID.replace('16', '1e5')}`,
  `network a = ${VALID.replace('16', '+16')}`,
  `network a = ${VALID.replace('16', '16ab')}`,
  `network a = ${VALID.replace('[16,', '[,16,')}`,
  `network a = ${VALID.replace(', 64', ',, 64')}`,
  `network a = ${VALID.replace(']', '')}`,
  `network a = ${VALID}]`,
  `network a = ${VALID}\nnetwork b = ${VALID}`,
  `network a =\n${VALID}`,
  `network cell = ${VALID}`,
  `network 3ddet = ${VALID}`,
  `network a- = ${VALID}`,
  'network a = "unterminated',
  `network a ${VALID}`,
  `networka = ${VALID}`,
  `\nnetwork a = ${VALID}`,
  `network a = ${STRING} x`,
  `/**/network a = ${VALID}`,
];

test('the one-line fast path gives exactly the parser\'s analysis', () => {
  for (const t of [...taken, ...leftToParser]) {
    assert.deepEqual(normal(analyzeText(t)), normal(analyzeText(t, { fastPath: false })), JSON.stringify(t));
  }
});

test('the fast path takes the simple one-line forms and leaves everything else to the parser', () => {
  for (const t of taken) assert.ok(analyzeOneLine(t), `taken: ${JSON.stringify(t)}`);
  for (const t of leftToParser) assert.equal(analyzeOneLine(t), undefined, `left: ${JSON.stringify(t)}`);
  // A valid network without diagnostics keeps no number objects until they are read.
  for (const t of [taken[0], taken[4]]) assert.equal(Object.hasOwn(analyzeOneLine(t)!.decl, 'numbers'), false, t);
  assert.equal(Object.hasOwn(analyzeOneLine(taken[10])!.decl, 'numbers'), true, 'a network with a warning is built as the parser builds it');
});

test('random codes in both forms: the same analysis either way', () => {
  const rand = rng(7);
  for (let i = 0; i < 300; i++) {
    const code = randomCode(rand);
    if (i % 7 === 0) code[Math.floor(rand() * code.length)] = Math.floor(rand() * 300);
    const t = i % 2 === 0 ? `network n${i} = [${code.join(', ')}]\n` : `network n${i} = "${codeToString(code)}"\n\n`;
    assert.deepEqual(normal(analyzeText(t)), normal(analyzeText(t, { fastPath: false })), t);
  }
});

test('a compact network\'s numbers and clauses, first read after its chunk moved, are where the parser puts them', () => {
  const lines = [`// head`];
  const structured = (i: number) =>
    `network n${i} {\n  stem 32 16\n  stage 1 blocks 1 units [1] channels [32]\n  stage 2 blocks 3 units [3, 2] channels [16, 32]\n` +
    `  stage 3 blocks 1 units [1, 1, 1] channels [112, 48, 32]\n  stage 4 blocks 2 units [4, 3, 4, 2] channels [32, 64, 32, 112]\n  head 128\n}`;
  for (let i = 0; i < 200; i++) lines.push(i % 3 === 0 ? structured(i) : i % 3 === 1 ? `network n${i} = ${VALID}` : `network n${i} = ${STRING}`);
  let text = lines.join('\n\n') + '\n';
  const inc = new IncrementalAnalyzer(0);
  inc.analyze('u', text);
  // Insert text near the top: every later chunk moves; no number has been read yet.
  text = text.replace('// head', '// head, longer\n\n\nnetwork extra = [1, 2]');
  const got = inc.analyze('u', text);
  for (const name of ['n150', 'n151', 'n152']) {
    const d = got.ast.declarations.find((x) => x.name === name);
    assert.ok(d && d.kind === 'network');
    // Kept compact until read (structured ones too: no clause objects).
    assert.equal(Object.hasOwn(d, 'numbers') || Object.hasOwn(d, 'clauses'), false, name);
    for (const n of d.numbers) assert.equal(text.slice(n.range.startOffset, n.range.endOffset), n.text);
    for (const c of d.clauses ?? []) assert.equal(text.slice(c.keywordRange.startOffset, c.keywordRange.endOffset), c.kind);
  }
  assert.deepEqual(normal(got), normal(analyzeText(text, { fastPath: false })));
});

// ---- The structured fast path (language/structuredFast.ts) ----------------------------------

const STRUCT =
  'network s {\n  stem 32 16\n  stage 1 blocks 1 units [1] channels [32]\n  stage 2 blocks 3 units [3, 2] channels [16, 32]\n' +
  '  stage 3 blocks 1 units [1, 1, 1] channels [112, 48, 32]\n  stage 4 blocks 2 units [4, 3, 4, 2] channels [32, 64, 32, 112]\n  head 128\n}';

const structuredTaken = [
  STRUCT,
  `${STRUCT}\n`,
  `${STRUCT}\n\n\r\n  `,
  `\n\n  ${STRUCT}`,
  STRUCT.replace(/\n/g, '\r\n'),
  STRUCT.replace(/\n/g, ' '),
  STRUCT.replace(/\n/g, '\t'),
  STRUCT.replace('network s {', 'network s{'),
  STRUCT.replace('network s {', 'network\n  seg-4x_b\n{'),
  STRUCT.replace('network s', 'network head'),
  STRUCT.replace('network s', 'network stem-2'),
  STRUCT.replace('network s', 'network from'),
  STRUCT.replace(/, /g, ' '),
  STRUCT.replace(/, /g, ','),
  STRUCT.replace(/\]/g, ',]'),
  STRUCT.replace(/\[/g, '[ ').replace(/\]/g, ' ]'),
  STRUCT.replace('[3, 2]', '[3,\n 2]'),
  STRUCT.replace('head 128\n}', 'head 128}'),
  STRUCT.replace('stem 32 16', 'stem 0032 016'),
  // Clauses and fields in any order.
  STRUCT.replace('  stem 32 16\n', '').replace('  head 128\n', '  head 128\n  stem 32 16\n'),
  STRUCT.replace('blocks 3 units [3, 2] channels [16, 32]', 'channels [16, 32] units [3, 2] blocks 3'),
  STRUCT.replace(/ {2}stage 1 (.*)\n/, '').replace('  head', '  stage 1 blocks 1 units [1] channels [32]\n  head'),
];

const structuredLeftToParser = [
  // Diagnostics: the parser builds these and reports them.
  STRUCT.replace('128', '999'),
  STRUCT.replace('stem 32 16', 'stem 0 16'),
  STRUCT.replace('stem 32 16', 'stem 32'),
  STRUCT.replace('stem 32 16', 'stem 32 16 8'),
  STRUCT.replace('head 128', 'head 128 64'),
  STRUCT.replace('head 128', 'head'),
  STRUCT.replace('  head 128\n', ''),
  STRUCT.replace('  head 128\n', '  head 128\n  head 128\n'),
  STRUCT.replace('  stem 32 16\n', '  stem 32 16\n  stem 32 16\n'),
  STRUCT.replace(/ {2}stage 1 (.*)\n/, ''),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage 1 blocks 1 units [1] channels [32]\n  stage 1 blocks 1 units [1] channels [32]'),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage 5 blocks 1 units [1] channels [32]'),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage 0 blocks 1 units [1] channels [32]'),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage blocks 1 units [1] channels [32]'),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage 1 units [1] channels [32]'),
  STRUCT.replace('stage 1 blocks 1 units [1] channels [32]', 'stage 1 blocks 1 blocks 1 units [1] channels [32]'),
  STRUCT.replace('units [3, 2]', 'units [3]'),
  STRUCT.replace('units [3, 2]', 'units [3, 2, 2]'),
  STRUCT.replace('channels [16, 32]', 'channels [16, 0]'),
  STRUCT.replace('channels [16, 32]', 'channels []'),
  STRUCT.replace('units [3, 2]', 'units 3'),
  // Numbers the lexer reads otherwise.
  STRUCT.replace('stem 32 16', 'stem 32.0 16'),
  STRUCT.replace('stem 32 16', 'stem 3e1 16'),
  STRUCT.replace('stem 32 16', 'stem +32 16'),
  STRUCT.replace('stem 32 16', 'stem 32-16'),
  STRUCT.replace('stem 32 16', 'stem 32ab 16'),
  STRUCT.replace('stem 32 16', 'stem 32_ 16'),
  STRUCT.replace('stem 32 16', 'stem 123456789012345678 16'),
  STRUCT.replace('[3, 2]', '[3,, 2]'),
  STRUCT.replace('[3, 2]', '[,3, 2]'),
  STRUCT.replace('[3, 2]', '[3, 2'),
  // Keywords and names.
  STRUCT.replace('stem 32', 'stemx 32'),
  STRUCT.replace('stem 32', 'stem-2 32'),
  STRUCT.replace('stem 32', 'Stem 32'),
  STRUCT.replace('blocks 3', 'block 3'),
  STRUCT.replace('network s', 'network cell'),
  STRUCT.replace('network s', 'network 3ddet'),
  STRUCT.replace('network s', 'network s-'),
  STRUCT.replace('network s', 'networks'),
  STRUCT.replace('network s', 'network'),
  STRUCT.replace('network s {', 'network s = {'),
  // Other text around or inside.
  `${STRUCT} x`,
  `${STRUCT}}`,
  STRUCT.replace('\n}', ''),
  `${STRUCT}\n${STRUCT.replace('network s', 'network t')}`,
  `// c\n${STRUCT}`,
  STRUCT.replace('head 128', 'head 128 // c'),
  STRUCT.replace('head 128', 'head /* c */ 128'),
  STRUCT.replace('stem 32 16', 'stem 32\f16'),
  STRUCT.replace('stem 32 16', 'stem 32\u00a016'),
  STRUCT.replace('stem 32 16', 'stem 32 16;'),
  STRUCT.replace('head 128', 'head "128"'),
];

test('the structured fast path gives exactly the parser\'s analysis', () => {
  for (const t of [...structuredTaken, ...structuredLeftToParser]) {
    assert.deepEqual(normal(analyzeText(t)), normal(analyzeText(t, { fastPath: false })), JSON.stringify(t));
  }
});

test('the structured fast path takes valid quiet networks and leaves everything else to the parser', () => {
  for (const t of structuredTaken) assert.ok(analyzeStructured(t), `taken: ${JSON.stringify(t)}`);
  for (const t of structuredLeftToParser) assert.equal(analyzeStructured(t), undefined, `left: ${JSON.stringify(t)}`);
  // Taken networks keep no clause objects until they are read.
  const d = analyzeText(STRUCT).ast.declarations[0];
  assert.equal(Object.hasOwn(d, 'clauses') || Object.hasOwn(d, 'numbers'), false);
});

/** A random structured network in a random layout (blanks, line breaks, commas, clause and field order). */
function randomStructured(rand: () => number, i: number): string {
  const code = randomCode(rand);
  const pick = <X>(xs: X[]): X => xs[Math.floor(rand() * xs.length)];
  const ws = () => pick([' ', '  ', '\n  ', '\t', '\r\n', ' \n ']);
  const shuffle = <X>(xs: X[]): X[] => {
    for (let k = xs.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [xs[k], xs[j]] = [xs[j], xs[k]];
    }
    return xs;
  };
  const list = (xs: number[]) => `[${xs.join(pick([', ', ',', ' ', ' , ']))}${pick(['', ',', ' '])}]`;
  const clauses = [`stem${ws()}${code[0]}${ws()}${code[1]}`, `head${ws()}${code[26]}`];
  let o = 2;
  for (let k = 1; k <= 4; k++) {
    const fields = shuffle([`blocks${ws()}${code[o]}`, `units${ws()}${list(code.slice(o + 1, o + 1 + k))}`, `channels${ws()}${list(code.slice(o + 1 + k, o + 1 + 2 * k))}`]);
    clauses.push(`stage${ws()}${k}${ws()}${fields.join(ws())}`);
    o += 1 + 2 * k;
  }
  const body = (rand() < 0.5 ? shuffle(clauses) : clauses).join(ws());
  return `network n${i}${pick([' ', '', '\n'])}{${ws()}${body}${ws()}}${pick(['', '\n', '\n\n'])}`;
}

test('random structured networks and random edits of them: the same analysis either way', () => {
  const rand = rng(11);
  const alphabet = ' \n[],{}0123456789-+.e_astgmhbu/*"';
  let taken = 0;
  for (let i = 0; i < 400; i++) {
    let t = randomStructured(rand, i);
    // Most programs get edits (near misses the parser must get): delete, insert or replace a character.
    const edits = i % 4 === 0 ? 0 : 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * (t.length + 1));
      const c = alphabet[Math.floor(rand() * alphabet.length)];
      const kind = Math.floor(rand() * 3);
      t = kind === 0 ? t.slice(0, at) + t.slice(at + 1) : kind === 1 ? t.slice(0, at) + c + t.slice(at) : t.slice(0, at) + c + t.slice(at + 1);
    }
    if (analyzeStructured(t)) taken++;
    else if (edits === 0) assert.fail(`an unedited random network was left to the parser: ${JSON.stringify(t)}`);
    assert.deepEqual(normal(analyzeText(t)), normal(analyzeText(t, { fastPath: false })), JSON.stringify(t));
  }
  assert.ok(taken >= 100, `fast path taken ${taken} times`);
});
