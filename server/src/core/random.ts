// Seeded randomness shared by training, propagation, benches and tests: the same seed gives the
// same weights, the same propagation and the same generated inputs.

/** mulberry32: small, fast, good enough for shuffles and initialisers. Returns [0, 1). */
export function makeRng(seed: number): () => number {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A derived seed, so that members and settings get independent streams from one user seed. */
export function subSeed(seed: number, ...salt: (number | string)[]): number {
  let h = (seed >>> 0) ^ 0x811c9dc5;
  for (const s of salt) {
    const text = String(s);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, rand: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Splits 0..n-1 into (train, held out) with round(n·fraction) held out, seeded. */
export function splitIndices(n: number, fraction: number, seed: number): { train: number[]; holdout: number[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`holdout fraction must be in [0, 1), got ${fraction}`);
  const p = permutation(n, makeRng(seed));
  const k = Math.round(n * fraction);
  return { holdout: p.slice(0, k).sort((a, b) => a - b), train: p.slice(k).sort((a, b) => a - b) };
}
