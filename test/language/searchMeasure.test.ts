// Issue 22 item 7 (grammar): a search block's `measure "CMD"`, `jobs N`, `retries N` and
// `slurm "ARGS"` — parsed, limited (like `ncprop search --jobs/--retries`), checked, formatted,
// marked as keywords, listed by the TextMate grammar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText, semanticTokens } from '../../server/src/language/analyze';
import { formatText } from '../../server/src/language/format';
import type { SearchDecl } from '../../server/src/language/ast';
import { JOBS_LIMIT } from '../../server/src/core/search/asyncLoop';
import { LIMITS } from '../../server/src/core/limits';

const codes = (text: string) => analyzeText(text).diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
const searchOf = (text: string) => analyzeText(text).ast.declarations.find((d) => d.kind === 'search') as SearchDecl;

test('measure "CMD" and jobs N are read into the block', () => {
  const text = `search s {\n  maximize seg.mIoU\n  measurements "runs.jsonl"\n  measure "python train.py --fast"\n  jobs 4\n}\n`;
  assert.deepEqual(codes(text), []);
  const s = searchOf(text);
  assert.equal(s.measure, 'python train.py --fast');
  assert.equal(s.options.jobs, 4);
  assert.equal(searchOf(`search s { maximize seg.mIoU }`).measure, undefined);
});

test('jobs is limited as --jobs is; bad values, an empty command and duplicates are diagnosed', () => {
  assert.equal(LIMITS.searchJobs, JOBS_LIMIT, 'the editor and the CLI agree on the limit');
  const over = `search s {\n  maximize seg.mIoU\n  jobs ${JOBS_LIMIT + 1}\n}\n`;
  const a = analyzeText(over);
  assert.deepEqual(codes(over), ['2:too-large']);
  assert.match(a.diagnostics[0].message, new RegExp(`jobs is at most ${JOBS_LIMIT}`));
  assert.equal(searchOf(over).options.jobs, undefined);
  assert.deepEqual(codes(`search s {\n  maximize seg.mIoU\n  jobs 0\n}\n`), ['2:bad-value']);
  assert.deepEqual(codes(`search s {\n  maximize seg.mIoU\n  jobs 1.5\n}\n`), ['2:bad-value']);
  assert.deepEqual(codes(`search s {\n  maximize seg.mIoU\n  measure ""\n}\n`), ['2:bad-value']);
  assert.deepEqual(codes(`search s {\n  maximize seg.mIoU\n  jobs 2\n  jobs 3\n}\n`), ['3:duplicate-option']);
  const typo = analyzeText(`search s {\n  maximize seg.mIoU\n  job 2\n}\n`).diagnostics[0];
  assert.equal(typo.code, 'unknown-statement');
  assert.match(typo.message, /did you mean 'jobs'/);
});

test('retries N and slurm "ARGS" are read, limited as --retries is, checked and diagnosed', () => {
  const text = `search s {\n  maximize nb201.acc\n  measure "sh run.sh"\n  retries 2\n  slurm "--partition=gpu --job-name='my search'"\n}\n`;
  assert.deepEqual(codes(text), []);
  const s = searchOf(text);
  assert.equal(s.options.retries, 2);
  assert.equal(s.slurm, "--partition=gpu --job-name='my search'");
  assert.equal(searchOf(`search s {\n  maximize nb201.acc\n  slurm ""\n}\n`).slurm, '', 'no extra sbatch arguments');
  assert.equal(searchOf(`search s { maximize nb201.acc }`).slurm, undefined, 'measured on this machine');
  assert.deepEqual(codes(`search s {\n  maximize nb201.acc\n  retries ${LIMITS.searchRetries + 1}\n}\n`), ['2:too-large']);
  assert.deepEqual(codes(`search s {\n  maximize nb201.acc\n  retries -1\n}\n`), ['2:bad-value']);
  assert.deepEqual(codes(`search s {\n  maximize nb201.acc\n  retries 0.5\n}\n`), ['2:bad-value']);
  const quote = analyzeText(`search s {\n  maximize nb201.acc\n  slurm "--job-name='open"\n}\n`).diagnostics;
  assert.deepEqual(quote.map((d) => `${d.range.start.line}:${d.code}`), ['2:bad-value']);
  assert.match(quote[0].message, /unbalanced quote/);
  assert.deepEqual(codes(`search s {\n  maximize nb201.acc\n  retries 1\n  retries 2\n}\n`), ['3:duplicate-option']);
  assert.deepEqual(codes(`search s {\n  maximize nb201.acc\n  slurm ""\n  slurm "-p a"\n}\n`), ['3:duplicate-option']);
  const typo = analyzeText(`search s {\n  maximize seg.mIoU\n  slurn "-p gpu"\n}\n`).diagnostics[0];
  assert.match(typo.message, /did you mean 'slurm'/);
  // The CLI's --retries takes the same limit.
  const cli = readFileSync(join(import.meta.dirname, '../../server/src/cli/search.ts'), 'utf8');
  assert.match(cli, /'--retries', 0, LIMITS\.searchRetries\)/);
});

test('format keeps measure and jobs; semantic tokens mark them as keywords; TextMate lists them', () => {
  const messy = `search s{maximize seg.mIoU;measure   "sh run.sh"\n jobs    2 retries  1\n  slurm   "-p gpu"}\n`;
  const once = formatText(messy)!;
  assert.equal(once, `search s {\n  maximize seg.mIoU\n  measure "sh run.sh"\n  jobs 2\n  retries 1\n  slurm "-p gpu"\n}\n`);
  assert.equal(formatText(once), once);
  const a = analyzeText(once);
  const at = (line: number, character: number) => semanticTokens(a).find((t) => t.line === line && t.character === character)?.type;
  assert.equal(at(2, 2), 'keyword');
  assert.equal(at(3, 2), 'keyword');
  assert.equal(at(4, 2), 'keyword');
  assert.equal(at(5, 2), 'keyword');
  const grammar = readFileSync(join(import.meta.dirname, '../../syntaxes/ncp.tmLanguage.json'), 'utf8');
  assert.match(grammar, /\|measure\|jobs\|retries\|slurm\)/);
});
