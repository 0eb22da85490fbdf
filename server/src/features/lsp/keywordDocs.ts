// What each keyword of a propagate block means, for hover: the block's own keyword, its
// statements (`maximize`, `flops`, `steps`, `restarts`, `strategy`, …) and the strategy values.
// Defaults and limits are the ones the language and the engine apply.
import type { Hover } from 'vscode-languageserver';
import type { PropagateDecl } from '../../language/ast';
import { LIMITS } from '../../core/limits';
import { contains, lspRange } from '../documents/util';

const KEYWORD_DOCS: Record<string, string> = {
  propagate:
    '**propagate** NAME **from** NETWORK **{ … }** — moves the network\'s code along the predictors\' gradient towards the objective (`maximize …`), within the budgets (`flops <=`, `params <=`), and writes the result as a new network below its source. Run it with the **▶ Run propagation** code lens, or `ncprop propagate FILE.ncp`.',
  maximize: '**maximize** [WEIGHT *] SETTING[.METRIC] — a term of the objective: the predicted metric (the setting\'s main metric when none is written), weighted. Several terms are summed.',
  flops: '**flops <=** N G — a hard budget on the exact multiply-accumulates (128×128 input): the result always fits it.',
  params: '**params <=** N M — a hard budget on the exact parameter count: the result always fits it.',
  lambda: '**lambda** X — weight of the FLOPs term in the propagation loss (≥ 0; default `ncp.propagation.lambda`, 0.5): larger values trade predicted accuracy for fewer FLOPs.',
  strategy: '**strategy** `winner-takes-all` | `continuous` — how each step moves the code (default `ncp.propagation.strategy`, winner-takes-all).',
  steps: `**steps** N — gradient steps per run (1 to ${LIMITS.steps.toLocaleString('en-US')}; default \`ncp.propagation.steps\`, 70). A run stops earlier when the code stops changing.`,
  lr: '**lr** X — step size of each gradient step (> 0).',
  restarts: `**restarts** N — independent runs (1 to ${LIMITS.restarts}): the first starts from the source network, the others from perturbed copies of it; the best result is written. Default 1.`,
  seed: '**seed** N — seed of the perturbations of the restarts: the same seed gives the same result.',
};

const STRATEGY_DOCS: Record<string, string> = {
  'winner-takes-all': "**winner-takes-all** — each step changes the one code position whose gradient wins (the paper's default).",
  continuous: '**continuous** — each step moves every code position along the gradient, in a relaxed (real-valued) code; the code is rounded onto the benchmark\'s grid at the end.',
};

/** The hover of a keyword or strategy value of a propagate block at `offset`, or undefined. */
export function propagateKeywordHover(d: PropagateDecl, offset: number): Hover | undefined {
  const doc = (text: string | undefined, range: Parameters<typeof lspRange>[0]): Hover | undefined =>
    text === undefined ? undefined : { contents: { kind: 'markdown', value: text }, range: lspRange(range) };
  if (contains(d.keywordRange, offset)) return doc(KEYWORD_DOCS.propagate, d.keywordRange);
  for (const s of d.statements) {
    if (contains(s.keywordRange, offset)) return doc(KEYWORD_DOCS[s.kind], s.keywordRange);
    if (s.kind === 'strategy' && s.value && contains(s.value.range, offset)) return doc(STRATEGY_DOCS[s.value.text], s.value.range);
  }
  return undefined;
}
