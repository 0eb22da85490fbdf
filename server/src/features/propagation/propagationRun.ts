// Running propagations in the language server: the commands behind the propagation code actions
// and code lenses (their traces: propagationTraces.ts). A run reports LSP work-done
// progress at least once a second, stays within its time and memory budget (ncp.run.*), is
// cancelled by an edit of its source (or by the user through the progress UI), keeps its trace
// (the last 20 per document, whichever command ran it) and writes its result as a new declaration
// under its source with a versioned edit (documentEdit.ts) — never at a stale position.
import type { WorkspaceEdit } from 'vscode-languageserver';
import { RunBudget } from '../../core/run/budget';
import { insertDeclarationAfter } from '../documents/documentEdit';
import { forgetTraces, storeTrace, traceKey, traceRequests, TRACE_ADDED_NOTIFICATION } from './propagationTraces';
import { costModelAt, propagate, PropagationCancelled, PropagationError, type PropagationResult } from '../../core/propagate';
import { resultBlock, resultJson } from '../../core/propagate/format';
import type { CostOptions } from '../../core/cost';
import type { PredictorSet } from '../../core/predict/types';
import { activeCatalogue, resolveSetting } from '../../core/settings';
import { ownModelProblem, ownPredictor } from '../documents/ownPredictions';
import type { CommandHandler, RequestHandler, ServerServices } from '../protocol';
import type { FeatureContext } from '../documents/context';
import {
  freshName,
  isProblem,
  languagePrinter,
  requestFor,
  resultTask,
  type PropagationDefaults,
  type PropagationOptionsNoRun,
} from './propagationRequest';

export const COMMAND_RUN_BLOCK = 'ncp.runPropagation';
export const COMMAND_PROPAGATE_NETWORK = 'ncp.propagateNetwork';
export const COMMAND_FIT_BUDGET = 'ncp.fitBudget';
/** Client-side commands (the extension implements them). */
export const COMMAND_SHOW_TRACE = 'ncp.showTrace';
export const COMMAND_COPY = 'ncp.copyToClipboard';
export { hasTrace, traceKey, TRACE_REQUEST, TRACES_REQUEST, TRACE_ADDED_NOTIFICATION } from './propagationTraces';

export interface RunOutcome {
  applied: boolean;
  /** Name of the declaration written (when applied). */
  name?: string;
  /** Why nothing was written: cancelled, the document changed, an error. */
  reason?: string;
  /** Key under which `ncp/trace` serves the trace. */
  traceKey?: string;
  /** The edit sent with workspace/applyEdit (also returned, for clients that apply it themselves). */
  edit?: WorkspaceEdit;
  /** The server already showed the user a message about this failure: the client shows none. */
  notified?: boolean;
}

/** A failure the user is told about once, here: an error message, and an outcome that says so. */
function failed(services: ServerServices, reason: string): RunOutcome {
  void services.connection.window.showErrorMessage(`NCP: ${reason}`);
  return { applied: false, reason, notified: true };
}

const running = new Map<string, AbortController>();
let runCounter = 0;

/** Frees a closed document's traces and stops its runs. */
export function forgetDocument(uri: string): void {
  forgetTraces(uri);
  for (const [key, abort] of running) if (key.startsWith(`${uri}#`)) abort.abort();
}

