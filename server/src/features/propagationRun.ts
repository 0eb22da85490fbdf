// Running propagations in the language server: the commands behind the propagation code actions
// and code lenses, and the `ncp/trace` request. A run reports LSP work-done progress, is cancelled
// by any edit of its document (or by the user through the progress UI), and applies its result
// with workspace/applyEdit as a new declaration under its source — never to a changed document.
import type { WorkspaceEdit } from 'vscode-languageserver';
import { propagate, PropagationCancelled, PropagationError, type PropagationResult } from '../core/propagate';
import { resultBlock, resultJson } from '../core/propagate/format';
import type { PredictorSet } from '../core/predict/types';
import { activeCatalogue, resolveSetting } from '../core/settings';
import type { CommandHandler, RequestHandler, ServerServices } from './extensions';
import type { FeatureContext } from './context';
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
export const TRACE_REQUEST = 'ncp/trace';

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
}

interface StoredTrace {
  uri: string;
  key: string;
  source: string;
  json: ReturnType<typeof resultJson>;
}

/** The last trace of each propagation (per document and propagation name), for `ncp/trace` and the lens. */
const traces = new Map<string, StoredTrace>();
const running = new Map<string, AbortController>();

export function traceKey(uri: string, name: string): string {
  return `${uri}#${name}`;
}

export function hasTrace(uri: string, name: string): boolean {
  return traces.has(traceKey(uri, name));
}

function defaultsOf(ctx: FeatureContext): PropagationDefaults {
  const p = ctx.settings.propagation;
  return { lambda: p.lambda, strategy: p.strategy, steps: p.steps };
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Runs one propagation for a document version and writes the result under `after` (a source
 * declaration's end offset). Cancelled by an edit of the document; the edit is only applied to
 * the version the run started from.
 */
async function run(
  services: ServerServices,
  ctx: FeatureContext,
  key: string,
  source: string,
  sourceEnd: number,
  options: PropagationOptionsNoRun,
  title: string,
): Promise<RunOutcome> {
  const { connection } = services;
  const uri = ctx.uri;
  const version = ctx.doc.version;
  running.get(key)?.abort();
  const abort = new AbortController();
  running.set(key, abort);
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin(title, 0, 'loading the predictors…', true);
  progress?.token.onCancellationRequested(() => abort.abort());
  // Any edit of the document cancels the run: its result would land in a text it was not computed for.
  const changed = () => services.contextFor(uri)?.doc.version !== version;
  const watch = setInterval(() => {
    if (changed()) abort.abort();
  }, 10);
  try {
    let set: PredictorSet;
    try {
      // The prediction service's set: one copy, from initializationOptions.modelsDir when given.
      set = await services.predictions.predictorSet(ctx.settings.predictor.backend);
    } catch (e) {
      const reason = `the predictors could not be loaded: ${(e as Error).message}`;
      void connection.window.showErrorMessage(`NCP: ${reason}`);
      return { applied: false, reason };
    }
    if (abort.signal.aborted || changed()) return { applied: false, reason: 'cancelled: the document changed' };
    let last = -1;
    const result: PropagationResult = await propagate(
      {
        ...options,
        signal: abort.signal,
        onProgress: (p) => {
          const pct = Math.floor((100 * (p.restart * p.steps + p.step)) / Math.max(1, p.restarts * p.steps));
          if (pct !== last) {
            last = pct;
            progress?.report(pct, `run ${p.restart + 1}/${p.restarts}, step ${p.step}/${p.steps}, objective ${p.best.toFixed(2)}`);
          }
        },
      },
      (s) => set.get(s),
    );
    if (abort.signal.aborted || changed()) return { applied: false, reason: 'cancelled: the document changed' };
    const now = services.contextFor(uri);
    if (!now) return { applied: false, reason: 'the document was closed' };
    const name = freshName(now.analysis.ast, `${source}_${resultTask(options.objective)}`);
    const text = resultBlock(result, name, source, languagePrinter);
    const pos = now.doc.positionAt(sourceEnd);
    const edit: WorkspaceEdit = { changes: { [uri]: [{ range: { start: pos, end: pos }, newText: `\n\n${text}` }] } };
    traces.set(key, { uri, key, source, json: resultJson(result, { name, source }) });
    const applied = await connection.workspace.applyEdit({ label: title, edit }).catch(() => undefined);
    // A client that does not answer applyEdit (some test clients) still gets the edit in the result.
    const ok = applied?.applied ?? false;
    return { applied: ok, name, traceKey: key, edit, ...(ok ? {} : { reason: applied?.failureReason ?? 'the client did not apply the edit' }) };
  } catch (e) {
    if (e instanceof PropagationCancelled) return { applied: false, reason: changed() ? 'cancelled: the document changed' : 'cancelled' };
    if (e instanceof PropagationError) {
      void connection.window.showErrorMessage(`NCP: ${e.message}`);
      return { applied: false, reason: e.message };
    }
    throw e;
  } finally {
    clearInterval(watch);
    if (running.get(key) === abort) running.delete(key);
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
    if (isProblem(req)) {
      void services.connection.window.showErrorMessage(`NCP: ${req.message}`);
      return { applied: false, reason: req.message };
    }
    return run(services, ctx, traceKey(uri, req.name), req.source, req.sourceDecl.range.endOffset, req.options, `Propagating ${req.source} (${req.name})`);
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
    const { a, uri, ctx, net, code } = target;
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
    return run(services, ctx, traceKey(uri, `${net.name}->${info.task}`), net.name, net.range.endOffset, options, `Propagating ${net.name} to ${info.task}`);
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
    const { a, uri, ctx, net, code } = target;
    const budget = typeof a.budget === 'number' ? a.budget : ctx.settings.propagation.defaultBudget;
    if (budget === null || !(budget > 0)) {
      const reason = 'no FLOPs budget: pass one to the command or set ncp.propagation.defaultBudget (G multiply-accumulates)';
      void services.connection.window.showErrorMessage(`NCP: ${reason}`);
      return { applied: false, reason };
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
    return run(services, ctx, traceKey(uri, `${net.name}->budget`), net.name, net.range.endOffset, options, `Fitting ${net.name} into ${budget} G MACs`);
  },
};

/** `ncp/trace {uri, name}` → the last trace of that propagation (the CLI's --json object), or null. */
const traceRequest: RequestHandler = {
  method: TRACE_REQUEST,
  handle(params) {
    const p = rec(params);
    const key = typeof p.key === 'string' ? p.key : traceKey(String(p.uri ?? ''), String(p.name ?? ''));
    return traces.get(key)?.json ?? null;
  },
};

export const propagationCommands: CommandHandler[] = [runBlock, propagateNetwork, fitBudget];
export const propagationRequests: RequestHandler[] = [traceRequest];
