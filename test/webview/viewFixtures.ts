// Fixtures for the view tests and bench: a small benchmark file generated at run time (random
// codes, exact cost, synthetic metrics — never benchmark data), and a document of networks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cost } from '../../server/src/core/cost';
import { makeRng } from '../../server/src/core/random';
import { codeToString, randomCode } from '../../server/src/core/space/multires';

export const BENCH_SETTINGS = {
  seg: { task: 'segmentation', label: 'synthetic', metrics: ['mIoU', 'mAcc', 'aAcc'] },
  'cls-50-1000': { task: 'classification', label: 'synthetic', metrics: ['top1', 'top5'] },
  video: { task: 'video', label: 'synthetic', metrics: ['top1', 'top5'] },
};

export interface GeneratedBenchmark {
  path: string;
  archs: { code: number[]; flops: number; params: number; [setting: string]: unknown }[];
  /** Networks with a 'video' value (every 5th has none). */
  withVideo: number;
}

/** `n` random networks; metrics grow with log FLOPs plus noise, so settings correlate but differ. */
export function generateBenchmark(n: number, seed = 7, dir = mkdtempSync(join(tmpdir(), 'ncp-views-'))): GeneratedBenchmark {
  const rand = makeRng(seed);
  const archs: GeneratedBenchmark['archs'] = [];
  const seen = new Set<string>();
  while (archs.length < n) {
    const code = randomCode(rand);
    const key = code.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const c = cost(code);
    const l = Math.log10(c.flops);
    const seg = 60 + 8 * l + 3 * (rand() - 0.5);
    const a: GeneratedBenchmark['archs'][number] = {
      code,
      flops: c.flops,
      params: c.params,
      seg: [seg, seg + 10, 93 + l],
      'cls-50-1000': [75 + 5 * l + 4 * (rand() - 0.5), 92 + l],
    };
    if (archs.length % 5 !== 0) a.video = [20 + 3 * l + 6 * (rand() - 0.5), 50 + l];
    archs.push(a);
  }
  const path = join(dir, 'bench.json');
  writeFileSync(path, JSON.stringify({ name: 'generated', settings: BENCH_SETTINGS, archs }));
  return { path, archs, withVideo: archs.filter((a) => a.video).length };
}

/** A document with two networks (one of them the benchmark's first), a cell and HTML in a name. */
export function documentText(bench: GeneratedBenchmark): string {
  return [
    '// networks to compare',
    `network bench_first = "${codeToString(bench.archs[0].code)}"`,
    '',
    'network hrnet_small {',
    '  stem     64 64',
    '  stage 1  blocks 1  units [4]           channels [64]',
    '  stage 2  blocks 1  units [4, 4]        channels [32, 64]',
    '  stage 3  blocks 4  units [4, 4, 4]     channels [32, 64, 128]',
    '  stage 4  blocks 3  units [4, 4, 4, 4]  channels [32, 64, 128, 128]',
    '  head     128',
    '}',
    '',
    'cell best201 = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"',
    '',
  ].join('\n');
}
