// A small NAS-Bench-MR-format file for tests that train: random codes of the space with a
// segmentation score that is a smooth function of their exact FLOPs plus noise — generated
// values, not benchmark data.
import { randomCode } from '../../server/src/core/space/multires';
import { cost } from '../../server/src/core/cost';
import { makeRng } from '../../server/src/core/random';

export function generatedBenchmark(archCount = 120, seed = 7): string {
  const rand = makeRng(seed);
  const archs = Array.from({ length: archCount }, () => {
    const code = randomCode(rand);
    const c = cost(code);
    const seg = 60 + 8 * Math.log1p(c.flops) + (rand() - 0.5);
    return { code: Array.from(code), flops: c.flops, params: c.params, seg: [seg, seg + 5, 90] };
  });
  return JSON.stringify({ settings: { seg: { task: 'segmentation', metrics: ['mIoU', 'mAcc', 'aAcc'] } }, archs });
}
