// Budgets on the command line carry their unit (#27): a plain number is refused with both readings
// spelled out, in every command that takes one; the .ncp checker's missing-unit says both readings
// too, and a CLI run of a block with such a budget refuses it. Other tools' words for our flags
// (--max-flops, --budget, --target) are answered with ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantityOption } from '../../server/src/cli/contract';
import { analyzeText } from '../../server/src/language/analyze';
import { ncprop } from './cliHarness';

const dir = mkdtempSync(join(tmpdir(), 'ncp-units-'));
const CODE = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';

test('a budget without a unit is refused with both readings; with a unit it converts', () => {
  assert.throws(() => quantityOption('2500', '--flops-max', 'G'), /--flops-max: '2500' has no unit: as 2500G it is 2,500 G multiply-accumulates; as 2500M it is 2.5 G\. Write 2500G or 2500M/);
  assert.throws(() => quantityOption('2.5e9', '--flops-max', 'G'), /'2\.5e9' has no unit: .*as a plain count it is 2\.5 G\. Write 2\.5e9G or 2\.5G/);
  assert.throws(() => quantityOption('5000000', '--params-max', 'M'), /--params-max: '5000000' has no unit: as 5000000M it is 5,000,000 M parameters; as a plain count it is 5 M\. Write 5000000M or 5M/);
  assert.throws(() => quantityOption('2.5', '--flops-max', 'G'), /'2\.5' has no unit/);
  assert.equal(quantityOption('2500M', '--flops-max', 'G'), 2.5);
  assert.equal(quantityOption('2.5G', '--flops-max', 'G'), 2.5);
  assert.equal(quantityOption('2.5 GFLOPs', '--flops-max', 'G'), 2.5);
  assert.equal(quantityOption('3000K', '--params-max', 'M'), 3);
  assert.throws(() => quantityOption('-1G', '--flops-max', 'G'), /expected a positive amount in G multiply-accumulates, with its unit/);
});

test('every command with a budget flag refuses a plain number before doing anything (status 2)', async () => {
  const runs: string[][] = [
    ['propagate', '--from', CODE, '--to', 'seg', '--flops-max', '2500'],
    ['propagate', '--from', CODE, '--to', 'seg', '--flops-max', '2.5e9'],
    ['propagate', '--from', CODE, '--to', 'seg', '--params-max', '5000000'],
    ['search', '--measure', 'true', '--to', 'seg.mIoU', '--queries', '3', '--flops-max', '2500'],
    ['suggest', '--data', join(dir, 'none.jsonl'), '--to', 'seg.mIoU', '--count', '1', '--flops-max', '2500'],
  ];
  for (const args of runs) {
    const r = await ncprop(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /has no unit: as \S+ it is .*; as .* it is .*\. Write /, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test(".ncp missing-unit spells out both readings, and a CLI run of the block refuses it", async () => {
  const text = 'network n = "' + CODE + '"\npropagate p from n {\n  maximize seg.mIoU\n  flops <= 2500\n}\n';
  const d = analyzeText(text).diagnostics.find((x) => x.code === 'missing-unit');
  assert.ok(d, 'the checker warns');
  assert.equal(d.severity, 'warning');
  assert.match(d.message, /read as 2500 G \(as 2500 M it would be 2\.5 G\); write '2500 G' or '2500 M'/);
  const file = join(dir, 'nounit.ncp');
  writeFileSync(file, text);
  for (const cmd of [['run', 'nounit.ncp'], ['propagate', 'nounit.ncp']]) {
    const r = await ncprop(cmd, dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /nounit\.ncp:4:\d+: propagate p: flops budget without a unit: .* the command line does not guess a unit/);
    assert.equal(r.stdout, '');
  }
});

test('--max-flops, --budget, --target: our flag suggested', async () => {
  const want: [string[], RegExp][] = [
    [['propagate', '--max-flops', '2G'], /unknown option '--max-flops' \(did you mean '--flops-max'\?\)/],
    [['propagate', '--budget', '2G'], /unknown option '--budget' \(did you mean '--flops-max', '--params-max' or '--max-time'\?\)/],
    [['propagate', '--target', 'seg'], /unknown option '--target' \(did you mean '--to'\?\)/],
    [['search', '--max-flops', '2G'], /did you mean '--flops-max'/],
    [['suggest', '--target', 'seg'], /did you mean '--to'/],
  ];
  for (const [args, re] of want) {
    const r = await ncprop(args, dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, re, args.join(' '));
  }
});
