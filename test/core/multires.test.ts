import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  BENCHMARK_RANGE,
  CODE_KINDS,
  CODE_LAYOUT,
  CODE_LENGTH,
  CodeFormatError,
  codeToNetwork,
  codeToString,
  codeToTorchArgs,
  denormalizeCode,
  networkToCode,
  normalizeCode,
  parseCode,
  parseCodeList,
  parseCodeString,
  randomCode,
  snapToRange,
  stageOffset,
  torchArgsToCode,
  validateCode,
  validateNetwork,
  type MultiResNetwork,
  type TorchArgs,
} from '../../server/src/core/space/multires';
import { findDataDir, loadMrBenchmark } from '../../server/src/core/benchmark';
import { makeRng as rng } from '../../server/src/core/random';


/** Valid networks far outside the benchmark: channels 1–512, blocks and units 1–8. */
function wideCode(rand: () => number): number[] {
  return CODE_KINDS.map((k) => 1 + Math.floor(rand() * (k === 'channels' ? 512 : 8)));
}

function* codes(count: number, seed: number): Generator<number[]> {
  const rand = rng(seed);
  for (let i = 0; i < count; i++) yield i % 2 === 0 ? randomCode(rand) : wideCode(rand);
}

test('layout: 27 positions, stage offsets, kinds', () => {
  assert.equal(CODE_LAYOUT.length, CODE_LENGTH);
  assert.deepEqual([1, 2, 3, 4].map(stageOffset), [2, 5, 10, 17]);
  for (let k = 1; k <= 4; k++) {
    const o = stageOffset(k);
    assert.equal(CODE_LAYOUT[o], `stage${k}.blocks`);
    assert.equal(CODE_LAYOUT[o + 1], `stage${k}.units[0]`);
    assert.equal(CODE_LAYOUT[o + 1 + k], `stage${k}.channels[0]`);
    assert.equal(CODE_KINDS[o], 'blocks');
    assert.equal(CODE_KINDS[o + k], 'units');
    assert.equal(CODE_KINDS[o + 2 * k], 'channels');
  }
  assert.equal(CODE_LAYOUT[26], 'head.channels');
  assert.equal(CODE_KINDS.filter((k) => k === 'channels').length, 2 + 10 + 1);
});

test('code ⇄ network ⇄ string ⇄ list ⇄ PyTorch args round-trip for 4,000 random codes', () => {
  for (const code of codes(4000, 1)) {
    const net = codeToNetwork(code);
    net.stages.forEach((s, i) => {
      assert.equal(s.units.length, i + 1);
      assert.equal(s.channels.length, i + 1);
    });
    assert.deepEqual(networkToCode(net), code);

    const s = codeToString(code);
    assert.match(s, /^\d+_\d+(-\d+(_\d+)+){4}-\d+$/);
    assert.deepEqual(parseCodeString(s), code);
    assert.deepEqual(parseCode(s), code);
    assert.deepEqual(parseCode(`  ${s}\n`), code);

    assert.deepEqual(parseCode(`[${code.join(', ')}]`), code);
    assert.deepEqual(parseCode(code.join(',')), code);
    assert.deepEqual(parseCode(code.join(' ')), code);
    assert.deepEqual(parseCodeList(code.map((v, i) => (i % 3 ? `${v},` : `${v} `)).join('\t')), code);

    const args = codeToTorchArgs(code);
    assert.equal(args.network_setting.length, net.stages.reduce((n, st) => n + st.blocks, 0));
    assert.deepEqual(torchArgsToCode(JSON.parse(JSON.stringify(args)) as TorchArgs), code);
  }
});

