// The incremental analysis (chunks cached by text, merged) must equal the whole-text analysis:
// checked on documents with every kind of declaration and cross-declaration problem, through a
// long sequence of random edits, and it must reuse chunks (a keystroke re-analyses one chunk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, type DocumentAnalysis } from '../../server/src/language/analyze';
import { IncrementalAnalyzer, chunkStarts } from '../../server/src/features/documents/incrementalAnalysis';
import { root } from './harness';
import { DEFAULT_CATALOGUE, declareSetting } from '../../server/src/core/settings';
import { makeRng as rng } from '../../server/src/core/random';

/** Plain data (ranges with their positions, as JSON carries them) for a deep comparison. */
function normal(a: DocumentAnalysis): unknown {
  return JSON.parse(JSON.stringify({
    diagnostics: a.diagnostics,
    declarations: a.ast.declarations,
    comments: a.ast.comments,
    references: a.references.map((r) => ({ name: r.name, kind: r.kind, range: r.range, target: r.target?.nameRange.startOffset, in: r.in?.nameRange.startOffset })),
    // By name: a spliced analysis keeps its tables' insertion order (unobservable: see spliceInto).
    networks: [...a.networks.entries()].map(([k, v]) => [k, v.range.startOffset]).sort(),
    cells: [...a.cells.entries()].map(([k, v]) => [k, v.range.startOffset]).sort(),
    propagations: a.propagations.map((p) => p.range.startOffset),
    hasSyntaxErrors: a.hasSyntaxErrors,
    tokens: a.tokens.map((t) => [t.image, t.startOffset]),
    commentTokens: a.comments.map((t) => [t.image, t.startOffset]),
    text: a.text,
  }));
}


const example = readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8');
const extra = `
network dup = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]
network dup = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128"
  propagate far from hrnet_smal {
  maximize classification
  maximize 0 * seg.mIoU
  flops <= 0.001 G
  lambda 0.5
  lambda 0.7
}
propagate cellprop from best201 { maximize nb201 }
propagate spaces from raw { maximize nb201.acc
  params <= 2 K }
/* a comment
network inside_comment = [1]
*/ network after_comment { stem 8 8 }
network str = "1_2-3" // trailing
cell c2 = "|bad~0|+|none~0|none~1|+|none~0|none~1|none~2|"
network bad { stem 8 8 8
  stage 3 blocks 0 units [1, 2] channels [8.5, 8, 8, 8]
search s_one {
  maximize seg.mIoU
  batch 1000
  measurements "runs.jsonl"
}
network search = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]
propagate from_search from search { maximize seg.mIoU }
  search s_one { maximize nb201.acc; kappa 2 }
`;
const base = (example + extra).repeat(6);

test('chunk cut points are declaration keywords at line starts outside comments and strings', () => {
  const t = 'network a = [1]\n  cell b = "x\nnetwork"\n/*\nnetwork c\n*/\nnetworks d\npropagate p from a {}\n';
  assert.deepEqual(chunkStarts(t)?.map((o) => t.slice(o, o + 12)), ['network a = ', '  cell b = "', 'network"\n/*\n', 'propagate p ']);
  assert.equal(chunkStarts('network a /* never closed\nnetwork b'), undefined);
});

/** The cut points read a character at a time (chunkStarts before it jumped with indexOf): the reference. */
function chunkStartsByChar(text: string): number[] | undefined {
  const starts = [0];
  const n = text.length;
  let i = 0;
  let lineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      let j = i;
      while ([32, 9, 11, 12, 0xa0, 0xfeff].includes(text.charCodeAt(j))) j++;
      if (i > 0 && /^(?:network|cell|propagate)(?![A-Za-z0-9_]|-[A-Za-z0-9_])/.test(text.slice(j))) starts.push(i);
      lineStart = false;
      i = j;
      continue;
    }
    if (c === 10 || c === 13) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      lineStart = true;
    } else if (c === 34) {
      let j = i + 1;
      while (j < n && ![34, 10, 13].includes(text.charCodeAt(j))) j++;
      i = j < n && text.charCodeAt(j) === 34 ? j + 1 : j;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && ![10, 13].includes(text.charCodeAt(i))) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else i++;
  }
  return starts;
}

