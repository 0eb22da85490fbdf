// Messages between the trace webview and its VS Code host, and the checks both sides run on what
// they receive: a webview is a separate origin, so neither side trusts the other's shapes.
// No DOM and no vscode imports: the panel (client/src/propagation/tracePanel.ts) and node tests use this too.
import type { Budget, Evaluation, PropagationResult, RunSummary, TermValue, TraceStep } from '../../server/src/core/propagate/types';
import { parseCellString } from '../../server/src/core/space/nb201';
import { checkActionMessage, type ActionMessage } from './messages';
import { LIMITS } from '../../server/src/core/limits';
import { RUN_TRACES_LIMIT } from '../../server/src/core/propagate/types';

/** What the trace view shows: the server's last result of one propagation (null: none yet). */
export interface TracePayload {
  result: PropagationResult | null;
  /** The propagation block's name, for the title. */
  name?: string;
  /** The block's budget (the result itself does not carry it); drawn as a dashed line. */
  budget?: Budget;
  /** The file the run belongs to, as the workspace names it (the view says which file it shows). */
  file?: string;
}

export type HostMessage = { type: 'trace' } & TracePayload;

/** `reveal.step` indexes every run's steps in order (trace/exportTrace.ts allSteps). */
export type WebviewMessage = { type: 'ready' } | { type: 'reveal'; step: number } | ActionMessage;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

type Obj = Record<string, unknown>;

class ShapeError extends Error {}

function obj(v: unknown, at: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${at} is not an object`);
  return v as Obj;
}
function num(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${at} is not a finite number`);
  return v;
}
function optNum(v: unknown, at: string): number | undefined {
  return v === undefined ? undefined : num(v, at);
}
function int(v: unknown, at: string): number {
  const n = num(v, at);
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`${at} is not a non-negative integer`);
  return n;
}
function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new ShapeError(`${at} is not a string`);
  return v;
}
function bool(v: unknown, at: string): boolean {
  if (typeof v !== 'boolean') throw new ShapeError(`${at} is not true or false`);
  return v;
}
function arr(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new ShapeError(`${at} is not a list`);
  return v;
}
function nums(v: unknown, at: string): number[] {
  return arr(v, at).map((x, i) => num(x, `${at}[${i}]`));
}
function oneOf<T extends string>(v: unknown, options: readonly T[], at: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new ShapeError(`${at} must be one of ${options.map((o) => `'${o}'`).join(', ')}`);
  }
  return v as T;
}

/** Limits on what a message may hold: a view draws every step, so a runaway payload is refused. */
export const MAX_RUNS = RUN_TRACES_LIMIT.runs;
export const MAX_STEPS = LIMITS.steps + 1;
/** Steps of every run together (the engine keeps every run's steps only up to this). */
export const MAX_RUN_STEPS = RUN_TRACES_LIMIT.steps;

function limited<T>(list: T[], max: number, at: string): T[] {
  if (list.length > max) throw new ShapeError(`${at} has ${list.length} entries (at most ${max})`);
  return list;
}

function term(v: unknown, at: string): TermValue {
  const o = obj(v, at);
  return {
    weight: num(o.weight, `${at}.weight`),
    setting: str(o.setting, `${at}.setting`),
    metric: str(o.metric, `${at}.metric`),
    mean: num(o.mean, `${at}.mean`),
    std: num(o.std, `${at}.std`),
  };
}

function evaluation(v: unknown, at: string): Evaluation {
  const o = obj(v, at);
  const e: Evaluation = {
    terms: arr(o.terms, `${at}.terms`).map((t, i) => term(t, `${at}.terms[${i}]`)),
    objective: num(o.objective, `${at}.objective`),
    feasible: bool(o.feasible, `${at}.feasible`),
  };
  const flops = optNum(o.flops, `${at}.flops`);
  const params = optNum(o.params, `${at}.params`);
  if (flops !== undefined) e.flops = flops;
  if (params !== undefined) e.params = params;
  return e;
}

function step(v: unknown, at: string): TraceStep {
  const o = obj(v, at);
  const s: TraceStep = {
    ...evaluation(o, at),
    restart: int(o.restart, `${at}.restart`),
    step: int(o.step, `${at}.step`),
    continuous: nums(o.continuous, `${at}.continuous`),
    rounded: nums(o.rounded, `${at}.rounded`),
  };
  if (o.moved !== undefined) {
    const m = obj(o.moved, `${at}.moved`);
    const endpoint = (x: unknown, where: string) => (typeof x === 'string' ? x : num(x, where));
    s.moved = {
      index: int(m.index, `${at}.moved.index`),
      name: str(m.name, `${at}.moved.name`),
      from: endpoint(m.from, `${at}.moved.from`),
      to: endpoint(m.to, `${at}.moved.to`),
    };
  }
  if (o.repaired !== undefined) s.repaired = int(o.repaired, `${at}.repaired`);
  return s;
}

