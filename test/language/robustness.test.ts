// Bad input never crashes the front end: random edits of a valid document (deletions, stray
// brackets, quotes, comment markers, truncation) are analysed, classified and formatted; the
// formatter either refuses or keeps every token and comment and is idempotent; ranges stay in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';
import { formatText } from '../../server/src/language/format';
import { parse } from '../../server/src/language/parser';

const root = join(__dirname, '..', '..');
const base =
  readFileSync(join(root, 'examples/hrnet.ncp'), 'utf8') +
  '\npropagate q from best201 { maximize nb201.acc; lr 0.1; restarts 2; seed 3 }\n/* tail */\n';
const pieces = ['{', '}', '[', ']', '"', '/*', '*/', '//', '\n', ' ', '-', '_', '.', ',', '=', '<=', '*', 'network', 'stage', 'x', '0', '9.5', ';', '~', '|', '+', 'propagate'];

/** Tokens and comments, order-free; separators the formatter normalises (',' ';') left out. */
function content(text: string): string {
  const r = parse(text);
  return [...r.tokens.filter((t) => t.image !== ';' && t.image !== ',').map((t) => t.image), ...r.comments.map((c) => c.image.trimEnd())]
    .sort()
    .join('\u0000');
}

test('random edits of a valid document: no crash, sane ranges, lossless idempotent formatting', () => {
  let seed = 20261127;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let iter = 0; iter < 400; iter++) {
    let t = base;
    for (let e = 0, edits = 1 + Math.floor(rand() * 4); e < edits; e++) {
      const pos = Math.floor(rand() * t.length);
      const r = rand();
      if (r < 0.4) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rand() * 5));
      else if (r < 0.85) t = t.slice(0, pos) + pieces[Math.floor(rand() * pieces.length)] + t.slice(pos);
      else t = t.slice(0, pos);
    }
    const a = analyzeText(t);
    semanticTokens(a);
    for (const d of a.diagnostics) {
      assert.ok(d.range.startOffset <= d.range.endOffset && d.range.endOffset <= t.length, `${d.code} in ${JSON.stringify(t)}`);
      assert.ok(d.message.length > 0);
    }
    const f = formatText(t);
    if (f === undefined) {
      assert.ok(a.hasSyntaxErrors, 'the formatter refuses only documents with syntax errors');
      continue;
    }
    assert.equal(content(f), content(t), `formatting lost text of ${JSON.stringify(t)}`);
    assert.equal(formatText(f), f, `not idempotent on ${JSON.stringify(t)}`);
  }
});
