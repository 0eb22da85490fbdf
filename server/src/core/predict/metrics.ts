// Ranking and error measures for `ncp eval` and model selection.
import type { Estimate } from './types';

/** Kendall τ-b (ties handled). O(n²): a few thousand points take milliseconds. */
export function kendallTau(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`kendallTau: lengths differ (${a.length} vs ${b.length})`);
  let concord = 0;
  let discord = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concord++;
      else discord++;
    }
  }
  const denom = Math.sqrt((concord + discord + tiesA) * (concord + discord + tiesB));
  return denom > 0 ? (concord - discord) / denom : 0;
}

/** Ranks with ties given their average rank (1-based). */
function ranks(a: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: a.length }, (_, i) => i).sort((x, y) => a[x] - a[y]);
  const r = new Float64Array(a.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && a[idx[j + 1]] === a[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman ρ: Pearson correlation of the (tie-averaged) ranks. */
export function spearmanRho(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`spearmanRho: lengths differ (${a.length} vs ${b.length})`);
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i] / n;
    mb += rb[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export function meanAbsoluteError(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - truth[i]);
  return pred.length > 0 ? s / pred.length : 0;
}

/** Fraction of true values within ±k spreads of the prediction. */
export function coverage(est: readonly Estimate[], truth: ArrayLike<number>, k: number): number {
  let hit = 0;
  for (let i = 0; i < est.length; i++) if (Math.abs(truth[i] - est[i].mean) <= k * est[i].std) hit++;
  return est.length > 0 ? hit / est.length : 0;
}