test('chunk cut points of random texts (quotes, slashes, comments, line breaks) are those read a character at a time', () => {
  const rand = rng(23);
  const pieces = ['network a', 'network', 'cell', 'propagate', '\n', '\r\n', '\r', '"', ' ', '\t', '/', '//', '/*', '*/', 'x', '= [1]', '-b', '{', '\u00a0'];
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    assert.deepEqual(chunkStarts(text), chunkStartsByChar(text), JSON.stringify(text));
  }
});

test('incremental analysis equals the whole-text analysis through random edits', () => {
  const rand = rng(Number(process.env.NCP_FUZZ_SEED ?? 12345));
  const inc = new IncrementalAnalyzer(0);
  let text = base;
  assert.deepEqual(normal(inc.analyze('u', text)), normal(analyzeText(text)));
  const snippets = ['network', 'propagate x from dup {\n maximize seg\n}\n', '\n', '}', '{', '"', '/*', '*/', '// c\n', 'cell', ' 7', 'hrnet_small', '\r\n', 'network dup = [1]\n'];
  for (let i = 0; i < 150; i++) {
    const at = Math.floor(rand() * (text.length + 1));
    const r = rand();
    if (r < 0.4) text = text.slice(0, at) + snippets[Math.floor(rand() * snippets.length)] + text.slice(at);
    else if (r < 0.7) text = text.slice(0, at) + text.slice(Math.min(text.length, at + Math.floor(rand() * 40)));
    else if (r < 0.9) text = text.slice(0, at) + String.fromCharCode(32 + Math.floor(rand() * 95)) + text.slice(at + 1);
    else text = base;
    const got = inc.analyze('u', text);
    assert.deepEqual(normal(got), normal(analyzeText(text)), `edit ${i}`);
    // The first analysis of a document (or after an unterminated comment) is whole-text; build the chunks.
  }
});

test('a keystroke re-analyses only the chunk it touched', () => {
  const inc = new IncrementalAnalyzer(0);
  inc.analyze('u', base);
  inc.analyze('u', base); // the first incremental pass gives propagations their context
  let before = inc.chunkAnalyses;
  const at = base.indexOf('stage 3', Math.floor(base.length / 2));
  inc.analyze('u', base.slice(0, at) + ' ' + base.slice(at));
  assert.equal(inc.chunkAnalyses - before, 1);
  // A new line moves everything after it; only chunks whose messages quote line numbers are redone.
  const plain = example.repeat(20);
  inc.analyze('v', plain);
  inc.analyze('v', plain);
  before = inc.chunkAnalyses;
  const at2 = plain.indexOf('stage 3', Math.floor(plain.length / 2));
  const text = plain.slice(0, at2) + '\n' + plain.slice(at2);
  const nl = inc.analyze('v', text);
  assert.equal(inc.chunkAnalyses - before, 1);
  assert.deepEqual(normal(nl), normal(analyzeText(text)));
});

test('a propagation cut off at the end of the document keeps its end-of-file error', () => {
  const text = example + '\npropagate last from hrnet_small {\n  strategy win';
  const inc = new IncrementalAnalyzer(0);
  inc.analyze('u', text);
  const got = inc.analyze('u', text);
  assert.ok(got.diagnostics.some((d) => /found the end of the file/.test(d.message)));
  assert.deepEqual(normal(got), normal(analyzeText(text)));
});

