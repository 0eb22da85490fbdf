// Networks in and out (#27): every command that takes networks takes `.ncp` files (FILE.ncp: all
// its networks, FILE.ncp:NAME one) and the structured form; `flops CELL` says what a cell is; a
// missing or unreadable file gives the same message and exit status (2) in every command, never
// a raw ENOENT; JSON networks carry code and string, costs without float noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ncprop } from './cliHarness';
import { cost } from '../../server/src/core/cost';
import { parseCode } from '../../server/src/core/space/multires';

const dir = mkdtempSync(join(tmpdir(), 'ncp-inputs-'));
const CODE = '32_32-1_1_2_32-2_2_2_2_32_64-3_3_2_2_2_32_64_96-1_4_2_2_2_2_32_64_96_128-128';
const OTHER = '88_128-1_1_1_128-1_2_1_4_120_32-2_3_1_2_4_128_128_128-1_4_1_1_1_1_32_128_8_8-128';
const STRUCTURED = 'stem 32 32  stage 1 blocks 1 units [2] channels [32]  stage 2 blocks 2 units [2, 2] channels [32, 64]  stage 3 blocks 3 units [2, 2, 2] channels [32, 64, 96]  stage 4 blocks 1 units [2, 2, 2, 2] channels [32, 64, 96, 128]  head 128';
const CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|';
writeFileSync(join(dir, 'nets.ncp'), `network a = "${CODE}"\nnetwork b = "${OTHER}"\ncell c = "${CELL}"\n`);
mkdirSync(join(dir, 'folder.ncp'));

test('flops takes a .ncp file (every network), FILE.ncp:NAME (one) and the structured form', async () => {
  const all = await ncprop(['flops', '--json', 'nets.ncp:a', 'nets.ncp:b'], dir);
  assert.equal(all.status, 0, all.stderr);
  const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.string), [CODE, OTHER]);
  assert.deepEqual(lines[0].code, parseCode(CODE));
  const s = await ncprop(['flops', '--json', STRUCTURED], dir);
  assert.equal(s.status, 0, s.stderr);
  const one = JSON.parse(s.stdout);
  assert.equal(one.flops, Number(cost(parseCode(one.string)).flops.toFixed(9)));
  // the whole file: its cell is named as not a network (status 1), the networks are still counted
  const f = await ncprop(['flops', '--json', 'nets.ncp'], dir);
  assert.equal(f.status, 1);
  const rows = f.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.filter((r) => r.code).length, 2);
  assert.match(rows[2].error, /nets\.ncp:3: 'c' is a NAS-Bench-201 cell, not a multi-resolution network/);
  const bad = await ncprop(['flops', 'nets.ncp:d'], dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /nets\.ncp has no network or cell 'd' \(did you mean 'a'\?|nets\.ncp has no network or cell 'd'.*\(it has: a, b, c\)/);
});

test('flops CELL says it is a NAS-Bench-201 cell (not "expected 6 parts")', async () => {
  const r = await ncprop(['flops', CELL], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /this is a NAS-Bench-201 cell, not a multi-resolution network: cells have no FLOPs\/params model here/);
  assert.doesNotMatch(r.stderr, /6 parts/);
});

test('JSON costs carry their precision, without float noise', async () => {
  const r = await ncprop(['flops', '--json', CODE, OTHER, STRUCTURED], dir);
  for (const l of r.stdout.trim().split('\n')) {
    const o = JSON.parse(l);
    assert.ok(String(o.flops).replace(/^\d+\.?/, '').length <= 9, `flops ${o.flops}`);
    assert.ok(String(o.params).replace(/^\d+\.?/, '').length <= 6, `params ${o.params}`);
    assert.ok(Math.abs(o.flops - cost(o.code).flops) < 1e-9);
  }
});

test('a missing or unreadable file: the same message and status 2 in every command', async () => {
  const runs: [string[], string][] = [
    [['flops', 'nope.txt'], 'nope.txt'],
    [['flops', 'nope.ncp'], 'nope.ncp'],
    [['predict', 'nope.ncp'], 'nope.ncp'],
    [['check', 'nope.ncp'], 'nope.ncp'],
    [['fmt', 'nope.ncp'], 'nope.ncp'],
    [['propagate', 'nope.ncp'], 'nope.ncp'],
    [['run', 'nope.ncp'], 'nope.ncp'],
    [['suggest', '--data', 'nope.jsonl', '--to', 'seg.mIoU', '--count', '1'], 'nope.jsonl'],
    [['train', '--data', 'nope.json', '--out', join(dir, 'm')], join(dir, 'nope.json')],
    [['eval', '--data', 'nope.json'], join(dir, 'nope.json')],
  ];
  for (const [args, shown] of runs) {
    const r = await ncprop(args, dir);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`cannot read '${shown}': no such file`), `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /ENOENT/, args.join(' '));
  }
  const folder = await ncprop(['propagate', 'folder.ncp'], dir);
  assert.equal(folder.status, 2);
  assert.match(folder.stderr, /cannot read 'folder\.ncp': is a folder, not a regular file/);
});

test('predict takes .ncp files: networks with code and string, cells by their string', async () => {
  const r = await ncprop(['predict', '--json', 'nets.ncp'], dir);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.string ?? l.cell), [CODE, OTHER, CELL]);
  assert.deepEqual(lines[2].ops.length, 6);
});

test('propagate --from takes FILE.ncp:NAME and the structured form; a missing file is status 2', async () => {
  const a = await ncprop(['propagate', '--json', '--from', 'nets.ncp:a', '--to', 'seg', '--steps', '2'], dir);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(JSON.parse(a.stdout).startString, CODE);
  const s = await ncprop(['propagate', '--json', '--from', STRUCTURED, '--to', 'seg', '--steps', '2'], dir);
  assert.equal(s.status, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).startString, CODE);
  const many = await ncprop(['propagate', '--from', 'nets.ncp', '--to', 'seg'], dir);
  assert.equal(many.status, 2);
  assert.match(many.stderr, /declares 3 networks: name one/);
  const missing = await ncprop(['propagate', '--from', 'gone.ncp:a', '--to', 'seg'], dir);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read 'gone\.ncp': no such file/);
});
