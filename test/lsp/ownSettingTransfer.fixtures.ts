// Generated rows of a setting of one's own (`mytask`), for the editor's transfer tests and
// bench/editor-transfer.ts: never benchmark data.
import { randomCode } from '../../server/src/core/space/multires';
import { makeRng } from '../../server/src/core/random';
import { cost } from '../../server/src/core/cost';
import { rowToMeasurement } from '../../server/src/core/search/measurementsFile';
import type { Measurement } from '../../server/src/core/search/types';

/** A made-up task: accuracy grows with log FLOPs, plus a code-dependent wobble. */
export function myTop1(code: readonly number[]): number {
  const c = cost(code);
  return 55 + 6 * Math.log(c.flops) + 0.01 * code[1] + 0.5 * Math.sin(code.reduce((a, b, i) => a + b * (i + 1), 0));
}

export function ownRows(n: number, seed: number): { codes: number[][]; text: string } {
  const rand = makeRng(seed);
  const codes = Array.from({ length: n }, () => Array.from(randomCode(rand)));
  const text = codes.map((c) => JSON.stringify({ space: 'multires', code: c, metrics: { mytask: { top1: myTop1(c), top5: myTop1(c) + 15 } }, ok: true, seconds: 60 }) + '\n').join('');
  return { codes, text };
}


/** Measurements of a JSON Lines text (as the server reads a file). */
export function readMeasurementsText(text: string): Measurement[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => rowToMeasurement(JSON.parse(l), `line ${i + 1}`));
}
