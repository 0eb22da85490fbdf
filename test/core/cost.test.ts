import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cost, costBreakdown, costGradient, costPartsGradient, type CostOptions } from '../../server/src/core/cost';
import { findDataDir, loadMrBenchmark } from '../../server/src/core/benchmark';
import { CODE_KINDS, CODE_LENGTH, codeToNetwork, randomCode } from '../../server/src/core/space/multires';
import { makeRng as rng } from '../../server/src/core/random';

/** A random valid code outside the benchmark's range too: channels 1–512, blocks/units 1–6. */
function wideCode(rand: () => number): number[] {
  return CODE_KINDS.map((k) => 1 + Math.floor(rand() * (k === 'channels' ? 512 : 6)));
}

// ---- an independent reference: walk the supernet layer by layer, tracking each tensor's size ----

interface Tensor {
  c: number;
  h: number;
  w: number;
}
interface Tally {
  flops: number;
  params: number;
}

/** Conv (padding (k−1)/2, as the supernet) optionally followed by BN; returns the output tensor. */
function conv(t: Tally, x: Tensor, cout: number, k: number, s: number, opt: { bn?: boolean; bias?: boolean } = {}): Tensor {
  const bn = opt.bn ?? true;
  const p = (k - 1) / 2;
  const h = Math.floor((x.h + 2 * p - k) / s) + 1;
  const w = Math.floor((x.w + 2 * p - k) / s) + 1;
  const out = h * w * cout;
  t.flops += x.c * cout * k * k * h * w + (opt.bias ? out : 0) + (bn ? 2 * out : 0);
  t.params += x.c * cout * k * k + (opt.bias ? cout : 0) + (bn ? 2 * cout : 0);
  return { c: cout, h, w };
}

function reference(code: number[], input: [number, number], head: 'cls' | 'seg', classes: number): { parts: Tally[] } {
  const net = codeToNetwork(code);
  const parts: Tally[] = Array.from({ length: 6 }, () => ({ flops: 0, params: 0 }));
  let x: Tensor = { c: 3, h: input[0], w: input[1] };
  x = conv(parts[0], x, net.stem[0], 3, 2);
  x = conv(parts[0], x, net.stem[1], 3, 2);
  let branches: Tensor[] = [x];
  net.stages.forEach((stage, idx) => {
    const t = parts[idx + 1];
    const k = idx + 1;
    for (let b = 0; b < stage.blocks; b++) {
      // fusion: each output branch i sums its neighbours j ∈ {i−1, i, i+1} among the inputs
      const fused: Tensor[] = [];
      for (let i = 0; i < branches.length; i++) {
        let y: Tensor | undefined;
        for (let j = Math.max(0, i - 1); j <= Math.min(branches.length - 1, i + 1); j++) {
          let z: Tensor;
          if (j > i) {
            z = conv(t, branches[j], stage.channels[i], 1, 1);
            z = { ...z, h: branches[i].h, w: branches[i].w }; // upsampled (free)
          } else if (j === i) z = conv(t, branches[j], stage.channels[i], 3, 1);
          else z = conv(t, branches[j], stage.channels[i], 3, 2);
          if (y) assert.equal(z.h * z.w * z.c, y.h * y.w * y.c, 'fused shapes agree');
          y = z;
        }
        fused.push(y!);
      }
      while (fused.length < k) fused.push(conv(t, fused[fused.length - 1], stage.channels[fused.length], 3, 2));
      // parallel: units BasicBlocks per branch, channels unchanged, so no projection
      branches = fused.map((f, i) => {
        let y = f;
        for (let u = 0; u < stage.units[i]; u++) {
          assert.equal(y.c, stage.channels[i]);
          y = conv(t, conv(t, y, y.c, 3, 1), y.c, 3, 1);
        }
        return y;
      });
    }
  });
  const target = head === 'seg' ? branches[0] : branches[branches.length - 1];
  const cat: Tensor = { c: branches.reduce((s, b) => s + b.c, 0), h: target.h, w: target.w };
  let y = conv(parts[5], cat, net.head, 1, 1);
  if (head === 'cls') y = { ...y, h: 1, w: 1 }; // global average pool (free)
  conv(parts[5], y, classes, 1, 1, { bn: false, bias: true });
  return { parts };
}

