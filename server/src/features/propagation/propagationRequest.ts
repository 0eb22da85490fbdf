// From a parsed `.ncp` document to engine requests: one per `propagate` block, with its source
// network or cell resolved and unset options taken from the defaults (the editor's settings).
// Shared by `ncp propagate FILE.ncp` and the language server; no LSP imports.
import type { CellDecl, NcpDocument, NetworkDecl, PropagateDecl, Range } from '../../language/ast';
import type { NcpDiagnostic } from '../../language/diagnostics';
import type { ObjectiveTerm, PropagationOptions, Strategy } from '../../core/propagate/types';
import type { DeclarationPrinter } from '../../core/propagate/format';
import { resolveSetting } from '../../core/settings';
import type { CostOptions } from '../../core/cost';
import { printCell, printNetwork } from '../../language/print';

export interface PropagationDefaults {
  lambda: number;
  strategy: Strategy;
  steps: number;
}

export const BUILTIN_DEFAULTS: PropagationDefaults = { lambda: 0.5, strategy: 'winner-takes-all', steps: 70 };

export type PropagationOptionsNoRun = Omit<PropagationOptions, 'signal' | 'onProgress'>;

export interface PropagationRequest {
  name: string;
  source: string;
  sourceDecl: NetworkDecl | CellDecl;
  decl: PropagateDecl;
  options: PropagationOptionsNoRun;
  /** The block's `input …`: the size its budgets count at (absent: 128×128, classification head); give it to costModelAt. */
  cost?: CostOptions;
}

export interface RequestProblem {
  name: string;
  range: Range;
  message: string;
}

function within(r: Range, outer: Range): boolean {
  return r.startOffset >= outer.startOffset && r.endOffset <= outer.endOffset;
}

/** The request of one propagate block, or the reason it cannot run (named and located). */
export function requestFor(
  doc: NcpDocument,
  diagnostics: readonly NcpDiagnostic[],
  decl: PropagateDecl,
  defaults: PropagationDefaults = BUILTIN_DEFAULTS,
): PropagationRequest | RequestProblem {
  const name = decl.name || "(unnamed)";
  const at = (message: string, range: Range = decl.range): RequestProblem => ({ name, range, message: `propagate ${name}: ${message}` });
  const err = diagnostics.find((d) => d.severity === 'error' && within(d.range, decl.range));
  if (err) return at(`${err.message}`, err.range);
  if (!decl.from) return at("no source: write 'propagate NAME from NETWORK {'");
  const source = decl.from.text;
  const src = doc.declarations.find((d): d is NetworkDecl | CellDecl => (d.kind === 'network' || d.kind === 'cell') && d.name === source);
  if (!src) return at(`no network or cell named '${source}'`, decl.from.range);
  let start: number[] | undefined;
  if (src.kind === 'network') start = src.code;
  else start = src.cell;
  if (!start) return at(`'${source}' has errors; fix them first`, decl.from.range);
  const objective = [];
  for (const o of decl.objectives) {
    if (!o.resolvedSetting || !o.resolvedMetric) return at(`objective '${o.setting?.text ?? ''}' is not a known setting/metric`, o.range);
    objective.push({ weight: o.weight, setting: o.resolvedSetting, metric: o.resolvedMetric });
  }
  if (objective.length === 0) return at("nothing to maximise: add e.g. 'maximize seg.mIoU'");
  const opt = decl.options;
  return {
    name,
    source,
    sourceDecl: src,
    decl,
    ...(decl.options.costAt ? { cost: decl.options.costAt } : {}),
    options: {
      space: src.kind === 'network' ? 'multires' : 'nb201',
      start,
      objective,
      flopsMax: decl.flops?.limit,
      paramsMax: decl.params?.limit,
      // Cells have no cost model: the FLOPs term only applies to networks.
      lambda: src.kind === 'network' ? (opt.lambda ?? defaults.lambda) : 0,
      strategy: opt.strategy ?? defaults.strategy,
      steps: opt.steps ?? defaults.steps,
      lr: opt.lr,
      restarts: opt.restarts,
      seed: opt.seed,
    },
  };
}

export function isProblem(r: PropagationRequest | RequestProblem): r is RequestProblem {
  return (r as RequestProblem).message !== undefined;
}

/** A name not yet declared in the document: `base`, else `base_2`, `base_3`, … */
export function freshName(doc: NcpDocument, base: string): string {
  const taken = new Set(doc.declarations.map((d) => d.name).filter((n) => n.length > 0));
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) if (!taken.has(`${base}_${k}`)) return `${base}_${k}`;
}

/**
 * What a result is named after: what its objective optimised — the task of its terms
 * (`segmentation`), or each task in order when it blends several (`segmentation_classification`
 * for 0.5·seg + 0.5·cls-50-1000), never just the first term's.
 */
export function resultTask(objective: readonly ObjectiveTerm[]): string {
  const names: string[] = [];
  for (const t of objective) {
    const info = resolveSetting(t.setting);
    const n = info ? (info.task === 'nb201' ? 'propagated' : info.task) : t.setting.replace(/[^\w]/g, '_');
    if (!names.includes(n)) names.push(n);
  }
  return names.length === 0 ? 'result' : names.join('_');
}

/** Result declarations printed as the formatter prints them. */
export const languagePrinter: DeclarationPrinter = (space, name, point) =>
  space === 'multires' ? printNetwork(name, point, 'structured') : printCell(name, point);