test('the string form is the benchmark\'s: stage k writes blocks, k, units, channels', () => {
  const code = [16, 32, 2, 3, 40, 1, 2, 4, 24, 48, 3, 1, 2, 3, 8, 16, 24, 4, 1, 1, 2, 2, 8, 16, 32, 64, 96];
  assert.equal(codeToString(code), '16_32-2_1_3_40-1_2_2_4_24_48-3_3_1_2_3_8_16_24-4_4_1_1_2_2_8_16_32_64-96');
  const net = codeToNetwork(code);
  assert.deepEqual(net.stem, [16, 32]);
  assert.deepEqual(net.stages[2], { blocks: 3, units: [1, 2, 3], channels: [8, 16, 24] });
  assert.equal(net.head, 96);
  const args = codeToTorchArgs(code);
  assert.deepEqual(args.input_channel, [16, 32]);
  assert.equal(args.last_channel, 96);
  assert.deepEqual(args.network_setting.slice(0, 3), [
    [1, [3], [40]],
    [1, [3], [40]],
    [2, [2, 4], [24, 48]],
  ]);
  // the arrays are copies: editing the args leaves the code alone
  args.network_setting[0][1][0] = 99;
  assert.equal(code[3], 3);
});

test('benchmark codes: layout matches the data file and every code round-trips and validates', (t) => {
  const dir = findDataDir();
  if (!dir) {
    t.skip('benchmark data not found (set NCP_DATA_DIR or place nasbench-mr.json in ../shared/data)');
    return;
  }
  const raw = JSON.parse(readFileSync(join(dir, 'nasbench-mr.json'), 'utf8')) as { code: { layout: string[] } };
  assert.deepEqual(raw.code.layout, CODE_LAYOUT);
  const bench = loadMrBenchmark(join(dir, 'nasbench-mr.json'));
  let ranged = 0;
  for (const a of bench.archs) {
    assert.deepEqual(parseCode(codeToString(a.code)), a.code);
    assert.deepEqual(torchArgsToCode(codeToTorchArgs(a.code)), a.code);
    const issues = validateCode(a.code);
    assert.deepEqual(issues.filter((i) => i.severity === 'error'), [], String(a.code));
    if (issues.length > 0) ranged++;
  }
  t.diagnostic(`${ranged} of ${bench.archs.length} benchmark codes have a position outside the nominal range`);
});

test('normalize ⇄ denormalize, snapping and random codes stay in the benchmark range', () => {
  const rand = rng(9);
  for (const code of codes(2000, 2)) {
    const x = normalizeCode(code);
    const back = denormalizeCode(x);
    back.forEach((v, i) => assert.ok(Math.abs(v - code[i]) < 1e-9));
  }
  for (let n = 0; n < 2000; n++) {
    const code = randomCode(rand);
    assert.deepEqual(validateCode(code), []);
    for (const v of normalizeCode(code)) assert.ok(v >= 0 && v <= 1);
  }
  const x = normalizeCode(randomCode(rand));
  assert.equal(normalizeCode([...denormalizeCode(x)]).every((v, i) => Math.abs(v - x[i]) < 1e-12), true);
  // the extremes
  assert.deepEqual(
    [...normalizeCode(CODE_KINDS.map((k) => BENCHMARK_RANGE[k].min))],
    new Array(CODE_LENGTH).fill(0),
  );
  assert.deepEqual([...normalizeCode(CODE_KINDS.map((k) => BENCHMARK_RANGE[k].max))], new Array(CODE_LENGTH).fill(1));
  assert.equal(snapToRange('channels', 13), 16);
  assert.equal(snapToRange('channels', 11.9), 8);
  assert.equal(snapToRange('channels', 500), 128);
  assert.equal(snapToRange('channels', -4), 8);
  assert.equal(snapToRange('blocks', 2.4), 2);
  assert.equal(snapToRange('units', 9), 4);
  for (let n = 0; n < 1000; n++) {
    for (const kind of ['channels', 'blocks', 'units'] as const) {
      const v = snapToRange(kind, rand() * 600 - 50);
      const r = BENCHMARK_RANGE[kind];
      assert.ok(v >= r.min && v <= r.max && (v - r.min) % r.step === 0, `${kind} ${v}`);
    }
  }
  // a random code covers the whole range
  const seen = new Set<number>();
  for (let n = 0; n < 2000; n++) seen.add(randomCode(rand)[4]);
  assert.equal(seen.size, 16);
});