function defaultsOf(ctx: FeatureContext): PropagationDefaults {
  const p = ctx.settings.propagation;
  return { lambda: p.lambda, strategy: p.strategy, steps: p.steps };
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The source's code in the current document (network code or cell), or undefined when gone or broken. */
function sourceCode(services: ServerServices, uri: string, source: string): string | undefined {
  const d = services.contextFor(uri)?.analysis.ast.declarations.find((x) => (x.kind === 'network' || x.kind === 'cell') && x.name === source);
  if (!d) return undefined;
  const code = d.kind === 'network' ? d.code : d.kind === 'cell' ? d.cell : undefined;
  return code?.join(',');
}

/**
 * Runs one propagation for a document version and writes the result as a new declaration under
 * its source. Edits elsewhere in the document do not stop it: the insertion point is recomputed on
 * the current text (documentEdit.ts). An edit of the source itself cancels it — the result would
 * answer a question no longer asked. Bounded by the run budget (ncp.run.*); progress every second.
 */
async function run(
  services: ServerServices,
  ctx: FeatureContext,
  name: string,
  source: string,
  options: PropagationOptionsNoRun,
  title: string,
  costAt?: CostOptions,
): Promise<RunOutcome> {
  const { connection } = services;
  const uri = ctx.uri;
  const version = ctx.doc.version;
  const runKey = traceKey(uri, name);
  running.get(runKey)?.abort();
  const abort = new AbortController();
  running.set(runKey, abort);
  const startCode = options.start.join(',');
  const sourceChanged = () => sourceCode(services, uri, source) !== startCode;
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  let message = 'loading the predictors…';
  let pct = 0;
  progress?.begin(title, 0, message, true);
  progress?.token.onCancellationRequested(() => abort.abort());
  const t0 = Date.now();
  // At least one report a second, whatever the run is doing (loading predictors, a long step).
  const ticker = setInterval(() => {
    if (sourceChanged()) abort.abort();
    progress?.report(pct, `${message} (${Math.round((Date.now() - t0) / 1000)} s)`);
  }, 1000);
  const watch = setInterval(() => {
    if (sourceChanged()) abort.abort();
  }, 100);
  const cancelled = (): RunOutcome => {
    if (services.contextFor(uri) === undefined) return { applied: false, reason: 'cancelled: the document was closed' };
    return { applied: false, reason: sourceChanged() ? `cancelled: '${source}' changed while it ran` : 'cancelled' };
  };
  try {
    let set: PredictorSet;
    try {
      // The prediction service's set: one copy, from initializationOptions.modelsDir when given.
      set = await services.predictions.predictorSet(ctx.settings.predictor.backend);
    } catch (e) {
      return failed(services, `the predictors could not be loaded: ${(e as Error).message}`);
    }
    if (abort.signal.aborted || sourceChanged()) return cancelled();
    // a setting of one's own whose transfer model is not ready: say why, not "no predictor"
    const notReady = ownModelProblem(ctx, options.objective.map((t) => t.setting));
    if (notReady) return failed(services, notReady);
    const budget = new RunBudget(ctx.settings.run);
    let lastPct = -1;
    const result: PropagationResult = await propagate(
      {
        ...options,
        signal: abort.signal,
        budget,
        onProgress: (p) => {
          pct = Math.floor((100 * (p.restart * p.steps + p.step)) / Math.max(1, p.restarts * p.steps));
          message = `run ${p.restart + 1}/${p.restarts}, step ${p.step}/${p.steps}, objective ${p.best.toFixed(2)}`;
          if (pct !== lastPct || budget.progressDue()) {
            lastPct = pct;
            progress?.report(pct, message);
          }
        },
      },
      // a setting of one's own reads the transfer model fitted on the document's measurements file
      (s) => ownPredictor(ctx, s) ?? set.get(s),
      costModelAt(costAt),
    );
    if (abort.signal.aborted || sourceChanged()) return cancelled();
    const key = `${runKey}#${++runCounter}`;
    let written = '';
    const text = (now: FeatureContext): string => {
      written = freshName(now.analysis.ast, `${source}_${resultTask(options.objective)}`);
      return resultBlock(result, written, source, languagePrinter);
    };
    // The name is fixed by the first attempt; the trace is stored whether or not the editor applies the edit.
    const firstCtx = services.contextFor(uri);
    if (!firstCtx) return { applied: false, reason: 'the document was closed' };
    text(firstCtx);
    storeTrace({
      uri,
      key,
      name,
      result: written,
      source,
      strategy: result.strategy,
      finishedAt: new Date().toISOString(),
      json: resultJson(result, { name: written, source }),
    });
    void connection.sendNotification(TRACE_ADDED_NOTIFICATION, { uri, key, name });
    const out = await insertDeclarationAfter(services, uri, version, source, text, title);
    if (out.applied) return { applied: true, name: written, traceKey: key, edit: out.edit };
    return { applied: false, name: written, traceKey: key, edit: out.edit, reason: out.reason };
  } catch (e) {
    if (e instanceof PropagationCancelled) return cancelled();
    if (e instanceof PropagationError) return failed(services, e.message);
    throw e;
  } finally {
    clearInterval(ticker);
    clearInterval(watch);
    if (running.get(runKey) === abort) running.delete(runKey);
    progress?.done();
  }
}

/** `ncp.runPropagation {uri, name}`: runs a propagate block of the document. */
const runBlock: CommandHandler = {
  command: COMMAND_RUN_BLOCK,
  async execute(args, services) {
    const a = rec(args[0]);
    const uri = String(a.uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { applied: false, reason: `no open document ${uri}` };
    const decl = ctx.analysis.propagations.find((p) => p.name === a.name);
    if (!decl) return { applied: false, reason: `no propagate block '${String(a.name)}'` };
    const req = requestFor(ctx.analysis.ast, ctx.analysis.diagnostics, decl, defaultsOf(ctx));
    if (isProblem(req)) return failed(services, req.message);
    return run(services, ctx, req.name, req.source, req.options, `Propagating ${req.source} (${req.name})`, req.cost);
  },
};

/** The `{uri, network}` argument of a network's command: its document and its valid code. */
function networkArgument(args: unknown[], services: ServerServices) {
  const a = rec(args[0]);
  const uri = String(a.uri ?? '');
  const ctx = services.contextFor(uri);
  if (!ctx) return { reason: `no open document ${uri}` };
  const net = ctx.analysis.networks.get(String(a.network));
  if (!net?.code) return { reason: `no valid network '${String(a.network)}'` };
  return { a, uri, ctx, net, code: net.code };
}

/** `ncp.propagateNetwork {uri, network, to}`: propagates a network towards a task's main setting. */
const propagateNetwork: CommandHandler = {
  command: COMMAND_PROPAGATE_NETWORK,
  async execute(args, services) {
    const target = networkArgument(args, services);
    if ('reason' in target) return { applied: false, reason: target.reason };
    const { a, ctx, net, code } = target;
    const to = String(a.to ?? '');
    const info = resolveSetting(to);
    if (!info || info.space !== 'multires') return { applied: false, reason: `unknown task '${to}' (use ${activeCatalogue().tasks().map(([t]) => t).join(', ')})` };
    const d = defaultsOf(ctx);
    const options: PropagationOptionsNoRun = {
      space: 'multires',
      start: code,
      objective: [{ weight: 1, setting: info.name, metric: info.metrics[0] }],
      lambda: d.lambda,
      strategy: d.strategy,
      steps: d.steps,
    };
    return run(services, ctx, `${net.name}->${info.task}`, net.name, options, `Propagating ${net.name} to ${info.task}`);
  },
};

/**
 * `ncp.fitBudget {uri, network, budget?}`: the best network within `budget` G MACs (else the
 * setting ncp.propagation.defaultBudget) for the settings the hints show, starting from this one.
 */
const fitBudget: CommandHandler = {
  command: COMMAND_FIT_BUDGET,
  async execute(args, services) {
    const target = networkArgument(args, services);
    if ('reason' in target) return { applied: false, reason: target.reason };
    const { a, ctx, net, code } = target;
    if (a.budget !== undefined && a.budget !== null && !(typeof a.budget === 'number' && Number.isFinite(a.budget) && a.budget > 0)) {
      return failed(services, `the FLOPs budget must be a number of G multiply-accumulates > 0, got ${JSON.stringify(a.budget)}`);
    }
    const budget = typeof a.budget === 'number' ? a.budget : ctx.settings.propagation.defaultBudget;
    if (budget === null || !(budget > 0)) {
      return failed(services, 'no FLOPs budget: pass one to the command or set ncp.propagation.defaultBudget (G multiply-accumulates)');
    }
    const settings = ctx.settings.hints.settings.map((s) => resolveSetting(s)).filter((s) => s !== undefined && s.space === 'multires');
    const targets = settings.length > 0 ? settings : [resolveSetting('seg')!];
    const d = defaultsOf(ctx);
    const options: PropagationOptionsNoRun = {
      space: 'multires',
      start: code,
      objective: targets.map((s) => ({ weight: 1 / targets.length, setting: s!.name, metric: s!.metrics[0] })),
      flopsMax: budget,
      lambda: 0,
      strategy: d.strategy,
      steps: d.steps,
    };
    return run(services, ctx, `${net.name}->budget`, net.name, options, `Fitting ${net.name} into ${budget} G MACs`);
  },
};

export const propagationCommands: CommandHandler[] = [runBlock, propagateNetwork, fitBudget];
export const propagationRequests: RequestHandler[] = traceRequests;
