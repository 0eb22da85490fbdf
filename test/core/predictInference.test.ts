// The typed-array inference paths propagation leans on: the blocked kernels against a plain
// reference (same sums in the same order, so exactly equal), the one-head predictMetric against
// predict, the on-demand gradient against valueAndGrad, and the propagation context's gradient
// reuse against a fresh valueAndGrad. Random small networks with odd layer widths exercise the
// blocked loops' remainders; no trained models or data needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnsemblePredictor } from '../../server/src/core/predict/ensemble';
import { MemberRunner, type Dense, type Network } from '../../server/src/core/predict/network';
import { makeRng } from '../../server/src/core/random';
import { Objective } from '../../server/src/core/propagate/objective';
import { RunContext } from '../../server/src/core/propagate/context';
import { multiresSpace } from '../../server/src/core/propagate/spaces';
import { exactCostModel } from '../../server/src/core/propagate/engine';
import { randomCode, CODE_LENGTH } from '../../server/src/core/space/multires';

function dense(rand: () => number, inDim: number, outDim: number, act: Dense['act']): Dense {
  const W = Float32Array.from({ length: inDim * outDim }, () => (rand() - 0.5) * 0.6);
  const b = Float32Array.from({ length: outDim }, () => (rand() - 0.5) * 0.2);
  return { inDim, outDim, W, b, act };
}

/** Trunk 29→19, heads: metric 0 (19→13→1) and metrics 2, 1 (19→8→2): widths around the 8-blocks. */
function network(rand: () => number): Network {
  return {
    trunk: [dense(rand, CODE_LENGTH + 2, 19, 'swish')],
    heads: [
      { metrics: [0], layers: [dense(rand, 19, 13, 'swish'), dense(rand, 13, 1, 'linear')] },
      { metrics: [2, 1], layers: [dense(rand, 19, 8, 'swish'), dense(rand, 8, 2, 'linear')] },
    ],
  };
}

function ensemble(seed: number, members = 3): EnsemblePredictor {
  const rand = makeRng(seed);
  const dim = CODE_LENGTH + 2;
  const spec = {
    kind: 'code+cost' as const,
    inputDim: CODE_LENGTH,
    mean: Array.from({ length: dim }, () => 0.5),
    std: Array.from({ length: dim }, () => 0.3),
  };
  const nets = Array.from({ length: members }, () => network(rand));
  return new EnsemblePredictor('seg', ['mIoU', 'mAcc', 'aAcc'], spec, { mean: [40, 50, 90], std: [5, 4, 2] }, nets, [1.2, 1, 1]);
}

/** The obvious loops: y = b + Σ_i x_i W_i (i in order), swish; backward Σ_j in order. */
function reference(net: Network, x: Float64Array, metric: number): { value: number; grad: Float64Array } {
  const head = net.heads.find((h) => h.metrics.includes(metric))!;
  const layers = [...net.trunk, ...head.layers];
  const pres: number[][] = [];
  let h = Array.from(x);
  for (const l of layers) {
    const pre = Array.from(l.b, Number);
    for (let i = 0; i < l.inDim; i++) for (let j = 0; j < l.outDim; j++) pre[j] += h[i] * l.W[i * l.outDim + j];
    pres.push(pre);
    h = l.act === 'swish' ? pre.map((p) => p * (1 / (1 + Math.exp(-p)))) : pre;
  }
  const slot = head.metrics.indexOf(metric);
  let g: number[] = h.map((_, j) => (j === slot ? 1 : 0));
  for (let k = layers.length - 1; k >= 0; k--) {
    const l = layers[k];
    if (l.act === 'swish') {
      g = g.map((gj, j) => {
        const s = 1 / (1 + Math.exp(-pres[k][j]));
        return gj * (s + pres[k][j] * s * (1 - s));
      });
    }
    const gin = new Array<number>(l.inDim).fill(0);
    for (let i = 0; i < l.inDim; i++) {
      let acc = 0;
      for (let j = 0; j < l.outDim; j++) acc += l.W[i * l.outDim + j] * g[j];
      gin[i] = acc;
    }
    g = gin;
  }
  return { value: h[slot], grad: Float64Array.from(g) };
}

