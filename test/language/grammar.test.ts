// The TextMate grammar: well-formed, registered, and its patterns capture what the parser sees.
// (The patterns use only syntax that JavaScript and Oniguruma read alike, so RegExp can check them.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Rule {
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, { name: string }>;
  name?: string;
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(join(root, 'syntaxes/ncp.tmLanguage.json'), 'utf8')) as Grammar;

function* rules(rs: Rule[]): Generator<Rule> {
  for (const r of rs) {
    yield r;
    if (r.patterns) yield* rules(r.patterns);
  }
}
const all = [...rules(grammar.patterns), ...rules(Object.values(grammar.repository))];

/** Captured scope → text for a repository rule's match on a line. */
function captures(ruleName: string, line: string): Record<string, string> {
  const r = grammar.repository[ruleName];
  const m = new RegExp(r.match!, 'u').exec(line);
  assert.ok(m, `${ruleName} matches ${line}`);
  const out: Record<string, string> = {};
  for (const [i, c] of Object.entries(r.captures ?? {})) if (m[Number(i)] !== undefined) out[c.name] = m[Number(i)];
  return out;
}

test('grammar: registered as source.ncp, every include resolves, every pattern compiles', () => {
  assert.equal(grammar.scopeName, 'source.ncp');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const reg = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'ncp');
  assert.equal(reg.scopeName, 'source.ncp');
  assert.equal(reg.path, './syntaxes/ncp.tmLanguage.json');
  for (const r of all) {
    if (r.include) assert.ok(r.include.startsWith('#') && grammar.repository[r.include.slice(1)], r.include);
    for (const re of [r.match, r.begin, r.end]) if (re !== undefined) assert.doesNotThrow(() => new RegExp(re, 'u'), re);
  }
});

test('grammar: setting.metric, weights, budgets with units, declarations', () => {
  assert.deepEqual(captures('objective', '  maximize 0.5 * seg-4x.mIoU'), {
    'keyword.other.maximize.ncp': 'maximize',
    'constant.numeric.ncp': '0.5',
    'keyword.operator.arithmetic.ncp': '*',
    'support.constant.setting.ncp': 'seg-4x',
    'punctuation.accessor.ncp': '.',
    'variable.other.property.metric.ncp': 'mIoU',
  });
  assert.equal(captures('objective', 'maximize cls-50-1000.top1')['support.constant.setting.ncp'], 'cls-50-1000');
  assert.equal(captures('objective', 'maximize classification')['support.constant.setting.ncp'], 'classification');
  assert.deepEqual(captures('budget', 'flops <= 2.5 G'), {
    'keyword.other.budget.ncp': 'flops',
    'keyword.operator.comparison.ncp': '<=',
    'constant.numeric.ncp': '2.5',
    'keyword.other.unit.ncp': 'G',
  });
  assert.equal(captures('budget', 'params <= 3 M')['keyword.other.unit.ncp'], 'M');
  assert.equal(captures('strategy', 'strategy winner-takes-all')['constant.language.strategy.ncp'], 'winner-takes-all');
  const decl = grammar.repository.declaration.patterns!;
  const prop = new RegExp(decl[2].match!, 'u').exec('propagate seg_small from hrnet_small {');
  assert.deepEqual([prop?.[2], prop?.[4]], ['seg_small', 'hrnet_small']);
  const num = new RegExp(grammar.repository.numbers.match!, 'u');
  assert.equal(num.exec('units [4, 4]')?.[0], '4');
  assert.equal(num.exec('top1'), null, 'digits inside a name are not a number');
  assert.equal(num.exec('seg-4x'), null);
  assert.equal(num.exec('lr 1e-3')?.[0], '1e-3');
  const comment = grammar.repository.comments.patterns!;
  assert.ok(new RegExp(comment[0].begin!).test('// note'));
  assert.ok(new RegExp(comment[1].begin!).test('/* note */'));
});
