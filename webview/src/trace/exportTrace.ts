// A trace as files: JSON (the checked result, every run) and CSV (one row per step of every run).
import type { Budget, PropagationResult, TraceStep } from '../../../server/src/core/propagate/types';
import { codeText, movedText, termLabel } from './model';

/** Every run's steps when the result carries them, else the winning run's. */
export function allSteps(r: PropagationResult): TraceStep[] {
  return r.runTraces && r.runTraces.length > 0 ? r.runTraces.flat() : r.trace;
}

/** A CSV field: quoted when it holds a comma, quote or line break; formula starts neutralised. */
export function csvField(v: string | number | boolean): string {
  let s = String(v);
  // A spreadsheet would run a field starting with = + - @ as a formula; numbers are left alone.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function traceCsv(r: PropagationResult): string {
  const terms = (r.trace[0]?.terms ?? r.resultEval.terms).map(termLabel);
  const head = ['run', 'step', 'moved', ...terms.flatMap((t) => [`${t} mean`, `${t} std`]), 'objective', 'flops_G', 'params_M', 'feasible', 'code'];
  const rows = allSteps(r).map((s) => [
    s.restart,
    s.step,
    movedText(s) === '—' ? '' : movedText(s),
    ...s.terms.flatMap((t) => [t.mean, t.std]),
    s.objective,
    s.flops ?? '',
    s.params ?? '',
    s.feasible,
    codeText(r.space, s.rounded),
  ]);
  return [head, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

export function traceJson(r: PropagationResult, name: string | undefined, budget: Budget | undefined): string {
  return JSON.stringify({ name: name ?? null, budget: budget ?? r.budget, result: r }, null, 1);
}

/** A declaration name for a step (the server makes it unique in the file). */
export function stepName(base: string | undefined, restart: number, step: number): string {
  const clean = (base ?? 'trace').replace(/[^A-Za-z0-9_]/g, '_').replace(/^[^A-Za-z_]/, '_$&').slice(0, 40) || 'trace';
  return `${clean}_run${restart}_step${step}`;
}

/** A file name from a title: letters, digits, '-', '_' only. */
export function fileName(base: string | undefined, suffix: string, ext: string): string {
  const clean = (base ?? 'ncp').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-]+|[-]+$/g, '').slice(0, 50) || 'ncp';
  return `${clean}-${suffix}.${ext}`;
}
