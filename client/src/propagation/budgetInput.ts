// The FLOPs budget a user types (G multiply-accumulates): parsed and checked here, without VS Code,
// so the input box's validation and its tests share one rule.

/** Largest budget accepted: far above any network of the space (its largest is about 30 G). */
export const MAX_BUDGET_G = 1000;

/** `v` rounded up to `digits` significant digits (a minimum shown this way is itself accepted). */
function ceilSignificant(v: number, digits: number): number {
  if (!(v > 0)) return v;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(v)));
  return Number((Math.ceil(v * scale - 1e-9) / scale).toPrecision(digits));
}

/**
 * The budget in G, or an error message for the input box. Accepts "2.5", "2.5G", "2.5 GMACs",
 * "2500M". `minimumG`: the exact FLOPs of the smallest network the server knows (ncp/budgetLimits);
 * a smaller budget cannot be met and is refused here, before a run.
 */
export function parseBudget(text: string, minimumG?: number): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Type a budget in G multiply-accumulates, e.g. 2.5' };
  const m = /^([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(g|m)?(?:macs?|flops)?$/i.exec(t);
  if (!m) return { ok: false, message: `'${t}' is not a number of G multiply-accumulates (e.g. 2.5 or 2500M)` };
  let v = Number(m[1]);
  if (m[2]?.toLowerCase() === 'm') v /= 1000;
  if (!Number.isFinite(v) || v <= 0) return { ok: false, message: 'The budget must be more than 0 G' };
  if (v > MAX_BUDGET_G) return { ok: false, message: `The budget must be at most ${MAX_BUDGET_G} G` };
  if (minimumG !== undefined && Number.isFinite(minimumG) && v < minimumG) {
    const exact = Number(minimumG.toPrecision(5));
    return { ok: false, message: `The budget must be at least ${ceilSignificant(minimumG, 4)} G: the smallest network of the benchmark's range needs ${exact} G` };
  }
  return { ok: true, value: v };
}