test('validation: structural errors and range warnings, one per position, with names', () => {
  const good = [16, 32, 2, 3, 40, 1, 2, 4, 24, 48, 3, 1, 2, 3, 8, 16, 24, 4, 1, 1, 2, 2, 8, 16, 32, 64, 96];
  assert.deepEqual(validateCode(good), []);
  const bad = good.slice();
  bad[0] = 0; // stem.c1
  bad[4] = -8; // stage1.channels[0]
  bad[5] = 1.5; // stage2.blocks
  bad[11] = Number.NaN; // stage3.units[0]
  bad[12] = Infinity; // stage3.units[1]
  bad[14] = 12; // stage3.channels[0]: not a multiple of 8 (range)
  bad[17] = 6; // stage4.blocks: above 4 (range)
  bad[26] = 512; // head: above 128 (range)
  const issues = validateCode(bad);
  const by = new Map(issues.map((i) => [i.index, i]));
  assert.equal(issues.length, 8);
  assert.deepEqual(
    issues.map((i) => [i.path, i.severity]),
    [
      ['stem.c1', 'error'],
      ['stage1.channels[0]', 'error'],
      ['stage2.blocks', 'error'],
      ['stage3.units[0]', 'error'],
      ['stage3.units[1]', 'error'],
      ['stage3.channels[0]', 'range'],
      ['stage4.blocks', 'range'],
      ['head.channels', 'range'],
    ],
  );
  assert.match(by.get(0)!.message, /stem\.c1: channel count must be positive, got 0/);
  assert.match(by.get(4)!.message, /must be positive, got -8/);
  assert.match(by.get(5)!.message, /stage2\.blocks: block count must be an integer, got 1\.5/);
  assert.match(by.get(11)!.message, /unit count must be an integer, got NaN/);
  assert.match(by.get(14)!.message, /12 is outside the benchmark's range \(8–128 in steps of 8\)/);
  assert.match(by.get(17)!.message, /6 is outside the benchmark's range \(1–4\)/);
  assert.deepEqual(validateCode(good.slice(1)), [
    { severity: 'error', index: -1, path: 'code', message: 'a network code has 27 numbers, got 26' },
  ]);
  // extreme but valid values are range warnings only
  for (const code of codes(500, 3)) assert.ok(validateCode(code).every((i) => i.severity === 'range'));
});

test('validateNetwork: stage k must have k branches', () => {
  const net = codeToNetwork([16, 32, 2, 3, 40, 1, 2, 4, 24, 48, 3, 1, 2, 3, 8, 16, 24, 4, 1, 1, 2, 2, 8, 16, 32, 64, 96]);
  assert.deepEqual(validateNetwork(net), []);
  const broken: MultiResNetwork = structuredClone(net);
  broken.stages[2].units = [1, 2];
  broken.stages[3].channels = [8, 16, 32, 64, 128];
  const issues = validateNetwork(broken);
  assert.deepEqual(
    issues.map((i) => [i.path, i.index, i.severity]),
    [
      ['stage3.units', 11, 'error'],
      ['stage4.channels', 22, 'error'],
    ],
  );
  assert.equal(issues[0].message, 'stage 3 has 3 branches: units needs 3 entries, got 2');
  assert.equal(issues[1].message, 'stage 4 has 4 branches: channels needs 4 entries, got 5');
  assert.throws(() => networkToCode(broken), /stage 3 needs 3 branch entries \(units 2, channels 3\)/);
  const one: MultiResNetwork = structuredClone(net);
  one.stages[0].channels = [];
  assert.equal(validateNetwork(one)[0].message, 'stage 1 has 1 branch: channels needs 1 entry, got 0');
  const ranged: MultiResNetwork = structuredClone(net);
  ranged.head = 4;
  assert.deepEqual(validateNetwork(ranged).map((i) => i.severity), ['range']);
});

test('parse errors name the part that is wrong', () => {
  const s = '16_32-2_1_3_40-1_2_2_4_24_48-3_3_1_2_3_8_16_24-4_4_1_1_2_2_8_16_32_64-96';
  const cases: [string, RegExp][] = [
    ['', /empty code/],
    ['16_32-2_1_3_40', /expected 6 parts separated by '-' \(stem, 4 stages, head\), got 2/],
    [s.replace('16_32', '16'), /stem: expected 2 channel counts 'c1_c2', got '16'/],
    [s.replace('3_3_1_2_3_8_16_24', '3_3_1_2_8_16_24'), /stage 3: expected 8 numbers 'blocks_3_n_n_n_c_c_c', got 7 in '3_3_1_2_8_16_24'/],
    [s.replace('1_2_2_4_24_48', '1_3_2_4_24_48'), /stage 2: the second number is the stage's branch count 2, got 3/],
    [s.replace('-96', '-x'), /^head: 'x' is not an integer$/],
    [s.replace('4_4_1_1_2_2', '4_4_1_1_2_2x'), /^stage 4: '2x' is not an integer$/],
    [s.replace('2_1_3_40', '2_1_3_4.0'), /^stage 1: '4\.0' is not an integer$/],
    [s.replace('1_2_2_4_24_48', 'b_2_2_4_24_48'), /^stage 2 blocks: 'b' is not an integer$/],
    [s.replace('_', '__'), /stem: expected 2 channel counts/],
    ['1 2 3', /expected 27 integers, got 3/],
    [`[${'8, '.repeat(26)}8.5]`, /number 27 \(head\.channels\): '8\.5' is not an integer/],
    [`${'8,'.repeat(3)}x${',8'.repeat(23)}`, /number 4 \(stage1\.units\[0\]\): 'x' is not an integer/],
    [`${'8 '.repeat(28)}`, /expected 27 integers, got 28/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseCode(text), (e: unknown) => e instanceof CodeFormatError && re.test((e as Error).message), text);
  }
  assert.throws(() => parseCodeString('16_32-2_1_3_40-1_2_2_4_24_48-3_3_1_2_3_8_16_24-4_4_1_1_2_2_8_16_32_64-9x6'), /head: '9x6' is not an integer/);
  // zero and negative values parse (they are integers); validation reports them
  const zero = parseCode(`0 ${'8 '.repeat(26)}`);
  assert.equal(zero[0], 0);
  assert.equal(validateCode(zero)[0].severity, 'error');
  assert.equal(parseCode(`[-8, ${'8, '.repeat(25)}8]`)[0], -8);
});

test('torch args that are not a code are rejected with the entry named', () => {
  const args = codeToTorchArgs([16, 32, 2, 3, 40, 1, 2, 4, 24, 48, 3, 1, 2, 3, 8, 16, 24, 4, 1, 1, 2, 2, 8, 16, 32, 64, 96]);
  const differ: TorchArgs = structuredClone(args);
  differ.network_setting[4][2][0] = 72; // second stage-3 block with other channels
  assert.throws(() => torchArgsToCode(differ), /network_setting\[4\]: blocks of stage 3 differ/);
  const skip: TorchArgs = structuredClone(args);
  skip.network_setting.splice(2, 1); // no stage 2
  assert.throws(() => torchArgsToCode(skip), /network_setting\[2\]: expected a block of stage 2/);
  const extra: TorchArgs = structuredClone(args);
  extra.network_setting.push([5, [1, 1, 1, 1, 1], [8, 8, 8, 8, 8]]);
  assert.throws(() => torchArgsToCode(extra), /more than 4 stages/);
  const short: TorchArgs = structuredClone(args);
  short.network_setting = short.network_setting.slice(0, 3);
  assert.throws(() => torchArgsToCode(short), /expected a block of stage 3/);
});
