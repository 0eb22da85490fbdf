// "▶ Run search" on a search block that names `measure "CMD"`: the measuring loop of `ncprop search
// --measure CMD --out FILE --resume` (core/search/measure/measuredSearch.ts) with the block's
// objective, budgets, seed, `jobs`, `retries`, `slurm` and `batch` (networks measured per run). Only in a trusted
// workspace (the client says so in initializationOptions.trusted; it runs the user's command).
// Measurements are appended to the block's file as they arrive; work-done progress every second
// (running, queued, done, failed) whose Cancel — or `ncp.stopSearch` — stops every running
// measurement's process group; whole lines only, so a stopped search leaves the file consistent.
import { dirname } from 'node:path';
import type { CodeLens } from 'vscode-languageserver';
import { activeCatalogue } from '../../core/settings';
import { budgeting, objectiveValue } from '../../core/search/loop';
import { runMeasuredSearch } from '../../core/search/measure/measuredSearch';
import { CommandBrokenError } from '../../core/search/measure/runner';
import { SlurmBackend, splitArgs } from '../../core/search/measure/slurm';
import { MeasurementsFormatError } from '../../core/search/measurementsFile';
import { SearchCancelled, SearchError } from '../../core/search/types';
import type { FeatureContext } from '../documents/context';
import { lspRange } from '../documents/util';
import type { CommandHandler, ServerServices } from '../protocol';
import { searchDecls, searchSpec } from './searchBlock';
import { editorPrior } from './editorPrior';
import { attemptEnded, attemptStarted, runEnded } from './searchRunning';

export const COMMAND_RUN_SEARCH = 'ncp.runSearch';
export const COMMAND_STOP_SEARCH = 'ncp.stopSearch';
/** Seconds per attempt before the command is stopped (as `ncprop search --timeout`'s default). */
export const RUN_TIMEOUT_S = 3600;

let trusted = false;
/** Whether the workspace is trusted (from the client at initialize; false when it says nothing). */
export function setWorkspaceTrusted(t: boolean): void {
  trusted = t;
}

export interface RunOutcome {
  ran: boolean;
  measured?: number;
  failed?: number;
  stopped?: boolean;
  reason?: string;
}

const running = new Map<string, AbortController>();

