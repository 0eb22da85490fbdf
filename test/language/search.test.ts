// Issue 17 item 4: the `search` block of `.ncp` — a contextual keyword (a network may be called
// `search`), the statements and their diagnostics, formatting that keeps the block, the TextMate
// grammar's view of it, and completion inside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';
import { formatText } from '../../server/src/language/format';
import { parse } from '../../server/src/language/parser';
import type { SearchDecl } from '../../server/src/language/ast';

const LIST = '[16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]';
const codes = (text: string) => analyzeText(text).diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
const searchOf = (text: string, name: string) => analyzeText(text).ast.declarations.find((d) => d.kind === 'search' && d.name === name) as SearchDecl;

test('a search block: objective, budgets, lambda, seed, measurements, batch', () => {
  const text = `search s {\n  maximize seg.mIoU\n  maximize 0.5 * seg-4x.mIoU\n  flops <= 2.5 G\n  params <= 8 M\n  lambda 0.25\n  seed 3\n  measurements "runs/a.jsonl"\n  batch 7\n}\n`;
  assert.deepEqual(codes(text), []);
  const s = searchOf(text, 's');
  assert.equal(s.space, 'multires');
  assert.deepEqual(s.objectives.map((o) => `${o.weight}*${o.resolvedSetting}.${o.resolvedMetric}`), ['1*seg.mIoU', '0.5*seg-4x.mIoU']);
  assert.equal(s.flops?.limit, 2.5);
  assert.equal(s.params?.limit, 8);
  assert.deepEqual(s.options, { lambda: 0.25, seed: 3, batch: 7 });
  assert.equal(s.measurements, 'runs/a.jsonl');
  const cells = searchOf(`search c { maximize nb201.acc; batch 1 }`, 'c');
  assert.equal(cells.space, 'nb201');
});

test('search is a contextual keyword: networks, cells and propagations named search keep working', () => {
  const text = `network search = ${LIST}\npropagate p from search {\n  maximize seg.mIoU\n}\npropagate search from search { maximize seg.mIoU }\ncell c = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"\n`;
  const a = analyzeText(text);
  assert.deepEqual(a.diagnostics.map((d) => d.message), []);
  assert.deepEqual(a.ast.declarations.map((d) => `${d.kind}:${d.name}`), ['network:search', 'propagate:p', 'propagate:search', 'cell:c']);
  assert.equal(a.propagations[0].from?.text, 'search');
  // a search block after them, and a network called search after a search block
  const more = `${text}search s { maximize seg.mIoU }\nnetwork search2 = ${LIST}\n`;
  assert.deepEqual(analyzeText(more).ast.declarations.map((d) => d.kind), ['network', 'propagate', 'propagate', 'cell', 'search', 'network']);
  // a setting or metric named search inside a propagate block is not a declaration
  assert.deepEqual(parse(`propagate p from x {\n  maximize search\n}\n`).document.declarations.map((d) => d.kind), ['propagate']);
});

