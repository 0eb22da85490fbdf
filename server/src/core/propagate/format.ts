// Presenting a propagation result: as `.ncp` text (a new network/cell block with the predicted
// change in a comment) and as the JSON object the CLI prints.
import { codeToNetwork } from '../space/multires';
import { cellToString } from '../space/nb201';
import { termLabel } from './objective';
import type { PropagationResult, TermValue, TraceStep } from './types';

const num = (v: number, digits = 2): string => v.toFixed(digits);
const signed = (v: number, digits = 2): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;

/** A structured `network NAME { … }` block, aligned like the examples. */
export function networkBlock(name: string, code: readonly number[]): string {
  const net = codeToNetwork(code);
  const list = (xs: number[]) => `[${xs.join(', ')}]`;
  const rows = net.stages.map((s, i) => [`stage ${i + 1}`, `blocks ${s.blocks}`, `units ${list(s.units)}`, `channels ${list(s.channels)}`]);
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return [
    `network ${name} {`,
    `  ${'stem'.padEnd(w[0])}  ${net.stem[0]} ${net.stem[1]}`,
    ...rows.map((r) => `  ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`),
    `  ${'head'.padEnd(w[0])}  ${net.head}`,
    '}',
  ].join('\n');
}

/** One line per objective term, e.g. `seg.mIoU 61.20 → 64.85 (+3.65)`, and the exact cost change. */
export function changeSummary(r: PropagationResult): string[] {
  const lines = r.resultEval.terms.map((t, i) => {
    const a = r.startEval.terms[i].mean;
    return `${termLabel(t)} ${num(a)} → ${num(t.mean)} ± ${num(t.std)} (${signed(t.mean - a)}) predicted`;
  });
  const s = r.startEval;
  const e = r.resultEval;
  if (s.flops !== undefined && e.flops !== undefined && s.params !== undefined && e.params !== undefined) {
    lines.push(`FLOPs ${num(s.flops, 3)} → ${num(e.flops, 3)} G MACs (${signed(e.flops - s.flops, 3)}), params ${num(s.params)} → ${num(e.params)} M (${signed(e.params - s.params)}), exact`);
  }
  return lines;
}

/** Prints a declaration: a network block (multires) or a cell (nb201). The language's printer can stand in. */
export type DeclarationPrinter = (space: 'multires' | 'nb201', name: string, point: readonly number[]) => string;

export const defaultPrinter: DeclarationPrinter = (space, name, point) =>
  space === 'multires' ? networkBlock(name, point) : `cell ${name} = "${cellToString(point)}"`;

/** The result as a `.ncp` declaration with a comment saying where it came from and what changed. */
export function resultBlock(r: PropagationResult, name: string, source: string, print: DeclarationPrinter = defaultPrinter): string {
  const steps = r.trace.length - 1;
  const how = `${r.strategy}, ${steps} step${steps === 1 ? '' : 's'}${r.runs.length > 1 ? `, best of ${r.runs.length} runs` : ''}`;
  // The notes say what the run did to its start (moved into the benchmark's range, shrunk into the budget).
  const comment = [`// propagated from ${source} (${how})`, ...r.notes.map((n) => `// note: ${n}`), ...changeSummary(r).map((l) => `// ${l}`)];
  return [...comment, print(r.space, name, r.result)].join('\n');
}

function termsJson(terms: readonly TermValue[]) {
  return terms.map((t) => ({ term: termLabel(t), setting: t.setting, metric: t.metric, weight: t.weight, mean: t.mean, std: t.std }));
}

function stepJson(s: TraceStep, space: 'multires' | 'nb201') {
  return {
    restart: s.restart,
    step: s.step,
    continuous: s.continuous,
    rounded: space === 'nb201' ? cellToString(s.rounded) : s.rounded,
    predicted: termsJson(s.terms),
    objective: s.objective,
    ...(s.flops !== undefined ? { flops: s.flops, params: s.params } : {}),
    ...(s.moved ? { moved: s.moved } : {}),
    ...(s.repaired ? { repaired: s.repaired } : {}),
  };
}

/** The CLI's JSON object: start, result (27 integers or the cell string), predictions, cost, trace. */
export function resultJson(r: PropagationResult, extra: Record<string, unknown> = {}) {
  const point = (p: number[]) => (r.space === 'nb201' ? cellToString(p) : p);
  return {
    ...extra,
    strategy: r.strategy,
    start: point(r.snappedStart),
    result: point(r.result),
    predicted: r.resultEval.terms.map((t, i) => ({
      term: termLabel(t),
      start: r.startEval.terms[i].mean,
      startStd: r.startEval.terms[i].std,
      result: t.mean,
      resultStd: t.std,
    })),
    objective: { start: r.startEval.objective, result: r.resultEval.objective },
    ...(r.resultEval.flops !== undefined
      ? { flops: { start: r.startEval.flops, result: r.resultEval.flops }, params: { start: r.startEval.params, result: r.resultEval.params } }
      : {}),
    runs: r.runs.map((run) => ({ ...run, start: point(run.start), result: point(run.result) })),
    bestRestart: r.bestRestart,
    stopReason: r.stopReason,
    notes: r.notes,
    budget: r.budget,
    lambda: r.lambda,
    trace: r.trace.map((s) => stepJson(s, r.space)),
    // Every run's steps (the code trace view lets the user pick a run), only when there are several.
    ...(r.runTraces && r.runTraces.length > 1 ? { runTraces: r.runTraces.map((t) => t.map((s) => stepJson(s, r.space))) } : {}),
  };
}

/** A short human trace: the start, every move (or every changed rounded code), the result. */
export function traceLines(r: PropagationResult, max = 12): string[] {
  const lines: string[] = [];
  const main = (s: TraceStep) => s.terms.map((t) => `${termLabel(t)} ${num(t.mean)}`).join(', ');
  const cost = (s: TraceStep) => (s.flops !== undefined ? `, ${num(s.flops, 3)} G MACs` : '');
  let prev: number[] | undefined;
  const rows: string[] = [];
  for (const s of r.trace) {
    if (prev && s.rounded.every((v, i) => v === prev![i])) continue;
    prev = s.rounded;
    const start = s.restart === 0 ? 'start' : `start (perturbed copy ${s.restart} of the start)`;
    const what = s.moved ? `${s.moved.name} ${s.moved.from}→${s.moved.to}` : s.step === 0 ? start : 'rounded code changed';
    rows.push(`step ${String(s.step).padStart(3)}: ${what}: ${main(s)}${cost(s)}`);
  }
  if (rows.length <= max) lines.push(...rows);
  else lines.push(...rows.slice(0, max / 2), `… ${rows.length - max} more …`, ...rows.slice(-max / 2));
  return lines;
}