export function runLenses(ctx: FeatureContext): CodeLens[] {
  if (!trusted) return [];
  return searchDecls(ctx.analysis)
    .filter((d) => d.name !== '' && d.measure !== undefined && d.measurements !== undefined)
    .map((d) => ({ range: lspRange(d.keywordRange), command: { title: '▶ Run search', command: COMMAND_RUN_SEARCH, arguments: [{ uri: ctx.uri, name: d.name }] } }));
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

async function run(services: ServerServices, ctx: FeatureContext, name: string): Promise<RunOutcome> {
  const { connection } = services;
  const fail = (reason: string): RunOutcome => {
    void connection.window.showErrorMessage(`NCP: ${reason}`);
    return { ran: false, reason };
  };
  if (!trusted) return fail(`Run search runs the block's measuring command: trust this workspace first (Restricted Mode)`);
  const spec = searchSpec(ctx.analysis, ctx.uri, name, ctx.settings.propagation.lambda);
  if ('problem' in spec) return fail(spec.problem);
  const command = spec.decl.measure;
  if (command === undefined) return fail(`search '${name}' names no measure "CMD" to run`);
  if (!spec.path) return fail(`search '${name}' needs a measurements "FILE" to append the measurements to`);
  const key = `${ctx.uri}#${name}`;
  if (running.has(key)) return fail(`search '${name}' is already running (stop it first)`);
  const out = spec.path;
  const abort = new AbortController();
  running.set(key, abort);
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin(`Search ${name}`, undefined, 'starting…', true);
  progress?.token.onCancellationRequested(() => abort.abort());
  const t0 = Date.now();
  const b = budgeting(spec.space, { flopsMax: spec.flopsMax, paramsMax: spec.paramsMax, cost: spec.cost });
  let live = 0;
  let done = 0;
  let failed = 0;
  let queued = 0;
  let best: number | undefined;
  const report = (): void => {
    const parts = [`${live} running`, `${queued} queued`, `${done} done`, `${failed} failed`];
    if (best !== undefined) parts.push(`best ${Number(best.toPrecision(4))}`);
    progress?.report(`${parts.join(', ')} (${Math.round((Date.now() - t0) / 1000)} s)`);
  };
  const ticker = setInterval(report, 1000);
  try {
    // Warm, as `ncprop search`: the loaded predictors are the prior (cold when they do not load).
    const prior = await editorPrior(services, ctx);
    const res = await runMeasuredSearch({
      ...(prior ? { prior } : {}),
      space: spec.space,
      objective: spec.objective,
      catalogue: activeCatalogue(),
      command,
      cwd: dirname(out),
      out,
      more: Math.max(spec.batch, spec.decl.options.jobs ?? 1),
      jobs: spec.decl.options.jobs ?? 1,
      timeout: RUN_TIMEOUT_S,
      retries: spec.decl.options.retries ?? 0,
      // The analysis checked the arguments (a `bad-value` otherwise, and no `slurm` on the block).
      ...(spec.decl.slurm !== undefined ? { backend: new SlurmBackend({ sbatchArgs: splitArgs(spec.decl.slurm) }) } : {}),
      lambda: spec.lambda,
      flopsMax: spec.flopsMax,
      paramsMax: spec.paramsMax,
      ...(spec.cost ? { cost: spec.cost } : {}),
      seed: spec.seed,
      signal: abort.signal,
      onProgress: (p) => {
        queued = Math.max(0, p.queries - p.measured - live);
      },
      onAttempt: (e) => {
        if (e.phase === 'start') {
          live++;
          attemptStarted(out, name, spec.space, e.point, e.attempt);
        } else {
          live = Math.max(0, live - 1);
          attemptEnded(out, spec.space, e.point);
        }
      },
      onMeasurement: (m) => {
        if (m.ok) done++;
        else failed++;
        const v = b.feasible(m.point) ? objectiveValue(m, spec.objective) : undefined;
        if (v !== undefined && (best === undefined || v > best)) best = v;
        report();
      },
    });
    void res;
    return { ran: true, measured: done + failed, failed };
  } catch (e) {
    if (e instanceof SearchCancelled) {
      void connection.window.showInformationMessage(`NCP: search '${name}' stopped; every running measurement was stopped; ${done + failed} measurement(s) of this run are in ${spec.decl.measurements} (the next Run measures the ones cut short first)`);
      return { ran: true, stopped: true, measured: done + failed, failed };
    }
    if (e instanceof CommandBrokenError) return { ...fail(`search '${name}' stopped: ${e.message}`), measured: done + failed, failed };
    if (e instanceof MeasurementsFormatError || e instanceof SearchError) return fail(`search '${name}': ${e.message}`);
    throw e;
  } finally {
    clearInterval(ticker);
    runEnded(out);
    if (running.get(key) === abort) running.delete(key);
    progress?.done();
  }
}

/** `ncp.runSearch {uri, name}`: runs the block's measuring loop (trusted workspaces only). */
export const runSearchCommand: CommandHandler = {
  command: COMMAND_RUN_SEARCH,
  async execute(args, services) {
    const a = rec(args[0]);
    const uri = String(a.uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { ran: false, reason: `no open document ${uri}` };
    return run(services, ctx, String(a.name ?? ''));
  },
};

/** `ncp.stopSearch {uri, name}`: stops a running search (as the progress's Cancel does). */
export const stopSearchCommand: CommandHandler = {
  command: COMMAND_STOP_SEARCH,
  execute(args) {
    const a = rec(args[0]);
    const c = running.get(`${String(a.uri ?? '')}#${String(a.name ?? '')}`);
    c?.abort();
    return { stopped: c !== undefined };
  },
};

/** Stops every running search (the server is shutting down). */
export function stopAllSearches(): void {
  for (const c of running.values()) c.abort();
}
