// "Suggest next networks" on a search block: reads its measurements file, fits the ensemble and
// proposes `batch` networks (core/search/suggest.ts, the step `ncp suggest` runs), and writes them
// as declarations after the block, each with a comment giving its predicted value ± spread and
// expected gain. Work-done progress every second; cancelled by the user, by an edit of the block,
// or by the run budget (ncp.run.*); the edit is versioned (documentEdit.ts).
import type { CodeLens } from 'vscode-languageserver';
import { BudgetExceeded, RunBudget } from '../../core/run/budget';
import { suggestNext, type SuggestResult } from '../../core/search/suggest';
import { SearchCancelled } from '../../core/search/types';
import { termLabel } from '../../core/propagate';
import type { NcpDocument } from '../../language/ast';
import type { FeatureContext } from '../documents/context';
import { insertDeclarationAfter } from '../documents/documentEdit';
import type { CommandHandler, ServerServices } from '../protocol';
import { languagePrinter } from '../propagation/propagationRequest';
import { MeasurementsReadError, loadMeasurements, searchDecls, searchSpec, suggestOptionsOf, type SearchSpec } from './searchBlock';
import { lspRange } from '../documents/util';
import { editorPrior } from './editorPrior';

export const COMMAND_SUGGEST = 'ncp.suggestNetworks';
/** Client-side: opens the best-so-far chart (client/src/views/index.ts) from `ncp/searchProgress`. */
export const COMMAND_SHOW_SEARCH_PROGRESS = 'ncp.showSearchProgress';

export interface SuggestOutcome {
  applied: boolean;
  /** Names of the declarations written. */
  names?: string[];
  reason?: string;
  /** Whether the suggestions are random networks (too little data to fit). */
  random?: boolean;
}

export function searchLenses(ctx: FeatureContext): CodeLens[] {
  return searchDecls(ctx.analysis)
    .filter((d) => d.name !== '')
    .flatMap((d) => {
      const range = lspRange(d.keywordRange);
      const arg = { uri: ctx.uri, name: d.name };
      const lenses: CodeLens[] = [{ range, command: { title: '✦ Suggest next networks', command: COMMAND_SUGGEST, arguments: [arg] } }];
      if (d.measurements !== undefined) lenses.push({ range, command: { title: 'Show progress', command: COMMAND_SHOW_SEARCH_PROGRESS, arguments: [arg] } });
      return lenses;
    });
}

const running = new Map<string, AbortController>();

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const f = (v: number): string => Number(v.toPrecision(4)).toString();

/** The declarations to insert, named `<search>_next`, `<search>_next_2`, … (names not yet taken). */
export function blocksText(doc: NcpDocument, spec: SearchSpec, r: SuggestResult, file: string): { text: string; names: string[] } {
  const taken = new Set(doc.declarations.map((d) => d.name));
  const base = `${spec.decl.name}_next`;
  const names: string[] = [];
  const blocks = r.suggestions.map((s) => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    names.push(name);
    const why =
      s.predicted === undefined
        ? `random ${spec.space === 'nb201' ? 'cell' : 'network'} (${r.used} successful measurement${r.used === 1 ? '' : 's'} of ${spec.objective.map(termLabel).join(' + ')} in ${file}: too few to fit)`
        : `predicted ${f(s.predicted)} ± ${f(s.spread ?? 0)}, expected gain ${f(s.expectedGain ?? 0)}`;
    return `// suggested by search ${spec.decl.name}: ${why}\n${languagePrinter(spec.space, name, s.point)}`;
  });
  return { text: blocks.join('\n\n'), names };
}

