// Small data files in the authors' shapes and ours, written at run time into a temporary folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cost } from '../../server/src/core/cost';
import { codeToTorchArgs, randomCode } from '../../server/src/core/space/multires';
import { cellToOneHot, indexToCell } from '../../server/src/core/space/nb201';
import { makeRng } from '../../server/src/core/random';
import { dict, pickle, PyF32Array, PyFloat, type PyValue } from './pickleWriter';

/** `n` distinct random codes of the benchmark's range. */
export function codes(n: number, seed = 1): number[][] {
  const rand = makeRng(seed);
  const seen = new Set<string>();
  const out: number[][] = [];
  while (out.length < n) {
    const c = randomCode(rand);
    if (seen.has(c.join())) continue;
    seen.add(c.join());
    out.push(c);
  }
  return out;
}

/** A NAS-Bench-MR row as the authors' pickles hold it. */
export function mrRow(code: number[], metrics: Record<string, number>): Map<string, PyValue> {
  const args = codeToTorchArgs(code);
  const c = cost(code);
  const m: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(metrics)) m[k] = new PyFloat(v);
  return dict({
    ...m,
    flops: new PyFloat(c.flops),
    params: new PyFloat(c.params),
    input_channel: [...args.input_channel],
    inverted_residual_setting: args.network_setting.map(([b, u, ch]) => [b, [...u], [...ch]]),
    last_channel: args.last_channel,
    embedding: [...code],
  });
}

/** A NAS-Bench-201 row: numpy float32 one-hot embedding, Acc, Flops, Params. */
export function nb201Row(cell: number[], acc: number): Map<string, PyValue> {
  return dict({ embedding: new PyF32Array(Array.from(cellToOneHot(cell))), Acc: new PyFloat(acc), Flops: new PyFloat(10 + cell[0]), Params: new PyFloat(0.1 + cell[1] / 10) });
}

/** A metric that depends on the code, so predictors have something to learn. */
export function fakeMetric(code: number[], base: number): number {
  return Math.round((base + code.reduce((a, b) => a + b, 0) / 100) * 100) / 100;
}

/** The authors'-style folder: seg, cls-10c and 3ddet (metric 'moderate') over the same networks, plus nas-bench-201. */
export function writeAuthorsFolder(dir: string, n = 40): { codes: number[][]; cells: number[][] } {
  const cs = codes(n);
  const write = (setting: string, rows: PyValue[], protocol: 2 | 4 = 2) => {
    mkdirSync(join(dir, setting), { recursive: true });
    writeFileSync(join(dir, setting, 'trainval.pkl'), pickle(rows, protocol));
  };
  write('seg', cs.map((c) => mrRow(c, { mIoU: fakeMetric(c, 50), mAcc: fakeMetric(c, 60), aAcc: fakeMetric(c, 80) })));
  write('cls-10c', cs.map((c) => mrRow(c, { top1: fakeMetric(c, 40), top5: fakeMetric(c, 70) })));
  write('3ddet', cs.map((c) => mrRow(c, { easy: fakeMetric(c, 60), moderate: fakeMetric(c, 45), hard: fakeMetric(c, 35) })));
  const cells = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => indexToCell(k * 1951 + 7));
  write('nas-bench-201', cells.map((c, i) => nb201Row(c, 20 + i + 0.25)), 4);
  return { codes: cs, cells };
}
