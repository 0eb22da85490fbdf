// The predictors' input features and their chain rule back to the code: for every feature kind,
// chainToInput(w) must be the gradient of w·features(x), checked by central differences on
// real-valued (relaxed) codes. No data needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainToInput, featureDim, features, rawFeatures, FEATURE_KINDS, type FeatureSpec } from '../../server/src/core/predict/features';
import { costBreakdown } from '../../server/src/core/cost';
import { CODE_KINDS, CODE_LENGTH, stageOffset } from '../../server/src/core/space/multires';
import { makeRng } from '../../server/src/core/random';

test('chainToInput is the exact gradient of a linear read-out of the features, for every kind', () => {
  const rand = makeRng(3);
  for (const kind of FEATURE_KINDS.filter((k) => k !== 'raw')) {
    const dim = featureDim(kind, CODE_LENGTH);
    const spec: FeatureSpec = {
      kind,
      inputDim: CODE_LENGTH,
      mean: Array.from({ length: dim }, () => rand() - 0.5),
      std: Array.from({ length: dim }, () => 0.2 + rand()),
    };
    const w = Float64Array.from({ length: dim }, () => rand() * 2 - 1);
    const read = (x: number[]) => features(spec, x).reduce((a, f, j) => a + f * w[j], 0);
    for (let n = 0; n < 20; n++) {
      const code = CODE_KINDS.map((k) => (k === 'channels' ? 8 + rand() * 120 : 1 + rand() * 3));
      const g = chainToInput(spec, code, w);
      const x = code.slice();
      for (let i = 0; i < CODE_LENGTH; i++) {
        const h = 1e-4 * Math.max(1, Math.abs(code[i]));
        x[i] = code[i] + h;
        const p = read(x);
        x[i] = code[i] - h;
        const m = read(x);
        x[i] = code[i];
        const fd = (p - m) / (2 * h);
        assert.ok(Math.abs(fd - g[i]) <= 1e-5 * Math.max(1, Math.abs(fd)), `${kind}: d/dcode[${i}] ${g[i]} vs ${fd}`);
      }
    }
  }
});

test("'arch' features: the code, log costs of the whole network and of each part, branch work and depth", () => {
  // stage k has k branches; branch i's work sums blocks·units·channels² over the stages that have it
  const code = CODE_KINDS.map((k, i) => (k === 'channels' ? 16 + 8 * (i % 5) : 1 + (i % 3)));
  const f = rawFeatures('arch', code);
  assert.equal(f.length, featureDim('arch', CODE_LENGTH));
  const b = costBreakdown(code);
  const parts = [b.total, b.stem, ...b.stages, b.head];
  parts.forEach((c, q) => {
    assert.equal(f[CODE_LENGTH + 2 * q], Math.log(c.flops));
    assert.equal(f[CODE_LENGTH + 2 * q + 1], Math.log(c.params));
  });
  for (let i = 0; i < 4; i++) {
    let work = 0;
    let depth = 0;
    for (let k = i + 1; k <= 4; k++) {
      const o = stageOffset(k);
      work += code[o] * code[o + 1 + i] * code[o + 1 + k + i] ** 2;
      depth += code[o] * code[o + 1 + i];
    }
    assert.ok(Math.abs(f[CODE_LENGTH + 14 + i] - Math.log(work)) < 1e-12, `work of branch ${i}`);
    assert.ok(Math.abs(f[CODE_LENGTH + 18 + i] - Math.log(depth)) < 1e-12, `depth of branch ${i}`);
  }
});