function close(actual: number, expected: number, rel = 1e-12, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** f at code[i] ± h (h = 1e-3 · max(1, |code[i]|)), code left as it was. */
function atShifts<T>(code: number[], i: number, f: (x: number[]) => T): { plus: T; minus: T; h: number } {
  const x = code.slice();
  const h = 1e-3 * Math.max(1, Math.abs(code[i]));
  x[i] = code[i] + h;
  const plus = f(x);
  x[i] = code[i] - h;
  return { plus, minus: f(x), h };
}

test('cost equals the benchmark FLOPs and params of every NAS-Bench-MR architecture (1e-6)', (t) => {
  const dir = findDataDir();
  if (!dir) {
    t.skip('benchmark data not found (set NCP_DATA_DIR or place nasbench-mr.json in ../shared/data)');
    return;
  }
  const bench = loadMrBenchmark(join(dir, 'nasbench-mr.json'));
  assert.ok(bench.archs.length > 2000);
  let worstF = 0;
  let worstP = 0;
  for (const a of bench.archs) {
    const c = cost(a.code);
    worstF = Math.max(worstF, Math.abs(c.flops - a.flops));
    worstP = Math.max(worstP, Math.abs(c.params - a.params));
    assert.ok(Math.abs(c.flops - a.flops) <= 1e-6, `flops of ${a.code}: ${c.flops} vs ${a.flops}`);
    assert.ok(Math.abs(c.params - a.params) <= 1e-6, `params of ${a.code}: ${c.params} vs ${a.params}`);
  }
  t.diagnostic(`worst |Δflops| ${worstF.toExponential(2)} G, |Δparams| ${worstP.toExponential(2)} M`);
});

test('a hand-computed stem and head', () => {
  // code of all 8s with 1 block and 1 unit everywhere; 128×128 input: stem at 64² and 32²
  const code = CODE_KINDS.map((k) => (k === 'channels' ? 8 : 1));
  const b = costBreakdown(code);
  const stem1 = 64 * 64 * (3 * 8 * 9 + 2 * 8);
  const stem2 = 32 * 32 * (8 * 8 * 9 + 2 * 8);
  close(b.stem.flops, (stem1 + stem2) * 1e-9, 1e-12, 'stem flops');
  close(b.stem.params, (3 * 8 * 9 + 2 * 8 + 8 * 8 * 9 + 2 * 8) * 1e-6, 1e-12, 'stem params');
  // head: concat of 4×8 channels at 4×4 → 1×1 ConvBN to 8 → pool → 8→50 classifier with bias
  close(b.head.flops, (16 * (32 * 8 + 2 * 8) + 8 * 50 + 50) * 1e-9, 1e-12, 'head flops');
  close(b.head.params, (32 * 8 + 2 * 8 + 8 * 50 + 50) * 1e-6, 1e-12, 'head params');
  // stage 1, one block: fusion 3×3 8→8 at 32² plus one BasicBlock (two 3×3 ConvBN)
  const unit = 32 * 32 * (8 * 8 * 9 + 2 * 8);
  close(b.stages[0].flops, 3 * unit * 1e-9, 1e-12, 'stage 1 flops');
});

test('cost matches a layer-by-layer walk of the supernet: any code, input size and head', () => {
  const rand = rng(7);
  const inputs: [number, number][] = [[128, 128], [512, 1024], [128, 512], [224, 224], [97, 61], [33, 200], [5, 3], [1, 1]];
  for (let n = 0; n < 400; n++) {
    const code = n % 2 === 0 ? randomCode(rand) : wideCode(rand);
    const input = inputs[n % inputs.length];
    const head = n % 3 === 0 ? 'seg' : 'cls';
    const classes = n % 5 === 0 ? 1 + Math.floor(rand() * 1000) : head === 'seg' ? 19 : 50;
    const opts: CostOptions = { input, head, ...(n % 5 === 0 ? { classes } : {}) };
    const ref = reference(code, input, head, classes);
    const b = costBreakdown(code, opts);
    const got = [b.stem, ...b.stages, b.head];
    got.forEach((c, i) => {
      close(c.flops, ref.parts[i].flops * 1e-9, 1e-12, `part ${i} flops of ${code} ${input} ${head}`);
      close(c.params, ref.parts[i].params * 1e-6, 1e-12, `part ${i} params of ${code}`);
    });
    const total = ref.parts.reduce((s, p) => ({ flops: s.flops + p.flops, params: s.params + p.params }), { flops: 0, params: 0 });
    const c = cost(code, opts);
    close(c.flops, total.flops * 1e-9, 1e-12, 'total flops');
    close(c.params, total.params * 1e-6, 1e-12, 'total params');
    close(b.total.flops, c.flops, 1e-15, 'breakdown total');
  }
});

test('segmentation head: per-pixel classifier at the highest resolution, 19 classes by default', () => {
  const code = randomCode(rng(3));
  const cls = costBreakdown(code, { input: [512, 1024] });
  const seg = costBreakdown(code, { input: [512, 1024], head: 'seg' });
  assert.deepEqual(seg.stages, cls.stages); // only the head differs
  assert.deepEqual(seg.stem, cls.stem);
  const h = code[26];
  const cat = code[22] + code[23] + code[24] + code[25];
  const hr = 128 * 256; // branch 0 of a 512×1024 input
  close(seg.head.flops, (hr * (cat * h + 2 * h) + hr * (h * 19 + 19)) * 1e-9, 1e-12, 'seg head flops');
  close(seg.head.params, (cat * h + 2 * h + h * 19 + 19) * 1e-6, 1e-12, 'seg head params');
  close(cost(code, { input: [512, 1024], head: 'seg', classes: 50 }).params - seg.total.params, h * 31 * 1e-6 + 31e-6, 1e-12, 'classes');
  // params do not depend on the input size
  close(cost(code, { input: [97, 61] }).params, cost(code).params, 1e-15, 'params vs input');
});

test('real-valued codes: integer points agree, blocks and units act linearly', () => {
  const rand = rng(11);
  for (let n = 0; n < 50; n++) {
    const code = randomCode(rand);
    const real = code.map((v) => v + 0); // same values as floats
    assert.deepEqual(cost(Float64Array.from(real)), cost(code));
    for (const pos of [2, 5, 10, 17, 3, 7, 13, 21]) {
      const lo = code.slice();
      const hi = code.slice();
      const mid = code.slice();
      hi[pos] = lo[pos] + 1;
      mid[pos] = lo[pos] + 0.5;
      const a = cost(lo);
      const b = cost(hi);
      const m = cost(mid);
      close(m.flops, (a.flops + b.flops) / 2, 1e-12, `blocks/units linear at ${pos}`);
      close(m.params, (a.params + b.params) / 2, 1e-12, `blocks/units linear at ${pos}`);
    }
  }
});

test('costGradient is the exact derivative (checked by central differences on real codes)', () => {
  const rand = rng(5);
  const optsList: (CostOptions | undefined)[] = [undefined, { input: [512, 1024], head: 'seg' }, { input: [77, 130], classes: 10 }];
  for (let n = 0; n < 60; n++) {
    const code = CODE_KINDS.map((k) => (k === 'channels' ? 4 + rand() * 200 : 0.5 + rand() * 5));
    const opts = optsList[n % optsList.length];
    const g = costGradient(code, opts);
    assert.deepEqual(g.cost, cost(code, opts));
    assert.equal(g.dFlops.length, CODE_LENGTH);
    assert.equal(g.dParams.length, CODE_LENGTH);
    for (let i = 0; i < CODE_LENGTH; i++) {
      const { plus: p, minus: m, h } = atShifts(code, i, (x) => cost(x, opts));
      const fdF = (p.flops - m.flops) / (2 * h);
      const fdP = (p.params - m.params) / (2 * h);
      // the cost is at most quadratic per variable, so central differences are exact up to rounding
      assert.ok(Math.abs(fdF - g.dFlops[i]) <= 1e-6 * Math.abs(g.dFlops[i]) + 1e-12, `dFlops[${i}] ${g.dFlops[i]} vs ${fdF}`);
      assert.ok(Math.abs(fdP - g.dParams[i]) <= 1e-6 * Math.abs(g.dParams[i]) + 1e-12, `dParams[${i}] ${g.dParams[i]} vs ${fdP}`);
      assert.ok(g.dFlops[i] > 0 && g.dParams[i] > 0, `every position adds cost (${i})`);
    }
  }
});

test('bad input is a clear RangeError', () => {
  assert.throws(() => cost([1, 2, 3]), /27 numbers, got 3/);
  const code = randomCode(rng(1));
  assert.throws(() => cost(code, { input: [0, 128] }), /input height must be a positive integer/);
  assert.throws(() => cost(code, { input: [128, 12.5] }), /input width/);
  assert.throws(() => cost(code, { head: 'det' as 'cls' }), /head must be 'cls' or 'seg'/);
  assert.throws(() => cost(code, { classes: 0 }), /classes must be a positive integer/);
  // a cached layout does not leak between option sets
  const a = cost(code, { input: [256, 256] });
  const b = cost(code);
  const c = cost(code, { input: [256, 256] });
  assert.deepEqual(a, c);
  assert.ok(a.flops > 3.9 * b.flops);
});

test('costPartsGradient: each part is the breakdown and its exact derivative; the parts sum to costGradient', () => {
  const rand = rng(11);
  for (let n = 0; n < 30; n++) {
    const code = CODE_KINDS.map((k) => (k === 'channels' ? 4 + rand() * 200 : 0.5 + rand() * 5));
    const opts: CostOptions | undefined = n % 2 ? { input: [512, 1024], head: 'seg' } : undefined;
    const pg = costPartsGradient(code, opts);
    const b = costBreakdown(code, opts);
    assert.deepEqual(pg.parts, [b.stem, ...b.stages, b.head, b.total]);
    const total = costGradient(code, opts);
    for (let i = 0; i < CODE_LENGTH; i++) {
      close(pg.dFlops[6][i], total.dFlops[i], 1e-12, `total dFlops[${i}]`);
      close(pg.dParams[6][i], total.dParams[i], 1e-12, `total dParams[${i}]`);
    }
    for (let i = 0; i < CODE_LENGTH; i++) {
      const { plus: p, minus: m, h } = atShifts(code, i, (x) => costBreakdown(x, opts));
      const pp = [p.stem, ...p.stages, p.head];
      const mm = [m.stem, ...m.stages, m.head];
      for (let q = 0; q < 6; q++) {
        const fdF = (pp[q].flops - mm[q].flops) / (2 * h);
        const fdP = (pp[q].params - mm[q].params) / (2 * h);
        assert.ok(Math.abs(fdF - pg.dFlops[q][i]) <= 1e-6 * Math.abs(fdF) + 1e-12, `part ${q} dFlops[${i}] ${pg.dFlops[q][i]} vs ${fdF}`);
        assert.ok(Math.abs(fdP - pg.dParams[q][i]) <= 1e-6 * Math.abs(fdP) + 1e-12, `part ${q} dParams[${i}] ${pg.dParams[q][i]} vs ${fdP}`);
      }
    }
  }
});