async function suggest(services: ServerServices, ctx: FeatureContext, spec: SearchSpec): Promise<SuggestOutcome> {
  const { connection } = services;
  const uri = ctx.uri;
  const name = spec.decl.name;
  const blockText = ctx.analysis.text.slice(spec.decl.range.startOffset, spec.decl.range.endOffset);
  const blockChanged = (): boolean => {
    const now = services.contextFor(uri);
    const d = now ? searchDecls(now.analysis).find((x) => x.name === name) : undefined;
    return !d || now!.analysis.text.slice(d.range.startOffset, d.range.endOffset) !== blockText;
  };
  const key = `${uri}#${name}`;
  running.get(key)?.abort();
  const abort = new AbortController();
  running.set(key, abort);
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  const t0 = Date.now();
  let message = 'reading the measurements…';
  progress?.begin(`Suggesting networks (${name})`, 0, message, true);
  progress?.token.onCancellationRequested(() => abort.abort());
  const ticker = setInterval(() => {
    if (blockChanged()) abort.abort();
    progress?.report(`${message} (${Math.round((Date.now() - t0) / 1000)} s)`);
  }, 1000);
  const cancelled = (): SuggestOutcome => ({ applied: false, reason: blockChanged() ? `cancelled: search '${name}' changed while it ran` : 'cancelled' });
  const fail = (reason: string): SuggestOutcome => {
    void connection.window.showErrorMessage(`NCP: ${reason}`);
    return { applied: false, reason };
  };
  try {
    let measurements = spec.path ? loadMeasurements(spec.path) : [];
    const other = measurements.find((m) => m.space !== spec.space);
    if (other) return fail(`${spec.path}: holds ${other.space} measurements, search '${name}' maximizes a ${spec.space} objective`);
    measurements = measurements.slice();
    const budget = new RunBudget(ctx.settings.run);
    // the prior `ncprop suggest` uses by default: the loaded predictors (a setting of one's own
    // reads a transfer model fitted on its measurements); cold when they cannot be loaded
    message = 'loading the predictors…';
    progress?.report(message);
    // yield once so a cancel that arrived with the request is seen
    await new Promise((r) => setImmediate(r));
    if (abort.signal.aborted) return cancelled();
    const prior = await editorPrior(services, ctx);
    if (abort.signal.aborted) return cancelled();
    message = `fitting on ${measurements.length} measurement(s), proposing ${spec.batch}…`;
    progress?.report(message);
    const result = await suggestNext({
      ...suggestOptionsOf(spec, measurements),
      prior,
      signal: abort.signal,
      onTick: () => {
        budget.check();
        if (blockChanged()) abort.abort();
        if (budget.progressDue()) progress?.report(`${message} (${Math.round(budget.elapsedSeconds())} s)`);
      },
    });
    if (abort.signal.aborted || blockChanged()) return cancelled();
    if (result.suggestions.length === 0) return fail(`search '${name}': no unmeasured network within the budget was found`);
    const file = spec.decl.measurements ?? 'no measurements file';
    let names: string[] = [];
    const out = await insertDeclarationAfter(
      services,
      uri,
      ctx.doc.version,
      name,
      (now) => {
        const b = blocksText(now.analysis.ast, spec, result, file);
        names = b.names;
        return b.text;
      },
      `Suggest next networks (${name})`,
    );
    if (!out.applied) return { applied: false, names, reason: out.reason, random: result.random };
    return { applied: true, names, random: result.random };
  } catch (e) {
    if (e instanceof SearchCancelled) return cancelled();
    if (e instanceof MeasurementsReadError || e instanceof BudgetExceeded) return fail(e.message);
    throw e;
  } finally {
    clearInterval(ticker);
    if (running.get(key) === abort) running.delete(key);
    progress?.done();
  }
}

/** `ncp.suggestNetworks {uri, name}`: the next networks of a search block, written after it. */
export const suggestCommand: CommandHandler = {
  command: COMMAND_SUGGEST,
  async execute(args, services) {
    const a = rec(args[0]);
    const uri = String(a.uri ?? '');
    const ctx = services.contextFor(uri);
    if (!ctx) return { applied: false, reason: `no open document ${uri}` };
    const spec = searchSpec(ctx.analysis, uri, String(a.name ?? ''), ctx.settings.propagation.lambda);
    if ('problem' in spec) {
      void services.connection.window.showErrorMessage(`NCP: ${spec.problem}`);
      return { applied: false, reason: spec.problem };
    }
    return suggest(services, ctx, spec);
  },
};
