// Work by range and by edit for large documents, checked against the whole-document answer:
// semantic tokens for a line range are exactly the whole document's tokens on those lines (from
// any start: inside a block comment, a string, a declaration), a line index updated after an edit
// equals one built afresh, and the formatter trims blanks the same way however long their run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';
import { semanticTokensInLines } from '../../server/src/language/semantic';
import { LineIndex } from '../../server/src/language/positions';
import { formatText } from '../../server/src/language/format';
import { makeRng as rng } from '../../server/src/core/random';

const root = join(import.meta.dirname, '../..');
const example = readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8');
const tricky = `
/* a block comment
   over three lines */ network after_comment { stem 8 8 }
network str = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128" // trailing
cell c = "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"
  } stray tokens 12 [ between declarations
propagate p from str { maximize seg.mIoU
  flops <= 2.5 G   strategy winner-takes-all }
network unterminated = "1_2
network broken { stem 8 8 8
`;

test('semantic tokens for a line range are the whole document\'s tokens on those lines', () => {
  const text = (example + tricky).repeat(3) + '/* runs to the end\nnetwork x\n';
  const a = analyzeText(text);
  const all = semanticTokens(a);
  const lineCount = a.lines.lineCount;
  const rand = rng(99);
  for (let i = 0; i < 300; i++) {
    const start = Math.floor(rand() * lineCount);
    const end = start + Math.floor(rand() * 12);
    const want = all.filter((t) => t.line >= start && t.line <= end);
    assert.deepEqual(semanticTokensInLines(a, start, end), want, `lines ${start}–${end}`);
  }
  // Out of range: clamped, never a throw.
  assert.deepEqual(semanticTokensInLines(a, lineCount + 5, lineCount + 10), all.filter((t) => t.line === lineCount - 1));
  assert.deepEqual(semanticTokensInLines(a, -3, 0), all.filter((t) => t.line === 0));
});

test('semantic tokens for a range of a large document contain only that range', () => {
  const text = Array.from({ length: 5000 }, (_, i) => `network n${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]`).join('\n');
  const a = analyzeText(text);
  const part = semanticTokensInLines(a, 2500, 2559);
  assert.ok(part.length > 0);
  assert.ok(part.every((t) => t.line >= 2500 && t.line <= 2559));
  assert.equal(new Set(part.map((t) => t.line)).size, 60);
  // The declaration names of those lines, as the whole-document list has them.
  assert.deepEqual(
    part.filter((t) => t.type === 'class').map((t) => text.split('\n')[t.line].slice(t.character, t.character + t.length)),
    Array.from({ length: 60 }, (_, i) => `n${2500 + i}`),
  );
});

test('a line index updated after an edit equals one built from the new text', () => {
  const rand = rng(5);
  const pieces = ['\n', '\r\n', '\r', 'ab', ' ', '\n\n', 'x\r', '\ny'];
  let text = Array.from({ length: 200 }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
  let index = new LineIndex(text);
  for (let i = 0; i < 500; i++) {
    const start = Math.floor(rand() * (text.length + 1));
    const oldEnd = Math.min(text.length, start + Math.floor(rand() * 6));
    const insert = Array.from({ length: Math.floor(rand() * 4) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
    const next = text.slice(0, start) + insert + text.slice(oldEnd);
    index = LineIndex.afterEdit(index, next, start, oldEnd, start + insert.length);
    text = next;
    const fresh = new LineIndex(text);
    assert.equal(index.lineCount, fresh.lineCount, `edit ${i}`);
    for (let l = 0; l < fresh.lineCount; l++) assert.equal(index.lineStart(l), fresh.lineStart(l), `edit ${i}, line ${l}`);
  }
});

test('line starts of long texts (found with indexOf when there is no \\r) are those of a character-by-character reading', () => {
  const rand = rng(17);
  const naive = (t: string): number[] => {
    const out = [0];
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (c === '\r' && t[i + 1] === '\n') i++;
      if (c === '\r' || c === '\n') out.push(i + 1);
    }
    return out;
  };
  for (const pieces of [['\n', 'ab', ' ', '\n\n', 'x'], ['\n', '\r\n', '\r', 'ab', 'x\r', '\ny']]) {
    for (const length of [10, 3000, 20_000]) {
      const text = Array.from({ length }, () => pieces[Math.floor(rand() * pieces.length)]).join('') + (rand() < 0.5 ? '\n' : 'z');
      const index = new LineIndex(text);
      const want = naive(text);
      assert.equal(index.lineCount, want.length, `${length} pieces`);
      for (let l = 0; l < want.length; l++) assert.equal(index.lineStart(l), want[l], `${length} pieces, line ${l}`);
    }
  }
});

test('the formatter trims trailing blanks of comments and lines, keeps inner runs, whatever their length', () => {
  const run = ' '.repeat(20_000);
  const text = `network n = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]\n// a${run}b${run}\n/* c${run}d */${run}\n`;
  const out = formatText(text)!;
  const lines = out.split('\n');
  assert.equal(lines[1], `// a${run}b`);
  assert.equal(lines[2], `/* c${run}d */`);
});