test('member kernels equal the plain loops exactly (values, one-head forward, input gradients)', () => {
  const rand = makeRng(5);
  const net = network(rand);
  const runner = new MemberRunner(net, 3);
  const grad = new Float64Array(CODE_LENGTH + 2);
  const all = new Float64Array(3);
  for (let n = 0; n < 20; n++) {
    const x = Float64Array.from({ length: CODE_LENGTH + 2 }, () => rand() * 4 - 2);
    runner.forwardAll(x, all);
    for (let m = 0; m < 3; m++) {
      const ref = reference(net, x, m);
      assert.equal(runner.forwardMetric(x, m), ref.value);
      assert.equal(all[m], ref.value);
      assert.equal(runner.valueAndGrad(x, m, grad), ref.value);
      assert.deepEqual(Array.from(grad), Array.from(ref.grad));
    }
  }
});

test('predictMetric equals predict; predictMetricLazy gradients equal valueAndGrad, fresh or after other calls', () => {
  const p = ensemble(7);
  const rand = makeRng(3);
  for (let n = 0; n < 20; n++) {
    // integer codes and relaxed ones
    const x = randomCode(rand).map((v) => v + (n % 2) * (rand() - 0.5));
    const y = randomCode(rand);
    const all = p.predict(x);
    for (let m = 0; m < 3; m++) {
      assert.deepEqual(p.predictMetric(x, m), all[m]);
      const a = p.predictMetricLazy(x, m);
      const ga = a.grad(); // nothing ran since: backward passes only
      const b = p.predictMetricLazy(x, m);
      p.predict(y); // another forward pass: b's gradient must be recomputed
      const gb = b.grad();
      const ref = p.valueAndGrad(x, m);
      assert.deepEqual({ mean: a.mean, std: a.std }, { mean: ref.mean, std: ref.std });
      assert.deepEqual(Array.from(ga), Array.from(ref.grad));
      assert.deepEqual(Array.from(gb), Array.from(ref.grad));
      assert.equal(a.grad(), ga, 'the gradient is computed once');
    }
  }
  assert.throws(() => p.predictMetric(randomCode(rand), 3), /metric index 3 out of range/);
});

test('propagation context: gradients of evaluated points equal a fresh valueAndGrad (one or many terms)', () => {
  const seg = ensemble(11);
  const cls = ensemble(12, 2);
  const lookup = (s: string) => (s === 'seg' ? seg : s === 'cls-10c' ? cls : undefined);
  const objectives = [
    [{ weight: 1, setting: 'seg', metric: 'mIoU' }],
    [
      { weight: 0.7, setting: 'seg', metric: 'mAcc' },
      { weight: 0.5, setting: 'cls-10c', metric: 'aAcc' },
      { weight: 0.2, setting: 'seg', metric: 'mIoU' },
    ],
  ];
  const rand = makeRng(9);
  for (const terms of objectives) {
    const objective = new Objective(terms, lookup, 'multires');
    const ctx = new RunContext(multiresSpace, objective, 0.3, { flopsMax: 3 }, exactCostModel, undefined);
    const points = Array.from({ length: 8 }, () => randomCode(rand));
    for (const p of points) ctx.evaluate(p);
    // The last point evaluated takes the cheap path, the others recompute; all must agree.
    for (const p of [...points].reverse()) {
      const ev = ctx.evaluateWithGrad(p);
      const ref = objective.valueAndGrad(multiresSpace.input(p));
      assert.deepEqual(Array.from(ev.grad), Array.from(ref.grad));
      assert.equal(ev.terms.reduce((s, t) => s + t.weight * t.mean, 0), ref.value);
      assert.deepEqual(ev.terms.map((t) => t.std), ref.terms.map((t) => t.std));
    }
  }
});