function run(v: unknown, at: string): RunSummary {
  const o = obj(v, at);
  return {
    restart: int(o.restart, `${at}.restart`),
    start: nums(o.start, `${at}.start`),
    result: nums(o.result, `${at}.result`),
    objective: num(o.objective, `${at}.objective`),
    bestStep: int(o.bestStep, `${at}.bestStep`),
    steps: int(o.steps, `${at}.steps`),
  };
}

function codeOf(v: unknown, at: string, space: PropagationResult['space']): number[] {
  const code = nums(v, at);
  const length = space === 'multires' ? 27 : 6;
  if (code.length !== length || !code.every(Number.isInteger)) throw new ShapeError(`${at} is not ${length} integers`);
  return code;
}

function budgetOf(v: unknown, at: string): Budget | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, at);
  const b: Budget = {};
  const f = optNum(o.flopsMax, `${at}.flopsMax`);
  const p = optNum(o.paramsMax, `${at}.paramsMax`);
  if (f !== undefined) b.flopsMax = f;
  if (p !== undefined) b.paramsMax = p;
  return b;
}

/** Checks a PropagationResult field by field; copies only the known fields. */
export function checkResult(v: unknown, at = 'result'): Checked<PropagationResult> {
  try {
    const o = obj(v, at);
    const space = oneOf(o.space, ['multires', 'nb201'] as const, `${at}.space`);
    const result: PropagationResult = {
      space,
      strategy: oneOf(o.strategy, ['continuous', 'winner-takes-all'] as const, `${at}.strategy`),
      start: codeOf(o.start, `${at}.start`, space),
      snappedStart: codeOf(o.snappedStart, `${at}.snappedStart`, space),
      startEval: evaluation(o.startEval, `${at}.startEval`),
      result: codeOf(o.result, `${at}.result`, space),
      resultEval: evaluation(o.resultEval, `${at}.resultEval`),
      bestRestart: int(o.bestRestart, `${at}.bestRestart`),
      runs: arr(o.runs, `${at}.runs`).map((r, i) => run(r, `${at}.runs[${i}]`)),
      trace: limited(arr(o.trace, `${at}.trace`), MAX_STEPS, `${at}.trace`).map((s, i) => step(s, `${at}.trace[${i}]`)),
      stopReason: oneOf(o.stopReason, ['steps', 'converged'] as const, `${at}.stopReason`),
      notes: arr(o.notes, `${at}.notes`).map((n, i) => str(n, `${at}.notes[${i}]`)),
      budget: budgetOf(o.budget, `${at}.budget`) ?? {},
      lambda: optNum(o.lambda, `${at}.lambda`) ?? 0,
    };
    const shapeOfSteps = (steps: TraceStep[], where: string) =>
      steps.forEach((t, i) => {
        codeOf(t.rounded, `${where}[${i}].rounded`, space);
        // Cells: 30 relaxed weights (continuous) or the 6 op indices themselves (winner-takes-all).
        const ok = space === 'multires' ? t.continuous.length === 27 : t.continuous.length === 30 || t.continuous.length === 6;
        if (!ok) throw new ShapeError(`${where}[${i}].continuous is not ${space === 'multires' ? '27' : '30 or 6'} numbers`);
        if (t.moved && t.moved.index >= (space === 'multires' ? 27 : 6)) throw new ShapeError(`${where}[${i}].moved.index is out of range`);
      });
    shapeOfSteps(result.trace, `${at}.trace`);
    if (o.runTraces !== undefined) {
      result.runTraces = limited(arr(o.runTraces, `${at}.runTraces`), MAX_RUNS, `${at}.runTraces`).map((run, r) =>
        limited(arr(run, `${at}.runTraces[${r}]`), MAX_STEPS, `${at}.runTraces[${r}]`).map((s, i) => step(s, `${at}.runTraces[${r}][${i}]`)),
      );
      if (result.runTraces.some((t, r) => t.some((s) => s.restart !== r))) throw new ShapeError(`${at}.runTraces: run r must hold steps of restart r`);
      result.runTraces.forEach((t, r) => shapeOfSteps(t, `${at}.runTraces[${r}]`));
      const total = result.runTraces.reduce((n, t) => n + t.length, 0);
      if (total > MAX_RUN_STEPS) throw new ShapeError(`${at}.runTraces holds ${total} steps (at most ${MAX_RUN_STEPS})`);
    }
    return { ok: true, value: result };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * The language server's `ncp/trace` answers with the CLI's `--json` object (core/propagate/format.ts
 * resultJson): cells as strings, terms as labelled predictions, no per-step feasibility. This turns
 * it back into a PropagationResult; feasibility is judged against the budget when one is known.
 */
export function fromResultJson(v: unknown, budget?: Budget, at = 'result'): Checked<PropagationResult> {
  try {
    const o = obj(v, at);
    const space: PropagationResult['space'] = typeof o.start === 'string' ? 'nb201' : 'multires';
    const point = (x: unknown, where: string): number[] => {
      if (space === 'nb201') {
        try {
          return parseCellString(str(x, where));
        } catch (e) {
          throw new ShapeError(`${where}: ${(e as Error).message}`);
        }
      }
      return codeOf(x, where, space);
    };
    const cliStep = (raw: unknown, where: string) => {
      const t = obj(raw, where);
      const terms = arr(t.predicted, `${where}.predicted`).map((x, k) => term(x, `${where}.predicted[${k}]`));
      const flops = optNum(t.flops, `${where}.flops`);
      const params = optNum(t.params, `${where}.params`);
      return step(
        {
          ...t,
          terms,
          rounded: point(t.rounded, `${where}.rounded`),
          feasible: feasibleUnder(budget, flops, params),
        },
        where,
      );
    };
    const steps = arr(o.trace, `${at}.trace`).map((raw, i) => cliStep(raw, `${at}.trace[${i}]`));
    const runTraces = o.runTraces === undefined ? undefined : limited(arr(o.runTraces, `${at}.runTraces`), MAX_RUNS, `${at}.runTraces`).map((run, r) =>
      limited(arr(run, `${at}.runTraces[${r}]`), MAX_STEPS, `${at}.runTraces[${r}]`).map((raw, i) => cliStep(raw, `${at}.runTraces[${r}][${i}]`)),
    );
    // Start and result predictions carry only labels; the steps say which setting/metric/weight.
    const labels = steps[0]?.terms ?? [];
    const predicted = arr(o.predicted, `${at}.predicted`).map((x, i) => {
      const where = `${at}.predicted[${i}]`;
      const p = obj(x, where);
      const label = str(p.term, `${where}.term`);
      const known = labels[i] ?? parseLabel(label, where);
      return { known, start: num(p.start, `${where}.start`), startStd: num(p.startStd, `${where}.startStd`), result: num(p.result, `${where}.result`), resultStd: num(p.resultStd, `${where}.resultStd`) };
    });
    const pair = (x: unknown, where: string) => {
      if (x === undefined) return undefined;
      const p = obj(x, where);
      return { start: num(p.start, `${where}.start`), result: num(p.result, `${where}.result`) };
    };
    const objective = pair(o.objective, `${at}.objective`)!;
    if (!objective) throw new ShapeError(`${at}.objective is not an object`);
    const flops = pair(o.flops, `${at}.flops`);
    const params = pair(o.params, `${at}.params`);
    const evalOf = (which: 'start' | 'result'): Evaluation => ({
      terms: predicted.map((p) => ({
        weight: p.known.weight,
        setting: p.known.setting,
        metric: p.known.metric,
        mean: which === 'start' ? p.start : p.result,
        std: which === 'start' ? p.startStd : p.resultStd,
      })),
      objective: objective[which],
      ...(flops ? { flops: flops[which] } : {}),
      ...(params ? { params: params[which] } : {}),
      feasible: feasibleUnder(budget, flops?.[which], params?.[which]),
    });
    const start = point(o.start, `${at}.start`);
    return checkResult({
      space,
      strategy: o.strategy,
      start,
      snappedStart: start,
      startEval: evalOf('start'),
      result: point(o.result, `${at}.result`),
      resultEval: evalOf('result'),
      bestRestart: o.bestRestart,
      runs: arr(o.runs, `${at}.runs`).map((raw, i) => {
        const r = obj(raw, `${at}.runs[${i}]`);
        return { ...r, start: point(r.start, `${at}.runs[${i}].start`), result: point(r.result, `${at}.runs[${i}].result`) };
      }),
      trace: steps,
      ...(runTraces ? { runTraces } : {}),
      stopReason: o.stopReason,
      notes: o.notes,
      budget: budget ?? o.budget,
      lambda: o.lambda,
    }, at);
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

function feasibleUnder(budget: Budget | undefined, flops: number | undefined, params: number | undefined): boolean {
  if (budget?.flopsMax !== undefined && flops !== undefined && flops > budget.flopsMax) return false;
  if (budget?.paramsMax !== undefined && params !== undefined && params > budget.paramsMax) return false;
  return true;
}

/** `0.5 * seg.mIoU` (core/propagate/objective.ts termLabel) → its parts. */
function parseLabel(label: string, at: string): { weight: number; setting: string; metric: string } {
  const m = /^(?:([-+\d.eE]+) \* )?([^\s.]+(?:\.[^\s.]+)*)\.([^\s.]+)$/.exec(label);
  if (!m) throw new ShapeError(`${at}.term '${label}' is not 'weight * setting.metric'`);
  return { weight: m[1] === undefined ? 1 : num(Number(m[1]), `${at}.term`), setting: m[2], metric: m[3] };
}

/** The payload of a trace message or of the server's `ncp/trace` answer (null: no trace yet). */
export function checkPayload(v: unknown): Checked<TracePayload> {
  try {
    const o = obj(v, 'message');
    const payload: TracePayload = { result: null };
    if (o.name !== undefined) payload.name = str(o.name, 'message.name');
    if (o.file !== undefined) {
      payload.file = str(o.file, 'message.file');
      if (payload.file.length > 1000) throw new ShapeError('message.file is longer than 1000 characters');
    }
    // The result may carry its budget itself (e.g. a server that adds it); the message's wins.
    const budget = budgetOf(o.budget, 'message.budget') ?? (o.result && typeof o.result === 'object' ? budgetOf((o.result as Obj).budget, 'result.budget') : undefined);
    if (budget) payload.budget = budget;
    if (o.result === null || o.result === undefined) return { ok: true, value: payload };
    // A PropagationResult, or the CLI's JSON object (what the language server keeps).
    const cli = typeof o.result === 'object' && Array.isArray((o.result as Obj).predicted);
    const r = cli ? fromResultJson(o.result, budget) : checkResult(o.result);
    if (!r.ok) return r;
    payload.result = r.value;
    return { ok: true, value: payload };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

/** What the webview accepts from the host. */
export function checkHostMessage(v: unknown): Checked<HostMessage> {
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'message is not an object' };
  if ((v as Obj).type !== 'trace') return { ok: false, error: `unknown message type ${JSON.stringify((v as Obj).type) ?? 'undefined'}` };
  const p = checkPayload(v);
  return p.ok ? { ok: true, value: { type: 'trace', ...p.value } } : p;
}

/** What the host accepts from the webview; anything else is dropped. */
export function checkWebviewMessage(v: unknown): Checked<WebviewMessage> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, error: 'message is not an object' };
  const o = v as Obj;
  const keys = Object.keys(o);
  if (o.type === 'ready' && keys.length === 1) return { ok: true, value: { type: 'ready' } };
  if (o.type === 'reveal' && keys.length === 2 && typeof o.step === 'number' && Number.isInteger(o.step) && o.step >= 0 && o.step <= 1e6) {
    return { ok: true, value: { type: 'reveal', step: o.step } };
  }
  if (o.type !== 'ready' && o.type !== 'reveal') {
    const a = checkActionMessage(v);
    if (a.ok) return a;
    return { ok: false, error: `unexpected message from the view (${a.error}): ${JSON.stringify(v).slice(0, 200)}` };
  }
  return { ok: false, error: `unexpected message from the trace view: ${JSON.stringify(v).slice(0, 200)}` };
}

/** The lens passes `{ uri, name, key }`; `(uri, name)` works too (e.g. from other commands). */
export function traceTarget(a: unknown, b: unknown): { uri: string; name: string; key?: string } | undefined {
  if (typeof a === 'string' && typeof b === 'string') return { uri: a, name: b };
  if (a && typeof a === 'object') {
    const o = a as Record<string, unknown>;
    if (typeof o.uri === 'string' && typeof o.name === 'string') {
      return { uri: o.uri, name: o.name, ...(typeof o.key === 'string' ? { key: o.key } : {}) };
    }
  }
  return undefined;
}