test('diagnostics: limits, unknown and propagate-only statements, spaces, budgets on cells, duplicates, names', () => {
  const bad = `search s {\n  maximize nb201.acc\n  batch 1000\n  kappa 2\n  steps 3\n  flops <= 1 G\n  maximize seg.mIoU\n  batch 2\n}\n`;
  assert.deepEqual(codes(bad), ['2:too-large', '3:unknown-statement', '4:not-in-search', '5:budget-not-supported', '6:space-mismatch', '7:duplicate-option']);
  const msgs = analyzeText(bad).diagnostics.map((d) => d.message);
  assert.ok(msgs.includes('batch is at most 100, got 1000: each suggestion refits and propagates'), msgs.join('\n'));
  assert.deepEqual(codes(`search s { maximize seg.mIoU; batch 0; batch 2.5 }`), ['0:bad-value', '0:duplicate-option']);
  assert.deepEqual(codes(`search s { measurements "" }`), ['0:missing-objective', '0:bad-value']);
  assert.deepEqual(codes(`search s { maximize seg.mIoU; flops <= 0.0001 G }`), ['0:impossible-budget']);
  assert.deepEqual(codes(`search s { maximize sgm.mIoU }`), ['0:unknown-setting']);
  assert.match(analyzeText(`search s { measurments "a" ; maximize seg.mIoU }`).diagnostics[0].message, /'measurments' is no search statement \(did you mean 'measurements'\?\)/);
  // a search and a propagation share a namespace (both are named in commands)
  assert.deepEqual(codes(`network n = ${LIST}\npropagate s from n { maximize seg.mIoU }\nsearch s { maximize seg.mIoU }\n`), ['2:duplicate-name']);
  // a syntax error inside the block is reported there and does not hide the next declaration
  const broken = analyzeText(`search s {\n  maximize seg.mIoU\n  flops <=\n}\nnetwork n = ${LIST}\n`);
  assert.ok(broken.diagnostics.some((d) => d.code === 'parse-error' && d.range.start.line === 3), JSON.stringify(broken.diagnostics));
  assert.ok(broken.networks.get('n')?.code);
  // `search` alone at the top level is parsed as a search block, for a precise message
  assert.match(analyzeText(`search {\n}\n`).diagnostics[0].message, /expected a name/);
});

test('the formatter keeps the block (statements, comments), and formatting twice changes nothing', () => {
  const messy = `network search = ${LIST}\nsearch   s1{maximize seg.mIoU;flops<=2.5 G   // budget\n  /* the file */ measurements   "runs.jsonl"\n\n\n  batch 5;lambda 0.5 }\npropagate p from search{maximize seg.mIoU}\n`;
  const once = formatText(messy)!;
  assert.equal(
    once,
    `network search = ${LIST}\n\nsearch s1 {\n  maximize seg.mIoU\n  flops <= 2.5 G  // budget\n  /* the file */\n  measurements "runs.jsonl"\n\n  batch 5\n  lambda 0.5\n}\n\npropagate p from search {\n  maximize seg.mIoU\n}\n`,
  );
  assert.equal(formatText(once), once);
  assert.deepEqual(analyzeText(once).diagnostics, []);
  const unknown = `search s {\n  maximize seg.mIoU\n  kappa 2\n}\n`;
  assert.equal(formatText(unknown), unknown, 'an unknown statement is kept as written');
});

test('semantic tokens: search, measurements and batch are keywords only inside a search block', () => {
  const text = `network search = ${LIST}\nsearch s {\n  measurements "a.jsonl"\n  batch 2\n  maximize seg.mIoU\n}\n`;
  const a = analyzeText(text);
  const at = (line: number, character: number) => semanticTokens(a).find((t) => t.line === line && t.character === character)?.type;
  assert.equal(at(0, 8), 'class');
  assert.equal(at(1, 0), 'keyword');
  assert.equal(at(1, 7), 'function');
  assert.equal(at(2, 2), 'keyword');
  assert.equal(at(3, 2), 'keyword');
});

test('the TextMate grammar marks search NAME { as a declaration, not network search', () => {
  const g = JSON.parse(readFileSync(join(__dirname, '..', '..', 'syntaxes', 'ncp.tmLanguage.json'), 'utf8'));
  const rule = JSON.stringify(g).match(/"comment":"search is a contextual keyword[^}]*?"match":"((?:[^"\\]|\\.)*)"/);
  assert.ok(rule, 'the search rule is in the grammar');
  const re = new RegExp(JSON.parse(`"${rule[1]}"`).replace('(?<![A-Za-z0-9_-])', '(?<![A-Za-z0-9_-])'));
  assert.ok(re.test('search s1 {'));
  assert.ok(re.test('search s1{'));
  assert.ok(!re.test('network search = [1]'));
  assert.ok(!re.test('propagate p from search {'));
});