test('keystrokes on a large document (digits, names, line breaks) give exactly the whole-text analysis', () => {
  const rand = rng(Number(process.env.NCP_FUZZ_SEED ?? 777));
  const nets: string[] = [];
  for (let i = 0; i < 250; i++) {
    const v = (k: number) => String(8 * (1 + ((i * 7 + k * 13) % 16)));
    if (i % 3 === 0) nets.push(`network n${i} {\n  stem ${v(1)} ${v(2)}\n  stage 1 blocks 1 units [2] channels [${v(3)}]\n  head ${v(4)}\n}`);
    else if (i % 3 === 1) nets.push(`network n${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, ${v(5)}] // n${i}`);
    else nets.push(`network n${i} = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-${v(6)}"`);
    if (i % 50 === 25) nets.push(`propagate p${i} from n${i - 1} {\n  maximize seg.mIoU\n  flops <= 2.5 G\n  steps 70\n  steps 71\n}`);
  }
  let text = nets.join('\n\n') + '\n' + extra;
  const inc = new IncrementalAnalyzer(0);
  assert.deepEqual(normal(inc.analyze('u', text)), normal(analyzeText(text)));
  for (let i = 0; i < 60; i++) {
    const r = rand();
    if (r < 0.5) {
      // Replace a digit by another (a number changes; names and lines do not).
      let at = Math.floor(rand() * text.length);
      while (at < text.length && !/[0-9]/.test(text[at])) at++;
      if (at < text.length) text = text.slice(0, at) + String(Math.floor(rand() * 10)) + text.slice(at + 1);
    } else if (r < 0.7) {
      const at = Math.floor(rand() * text.length);
      text = text.slice(0, at) + 'xyz[]{}"\n 1'[Math.floor(rand() * 11)] + text.slice(at);
    } else if (r < 0.85) {
      const at = Math.floor(rand() * text.length);
      text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 3));
    } else {
      const at = text.indexOf('\n', Math.floor(rand() * text.length));
      if (at >= 0) text = text.slice(0, at) + '\n' + text.slice(at);
    }
    assert.deepEqual(normal(inc.analyze('u', text)), normal(analyzeText(text)), `edit ${i}`);
  }
  // Most of those took the splice path (no whole-document merge): it is what was checked.
  assert.ok(inc.splices > 20, `${inc.splices} splices`);
});

test('a digit changed in the middle of a large document re-analyses one chunk and touches no other', () => {
  const nets = Array.from({ length: 600 }, (_, i) => `network n${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]`);
  const text = nets.join('\n') + '\n';
  const inc = new IncrementalAnalyzer(0);
  const first = inc.analyze('u', text);
  const before = inc.chunkAnalyses;
  const at = text.indexOf('network n300 ') + 'network n300 = [1'.length;
  const edited = text.slice(0, at) + '7' + text.slice(at + 1);
  const got = inc.analyze('u', edited);
  assert.equal(inc.chunkAnalyses - before, 1);
  assert.equal(inc.splices, 1);
  // Declarations before and after the edit are the same objects (moved, not rebuilt).
  assert.equal(got.ast.declarations[0], first.ast.declarations[0]);
  assert.equal(got.ast.declarations[599], first.ast.declarations[599]);
  assert.notEqual(got.ast.declarations[300], first.ast.declarations[300]);
  assert.deepEqual(normal(got), normal(analyzeText(edited)));
});

test('a catalogue with settings of one\'s own: chunks are kept per catalogue and the result equals the whole-text analysis against it', () => {
  const mine = () => DEFAULT_CATALOGUE.with([declareSetting('mytask', { metrics: ['top1'] })]);
  const own = `propagate own from hrnet_small {\n  maximize mytask.top1\n  flops <= 2.5 G\n}\n`;
  let text = example.repeat(5) + own + example.repeat(5);
  const inc = new IncrementalAnalyzer(0);
  const active = inc.analyze('u', text);
  assert.ok(active.diagnostics.some((d) => d.code === 'unknown-setting'), 'the active catalogue lacks mytask');
  const first = inc.analyze('u', text, mine());
  assert.ok(!first.diagnostics.some((d) => d.code === 'unknown-setting'));
  assert.deepEqual(normal(first), normal(analyzeText(text, { catalogue: mine() })));
  // A new catalogue object with the same settings keeps the chunks (they are keyed by content).
  inc.analyze('u', text, mine());
  const before = inc.chunkAnalyses;
  const at = text.indexOf('stage 3', Math.floor(text.length / 4));
  text = text.slice(0, at) + ' ' + text.slice(at);
  const edited = inc.analyze('u', text, mine());
  assert.equal(inc.chunkAnalyses - before, 1);
  assert.deepEqual(normal(edited), normal(analyzeText(text, { catalogue: mine() })));
  // Back to the active catalogue: mytask is unknown again (the chunks are not those of the other catalogue).
  const back = inc.analyze('u', text);
  assert.deepEqual(normal(back), normal(analyzeText(text)));
  assert.ok(back.diagnostics.some((d) => d.code === 'unknown-setting'));
});
