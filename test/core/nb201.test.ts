import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CellFormatError,
  NB201_EDGES,
  NB201_EDGE_COUNT,
  NB201_OPS,
  NB201_OP_COUNT,
  NB201_SIZE,
  cellToIndex,
  cellToOneHot,
  cellToString,
  indexToCell,
  oneHotToCell,
  parseCellString,
  validateCell,
} from '../../server/src/core/space/nb201';
import { findDataDir, loadNb201Benchmark } from '../../server/src/core/benchmark';
import { makeRng as rng } from '../../server/src/core/random';


test('every one of the 15,625 cells: index ⇄ cell ⇄ string ⇄ one-hot round-trip', () => {
  assert.equal(NB201_SIZE, 15625);
  const strings = new Set<string>();
  const oneHot = new Float64Array(NB201_EDGE_COUNT * NB201_OP_COUNT);
  for (let i = 0; i < NB201_SIZE; i++) {
    const cell = indexToCell(i);
    assert.equal(cell.length, NB201_EDGE_COUNT);
    assert.deepEqual(validateCell(cell), []);
    assert.equal(cellToIndex(cell), i);
    const s = cellToString(cell);
    strings.add(s);
    assert.deepEqual(parseCellString(s), cell);
    cellToOneHot(cell, oneHot);
    let ones = 0;
    for (let e = 0; e < NB201_EDGE_COUNT; e++) {
      for (let o = 0; o < NB201_OP_COUNT; o++) {
        const v = oneHot[e * NB201_OP_COUNT + o];
        assert.equal(v, o === cell[e] ? 1 : 0);
        ones += v;
      }
    }
    assert.equal(ones, NB201_EDGE_COUNT);
    assert.deepEqual(oneHotToCell(oneHot), cell);
  }
  assert.equal(strings.size, NB201_SIZE, 'strings are distinct');
});

test('the string form is NAS-Bench-201\'s: node-major edges with source indices', () => {
  assert.deepEqual(NB201_OPS, ['avg_pool_3x3', 'none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3']);
  assert.equal(
    cellToString([4, 3, 2, 1, 0, 4]),
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|',
  );
  assert.deepEqual(indexToCell(0), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(indexToCell(NB201_SIZE - 1), [4, 4, 4, 4, 4, 4]);
  assert.equal(cellToIndex([0, 0, 0, 0, 0, 1]), 1); // the last edge is least significant
  assert.equal(cellToIndex([1, 0, 0, 0, 0, 0]), 5 ** 5);
  assert.deepEqual(parseCellString('  |none~0|+|none~0|none~1|+|none~0|none~1|none~2|\n'), [1, 1, 1, 1, 1, 1]);
});

test('relaxed one-hot: argmax per edge, ties to the lower op index', () => {
  const rand = rng(3);
  for (let n = 0; n < 3000; n++) {
    const cell = indexToCell(Math.floor(rand() * NB201_SIZE));
    const x = Float64Array.from(cellToOneHot(cell), (v) => v * (0.5 + rand()) + (rand() - 0.5) * 0.4);
    assert.deepEqual(oneHotToCell(x), cell);
  }
  const tie = new Float64Array(30).fill(0.2);
  tie[2] = 0.7;
  tie[4] = 0.7; // edge 0: ops 2 and 4 tie → 2
  assert.deepEqual(oneHotToCell(tie), [2, 0, 0, 0, 0, 0]);
  assert.deepEqual(oneHotToCell(Array.from({ length: 30 }, (_, i) => -i)), [0, 0, 0, 0, 0, 0]);
  assert.throws(() => oneHotToCell(new Float64Array(29)), /a one-hot cell has 30 numbers, got 29/);
});

test('validation names the edge and the problem', () => {
  assert.deepEqual(validateCell([0, 1, 2]), ['a cell has 6 edges, got 3']);
  assert.deepEqual(validateCell([0, 5, 2, -1, 1.5, 4]), [
    'edge 2<-0: op index must be an integer 0–4, got 5',
    'edge 3<-0: op index must be an integer 0–4, got -1',
    'edge 3<-1: op index must be an integer 0–4, got 1.5',
  ]);
  // invalid cells are refused everywhere rather than silently encoding another cell
  for (const f of [cellToString, cellToIndex, (c: number[]) => cellToOneHot(c)]) {
    assert.throws(() => f([5, 0, 0, 0, 0, 0]), (e: unknown) => e instanceof CellFormatError && /edge 1<-0: op index must be an integer 0–4, got 5/.test((e as Error).message));
  }
  for (const i of [-1, NB201_SIZE, 2.5, Number.NaN]) assert.throws(() => indexToCell(i), /a cell index is an integer 0–15624/);
});

test('string parse errors name the node and edge', () => {
  const ok = '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|';
  const cases: [string, RegExp][] = [
    ['|none~0|+|none~0|none~1|', /expected 3 nodes separated by '\+', got 2/],
    [ok.replace('|nor_conv_3x3~0|+', 'nor_conv_3x3~0+'), /node 1: expected '\|op~i\|…\|'/],
    [ok.replace('|skip_connect~1|', '|'), /node 2: expected 2 input edge\(s\), got 1/],
    [ok.replace('nor_conv_1x1~0', 'conv_5x5~0'), /edge 2<-0: unknown op 'conv_5x5'/],
    [ok.replace('avg_pool_3x3~1', 'avg_pool_3x3~0'), /edge 3<-1: expected '~1', got '~0'/],
    [ok.replace('skip_connect~1', 'skip_connect'), /edge 2<-1: expected '~1', got '~'/],
    [ok.replace('none~0', 'none~0~2'), /edge 3<-0: expected 'op~0', got 'none~0~2'/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseCellString(text), (e: unknown) => e instanceof CellFormatError && re.test((e as Error).message), text);
  }
  assert.deepEqual(NB201_EDGES, ['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2']);
});

test('the benchmark holds every cell exactly once, in our op order', (t) => {
  const dir = findDataDir();
  if (!dir) {
    t.skip('benchmark data not found (set NCP_DATA_DIR or place nasbench201.json in ../shared/data)');
    return;
  }
  const bench = loadNb201Benchmark(join(dir, 'nasbench201.json'));
  assert.deepEqual(bench.ops, [...NB201_OPS]);
  const seen = new Uint8Array(NB201_SIZE);
  for (const a of bench.archs) seen[cellToIndex(a.ops)]++;
  assert.equal(bench.archs.length, NB201_SIZE);
  assert.ok(seen.every((v) => v === 1));
});
